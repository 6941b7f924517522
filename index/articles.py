"""Load article files into `Article` records with clean text and stable ids.

Formats: .pdf (text per page by pypdf; pages kept as offsets, so citations name
their page; a scan without a text layer is skipped saying so), .txt/.md (title = first line; a repeated title and site boilerplate are
dropped; an optional header block or YAML front matter gives date, source, author
and URL), .html/.htm (main text and metadata by trafilatura, our BeautifulSoup
cleaner when it finds no main text), .json (one object or a list) and .jsonl (one
object a line) with `title`, `text` and optional `id`, `date`, `source`, `author`,
`url` (aliases in index.metadata); JSON text is used as it is. A file that cannot
be used is reported as `Skipped` and loading goes on. Nothing here embeds or indexes.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import unicodedata
from pathlib import Path

from common.hashing import sha256_bytes

from . import metadata
from .records import Article, LoadReport, Skipped

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | PDF_SUFFIXES
MAX_FILE_BYTES = 50_000_000  # larger files are skipped with a message, not loaded

# Lines that are site furniture, not article text (matched after strip, case-insensitive).
BOILERPLATE_LINE = re.compile(
    r"^(comments?|\d+\s+comments?|please let us know if you'?re having issues with commenting\.?"
    r"|advertisement|share this( article| story)?:?|share on (facebook|twitter|x)"
    r"|sign up for our newsletter.*|subscribe( now)?( to our newsletter)?\.?|related( articles| stories| coverage)?:?"
    r"|related( articles| stories| coverage)?: .+|(see also|also read|read more): .+"
    r"|how relevant is this ad to you\??|(photo|image|video|graphic)( credit)?s?: .+|sign up for .*newsletter.*"
    r"|click here to (comment|subscribe).*|all rights reserved\.?|©.*|copyright ©?.*"
    r"|read more:?|follow us on .*|leave a comment\.?|print this (page|article)|email this( article)?)$",
    re.IGNORECASE,
)
# A footer heading after which nothing is article text.
FOOTER_START = re.compile(r"^(comments?|leave a (comment|reply)|related (articles|stories))$", re.I)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def slugify(value: str) -> str:
    """'DEA Meetings (2).txt' -> 'dea-meetings-2'. Letters with no Latin form leave a
    short hash of the whole name behind, so '名前' and '記事' get different ids.

    >>> slugify("Café Opens"), slugify("名前") != slugify("記事"), slugify("名前").startswith("article-")
    ('cafe-opens', True, True)
    """
    folded = unicodedata.normalize("NFKD", value)
    lost = any(unicodedata.category(ch)[0] in "LN" and not ch.isascii() for ch in folded)
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", folded.encode("ascii", "ignore").decode()).strip("-").lower()
    if lost:
        tag = hashlib.sha1(unicodedata.normalize("NFC", value).encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{tag}" if slug else f"article-{tag}"
    return slug or "article"


def file_id(rel: str) -> str:
    """The id a file's articles are known by unless they name one: the slug of its path
    without the suffix ('news/Bridge Closes.txt' -> 'news-bridge-closes')."""
    return slugify(str(Path(rel).with_suffix("")))


def normalize_text(text: str) -> str:
    """NFC, unix newlines, no zero-width or control characters, no trailing spaces,
    at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_ZERO_WIDTH).replace("\u00a0", " ").replace("\t", " ")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _strip_markdown(line: str) -> str:
    line = re.sub(r"^#{1,6}\s+", "", line)
    # links and images -> their text; the address may hold one level of brackets ("wiki/A_(b)")
    # (no "[" inside the text: a line of 30,000 "[" made the search quadratic)
    line = re.sub(r"!?\[([^\[\]]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)", r"\1", line)
    return re.sub(r"(\*\*|__|`)", "", line)


def clean_plain(raw: str, markdown: bool = False) -> tuple[str, str]:
    """Split a plain-text article into (title, body) and drop boilerplate.

    >>> clean_plain("T\\n\\nT\\n\\nBody.\\n\\nCOMMENTS\\n\\nPlease let us know if...")
    ('T', 'Body.')
    """
    lines = normalize_text(raw).split("\n")
    if markdown:
        lines = [_strip_markdown(line) for line in lines]
    nonempty = [i for i, line in enumerate(lines) if line]
    if not nonempty:
        return "", ""
    title = lines[nonempty[0]]
    first = nonempty[0] + 1  # skip blank lines and repeats of the title (one slice: a loop of
    while first < len(lines) and (not lines[first] or lines[first] == title):  # slices was quadratic)
        first += 1
    body = lines[first:]
    for i, line in enumerate(body):
        # A footer heading near the end (last fifth, or a few lines left) ends the article.
        if FOOTER_START.match(line) and (i >= 0.8 * len(body) or len(body) - i <= 5):
            body = body[:i]
            break
    body = [line for line in body if not BOILERPLATE_LINE.match(line)]
    return title, normalize_text("\n".join(body))


HTML_ENGINES = ("trafilatura", "soup")


MAX_HTML_DEPTH = 1000  # nested elements; browsers stop nesting at 512, news pages at a few dozen
MAX_HTML_TAGS = 100_000  # a long news page has a few thousand; 1 MB of '<p>' (333,000) took 12 s to read
# elements whose end tag may be left out (a page of unclosed <p> is not deep) and void ones
_NO_DEPTH = frozenset("p li td th tr dt dd option optgroup thead tbody tfoot colgroup caption rt rp "
                      "br img hr meta link input area base col embed param source track wbr".split())
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(/?)>")


_CDATA = re.compile(r"<!\[CDATA\[[^>]*>?")


def html_depth(raw: str, stop: int = MAX_HTML_DEPTH) -> int:
    """How deep the page's elements nest, by a scan of its tags before any parser runs
    (a 9 MB page of 3 million nested tags once took 88 s and 1.9 GB to refuse); stops
    counting past `stop`.

    >>> html_depth("<html><body><div><p>a<p>b</div></body></html>")
    3
    """
    depth = deepest = 0
    for m in _TAG.finditer(raw):
        name = m.group(2).lower()
        if name in _NO_DEPTH or m.group(3):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop:
                    break
    return deepest


def read_html(raw: str, engine: str = "trafilatura") -> tuple[str, str, metadata.Meta]:
    """(title, body, metadata) of an HTML page. "trafilatura" (the default; main text
    without boilerplate, measured against "soup" by `python -m bench.html`) falls
    back to our BeautifulSoup cleaner when it finds no main text. A page nested deeper
    than MAX_HTML_DEPTH, or of more than MAX_HTML_TAGS tags, is refused (ValueError)
    before it is parsed."""
    if html_depth(raw) > MAX_HTML_DEPTH:
        raise ValueError(f"the page nests its elements more than {MAX_HTML_DEPTH} deep; not read")
    # "<![CDATA[" in HTML is a bogus comment that a browser ends at the next ">"; Python's
    # html.parser looks for "]]>" from each one (40,000 of them: minutes). Dropped as browsers do.
    raw = _CDATA.sub("", raw)
    if sum(1 for _ in itertools.islice(_TAG.finditer(raw), MAX_HTML_TAGS + 1)) > MAX_HTML_TAGS:
        raise ValueError(f"the page has more than {MAX_HTML_TAGS:,} tags, far more than any article page; not read")
    title, body, meta = "", "", metadata.Meta()
    if engine == "trafilatura":
        found = metadata.from_html(raw)
        if found is not None:
            meta, title, body = found
            body = normalize_text("\n\n".join(p for p in body.split("\n\n") if not BOILERPLATE_LINE.match(p)))
    if not body:
        title2, body = clean_html(raw)
        title = title or title2
    return normalize_text(title), body, meta


def clean_html(raw: str) -> tuple[str, str]:
    """Our BeautifulSoup cleaner: visible block text without scripts, navigation and footers."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "svg", "nav", "footer", "form"]):
        tag.decompose()
    title = ""
    if soup.title and soup.title.get_text(strip=True):
        title = soup.title.get_text(" ", strip=True)
    h1 = soup.find("h1")
    if h1 is not None:
        title = title or h1.get_text(" ", strip=True)
        h1.decompose()
    if soup.head is not None:
        soup.head.decompose()
    blocks = soup.find_all(["p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td"])
    if blocks:  # the innermost blocks: those with no paragraph or list item inside
        holders: set[int] = set()  # found by marking ancestors once each (a search per block was
        for inner in soup.find_all(["p", "li"]):  # quadratic: 30,000 unclosed <p> nest in html.parser)
            parent = inner.parent
            while parent is not None and id(parent) not in holders:
                holders.add(id(parent))
                parent = parent.parent
        parts = [b.get_text(" ", strip=True) for b in blocks if id(b) not in holders]
    else:
        parts = [soup.get_text("\n", strip=True)]
    body = "\n\n".join(p for p in parts if p and not BOILERPLATE_LINE.match(p))
    body = normalize_text(body)
    if not title:
        title, body = clean_plain(body)
    return normalize_text(title), body


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _decode(data: bytes) -> str:
    """The text of a file's bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValueError(f"broken UTF-16 text ({exc.reason} at byte {exc.start})") from None
        if not text.strip():
            raise ValueError("file is empty")
        return _SURROGATE.sub("\ufffd", text)
    if not data.strip():
        raise ValueError("file is empty")
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _clean_str(value: str) -> str:
    """JSON may carry lone surrogates ("\\ud800"), which no file can store: replaced."""
    return _SURROGATE.sub("\ufffd", value)


def _parse_json(raw: str):
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("JSON nested too deeply to read") from None


def read_pdf(data: bytes) -> tuple[str, str, tuple[int, ...], metadata.Meta]:
    """(title, body, start offset of each page in the body, metadata) of a PDF with a text
    layer (pypdf): words broken by a hyphen at a line end are joined, lines joined into
    paragraphs, pages separated by a blank line. A PDF without text (a scan) raises
    ValueError saying so."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its notes on odd files are ours to report

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("the PDF is encrypted")
        texts = [_pdf_page(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata or {}
    except PdfReadError as exc:
        raise ValueError(f"not a readable PDF ({exc})") from None
    if not any(texts):
        raise ValueError("no text in this PDF (a scanned document without a text layer?); skipped")
    title = _SURROGATE.sub("", str(info.get("/Title") or "")).strip()
    first = next(t for t in texts if t).split("\n\n", 1)[0]
    if not title and len(first) < 120 and not re.search(r"[.!?]$", first):
        title = first  # a heading at the top of the first page
    body, pages = "", []
    for t in texts:
        if not body and t.startswith(title):
            t = t[len(title):].lstrip()  # the title printed at the top of the first page
        pages.append(len(body) + (2 if body else 0) if t else len(body))
        if t:
            body = f"{body}\n\n{t}" if body else t
    meta = metadata.Meta(date=_pdf_date(info.get("/CreationDate")), author=_clean_str(str(info.get("/Author")))
                         if info.get("/Author") else None)
    return title, body, tuple(pages), meta


def _pdf_page(text: str) -> str:
    text = normalize_text(_clean_str(text))
    widths = sorted(len(x.strip()) for x in text.split("\n") if x.strip())  # as printed, before joining
    text = re.sub(r"(\w)-\n([a-z])", r"\1\2", text)  # "inves-\ntigation" -> "investigation"
    lines = [x.strip() for x in text.split("\n")]
    typical = widths[len(widths) // 2] if widths else 0
    paras, cur = [], []
    for line in lines:
        if not line:
            if cur:
                paras.append(" ".join(cur))
                cur = []
            continue
        # a heading: much shorter than the page's lines, no closing punctuation, not inside a paragraph
        heading = len(line) < 0.6 * typical and not re.search(r"[.!?:;,\"”’)]$", line) and not cur
        if heading:
            paras.append(line)
        else:
            cur.append(line)
    if cur:
        paras.append(" ".join(cur))
    return "\n\n".join(paras)


def _pdf_date(value) -> str | None:
    """PDF dates look like D:20261002090000Z."""
    m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", str(value or ""))
    if not m:
        return None
    return metadata.normalize_date("-".join(x for x in (m.group(1), m.group(2) or "01", m.group(3) or "01")))


def _json_records(path: Path, raw: str) -> list[tuple[str, object]]:
    """[(label, parsed object)] for a .json or .jsonl file; a broken line raises with its number."""
    if path.suffix.lower() == ".jsonl":
        out = []
        for n, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                try:
                    out.append((f"{path.name}:{n}", _parse_json(line)))
                except ValueError as exc:
                    if not isinstance(exc, json.JSONDecodeError):
                        out.append((f"{path.name}:{n}", ValueError(f"line {n}: {exc}")))
                        continue
                    out.append((f"{path.name}:{n}", ValueError(f"broken JSON on line {n}: {exc.msg}")))
        return out
    try:
        data = _parse_json(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"broken JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    items = data if isinstance(data, list) else [data]
    return [(f"{path.name}[{i}]" if isinstance(data, list) else path.name, item) for i, item in enumerate(items)]


def _json_article(obj: object, default_id: str, rel: str) -> Article:
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object with 'title' and 'text'")
    text, title = obj.get("text"), obj.get("title")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    if title is not None and not isinstance(title, str):
        raise ValueError("'title' must be a string")
    given = obj.get("id")
    if isinstance(given, (dict, list)):
        raise ValueError("'id' must be a string or a number")
    meta, _ = metadata.from_mapping({k: v for k, v in obj.items() if k not in ("text", "title", "id")})
    meta_fields = {k: _clean_str(v) if isinstance(v, str) else v for k, v in meta.__dict__.items()}
    return Article(id=_clean_str(str(given)) if given not in (None, "") else default_id,
                   title=_clean_str((title or "").strip()) or default_id, text=_clean_str(text), path=rel,
                   **meta_fields)


def load_file(path: Path, rel: str, html_engine: str = "trafilatura",
              data: bytes | None = None) -> tuple[list[Article], list[Skipped]]:
    """Articles from one file (or from its bytes `data`, already read); raises
    ValueError when the whole file is unusable."""
    data = path.read_bytes() if data is None else data
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"file is {len(data) / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit")
    suffix = path.suffix.lower()
    stem_id = file_id(rel)
    if suffix in PDF_SUFFIXES:
        title, body, pages, meta = read_pdf(data)
        return [Article(id=stem_id, title=title or stem_id, text=body, path=rel, pages=pages, **meta.__dict__)], []
    raw = _decode(data)
    if suffix in JSON_SUFFIXES:
        records = _json_records(path, raw)
        articles, skipped = [], []
        for i, (label, obj) in enumerate(records):
            try:
                if isinstance(obj, Exception):
                    raise obj
                default = stem_id if len(records) == 1 else f"{stem_id}-{i + 1}"
                articles.append(_json_article(obj, default, rel))
            except ValueError as exc:
                skipped.append(Skipped(f"{rel} ({label})", str(exc)))
            except Exception as exc:  # noqa: BLE001  one record never ends the file
                skipped.append(Skipped(f"{rel} ({label})", f"could not be read ({type(exc).__name__})"))
        return articles, skipped
    if suffix in HTML_SUFFIXES:
        title, body, meta = read_html(raw, html_engine)
    else:
        meta, header_title, rest = metadata.split_header(raw)
        if header_title:
            rest = header_title + "\n\n" + rest
        title, body = clean_plain(rest, suffix != ".txt")
    if not body:
        raise ValueError("no article text left after cleaning")
    return [Article(id=stem_id, title=title or stem_id, text=body, path=rel, **meta.__dict__)], []


def walk_corpus(corpus_dir: Path) -> tuple[list[Path], list[Skipped]]:
    """The article files under `corpus_dir` (sorted), and the ones passed over with why:
    symbolic links that lead outside the folder, broken or looping links, and things
    that are not regular files (a FIFO would block a read), names that are not UTF-8
    (shown with U+FFFD where their bytes are). Hidden files and other
    suffixes are not articles and pass silently."""
    corpus_dir = Path(corpus_dir)
    root = corpus_dir.resolve()
    files, skipped = [], []
    for p in sorted(corpus_dir.rglob("*")):
        if p.name.startswith(".") or p.suffix.lower() not in SUFFIXES:
            continue
        rel = p.relative_to(corpus_dir).as_posix()
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are no UTF-8 (os.fsdecode keeps them as lone surrogates)
            shown = os.fsencode(rel).decode("utf-8", "replace")
            skipped.append(Skipped(shown, "its name is not valid UTF-8; rename the file to index it"))
            continue
        if p.is_symlink():
            try:
                target = p.resolve(strict=True)
            except (OSError, RuntimeError):
                skipped.append(Skipped(rel, "broken or looping symbolic link; not read"))
                continue
            if not target.is_relative_to(root):
                skipped.append(Skipped(rel, "symbolic link to a file outside the corpus folder; not read"))
                continue
        if not p.is_file():
            if not p.is_dir():
                skipped.append(Skipped(rel, "not a regular file (a FIFO, socket or device); not read"))
            continue
        files.append(p)
    return files, skipped


def corpus_files(corpus_dir: Path) -> list[Path]:
    return walk_corpus(corpus_dir)[0]


def digest(data: bytes) -> str:
    """A corpus file's hash as the manifest records it."""
    return sha256_bytes(data)[:32]


def file_digest(path: Path) -> str:
    return digest(path.read_bytes())


def read_file(path: Path, rel: str) -> tuple[str | None, list[Article], list[Skipped]]:
    """One corpus file: (the digest of its bytes, None when they cannot be read; its
    articles; what was skipped and why). One read: the hash and the text come from the
    same bytes. Never raises: one file never ends a build."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [], [Skipped(rel, str(exc))]
    try:
        articles, skipped = load_file(path, rel, data=data)
    except (OSError, ValueError) as exc:
        return digest(data), [], [Skipped(rel, str(exc))]
    except Exception as exc:  # noqa: BLE001  any parser failure skips this one file, with its reason
        return digest(data), [], [Skipped(rel, f"could not be read ({type(exc).__name__}: {exc})")]
    return digest(data), articles, skipped


def add_read(report: LoadReport, rel: str, read: tuple, seen: dict[str, str],
             owners: dict[str, str] | None = None) -> None:
    """Add what `read_file` gave for `rel` to `report`; an article id already taken (by the
    file `seen[id]`, or owned by another file's name: `owners`) is skipped with a message."""
    file_hash, articles, skipped = read
    if file_hash is not None:
        report.file_hashes[rel] = file_hash
    report.skipped.extend(skipped)
    for art in articles:
        taken = claim_id(seen, art.id, rel, owners)
        if taken is None:
            report.articles.append(art)
        else:
            report.skipped.append(taken)


ID_CONFLICT = "article id conflict"  # how a skipped claim's reason starts (the build, status, page show it)


def natural_owners(files: list[Path], corpus_dir: Path) -> dict[str, str]:
    """The id each text, Markdown, HTML or PDF file is known by (its path's slug) -> that
    file. Such a file owns its id whatever the path order: a JSON record elsewhere that
    names the same id ("aaa.json" with "id": "dea-...") cannot take its place."""
    out: dict[str, str] = {}
    for p in files:
        if p.suffix.lower() in JSON_SUFFIXES:
            continue  # JSON records name their ids themselves
        rel = p.relative_to(corpus_dir).as_posix()
        out.setdefault(file_id(rel), rel)
    return out


def claim_id(seen: dict[str, str], article_id: str, where: str, owners: dict[str, str] | None = None) -> Skipped | None:
    """Record that `where` holds `article_id`. The claim fails (that `Skipped`, a reported
    conflict) when the id is another file's own (`owners`: its file name gives it) or an
    earlier file (`seen[article_id]`) took it already."""
    owner = (owners or {}).get(article_id)
    if owner is not None and owner != where:
        return Skipped(where, f"{ID_CONFLICT}: {article_id!r} is the id of {owner} (from its file name); "
                              "this article is not indexed: give it another id")
    if article_id in seen:
        return Skipped(where, f"{ID_CONFLICT}: {article_id!r} is already taken by {seen[article_id]}; "
                              "this article is not indexed: give it another id")
    seen[article_id] = where
    return None


def load_articles(corpus_dir: str | Path) -> LoadReport:
    """Load every supported file under `corpus_dir` (recursively, sorted by path)."""
    corpus_dir = Path(corpus_dir)
    report = LoadReport()
    seen: dict[str, str] = {}
    files, report.skipped = walk_corpus(corpus_dir)
    owners = natural_owners(files, corpus_dir)
    for path in files:
        rel = path.relative_to(corpus_dir).as_posix()
        add_read(report, rel, read_file(path, rel), seen, owners)
    return report
