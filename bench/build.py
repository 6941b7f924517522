"""Full index builds, timed: the SQuAD part-A corpus now and at a baseline commit, a
10,000-article news-length archive (also its first 2,500 and 5,000 articles, and the whole
at the commit before streaming ingestion, each index's serving RSS beside the build's peak),
600 articles with 0, 1 and 2 reader processes (and the reading alone of 2,500), and 100
articles added to the archive.

    python -m bench.build --out runs/build                      # everything (about 30 min on 2 cores)
    python -m bench.build --out runs/build --archive 0          # part A only, now and at the baseline
    python -m bench.build --out runs/ray --archive 0 --baseline '' --ray   # part A on Ray, 1 and 2 workers

Part A is built with late sentence vectors, with separate ones (the default) and pooled
(sentences only, each passage the mean of its sentences); the
archive with late ones. Every build is its own `python -m index build --full` process under /usr/bin/time (wall
time, peak RSS), each into a fresh index folder, with the int8 model exported before the
timing starts. The baseline runs the same command from a `git archive` of `--baseline`
(default d644ffc, before this work) with the same Python. Part A is written as one JSON
file per SQuAD article (bench.update's corpus).

The archive (`write_archive`) is made from the SQuAD files in ../shared/eval (part A and the
44 training articles, used here as text only): each article takes 3 to 6 paragraphs sampled
without replacement from one SQuAD article (so it stays on one topic), in random order, each
paragraph's sentences rotated by a random offset and re-cut into news paragraphs of two
sentences; a title from the source title and a number, a date in 2024-2026 and one of eight
outlets. About 600 words an article; no two articles share their paragraph set.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.update import timed_build, write_corpus

EVAL = ROOT.parent / "shared" / "eval"
PART_A = EVAL / "squad-v1.1-dev-part-a.json"
TRAIN = EVAL / "squad-v1.1-train-44-articles.json"
OUTLETS = ["Port Alder Gazette", "Harbor Ledger", "Northshore Daily", "Alder Valley Radio", "Coastal Wire",
           "Kingsport Courier", "Gull Island Times", "Valley Post"]


def write_archive(n: int, folder: Path, seed: int = 0, start: int = 0, fmt: str = "json") -> int:
    """`n` news-length articles as JSON files (or, `fmt="html"`, news web pages) in `folder`
    (see the module docstring); returns words."""
    from index.chunking import split_sentences

    rng = random.Random(seed)
    sources = []
    for f in (PART_A, TRAIN):
        for art in json.loads(f.read_text(encoding="utf-8"))["data"]:
            paras = [p["context"] for p in art["paragraphs"] if len(p["context"].split()) > 40]
            if len(paras) >= 6:
                sources.append((art["title"].replace("_", " "), paras))
    folder.mkdir(parents=True, exist_ok=True)
    seen, words, i = set(), 0, 0
    while i < n:
        title, paras = sources[rng.randrange(len(sources))]
        pick = tuple(sorted(rng.sample(range(len(paras)), rng.randint(3, 6))))
        if (title, pick) in seen:
            continue
        seen.add((title, pick))
        order = list(pick)
        rng.shuffle(order)
        out = []
        for k in order:
            text = paras[k]
            sents = [text[s:e] for s, e in split_sentences(text)]
            r = rng.randrange(len(sents))
            sents = sents[r:] + sents[:r]
            out += [" ".join(sents[j:j + 2]) for j in range(0, len(sents), 2)]
        body = "\n\n".join(out)
        words += len(body.split())
        day = rng.randrange(3 * 365)
        rec = {"id": f"news-{start + i:06d}", "title": f"{title}: report {start + i}", "text": body,
               "date": time.strftime("%Y-%m-%d", time.gmtime(1704067200 + day * 86400)),
               "source": OUTLETS[rng.randrange(len(OUTLETS))]}
        name = f"news-{start + i:06d}"
        if fmt == "html":
            (folder / f"{name}.html").write_text(_page(rec, out), encoding="utf-8")
        else:
            (folder / f"{name}.json").write_text(json.dumps(rec), encoding="utf-8")
        i += 1
    return words


def _page(rec: dict, paras: list[str]) -> str:
    """A news web page of `rec`: site navigation, scripts, byline, the paragraphs, related
    links and a footer around the story, as trafilatura meets them in a crawl."""
    from html import escape

    body = "\n".join(f"<p>{escape(p)}</p>" for p in paras)
    site = escape(rec["source"])
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{escape(rec["title"])} | {site}</title>
<meta property="og:title" content="{escape(rec["title"])}"><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{rec["date"]}T08:00:00Z">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}</script>
<style>body{{font-family:serif}} nav a{{margin:0 4px}}</style></head><body>
<header><a href="/">{site}</a><nav><a href="/news">News</a><a href="/sport">Sport</a><a href="/opinion">Opinion</a>
<a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{escape(rec["title"])}</h1><p class="byline">By Staff Reporter, <time datetime="{rec["date"]}">{rec["date"]}</time></p>
{body}
</article>
<aside><h2>Related stories</h2><ul><li><a href="/a">Council approves budget</a></li>
<li><a href="/b">Weather warning</a></li></ul></aside></main>
<footer><p>Sign up for our newsletter</p><p>© 2026 {site}. All rights reserved.</p></footer>
<script src="/static/app.js"></script></body></html>
"""


def _texts(summary: str) -> int:
    m = re.search(r"embedded (\d+) texts", summary)
    return int(m.group(1)) if m else 0


def _row(res: dict, articles: int) -> dict:
    res["articles"] = articles
    res["articles_per_s"] = round(articles / res["wall_s"], 2)
    res["texts"] = _texts(res["summary"])
    res["texts_per_s"] = round(res["texts"] / res["wall_s"], 1)
    return res


def latency(index_dir: Path, n: int = 200) -> dict:
    """p50/p95 of answering `n` part-A questions one at a time (after a warm-up) from `index_dir`."""
    from common import runtime
    from evaluation.metrics import percentile
    from evaluation.squad import load_squad
    from qa import open_qa

    runtime.for_queries()
    qa = open_qa(index_dir)
    _, questions = load_squad(str(PART_A))
    qs = [q.question for q in random.Random(0).sample(questions, n)]
    for q in qs[:5]:
        qa.ask(q)
    ms = []
    for q in qs:
        t = time.perf_counter()
        qa.ask(q)
        ms.append((time.perf_counter() - t) * 1e3)
    return {"questions": n, "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1)}


def _first(corpus: Path, n: int, folder: Path) -> Path:
    """A corpus `folder` of the first `n` files of `corpus` (hard links, no copies)."""
    folder.mkdir()
    for f in sorted(corpus.iterdir())[:n]:
        os.link(f, folder / f.name)
    return folder


def _checkout(commit: str, folder: Path) -> Path:
    """The tree of `commit` (git archive) in `folder`, to run its code with the same Python."""
    folder.mkdir()
    tar = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=tar, check=True)
    return folder


def read_only(corpus: Path, workers: int) -> float:
    """Seconds to read, clean, split and MinHash every file of `corpus` (no embedding)."""
    from index.articles import walk_corpus
    from index.chunking import ChunkSettings
    from index.embedding import TokenCounter, model_path
    from index.ingest import prepared_files

    files, _ = walk_corpus(corpus)
    t = time.perf_counter()
    for _ in prepared_files(files, corpus, set(), ChunkSettings(), TokenCounter(model_path()), workers):
        pass
    return round(time.perf_counter() - t, 2)


def readers(work: Path, n: int, n_read: int) -> dict:
    """Builds of an `n`-article archive (JSON records, and news pages) with 0, 1, 2 reader
    processes; and the reading alone (read, clean, split, MinHash) of `n_read` articles."""
    out = {}
    for fmt in ("json", "html"):
        corpus = work / f"readers-{fmt}"
        write_archive(max(n, n_read), corpus, fmt=fmt)
        small = _first(corpus, n, work / f"readers-{fmt}-{n}")
        for w in (0, 1, 2):
            row = timed_build(small, work / f"readers-{fmt}-{w}", "--full", "--sentence-vectors", "late",
                              "--workers", str(w))
            row.pop("summary")
            row["articles"] = n
            row["read_only_s"] = read_only(corpus, w)
            row["read_only_articles"] = n_read
            out[f"{fmt}_{w}"] = row
            shutil.rmtree(work / f"readers-{fmt}-{w}", ignore_errors=True)
            print(f"readers {fmt} {w}", json.dumps(row), file=sys.stderr)
    return out


def serving_rss(index_dir: Path) -> float:
    """Peak RSS (MB) of a process that loads `index_dir` and answers one question: what the
    index costs to serve, to set a build's peak against."""
    code = ("import sys; sys.path.insert(0, '.'); from common import runtime; runtime.for_queries(); "
            f"from qa import open_qa; open_qa({str(index_dir)!r}).ask('When was it built?')")
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %M", sys.executable, "-c", code], capture_output=True,
                         text=True, cwd=ROOT, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    if out.returncode != 0:
        raise SystemExit(f"loading {index_dir} failed: {out.stderr[-2000:]}")
    return round(int(re.search(r"TIME (\d+)", out.stderr).group(1)) / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.build", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--baseline", default="d644ffc", help="commit to time the part-A build at (default: %(default)s; "
                   "'' to skip)")
    p.add_argument("--archive", type=int, default=10_000, help="articles in the news-length archive (0: skip)")
    p.add_argument("--add", type=int, default=100, help="articles then added to the archive index")
    p.add_argument("--archive-steps", default="2500,5000", help="also build the archive's first N articles, for "
                   "each N (comma-separated; peak RSS as the corpus grows; '' to skip)")
    p.add_argument("--archive-baseline", default="ccc85ff", help="commit to build the whole archive at too (before "
                   "streaming ingestion; default: %(default)s; '' to skip)")
    p.add_argument("--readers", type=int, default=600, help="build the archive's first N articles (as JSON and as "
                   "news web pages) with 0, 1 and 2 reader processes, and time the reading alone (0: skip)")
    p.add_argument("--read-only", type=int, default=2500, help="articles read (no embedding) with 0, 1 and 2 "
                   "reader processes (default: %(default)s)")
    p.add_argument("--format", choices=("json", "html"), default="json", help="archive files: JSON records or news "
                   "web pages read by trafilatura (default: %(default)s)")
    p.add_argument("--ray", action="store_true", help="also build part A with --engine ray, 1 and 2 workers "
                   "(needs requirements-ray.txt)")
    p.add_argument("--repeat", type=int, default=1, help="part-A builds per variant (the fastest is kept)")
    p.add_argument("--out", help="folder for build.json")
    args = p.parse_args(argv)
    from common.runinfo import git_commit, machine, now_iso

    work = Path(tempfile.mkdtemp(prefix="qa-bench-build-"))
    res: dict = {"command": "python -m bench.build " + " ".join(argv if argv is not None else sys.argv[1:]),
                 "commit": git_commit(), "machine": machine(), "date": now_iso()}
    try:
        corpus = work / "part-a"
        write_corpus(str(PART_A), corpus, 1)
        n = len(list(corpus.iterdir()))
        timed_build(corpus, work / "warm")  # the int8 model export, if any, happens here, untimed
        variants = {v: ("--sentence-vectors", v) for v in ("late", "separate", "pooled")}
        for name, extra in variants.items():
            runs = [timed_build(corpus, work / f"a-{name}-{r}", "--full", *extra) for r in range(args.repeat)]
            res[f"part_a_{name}"] = _row(min(runs, key=lambda x: x["wall_s"]), n)
            print(name, json.dumps(res[f"part_a_{name}"]), file=sys.stderr)
        if args.ray:
            for w in (1, 2):
                res[f"part_a_ray_{w}"] = _row(timed_build(corpus, work / f"a-ray-{w}", "--full", "--engine", "ray",
                                                          "--workers", str(w), *variants["late"]), n)
                print(f"ray {w}", json.dumps(res[f"part_a_ray_{w}"]), file=sys.stderr)
        if args.baseline:
            base = _checkout(args.baseline, work / "baseline")
            runs = [timed_build(corpus, work / f"a-base-{r}", "--full", cwd=base) for r in range(args.repeat)]
            res["part_a_baseline"] = _row(min(runs, key=lambda x: x["wall_s"]), n)
            res["part_a_baseline"]["commit"] = args.baseline
            for name in variants:
                res[f"part_a_speedup_{name}"] = round(res["part_a_baseline"]["wall_s"] / res[f"part_a_{name}"]["wall_s"], 2)
            print("baseline", json.dumps(res["part_a_baseline"]), file=sys.stderr)
        if args.archive:
            arch = work / "archive"
            res["archive_words"] = write_archive(args.archive, arch, fmt=args.format)
            res["archive_format"] = args.format
            late = ("--sentence-vectors", "late")
            res["archive"] = _row(timed_build(arch, work / "arch-index", "--full", *late), args.archive)
            res["archive"]["serving_rss_mb"] = serving_rss(work / "arch-index")
            print("archive", json.dumps(res["archive"]), file=sys.stderr)
            for n_step in [int(x) for x in args.archive_steps.split(",") if x.strip()]:
                part = _first(arch, n_step, work / f"archive-{n_step}")
                row = _row(timed_build(part, work / f"arch-{n_step}", "--full", *late), n_step)
                row["serving_rss_mb"] = serving_rss(work / f"arch-{n_step}")
                res.setdefault("archive_steps", {})[str(n_step)] = row
                shutil.rmtree(work / f"arch-{n_step}", ignore_errors=True)
                print(f"archive {n_step}", json.dumps(row), file=sys.stderr)
            if args.archive_baseline:
                old = _checkout(args.archive_baseline, work / "archive-baseline-code")
                row = _row(timed_build(arch, work / "arch-base", "--full", *late, cwd=old), args.archive)
                row["commit"] = args.archive_baseline
                res["archive_baseline"] = row
                shutil.rmtree(work / "arch-base", ignore_errors=True)
                print("archive baseline", json.dumps(row), file=sys.stderr)
            if args.readers:
                res["readers"] = readers(work, args.readers, args.read_only)
            if args.add:
                write_archive(args.add, arch, seed=1, start=args.archive, fmt=args.format)
                res["archive_add"] = _row(timed_build(arch, work / "arch-index", *late), args.add)
                print("add", json.dumps(res["archive_add"]), file=sys.stderr)
            res["archive_latency"] = latency(work / "arch-index")
            res["part_a_latency"] = {name: latency(work / f"a-{name}-0") for name in variants}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(res, indent=1))
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "build.json").write_text(json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
