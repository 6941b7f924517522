"""Write small real PDFs for the tests (raw PDF syntax, Helvetica, no extra library):
`article.pdf` (two pages, hyphenated line breaks), `columns.pdf` (one page in two
columns) and `scanned.pdf` (a page with no text layer).

    python tests/pdfs/make.py
"""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_stream(columns: list[tuple[int, list[str]]]) -> bytes:
    """Text lines at 14-point spacing, one column per (x, lines)."""
    out = []
    for x, lines in columns:
        out.append(f"BT /F1 11 Tf 14 TL {x} 740 Td")
        for line in lines:
            out.append(f"({_escape(line)}) Tj T*" if line else "T*")
        out.append("ET")
    return "\n".join(out).encode("latin-1")


def write_pdf(path: Path, pages: list[bytes], title: str | None = None) -> None:
    objs: list[bytes] = []
    n_pages = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    font = 3 + 2 * n_pages
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, content in enumerate(pages):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
                    f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode())
        objs.append(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    info = None
    if title:
        objs.append(f"<< /Title ({_escape(title)}) /Author (Port Alder Council) /CreationDate (D:20261002090000Z) >>".encode())
        info = len(objs)
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(data))
        data += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(data)
    data += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    data += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    trailer = f"<< /Size {len(objs) + 1} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    data += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(data))


ARTICLE = [
    ["Harbor Council Minutes", "",
     "The harbor council met on Thursday to discuss the new",
     "breakwater. Engineers said the work would cost four",
     "million dollars and take two years. The council's inves-",
     "tigation into the old pier found rotten pilings under",
     "the fish market."],
    ["The chair, Ruth Adler, said repairs to the pier would",
     "begin in March. The council voted seven to two to bor-",
     "row the money from the state harbor fund."],
]
COLUMNS = [(72, ["The lighthouse keeper retired in", "June after forty years on the", "rock. She trained three keepers."]),
           (330, ["A museum will open in the old", "keeper's cottage next summer,", "the trust said on Monday."])]


def main() -> None:
    write_pdf(HERE / "article.pdf", [_page_stream([(72, p)]) for p in ARTICLE], title="Harbor Council Minutes")
    write_pdf(HERE / "columns.pdf", [_page_stream(COLUMNS)])
    write_pdf(HERE / "scanned.pdf", [b"0 0 1 rg 72 72 200 200 re f"])


if __name__ == "__main__":
    main()
