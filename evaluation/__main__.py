"""Evaluators' entry point: run a question set, print metrics, write a report.

Examples:
  python -m evaluation eval/news_questions.jsonl --corpus corpus --out runs/news
  python -m evaluation --squad ../shared/eval/squad-v1.1-dev-part-a.json --out runs/squad
  python -m evaluation --squad ../shared/eval/squad-v1.1-dev-part-a.json --unanswerable-share 0.2
  python -m evaluation eval/news_questions.jsonl --index-dir data/index --compare runs/news/report.json
  python -m evaluation eval/news_fixture/questions.jsonl --corpus eval/news_fixture/corpus --out runs/fixture

Metrics follow ../shared/eval/README.md (evaluation.metrics): gold-hit@1/5/20 and
MRR@20 (gold spans known), EM/F1 (official SQuAD normalisation), sentence-hit@1,
citation exactness, refusal and false-refusal rates, latency p50/p95 (one question
at a time, after a warm-up, index loaded).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from common import config, runtime
from common.errors import QAError
from common.runinfo import git_commit, machine, now_iso
from index.settings import SENTENCE_VECTORS

from .report import print_table, score_question, summarize, worse_questions
from .squad import Question, load_questions, load_squad


def _prepare(args) -> tuple[str, list[Question], dict[str, str] | None]:
    """Build or update the index the questions run against; returns (index_dir, questions, texts)."""
    from index.build import build
    from index.chunking import ChunkSettings
    from index.embedding import make_embedder
    from index.settings import BuildOptions, IndexSettings

    index_dir = args.index_dir or tempfile.mkdtemp(prefix="qa-eval-index-")
    chunking = ChunkSettings(**{"pack": not args.no_pack,
                                **({"max_words": args.passage_words} if args.passage_words else {})})
    settings = IndexSettings(chunking=chunking, sentence_vectors=args.sentence_vectors)
    options = BuildOptions(progress=not args.quiet)
    texts = None
    if args.squad:
        articles, questions = load_squad(args.squad, args.unanswerable_share, args.seed, args.news_paragraphs)
        texts = {a.id: a.text for a in articles}
        if args.on_topic_unanswerable:
            from .unanswerable import generate

            questions += [Question(g.id, g.question, [], "on-topic") for g in generate(args.squad, args.seed)
                          if g.article_id in texts]
        summary = build(articles, index_dir, make_embedder(args.embedder), settings, options, corpus={"squad": str(args.squad)})
        print("index: " + " / ".join(summary.lines()), file=sys.stderr)
    else:
        if not args.questions:
            raise SystemExit("Error: give a QUESTIONS file or --squad FILE")
        questions = load_questions(args.questions)
        if args.corpus:
            summary = build(args.corpus, index_dir, make_embedder(args.embedder), settings, options)
            print("index: " + " / ".join(summary.lines()), file=sys.stderr)
        elif not args.index_dir:
            raise SystemExit("Error: give --corpus DIR (to build an index) or --index-dir DIR")
    if args.limit:  # a follow-up chain is sampled whole
        import random

        units: dict[str, list[Question]] = {}
        for q in questions:
            units.setdefault(q.chain or f"\0{q.id}", []).append(q)
        keys = random.Random(args.seed).sample(list(units), min(args.limit, len(units)))
        questions = [q for k in keys for q in units[k]]
    return index_dir, questions, texts


def run(args) -> dict:
    from tqdm import tqdm

    from qa import RetrievalSettings, open_qa

    index_dir, questions, texts = _prepare(args)
    t_load = time.perf_counter()
    reader = None
    if args.reader_file:
        from qa.reader import Reader

        reader = Reader(Path(args.reader_file))
    qa = open_qa(index_dir, retrieval=RetrievalSettings(mode=args.retrieval), reader=reader)
    changes = {"k": args.k}
    if args.no_spans:
        changes["spans"] = False
    if args.no_whole_answers:
        changes["whole_answers"] = False
    if args.no_judge:
        changes["judge"] = "off"
    if args.no_type_rules:
        changes["type_rules"] = False
    if args.radius is not None:
        changes["window_radius"] = args.radius
    if args.no_refusal:  # every fit's threshold at 0: the reading itself is measured, nothing refused
        changes["calibration"] = {name: {**fit, "threshold": 0.0} for name, fit in qa.settings.calibration.items()}
    if args.sentences:
        changes["span_sentences"] = args.sentences
    if args.reader:
        changes["reader"] = args.reader
    if args.hand_weights:
        from qa.learned import sentence_weights

        changes["sentence_weights"] = sentence_weights("hand")
        changes["span_weights"] = "hand"
    qa.settings = type(qa.settings)(**{**asdict(qa.settings), **changes})
    load_s = time.perf_counter() - t_load
    texts = texts or {a.id: a.text for a in qa.data.articles}
    records = []
    from qa.conversation import Conversation
    from qa.conversation import ask as ask_in_chat
    from qa.timeline import Scope

    chain, conv = None, Conversation()
    for q in tqdm(questions, desc="questions", unit="q", file=sys.stderr, disable=args.quiet):
        scope = Scope.make(as_of=q.as_of or args.as_of, since=args.since, until=args.until, sources=args.source)
        if q.chain != chain:  # a new chat
            chain, conv = q.chain, Conversation(mode=args.follow_ups)
        t0 = time.perf_counter()
        if q.chain:
            answer, resolved = ask_in_chat(qa, conv, q.question, scope)
        else:
            answer = qa.ask(q.question, scope=scope)
        rec = score_question(q, answer, qa.data, texts, time.perf_counter() - t0)
        if q.chain:
            rec.update(question=q.question, chain=q.chain, turn=q.turn, asked_as=resolved.shown(q.question))
        records.append(rec)
    manifest = {k: v for k, v in qa.data.manifest.items() if k not in ("articles", "files", "corpus")}

    metrics = summarize(records)
    if qa.data.n_passages:
        metrics["passage_words_mean"] = round(sum(len(qa.data.chunk_text(i).split())
                                                  for i in range(qa.data.n_passages)) / qa.data.n_passages, 1)
    return {"metrics": metrics, "records": records,
            "settings": {"questions": args.questions, "squad": args.squad, "corpus": args.corpus,
                         "index_dir": None if not args.index_dir else str(index_dir), "k": args.k,
                         "limit": args.limit, "seed": args.seed, "unanswerable_share": args.unanswerable_share,
                         "on_topic_unanswerable": args.on_topic_unanswerable, "reader_file": args.reader_file,
                         "retrieval": asdict(qa.retriever.settings), "answer": asdict(qa.settings)},
            "index_manifest": manifest, "index_load_seconds": round(load_s, 3), "git_commit": git_commit(),
            "machine": machine(), "date": now_iso(), "command": "python -m evaluation " + " ".join(args.argv)}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("questions", nargs="?", help="question set (JSONL: id, question, answers, ...)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--corpus", help="build (or update) an index of this folder and evaluate on it")
    src.add_argument("--squad", help="a SQuAD v1.1 JSON file: corpus and questions from it")
    p.add_argument("--index-dir", help="index folder to use (or to build into); default: a temporary one")
    p.add_argument("--unanswerable-share", type=float, default=0.0,
                   help="with --squad: share of articles left out of the index, their questions unanswerable")
    p.add_argument("--on-topic-unanswerable", action="store_true",
                   help="with --squad: add on-topic unanswerable questions generated from the indexed articles' "
                   "own questions (evaluation.unanswerable: entity swap, negation, antonym, ...)")
    p.add_argument("--passage-words", type=int, help="passage size target in words when building (default: 150)")
    p.add_argument("--no-pack", action="store_true",
                   help="ablation: do not pack short paragraphs into one passage (the chunker before issue 13)")
    p.add_argument("--news-paragraphs", type=int, metavar="N",
                   help="with --squad: re-cut every paragraph into paragraphs of N sentences, as news sites "
                   "print them (a news-shaped corpus from SQuAD)")
    p.add_argument("--k", type=int, default=20, help="passages retrieved per question (default: %(default)s)")
    p.add_argument("--limit", type=int, help="evaluate a random sample of this many questions")
    p.add_argument("--seed", type=int, default=0, help="seed for --limit and --unanswerable-share")
    p.add_argument("--retrieval", default="hybrid", choices=["hybrid", "dense", "bm25", "rrf"],
                   help="retrieval mode (default: %(default)s)")
    p.add_argument("--no-spans", action="store_true", help="ablation: answer with the whole sentence")
    p.add_argument("--no-whole-answers", action="store_true",
                   help="ablation: short answers as the reader cut them, not widened to whole names, "
                   "bracket pairs and lists (qa.whole)")
    p.add_argument("--no-judge", action="store_true", help="ablation: no judge margin in the confidence")
    p.add_argument("--no-refusal", action="store_true",
                   help="ablation: answer every question (the reader's quality apart from the confidence fit)")
    p.add_argument("--radius", type=int, default=None,
                   help="ablation: neighbour sentences read each side of a candidate (default: as the reader was trained)")
    p.add_argument("--no-type-rules", action="store_true",
                   help="ablation: counts, amounts and durations need not have their kind (qa.answer_type.required)")
    p.add_argument("--sentences", type=int, help="ablation: sentences the reader reads (default: 4)")
    p.add_argument("--reader-file", help="ablation: answer with this reader ONNX file (its reader.json beside it) "
                   "instead of the shipped one")
    p.add_argument("--reader", choices=["auto", "model", "rules"],
                   help="short answers from our trained reader (model) or from answer-type rules "
                   "(default: auto, the model when installed)")
    p.add_argument("--embedder", choices=["onnx-int8", "torch-fp32"], default=config.embedder(),
                   help="embedding path when building the index (default: %(default)s: $QA_EMBEDDER, else onnx-int8)")
    p.add_argument("--sentence-vectors", choices=SENTENCE_VECTORS, default=config.sentence_vectors(),
                   help="when building: sentence vectors pooled from their passage's pass (late chunking), "
                   "embedded again on their own (separate), or embedded alone with each passage's vector their "
                   "mean (pooled) (default: %(default)s: $QA_SENTENCE_VECTORS, else separate)")
    p.add_argument("--hand-weights", action="store_true",
                   help="ablation: hand-set sentence and span weights instead of the learned ones")
    p.add_argument("--follow-ups", choices=["rewrite", "keywords"], default="rewrite",
                   help="follow-up turns of a chain (records with \"chain\" and \"turn\"): rewritten into standalone "
                   "questions (default), or searched with the last turn's words (version 1, to compare)")
    p.add_argument("--as-of", metavar="DATE", help="answer every question as of this day (a question's own "
                   "as_of wins): articles dated later are not used")
    p.add_argument("--since", metavar="DATE", help="use only articles dated on or after this day")
    p.add_argument("--until", metavar="DATE", help="use only articles dated on or before this day")
    p.add_argument("--source", action="append", default=[], metavar="OUTLET",
                   help="use only articles of this outlet (repeatable)")
    p.add_argument("--out", help="folder for report.json and questions.jsonl")
    p.add_argument("--compare", help="an earlier report.json to compare with")
    p.add_argument("--html", action="store_true", help="with --out: also write report.html (metrics, refusal "
                   "trade-off, reliability diagram, gold-hit@k, every question with failures first; one file)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    args.argv = argv
    runtime.for_queries()
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
        if args.html:
            from .html import write_html

            print(f"wrote {write_html(report, records, out / 'report.html')}", file=sys.stderr)
    elif args.html:
        print("--html needs --out DIR (report.html is written there)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
