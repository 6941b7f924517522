"""Wire copies: group near-duplicate articles (one story reprinted by several outlets
under another headline, dateline or footer) with MinHash and LSH (datasketch).

Each article's signature is a MinHash of its body's word 4-grams (the title is left
out: reprints change it). Signatures are kept in the index (`minhash.npy`), so an
update hashes only new or changed articles; the LSH table over all signatures is
rebuilt each build (about a second per 10,000 articles, `python -m bench.wire`).
Two articles whose estimated Jaccard similarity reaches `THRESHOLD` join a group
(transitively). The group's representative is its earliest-dated article.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from common.text import raw_words

NUM_PERM = 128
SHINGLE = 4
# Estimated Jaccard of word 4-grams at which two articles are copies of one story.
# Reprints in the news fixture score 0.70-1.0 (a reprint with a related-stories footer is the
# lowest); any two other articles there at most 0.08, follow-ups on one story included.
THRESHOLD = 0.6
SEED = 1
SCHEME = "affine32"  # datasketch 2.0 hashing scheme; stored signatures are only comparable within one


def shingles(text: str) -> list[bytes]:
    words = [w.lower() for w in raw_words(text)]
    if len(words) <= SHINGLE:
        return [" ".join(words).encode()]
    return [" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)]


@lru_cache(maxsize=1)
def _permutations():
    """The hash permutations of (NUM_PERM, SEED, SCHEME), made once: datasketch would draw
    them again for every MinHash it creates (a second per 10,000 articles)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def _minhash(**kw):
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations(), **kw)


def signatures(texts: list[str]) -> np.ndarray:
    """uint64 [n, NUM_PERM] MinHash signatures of the texts."""
    if not texts:
        return np.zeros((0, NUM_PERM), dtype=np.uint64)
    out = np.empty((len(texts), NUM_PERM), dtype=np.uint64)
    for i, t in enumerate(texts):
        m = _minhash()
        m.update_batch(shingles(t))
        out[i] = m.hashvalues
    return out


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def groups(sigs: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """int32 [n]: for each article, the row of its group's first member (itself when alone).
    Candidate pairs come from LSH; each pair is confirmed on the full signatures."""
    from datasketch import MinHashLSH

    n = len(sigs)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if n < 2:
        return parent.astype(np.int32)
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    for i in range(n):
        m = _minhash(hashvalues=sigs[i])
        for j in lsh.query(m):
            if jaccard(sigs[i], sigs[j]) >= threshold:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        lsh.insert(i, m)
    return np.array([find(i) for i in range(n)], dtype=np.int32)


def representatives(group_of: np.ndarray, dates: list[str | None]) -> np.ndarray:
    """int32 [n]: each article's group named by its earliest-dated member (undated last, then row)."""
    best: dict[int, int] = {}
    for i, g in enumerate(group_of):
        j = best.get(int(g))
        if j is None or date_order(dates[i], i) < date_order(dates[j], j):
            best[int(g)] = i
    return np.array([best[int(g)] for g in group_of], dtype=np.int32)


def date_order(date: str | None, row: int) -> tuple:
    """Sort key of an article in its group: dated ones by date, undated last, then by row."""
    return (date is None, date or "", row)
