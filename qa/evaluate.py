"""Evaluators' entry point: run a question set, print metrics, write a report.

Examples:
  python -m qa.evaluate eval/news_questions.jsonl --corpus corpus --out runs/news
  python -m qa.evaluate --squad ../shared/eval/squad-v1.1-dev-part-a.json --out runs/squad
  python -m qa.evaluate --squad ../shared/eval/squad-v1.1-dev-part-a.json --unanswerable-share 0.2
  python -m qa.evaluate eval/news_questions.jsonl --index-dir data/index --compare runs/news/report.json

Metrics follow ../shared/eval/README.md: gold-hit@1/5/20 and MRR@20 (gold spans
known), EM/F1 (official SQuAD normalisation), sentence-hit@1, citation exactness,
refusal and false-refusal rates, latency p50/p95 (one question at a time, after a
warm-up, index loaded).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from index.errors import QAError

from . import metrics as M
from .squad import Question, load_questions, load_squad

METRIC_KEYS = ["n_questions", "gold_hit@1", "gold_hit@5", "gold_hit@20", "mrr@20", "em", "f1",
               "sentence_hit@1", "citation_exactness", "refusal_rate", "false_refusal_rate",
               "latency_p50_ms", "latency_p95_ms"]


def score_question(q: Question, answer, data, texts: dict[str, str], seconds: float) -> dict:
    """One question's record: gold, answer, rank of the first gold passage, pass/fail."""
    passages = []
    for h in answer.hits:
        a, s, e = (int(x) for x in data.chunks[h.chunk, :3])
        passages.append((data.articles[a].id, s, e))
    rank = M.first_hit_rank(passages, q.article_id, q.answer_spans) if q.answer_spans else None
    cites = answer.citations
    exact = [texts.get(c.article_id, "")[c.start : c.end] == c.quote for c in cites]
    rec = {"id": q.id, "question": q.question, "gold": q.answers, "unanswerable": q.unanswerable,
           "answer": answer.answer, "refused": answer.refused, "confidence": round(answer.confidence, 4),
           "features": [round(f, 4) for f in answer.features], "sentence": answer.sentence,
           "gold_rank": rank, "citations_exact": sum(exact), "citations": len(exact),
           "latency_ms": round(seconds * 1e3, 2)}
    if not q.unanswerable:
        rec["em"] = M.exact_match(answer.answer, q.answers)
        rec["f1"] = round(M.f1_score(answer.answer, q.answers), 4)
        if q.answer_spans:
            rec["sentence_hit"] = float(bool(cites) and M.contains_span(
                cites[0].article_id, cites[0].start, cites[0].end, q.article_id, q.answer_spans))
    return rec


def summarize(records: list[dict]) -> dict:
    ans = [r for r in records if not r["unanswerable"]]
    spans = [r for r in ans if "sentence_hit" in r]
    una = [r for r in records if r["unanswerable"]]
    n_cites = sum(r["citations"] for r in records)
    out = {"n_questions": len(records), "n_answerable": len(ans), "n_unanswerable": len(una)}
    if spans:
        for kk in (1, 5, 20):
            out[f"gold_hit@{kk}"] = M.mean(M.hit_at(r["gold_rank"], kk) for r in spans)
        out["mrr@20"] = M.mean(M.reciprocal_rank(r["gold_rank"], 20) for r in spans)
        out["sentence_hit@1"] = M.mean(r["sentence_hit"] for r in spans)
    if ans:
        out["em"] = M.mean(r["em"] for r in ans)
        out["f1"] = M.mean(r["f1"] for r in ans)
        out["false_refusal_rate"] = M.mean(float(r["refused"]) for r in ans)
    if una:
        out["refusal_rate"] = M.mean(float(r["refused"]) for r in una)
    out["citation_exactness"] = sum(r["citations_exact"] for r in records) / n_cites if n_cites else None
    lat = [r["latency_ms"] for r in records]
    out["latency_p50_ms"], out["latency_p95_ms"] = M.percentile(lat, 50), M.percentile(lat, 95)
    return {k_: v for k_, v in out.items() if v is not None}


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).parent, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _prepare(args) -> tuple[str, list[Question], dict[str, str] | None]:
    """Build or update the index the questions run against; returns (index_dir, questions, texts)."""
    from index.build import build_from_articles, build_index
    from index.chunking import ChunkSettings
    from index.embedding import make_embedder

    index_dir = args.index_dir or tempfile.mkdtemp(prefix="qa-eval-index-")
    settings = ChunkSettings(max_words=args.passage_words) if args.passage_words else ChunkSettings()
    texts = None
    if args.squad:
        articles, questions = load_squad(args.squad, args.unanswerable_share, args.seed)
        texts = {a.id: a.text for a in articles}
        summary = build_from_articles(articles, index_dir, make_embedder(args.embedder), settings=settings,
                                      progress=not args.quiet,
                                      corpus={"squad": str(args.squad)})
        print("index: " + " / ".join(summary.lines()), file=sys.stderr)
    else:
        if not args.questions:
            raise SystemExit("Error: give a QUESTIONS file or --squad FILE")
        questions = load_questions(args.questions)
        if args.corpus:
            summary = build_index(args.corpus, index_dir, make_embedder(args.embedder), settings=settings,
                                  progress=not args.quiet)
            print("index: " + " / ".join(summary.lines()), file=sys.stderr)
        elif not args.index_dir:
            raise SystemExit("Error: give --corpus DIR (to build an index) or --index-dir DIR")
    if args.limit:
        import random

        questions = random.Random(args.seed).sample(questions, min(args.limit, len(questions)))
    return index_dir, questions, texts


def run(args) -> dict:
    from tqdm import tqdm

    from .pipeline import open_qa
    from .retrieval import RetrievalSettings

    index_dir, questions, texts = _prepare(args)
    t_load = time.perf_counter()
    qa = open_qa(index_dir, retrieval=RetrievalSettings(mode=args.retrieval))
    changes = {"k": args.k}
    if args.no_spans:
        changes["spans"] = False
    if args.reader:
        changes["reader"] = args.reader
    if args.hand_weights:
        from .answer import HAND_SENTENCE_WEIGHTS

        changes["sentence_weights"] = HAND_SENTENCE_WEIGHTS
        changes["span_weights"] = "hand"
    qa.settings = type(qa.settings)(**{**asdict(qa.settings), **changes})
    load_s = time.perf_counter() - t_load
    texts = texts or {a.id: a.text for a in qa.data.articles}
    records = []
    for q in tqdm(questions, desc="questions", unit="q", file=sys.stderr, disable=args.quiet):
        t0 = time.perf_counter()
        answer = qa.ask(q.question)
        records.append(score_question(q, answer, qa.data, texts, time.perf_counter() - t0))
    manifest = {k: v for k, v in qa.data.manifest.items() if k not in ("articles", "files", "corpus")}
    from index.store import machine, now_iso

    return {"metrics": summarize(records), "records": records,
            "settings": {"questions": args.questions, "squad": args.squad, "corpus": args.corpus,
                         "index_dir": None if not args.index_dir else str(index_dir), "k": args.k,
                         "limit": args.limit, "seed": args.seed, "unanswerable_share": args.unanswerable_share,
                         "retrieval": asdict(qa.retriever.settings), "answer": asdict(qa.settings)},
            "index_manifest": manifest, "index_load_seconds": round(load_s, 3), "git_commit": _git_commit(),
            "machine": machine(), "date": now_iso(), "command": "python -m qa.evaluate " + " ".join(args.argv)}


def print_table(m: dict, old: dict | None = None, out=sys.stdout) -> None:
    for key in METRIC_KEYS:
        if key not in m and not (old and key in old):
            continue
        new_v = m.get(key)
        line = f"{key:<20} {_fmt(new_v):>10}"
        if old is not None:
            old_v = old.get(key)
            diff = (new_v - old_v) if isinstance(new_v, (int, float)) and isinstance(old_v, (int, float)) else None
            line += f"   was {_fmt(old_v):>10}   change {'' if diff is None else f'{diff:+.4f}'}"
        print(line, file=out)


def _fmt(v) -> str:
    return "-" if v is None else str(v) if isinstance(v, int) else f"{v:.4f}"


def worse_questions(new: list[dict], old: list[dict]) -> list[str]:
    """Questions that lost EM, lost their gold passage from the top 5, or flipped refusal the wrong way."""
    before = {r["id"]: r for r in old}
    out = []
    for r in new:
        o = before.get(r["id"])
        if o is None:
            continue
        why = []
        if o.get("em", 0) > r.get("em", 0):
            why.append(f"EM lost (was {o.get('answer')!r}, now {r.get('answer')!r})")
        if M.hit_at(o.get("gold_rank"), 5) > M.hit_at(r.get("gold_rank"), 5):
            why.append(f"gold passage rank {o.get('gold_rank')} -> {r.get('gold_rank')}")
        if r["unanswerable"] and o["refused"] and not r["refused"]:
            why.append("no longer refused")
        if not r["unanswerable"] and r["refused"] and not o["refused"]:
            why.append("now wrongly refused")
        if why:
            out.append(f"{r['id']}: {r['question']}  -- {'; '.join(why)}")
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m qa.evaluate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("questions", nargs="?", help="question set (JSONL: id, question, answers, ...)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--corpus", help="build (or update) an index of this folder and evaluate on it")
    src.add_argument("--squad", help="a SQuAD v1.1 JSON file: corpus and questions from it")
    p.add_argument("--index-dir", help="index folder to use (or to build into); default: a temporary one")
    p.add_argument("--unanswerable-share", type=float, default=0.0,
                   help="with --squad: share of articles left out of the index, their questions unanswerable")
    p.add_argument("--passage-words", type=int, help="passage size target in words when building (default: 100)")
    p.add_argument("--k", type=int, default=20, help="passages retrieved per question (default: %(default)s)")
    p.add_argument("--limit", type=int, help="evaluate a random sample of this many questions")
    p.add_argument("--seed", type=int, default=0, help="seed for --limit and --unanswerable-share")
    p.add_argument("--retrieval", default="hybrid", choices=["hybrid", "dense", "bm25", "rrf"],
                   help="retrieval mode (default: %(default)s)")
    p.add_argument("--no-spans", action="store_true", help="ablation: answer with the whole sentence")
    p.add_argument("--reader", choices=["auto", "model", "rules"],
                   help="short answers from our trained reader (model) or from answer-type rules "
                   "(default: auto, the model when installed)")
    p.add_argument("--embedder", choices=["onnx-int8", "torch-fp32"],
                   help="embedding path when building the index (default: $QA_EMBEDDER or onnx-int8)")
    p.add_argument("--hand-weights", action="store_true",
                   help="ablation: hand-set sentence and span weights instead of the learned ones")
    p.add_argument("--out", help="folder for report.json and questions.jsonl")
    p.add_argument("--compare", help="an earlier report.json to compare with")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    args.argv = argv
    try:
        report = run(args)
    except (QAError, ValueError, OSError) as exc:
        msg = exc.user_message() if isinstance(exc, QAError) else str(exc)
        print(f"Error: {msg}", file=sys.stderr)
        return 1
    old, old_records = None, None
    if args.compare:
        old_path = Path(args.compare)
        old = json.loads(old_path.read_text())["metrics"]
        qfile = old_path.with_name("questions.jsonl")
        if qfile.is_file():
            old_records = [json.loads(line) for line in qfile.read_text().splitlines() if line.strip()]
    print_table(report["metrics"], old)
    if old_records is not None:
        worse = worse_questions(report["records"], old_records)
        print(f"\n{len(worse)} questions got worse" + (":" if worse else "."))
        for line in worse:
            print("  " + line)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        records = report.pop("records")
        (out / "report.json").write_text(json.dumps(report, indent=1))
        with open(out / "questions.jsonl", "w") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"\nwrote {out / 'report.json'} and {out / 'questions.jsonl'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
