"""A calibration set from the training file that the reader did not learn from.

The confidence is fitted on articles of the SQuAD training file (docs/results.md), and the
part-A dev file is kept for reporting. The reader was trained on a sample of that file's
questions (`training.reader train --limit`), so fitting on questions it saw would teach the
confidence margins that it never shows on new questions. This writes, for `--articles`
articles of the file (drawn by `--seed`), only the questions whose answer window the
trained reader never saw: the same examples and the same sample as its training run,
rebuilt from its record (OUT/train.json).

  python -m training.holdout --train-run runs/reader-full --articles 40 --out runs/cal-train-40.json
  python -m evaluation --squad runs/cal-train-40.json --unanswerable-share 0.2 --on-topic-unanswerable --out runs/cal-train
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path


def seen_questions(squad_path: str, record: dict) -> set[str]:
    """Questions whose answerable example a training run drew, and, for a second pass
    (`--init`), those of every run before it."""
    from training.reader import examples, generated_questions, skipped_titles

    made = []
    if record.get("unanswerable_file"):
        made, _ = generated_questions(str(Path("runs") / record["unanswerable_file"]))
    data = examples(squad_path, record["seed"], record["negative_share"], record["radius"], made,
                    record["unanswerable_max"], skipped_titles(record.get("skip_articles", "")))
    if record.get("limit"):
        data = random.Random(record["seed"]).sample(data, min(record["limit"], len(data)))
    seen = {q for q, _, a0, _ in data if a0 >= 0}
    if record.get("init_record"):
        seen |= seen_questions(squad_path, record["init_record"])
    return seen


def held_out(squad_path: str, record: dict) -> set[str]:
    """Questions of the file whose answerable training example was not drawn."""
    seen = seen_questions(squad_path, record)
    squad = json.loads(Path(squad_path).read_text())["data"]
    return {qa["id"] for art in squad for p in art["paragraphs"] for qa in p["qas"] if qa["question"] not in seen}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.holdout", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train-run", required=True, help="the reader's training folder (its train.json)")
    p.add_argument("--squad", default="../shared/eval/squad-v1.1-train-full.json")
    p.add_argument("--articles", type=int, default=40)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    record = json.loads((Path(args.train_run) / "train.json").read_text())
    keep = held_out(args.squad, record)
    data = json.loads(Path(args.squad).read_text())["data"]
    chosen = random.Random(args.seed).sample(range(len(data)), args.articles)
    out, n = [], 0
    for i in sorted(chosen):
        art = data[i]
        paras = [{"context": p["context"], "qas": [q for q in p["qas"] if q["id"] in keep]} for p in art["paragraphs"]]
        n += sum(len(p["qas"]) for p in paras)
        out.append({"title": art["title"], "paragraphs": paras})
    Path(args.out).write_text(json.dumps({"version": "1.1", "data": out, "source": Path(args.squad).name,
                                          "held_out_from": str(args.train_run)}))
    print(f"wrote {args.out}: {len(out)} articles, {n} questions the reader did not train on")
    return 0


if __name__ == "__main__":
    sys.exit(main())
