"""Learn retrieval's second stage (qa.retrieval) from the SQuAD training file.

Every article of the file is indexed as one corpus (442 articles: many near-topic
passages compete), a seeded sample of its questions goes through the first stage (the
0.6 / 0.4 dense + BM25 sum), and over the `depth` best passages of each question a
listwise softmax model (training.ranker.fit_listwise) learns which one holds the gold
answer from four features: the passage's dense and BM25 scores, the question's best cosine
with one of its sentences and the best idf-weighted share of its words in one sentence
(learned.FUSION_FEATURES). A tenth of the articles (by `--seed`) is held out: their
questions are not fitted on and report gold-hit@1/5/20, hand-set against learned weights.

  python -m training.fusion --squad ../shared/eval/squad-v1.1-train-full.json --write

writes qa/weights/fusion_weights.json (through qa.learned) with the data's sha256, the seed,
the questions used and the held-out figures. The file's answer offsets are first
occurrences (../shared/eval/README.md): a passage counts as gold when it holds that span.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace

import numpy as np

from evaluation import metrics as M
from qa import learned
from training.ranker import fit_listwise, training_arguments, training_index


def _rows(r, questions, qvecs, depth: int):
    """Features, group ids and labels of the first stage's `depth` best passages per question."""
    from tqdm import tqdm

    d = r.data
    aid = [a.id for a in d.articles]
    feats, groups, labels = [], [], []
    for gi, (q, qv) in enumerate(tqdm(list(zip(questions, qvecs)), desc="features", file=sys.stderr)):
        _, dense, lexical, fused = r.first_stage(q.question, qv, depth)
        top, f = r.second_stage(q.question, qv, dense, lexical, fused, depth)
        feats.append(f)
        groups.append(np.full(len(top), gi))
        labels.append(np.array([M.contains_span(aid[d.chunk_article(i)], *d.chunk_span(i), q.article_id, q.answer_spans)
                                for i in top]))
    return np.concatenate(feats), np.concatenate(groups), np.concatenate(labels)


def gold_hits(scores: np.ndarray, group: np.ndarray, positive: np.ndarray, n_questions: int,
              ks=(1, 5, 20)) -> dict[int, float]:
    """Share of the `n_questions` whose k best-scored candidates hold a positive."""
    order = np.lexsort((-scores, group))
    g = group[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    first = np.full(group.max() + 1, np.iinfo(np.int64).max)
    pos = positive[order]
    np.minimum.at(first, g[pos], rank[pos])
    return {k: round(float((first < k).sum()) / n_questions, 4) for k in ks}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.fusion", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    training_arguments(p, "data/train-full-index")
    p.add_argument("--questions", type=int, default=20000, help="questions sampled (default: %(default)s)")
    p.add_argument("--depth", type=int, default=100, help="first-stage passages scored again (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    articles, questions, sha = training_index(args)
    from qa import Retriever

    rng = random.Random(args.seed)
    ids = sorted(a.id for a in articles)
    held = set(rng.sample(ids, max(1, len(ids) // 10)))
    questions = [q for q in questions if q.answer_spans]
    sample = rng.sample(questions, min(args.questions, len(questions)))
    r = Retriever.load(args.index_dir)
    r.settings = replace(r.settings, rescore=None)
    qvecs = r.embedder.embed([q.question for q in sample])
    x, g, y = _rows(r, sample, qvecs, args.depth)
    is_held = np.array([sample[i].article_id in held for i in g])
    n_held = sum(q.article_id in held for q in sample)
    fit = ~is_held
    w = fit_listwise(x[fit].astype(np.float64), g[fit], y[fit])
    hand = np.array(learned.fusion_weights("hand"))
    _, gh = np.unique(g[is_held], return_inverse=True)
    report = {name: gold_hits(x[is_held] @ v, gh, y[is_held], n_held) for name, v in (("hand", hand), ("learned", w))}
    for name, hits in report.items():
        print(f"held-out articles ({n_held} questions), {name} weights: gold-hit@1/5/20 "
              + " / ".join(f"{v:.3f}" for v in hits.values()))
    print("fusion weights: " + ", ".join(f"{f} {v:.3f}" for f, v in zip(learned.FUSION_FEATURES, w)))
    meta = {"trained_on": args.squad, "sha256": sha, "seed": args.seed, "questions": len(sample) - n_held,
            "held_out_articles": len(held), "held_out_questions": n_held, "depth": args.depth,
            "held_out_gold_hit": {k: {f"@{n}": v for n, v in h.items()} for k, h in report.items()},
            "seconds": round(time.perf_counter() - t0),
            "command": "python -m training.fusion " + " ".join(argv if argv is not None else sys.argv[1:])}
    if args.write:
        print(f"wrote {learned.write_fusion_weights(w, meta)}")
    return 0



if __name__ == "__main__":
    sys.exit(main())
