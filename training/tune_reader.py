"""Choose how the reader's spans and the sentence ranker combine, on SQuAD part A.

For a sample of questions, retrieval, sentence ranking and the reader run once (the
reader over the best `max(--sentences)` sentences, chosen as `QA.sentences_to_read`
does); then every combination of sentences read (N) and ranker weight (w) is scored
offline with the answer path's own choice (`qa.candidates.best_read`).
Prints EM / F1 / sentence-hit per combination; the chosen values go into
`AnswerSettings` (span_sentences, reader_weight) by hand.

  python -m training.tune_reader --squad ../shared/eval/squad-v1.1-dev-part-a.json \
      --index-dir data/eval-squad --limit 1500
"""
from __future__ import annotations

import argparse
import random
import sys

from common import runtime
from evaluation import metrics as M


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.tune_reader", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--squad", required=True)
    p.add_argument("--index-dir", required=True, help="an index of the same SQuAD file (python -m evaluation builds one)")
    p.add_argument("--limit", type=int, default=1500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sentences", default="1,2,3,4,5")
    p.add_argument("--weights", default="0,0.5,1,2,4,8,16")
    args = p.parse_args(argv)
    from evaluation.squad import load_squad
    from qa import open_qa
    from qa.candidates import best_read

    runtime.for_queries()

    _, questions = load_squad(args.squad)
    questions = random.Random(args.seed).sample(questions, min(args.limit, len(questions)))
    qa = open_qa(args.index_dir)
    reader = qa.reader
    if reader is None:
        print("Error: the reader model is not installed", file=sys.stderr)
        return 1
    ns = [int(x) for x in args.sentences.split(",")]
    ws = [float(x) for x in args.weights.split(",")]
    cache = []
    for q in questions:
        qvec = qa.retriever.embed_question(q.question)
        hits = qa.retriever.search(q.question, k=qa.settings.k, qvec=qvec)
        top, texts = qa.sentences_to_read(qa.candidates(q.question, hits, qvec), max(ns))
        read = reader.read(q.question, texts) if top else []
        cache.append((q, top, texts, read))
    print(f"{len(cache)} questions; EM / F1 / sentence-hit@1 by sentences read (rows) and ranker weight (columns)")
    print("N   " + "".join(f"{w:>22}" for w in ws))
    for n in ns:
        row = []
        for w in ws:
            em = f1 = sh = 0.0
            for q, top, texts, read in cache:
                use = [r for r in read if r.sentence < n]
                if not use:
                    continue
                best = best_read(use, top, w)
                pred = texts[best.sentence][best.start:best.end]
                em += M.exact_match(pred, q.answers)
                f1 += M.f1_score(pred, q.answers)
                sh += any(a in texts[best.sentence] for a in q.answers)
            k = len(cache)
            row.append(f"{em / k:.3f}/{f1 / k:.3f}/{sh / k:.3f}")
        print(f"{n:<4}" + "".join(f"{x:>22}" for x in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
