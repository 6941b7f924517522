"""Learn the sentence-scoring and span-scoring weights from SQuAD training data.

Only the training file is used (../shared/eval/squad-v1.1-train-44-articles.json,
44 articles none of which is in the dev file). Its articles are indexed like any
corpus, every question goes through our retrieval, and two listwise softmax
models are fitted with numpy:

1. sentence ranker: over the candidate sentences of a question, which one holds
   the gold answer (features: cosine, idf overlap, neighbours' overlap, passage
   score, passage cosine, passage BM25 share, 1/passage rank);
2. span ranker: over the answer candidates of the top sentences (qa.spans
   features), which one equals a gold answer (SQuAD normalisation).

  python -m training.ranker --squad ../shared/eval/squad-v1.1-train-44-articles.json --write

writes qa/weights/sentence_weights.json and qa/weights/span_weights.json (through qa.learned)
with the data's sha256.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from common.hashing import sha256_file
from evaluation import metrics as M
from evaluation.squad import load_squad
from index.settings import SENTENCE_VECTORS
from qa import learned


def fit_listwise(x: np.ndarray, group: np.ndarray, positive: np.ndarray, l2: float = 1e-3,
                 steps: int = 400, lr: float = 0.5) -> np.ndarray:
    """Weights maximising the softmax probability of the positives within each group.

    Only groups with at least one positive are used. Features are standardised for
    the descent and the weights mapped back to raw units (offsets cancel in a softmax).
    """
    has_pos = np.zeros(group.max() + 1, bool)
    has_pos[group[positive]] = True
    keep = has_pos[group]
    x, group, positive = x[keep], group[keep], positive[keep]
    _, group = np.unique(group, return_inverse=True)
    n_groups = group.max() + 1
    mu, sd = x.mean(0), x.std(0)
    sd[sd < 1e-9] = 1.0
    z = (x - mu) / sd
    w = np.zeros(x.shape[1])
    m_adam, v_adam = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        s = z @ w
        top = np.full(n_groups, -np.inf)
        np.maximum.at(top, group, s)
        e = np.exp(s - top[group])
        total, pos_total = np.zeros(n_groups), np.zeros(n_groups)
        np.add.at(total, group, e)
        np.add.at(pos_total, group, e * positive)
        p = e / total[group]
        q = np.where(positive, e / np.maximum(pos_total[group], 1e-300), 0.0)
        grad = z.T @ (p - q) / n_groups + l2 * w
        m_adam = 0.9 * m_adam + 0.1 * grad
        v_adam = 0.999 * v_adam + 0.001 * grad ** 2
        w -= lr * 0.1 * (m_adam / (1 - 0.9 ** t)) / (np.sqrt(v_adam / (1 - 0.999 ** t)) + 1e-8)
    return w / sd


def top1_rate(scores: np.ndarray, group: np.ndarray, positive: np.ndarray) -> float:
    """Share of groups whose best-scored member is a positive."""
    order = np.lexsort((-scores, group))
    first = order[np.r_[True, group[order][1:] != group[order][:-1]]]
    return float(positive[first].mean())


def _sentence_rows(qa, questions, qvecs):
    """Candidate sentence features and labels for every question."""
    from tqdm import tqdm

    feats, groups, labels, kept = [], [], [], []
    data = qa.data
    for gi, (q, qv) in enumerate(tqdm(list(zip(questions, qvecs)), desc="sentences", file=sys.stderr)):
        hits = qa.retriever.search(q.question, k=qa.settings.k, qvec=qv)
        cands = qa.candidates(q.question, hits, qv)
        kept.append((hits, cands))
        for c in cands:
            a, (s, e) = data.sentence_article(c.sentence), data.sentence_span(c.sentence)
            feats.append(c.features)
            groups.append(gi)
            labels.append(M.contains_span(data.articles[a].id, s, e, q.article_id, q.answer_spans))
    return np.array(feats), np.array(groups), np.array(labels), kept


def _span_rows(qa, questions, kept, n_sent: int):
    from tqdm import tqdm

    from qa.spans import candidates

    rows, groups, labels, f1s, vocab = [], [], [], [], {}
    for gi, (q, (_, cands)) in enumerate(tqdm(list(zip(questions, kept)), desc="spans", file=sys.stderr)):
        top = cands[:n_sent]
        if not top:
            continue
        texts = [qa.data.sentence_text(c.sentence) for c in top]
        rel = [c.score - top[0].score for c in top]
        for si, span, f in candidates(q.question, texts, rel):
            answer = texts[si][span.start : span.end]
            for k in f:
                vocab.setdefault(k, len(vocab))
            rows.append(f)
            groups.append(gi)
            labels.append(M.exact_match(answer, q.answers) > 0)
            f1s.append(M.f1_score(answer, q.answers))
    x = np.zeros((len(rows), len(vocab)))
    for i, f in enumerate(rows):
        for k, v in f.items():
            x[i, vocab[k]] = v
    return x, np.array(groups), np.array(labels), np.array(f1s), vocab


def training_arguments(p: argparse.ArgumentParser, index_dir: str) -> None:
    """The options training.ranker and training.fusion share: the training file, its index
    folder, the index kind the weights are for, and --write."""
    p.add_argument("--squad", required=True, help="SQuAD training file (never the dev file)")
    p.add_argument("--index-dir", default=index_dir, help="index of the training articles (default: %(default)s)")
    p.add_argument("--sentence-vectors", choices=SENTENCE_VECTORS, default="separate",
                   help="how the training index embeds (fit the weights for the index kind that will use "
                        "them; default: %(default)s)")
    p.add_argument("--write", action="store_true", help="save the weights next to the code")


def training_index(args) -> tuple[list, list, str]:
    """Refuse the dev file (exit status 2, after saying so); else index the training file's
    articles in args.index_dir as args.sentence_vectors says: (articles, questions, the file's sha256)."""
    if "dev" in Path(args.squad).name:
        print("Error: train on the training file only; the dev file is for reporting", file=sys.stderr)
        raise SystemExit(2)
    from common import runtime
    from index.build import build
    from index.settings import IndexSettings

    runtime.for_queries()
    sha = sha256_file(args.squad)
    articles, questions = load_squad(args.squad)
    build(articles, args.index_dir, settings=IndexSettings(sentence_vectors=args.sentence_vectors),
          corpus={"squad": args.squad})
    return articles, questions, sha


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.ranker", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    training_arguments(p, "data/train-index")
    p.add_argument("--limit", type=int, help="first N questions only (quick runs)")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    articles, questions, sha = training_index(args)
    from qa import open_qa

    questions = questions[: args.limit] if args.limit else questions
    qa = open_qa(args.index_dir)
    qa.settings = replace(qa.settings, sentence_weights=learned.sentence_weights("hand"))
    qvecs = qa.retriever.embedder.embed([q.question for q in questions])

    x, g, y, kept = _sentence_rows(qa, questions, qvecs)
    hand = top1_rate(x @ np.array(learned.sentence_weights("hand")), g, y)
    w_sent = fit_listwise(x, g, y)
    learned_top1 = top1_rate(x @ w_sent, g, y)
    print(f"sentence ranker on {len(questions)} training questions: top-1 holds the answer "
          f"{hand:.3f} (hand weights) -> {learned_top1:.3f} (learned)")
    print("sentence weights: " + ", ".join(f"{v:.3f}" for v in w_sent))

    qa.settings = replace(qa.settings, sentence_weights=tuple(float(v) for v in w_sent))
    kept = [(h, qa.candidates(q.question, h, qv)) for q, qv, (h, _) in zip(questions, qvecs, kept)]
    xs, gs, ys, f1s, vocab = _span_rows(qa, questions, kept, qa.settings.span_sentences)
    from qa.spans import HAND_WEIGHTS

    hand_w = np.array([HAND_WEIGHTS.get(k, 0.0) for k in vocab])
    w_span = fit_listwise(xs, gs, ys)
    n_q = len(questions)
    for name, w in (("hand", hand_w), ("learned", w_span)):
        print(f"span ranker ({name} weights): EM of the top candidate {top1_rate(xs @ w, gs, ys) * len(set(gs)) / n_q:.3f}")
    weights = {k: round(float(w_span[i]), 5) for k, i in vocab.items()}
    # No bias is learned (softmax); the minimum is chosen for F1 with sentence fallback
    # and kept low: a short answer beats the sentence for EM.
    min_score = float(np.percentile(xs @ w_span - weights.get("sent_score", 0) * xs[:, vocab["sent_score"]], 1))
    meta = {"trained_on": args.squad, "sha256": sha, "questions": n_q, "seconds": round(time.perf_counter() - t0),
            "command": "python -m training.ranker " + " ".join(argv if argv is not None else sys.argv[1:])}
    if args.write:
        a = learned.write_sentence_weights(w_sent, {"hand_top1": hand, "learned_top1": learned_top1, **meta})
        b = learned.write_span_weights(weights, min_score, meta)
        print(f"wrote {a} and {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
