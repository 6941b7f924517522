"""Measure HTML cleaning: trafilatura against our BeautifulSoup cleaner.

    python -m bench.html [--out runs/html.json]

On the news fixture's HTML pages (eval/news_fixture: pages with navigation, "most
read" lists, comments and footers, whose article text we know), for each engine:
word precision and recall of the extracted body against the written paragraphs
(bag of words), exact-title rate, and how many of date / source / author the
engine's loader recovers.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "eval" / "news_fixture"


def _words(text: str) -> Counter:
    from common.text import raw_words

    return Counter(w.lower() for w in raw_words(text))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.html", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", help="write the figures as JSON here")
    args = p.parse_args(argv)
    sys.path.insert(0, str(FIXTURE))
    from articles import ARTICLES  # the fixture's written articles

    from index.articles import read_html

    by_id = {a["id"]: a for a in ARTICLES}
    pages = sorted((FIXTURE / "corpus").glob("*.html"))
    results = {}
    for engine in ("trafilatura", "soup"):
        tp = fp = fn = titles = 0
        meta_found = Counter()
        t0 = time.perf_counter()
        for page in pages:
            rec = by_id[page.stem]
            paras = rec.get("paragraphs") or by_id[rec["wire_of"]]["paragraphs"] + [rec.get("footer", "")]
            gold = _words("\n".join(paras))
            title, body, meta = read_html(page.read_text(encoding="utf-8"), engine)
            got = _words(body)
            tp += sum((gold & got).values())
            fp += sum((got - gold).values())
            fn += sum((gold - got).values())
            titles += title == rec["title"]
            for f in ("date", "source", "author"):
                meta_found[f] += bool(getattr(meta, f)) and str(getattr(meta, f))[:10] == str(rec[f])[:10]
        prec, rec_ = tp / (tp + fp), tp / (tp + fn)
        results[engine] = {"pages": len(pages), "word_precision": round(prec, 4), "word_recall": round(rec_, 4),
                           "word_f1": round(2 * prec * rec_ / (prec + rec_), 4), "titles_exact": titles,
                           **{f"{k}_found": v for k, v in meta_found.items()},
                           "ms_per_page": round((time.perf_counter() - t0) * 1e3 / len(pages), 2)}
    for engine, r in results.items():
        print(f"{engine:<12} " + "  ".join(f"{k} {v}" for k, v in r.items()))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
