"""Metric functions, exactly as defined in ../shared/eval/README.md.

gold-hit@k / MRR@20: a passage counts if it is from the gold article and its
[start, end) contains one gold answer span entirely. EM/F1: the official SQuAD
v1.1 normalisation (lower-case, drop punctuation and a/an/the, fold white space),
max over gold answers. sentence-hit@1: the answer's supporting sentence contains
a gold span. Citation exactness: quote == article_text[start:end].
"""
from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence

_PUNCT = set(string.punctuation)


def normalize_answer(s: str) -> str:
    """Official SQuAD v1.1 normalisation.

    >>> normalize_answer("The  U.S. Government!")
    'us government'
    """
    s = s.lower()
    s = "".join(ch for ch in s if ch not in _PUNCT)
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def exact_match(prediction: str | None, golds: Sequence[str]) -> float:
    if prediction is None or not golds:
        return 0.0
    p = normalize_answer(prediction)
    return float(any(p == normalize_answer(g) for g in golds))


def _f1(prediction: str, gold: str) -> float:
    p, g = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = Counter(p) & Counter(g)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def f1_score(prediction: str | None, golds: Sequence[str]) -> float:
    if prediction is None or not golds:
        return 0.0
    return max(_f1(prediction, g) for g in golds)


def contains_span(article_id: str, start: int, end: int, gold_article: str | None,
                  spans: Iterable[Sequence[int]]) -> bool:
    """Is one gold span entirely inside [start, end) of the gold article?"""
    return article_id == gold_article and any(start <= s and e <= end for s, e in spans)


def first_hit_rank(passages: Sequence[tuple[str, int, int]], gold_article: str | None,
                   spans: Sequence[Sequence[int]]) -> int | None:
    """1-based rank of the first passage (article_id, start, end) that holds a gold span."""
    for rank, (aid, s, e) in enumerate(passages, 1):
        if contains_span(aid, s, e, gold_article, spans):
            return rank
    return None


def hit_at(rank: int | None, k: int) -> float:
    return float(rank is not None and rank <= k)


def reciprocal_rank(rank: int | None, k: int = 20) -> float:
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in [0, 100]) of a non-empty list."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Iterable[float]) -> float | None:
    xs = list(values)
    return sum(xs) / len(xs) if xs else None
