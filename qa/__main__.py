"""Ask questions of the indexed articles from the command line.

Examples:
  python -m qa ask "Who authorized the meetings?"
  python -m qa ask --json "Who authorized the meetings?"
  printf 'Who authorized the meetings?\nWhen was the report?\n' | python -m qa ask --json -

With --json, each answer is one JSON object: question, answer (null when refused),
refused, confidence, sentence, citations [{article_id, title, start, end, quote}];
start/end index the cleaned article text.
"""
from __future__ import annotations

import argparse
import json
import sys

from common import runtime
from common.errors import BadQuestionError, QAError
from index.store import DEFAULT_INDEX_DIR

from .citations import NOT_FOUND


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m qa", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("ask", help="answer a question (or '-' for one question a line on stdin)")
    a.add_argument("question", help="the question, or - to read questions from standard input")
    a.add_argument("--json", action="store_true", help="print JSON (one object a line)")
    a.add_argument("--index-dir", default=DEFAULT_INDEX_DIR, help="index folder (default: %(default)s)")
    a.add_argument("--corpus", default=None,
                   help="refuse to answer if this corpus folder changed since the index was built")
    return p


def render(answer) -> str:
    """Plain-text rendering for a terminal."""
    if answer.refused:
        return f"{NOT_FOUND} (confidence {answer.confidence:.2f})"
    lines = [f"Answer: {answer.answer}", f"Sentence: {answer.sentence} [1]",
             f"Confidence: {answer.confidence:.2f}", "Citations:"]
    for n, c in enumerate(answer.citations, 1):
        lines.append(f"  [{n}] {c.title} ({c.article_id}) [{c.start}:{c.end}] \"{c.quote}\"")
    return "\n".join(lines)


def _emit(qa, question: str, as_json: bool) -> int:
    try:
        answer = qa.ask(question)
    except BadQuestionError as exc:
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
    try:
        from .pipeline import open_qa

        qa = open_qa(args.index_dir, args.corpus, warm=args.question == "-")
    except QAError as exc:
        print(f"Error: {exc.user_message()}", file=sys.stderr)
        return 1
    if args.question != "-":
        return _emit(qa, args.question, args.json)
    status = 0
    for line in sys.stdin:
        if line.strip():
            status = max(status, _emit(qa, line.strip(), args.json))
    return status


if __name__ == "__main__":
    sys.exit(main())
