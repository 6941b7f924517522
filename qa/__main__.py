"""Ask questions of the indexed articles from the command line.

Examples:
  python -m qa ask "Who authorized the meetings?"
  python -m qa ask --json "Who authorized the meetings?"
  printf 'Who authorized the meetings?\nWhen was the report?\n' | python -m qa ask --json -
  python -m qa ask --as-of 2026-09-23 "How many homes are still without power?"
  python -m qa ask --source "Harbor Ledger" --since 2026-09-01 "What caused the mill fire?"

With --json, each answer is one JSON object: question, answer (null when refused),
refused, confidence, sentence, citations [{article_id, title, start, end, quote, date,
source, url, also_in, page}], earlier_reports and disagreement (lists of {answer,
confidence, citations} when articles give different answers; see qa.reports), scope;
start/end index the cleaned article text.
"""
from __future__ import annotations

import argparse
import json
import sys

from common import config, runtime
from common.errors import BadQuestionError, BadScopeError, QAError

from .citations import NOT_FOUND


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m qa", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("ask", help="answer a question (or '-' for one question a line on stdin)")
    a.add_argument("question", help="the question, or - to read questions from standard input")
    a.add_argument("--json", action="store_true", help="print JSON (one object a line)")
    a.add_argument("--index-dir", default=config.index_dir(), help="index folder (default: %(default)s)")
    a.add_argument("--corpus", default=None,
                   help="refuse to answer if this corpus folder changed since the index was built")
    a.add_argument("--as-of", metavar="DATE", help="answer as of this day: articles dated later are not used "
                   "(undated ones are); \"now\" and \"this week\" are read relative to it")
    a.add_argument("--since", metavar="DATE", help="use only articles dated on or after this day")
    a.add_argument("--until", metavar="DATE", help="use only articles dated on or before this day")
    a.add_argument("--source", action="append", default=[], metavar="OUTLET",
                   help="use only articles of this outlet (repeatable; python -m index status lists them)")
    return p


def render(answer) -> str:
    """Plain-text rendering for a terminal."""
    from .citations import byline

    if answer.refused:
        return f"{NOT_FOUND} (confidence {answer.confidence:.2f})"
    by = byline(answer.citations[0]) if answer.citations else ""
    lines = [f"Answer: {answer.answer}" + (f" — {by}" if by else ""), f"Sentence: {answer.sentence} [1]",
             f"Confidence: {answer.confidence:.2f}"]
    if answer.disagreement:
        lines.append("Reports differ: " + "; ".join(f"{r.answer} ({byline(r.citations[0]) or r.citations[0].article_id})"
                                                    for r in answer.disagreement))
    if answer.earlier:
        lines.append("Earlier reports: " + "; ".join(f"{r.answer} ({byline(r.citations[0]) or r.citations[0].article_id})"
                                                     for r in answer.earlier))
    lines.append("Citations:")
    for n, c in enumerate(answer.citations, 1):
        meta = ", ".join(x for x in (c.source, c.date or ("undated" if c.source else None)) if x)
        lines.append(f"  [{n}] {c.title} ({c.article_id}{'; ' + meta if meta else ''}) [{c.start}:{c.end}] \"{c.quote}\"")
        if c.also_in:
            lines.append("      also reported by " + ", ".join(x["source"] or x["article_id"] for x in c.also_in))
    return "\n".join(lines)


def _emit(qa, question: str, as_json: bool, scope=None) -> int:
    try:
        answer = qa.ask(question, scope=scope)
    except (BadQuestionError, BadScopeError) as exc:
        if as_json:
            print(json.dumps({"question": question, "error": str(exc)}))
        else:
            print(f"Error: {exc.user_message()}", file=sys.stderr)
        return 2
    print(json.dumps(answer.to_json(), ensure_ascii=False) if as_json else render(answer), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    runtime.for_queries()
    if args.question != "-" and not args.question.strip():
        print(f"Error: {BadQuestionError('the question is empty').user_message()}", file=sys.stderr)
        return 2
    from .timeline import Scope

    try:
        scope = Scope.make(args.as_of, args.since, args.until, args.source)
    except BadScopeError as exc:
        flag = "--" + exc.field.replace("_", "-").replace("sources", "source")
        print(f"Error: {flag}: {exc}", file=sys.stderr)
        return 2
    try:
        from .pipeline import open_qa

        qa = open_qa(args.index_dir, args.corpus, warm=args.question == "-")
    except QAError as exc:
        print(f"Error: {exc.user_message()}", file=sys.stderr)
        return 1
    if args.question != "-":
        return _emit(qa, args.question, args.json, scope)
    status = 0
    for n, raw in enumerate(sys.stdin.buffer, 1):
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            msg = f"line {n} is not UTF-8 text ({exc.reason} at byte {exc.start}); skipped"
            if args.json:
                print(json.dumps({"question": raw.decode("utf-8", "replace").strip(), "error": msg}), flush=True)
            else:
                print(f"Error: {msg}", file=sys.stderr)
            status = 2
            continue
        if line.strip():
            status = max(status, _emit(qa, line.strip(), args.json, scope))
    return status


def run(argv: list[str] | None = None) -> int:
    """main(), quiet when the reader of our output goes away (`python -m qa ask - | head -1`)."""
    try:
        return main(argv)
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141


if __name__ == "__main__":
    sys.exit(run())
