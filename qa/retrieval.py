"""Find the passages most likely to hold the answer: dense (FAISS) and BM25, fused.

Fusion is a weighted sum of the dense cosine and the BM25 score divided by the
best BM25 score for the question (so both lie in [0, 1]); `alpha` weighs the
dense side. In hybrid mode the `depth` best passages of that sum are scored again
(`rescore`): a weighted sum of their dense and BM25 scores, the question's best cosine
with one of their sentences (the index's sentence vectors) and the best idf-weighted
share of its words in one sentence. A question usually matches one sentence, which a
passage's mean vector and BM25 dilute. The shipped weights are hand-set (the first
stage's sum plus 0.75 x the best sentence cosine, chosen on training-file articles);
weights learned by `python -m training.fusion` are used when
qa/weights/fusion_weights.json exists: they found more gold passages on part A but gave
fewer right answers, so none ships (docs/results.md).
Reciprocal-rank fusion is available for comparison.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from common.errors import BadQuestionError
from common.text import terms
from index import store

from . import learned
from .records import Hit

RETRIEVAL_MODES = ("hybrid", "dense", "bm25", "rrf")
_OVERLAP = learned.FUSION_FEATURES.index("best_sentence_overlap")


@dataclass(frozen=True)
class RetrievalSettings:
    mode: str = "hybrid"  # hybrid | dense | bm25 | rrf
    alpha: float = 0.6  # weight of the dense score in the hybrid sum (0.6 measured best on SQuAD part A)
    depth: int = 100  # candidates taken from each side before fusion
    # hybrid: weights of learned.FUSION_FEATURES scoring the depth best of the first stage again
    # (learned.fusion_weights: qa/weights/fusion_weights.json when there, else the hand-set
    # 0.6 / 0.4 / 0.75 / 0); None: the first stage only
    rescore: tuple[float, ...] | None = field(default_factory=learned.fusion_weights)
    rrf_k: int = 60

    def __post_init__(self):
        # a typo must not quietly measure the default (an ablation of "bm52" was hybrid)
        if self.mode not in RETRIEVAL_MODES:
            raise ValueError(f"retrieval mode {self.mode!r}: use one of {', '.join(RETRIEVAL_MODES)}")


class Retriever:
    """Searches one loaded index. BM25 comes with the index (`data.bm25`, built and
    saved by the index build); the embedder is the one the index was built with."""

    def __init__(self, data: store.IndexData, embedder=None, settings: RetrievalSettings = RetrievalSettings()):
        self.data = data
        self.settings = settings
        self.embedder = embedder or _embedder_for(data.manifest)

    @classmethod
    def load(cls, index_dir: str | Path, embedder=None, corpus_dir: str | Path | None = None,
             settings: RetrievalSettings = RetrievalSettings()) -> Retriever:
        """Load the live index; check the model matches and, given `corpus_dir`, that
        the corpus did not change since the build."""
        data = store.load_version(store.current_version_dir(index_dir))
        embedder = embedder or _embedder_for(data.manifest)
        store.check_model(data.manifest, embedder.name, embedder.fingerprint, embedder.backend)
        if corpus_dir is not None and Path(corpus_dir).is_dir():
            from index.changes import check_fresh

            check_fresh(data.manifest, corpus_dir)
        return cls(data, embedder, settings)

    def embed_question(self, question: str) -> np.ndarray:
        return self.embedder.embed_query(question)

    @cached_property
    def passage_vectors(self) -> np.ndarray | None:
        """All passage vectors as one matrix when the index is exact (flat), for scoring
        every passage; None for an approximate index, which FAISS searches."""
        return self.data.passage_matrix() if self.data.exact else None

    def _dense_scores(self, qvec: np.ndarray, depth: int) -> np.ndarray:
        """Cosine of the question with every passage (exact), or with the top `depth`
        from FAISS (others 0) for indexes too large to score in full."""
        if self.passage_vectors is not None:
            return self.passage_vectors @ qvec
        dense = np.zeros(self.data.n_passages, dtype=np.float32)
        scores, ids = self.data.faiss_index.search(qvec.reshape(1, -1), depth)
        keep = ids[0] >= 0
        dense[ids[0][keep]] = scores[0][keep]
        return dense

    @cached_property
    def chunk_group(self) -> np.ndarray | None:
        """Each passage's wire group (the group's representative article row), or None
        when the index has no copies."""
        g = self.data.wire_group
        if g is None or not self.data.group_members:
            return None
        return g[self.data.chunk_articles]

    def search(self, question: str, k: int = 20, qvec: np.ndarray | None = None,
               allowed: np.ndarray | None = None) -> list[Hit]:
        """Top-k passages for the question, best first. `allowed` (bool per passage)
        keeps only those passages. Passages of a wire copy (another article of a group
        already in the list) are left out, so copies never take two places."""
        if not question or not question.strip():
            raise BadQuestionError("the question is empty")
        n = self.data.n_passages
        if n == 0:
            return []
        s = self.settings
        depth = min(max(k, s.depth) * (4 if allowed is not None else 1), n)
        qvec, dense, lexical, fused = self.first_stage(question, qvec, depth, allowed)
        if s.mode == "hybrid" and s.rescore:
            top, feats = self.second_stage(question, qvec, dense, lexical, fused, min(max(depth, 3 * k), n),
                                           overlap=bool(s.rescore[_OVERLAP]))
            fused = np.full_like(fused, -np.inf)
            fused[top] = feats @ np.asarray(s.rescore, dtype=np.float32)
        groups = self.chunk_group
        top = _top(fused, k if groups is None else 3 * k)
        if groups is not None:
            top = _one_article_per_group(top, groups, self.data.chunk_articles)[:k]
        return [Hit(int(i), float(fused[i]), float(dense[i]), float(lexical[i])) for i in top if fused[i] > -np.inf]

    def first_stage(self, question: str, qvec: np.ndarray | None, depth: int,
                    allowed: np.ndarray | None = None) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
        """(the question's vector, dense, lexical, fused) for every passage under `settings.mode`,
        before the second stage; passages not `allowed` are -inf in `fused`."""
        s, n = self.settings, self.data.n_passages
        dense = np.zeros(n, dtype=np.float32)
        if s.mode != "bm25":
            qvec = self.embed_question(question) if qvec is None else qvec
            dense = self._dense_scores(qvec.astype(np.float32), depth)
        lexical = np.zeros(n, dtype=np.float32)
        if s.mode != "dense":
            q = terms(question)
            if q:
                raw = self.data.bm25.get_scores(q)
                if raw.max() > 0:
                    lexical = (raw / raw.max()).astype(np.float32)
        if s.mode == "dense":
            fused = dense
        elif s.mode == "bm25":
            fused = lexical
        elif s.mode == "rrf":
            fused = _rrf(dense, s.rrf_k, depth) + _rrf(lexical, s.rrf_k, depth)
        else:
            fused = s.alpha * dense + (1 - s.alpha) * lexical
        if allowed is not None:
            fused = np.where(allowed, fused, -np.inf)
        return qvec, dense, lexical, fused

    @cached_property
    def evidence(self):
        from .evidence import Evidence

        return Evidence(self.data)

    def second_stage(self, question: str, qvec: np.ndarray, dense: np.ndarray, lexical: np.ndarray,
                     fused: np.ndarray, depth: int, overlap: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The `depth` best passages of `fused` (-inf ones left out) and their features,
        float32 [len, 4] in learned.FUSION_FEATURES order; without `overlap` (its weight is 0)
        the best sentence overlap is left at 0, not computed."""
        top = _top(fused, depth)
        top = top[fused[top] > -np.inf]
        feats = np.zeros((len(top), len(learned.FUSION_FEATURES)), dtype=np.float32)
        if not len(top):
            return top, feats
        feats[:, 0], feats[:, 1] = dense[top], lexical[top]
        bounds = self.data.chunks_sentences(top)
        rows = np.concatenate([np.arange(lo, hi) for lo, hi in bounds])
        if len(rows):
            cos = np.asarray(self.data.sentence_vectors[rows], dtype=np.float32) @ qvec.astype(np.float32)
            over = None
            if overlap:
                qterms = self.evidence.question_terms(question)
                over = np.array([self.evidence.overlap(qterms, int(r)) for r in rows], dtype=np.float32)
            pos = 0
            for i, (lo, hi) in enumerate(bounds):
                if hi > lo:
                    feats[i, 2] = cos[pos : pos + hi - lo].max()
                    if over is not None:
                        feats[i, 3] = over[pos : pos + hi - lo].max()
                pos += hi - lo
        return top, feats


def _embedder_for(manifest: dict):
    """A query embeds with the path that built the index, on one thread: one short
    question at a time is as fast on one and does not fight the reader's threads."""
    from index.embedding import make_embedder

    return make_embedder(store.embedding_backend(manifest), threads=1)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first (ties by index), without sorting them all."""
    if len(scores) > 4 * k:
        part = np.argpartition(-scores, k)[: k + 1]
        cut = scores[part].min()
        part = np.flatnonzero(scores >= cut)  # every tie at the cut, so ties break by index
        return part[np.argsort(-scores[part], kind="stable")][:k]
    return np.argsort(-scores, kind="stable")[:k]


def _one_article_per_group(order: np.ndarray, groups: np.ndarray, article_of: np.ndarray) -> np.ndarray:
    """`order` without passages of a second article from a wire group already present."""
    chosen: dict[int, int] = {}
    keep = []
    for i in order:
        g, a = int(groups[i]), int(article_of[i])
        if chosen.setdefault(g, a) == a:
            keep.append(i)
    return np.array(keep, dtype=np.int64)


def _rrf(scores: np.ndarray, k: int, depth: int) -> np.ndarray:
    """Reciprocal-rank fusion term 1 / (k + rank) for the top `depth` entries."""
    out = np.zeros_like(scores)
    order = _top(scores, depth)
    out[order] = 1.0 / (k + 1 + np.arange(len(order)))
    out[scores <= 0] = 0.0
    return out
