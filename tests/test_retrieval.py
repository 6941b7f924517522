"""qa.retrieval on a tiny real corpus with the deterministic fake embedder (vectors only)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from common.text import terms
from index.build import build
from index.settings import BuildOptions
from qa import Retriever


def _retriever(tiny_corpus, tmp_path, emb) -> Retriever:
    build(tiny_corpus, tmp_path / "idx", emb, None, BuildOptions(progress=False))
    return Retriever.load(tmp_path / "idx", emb)


def _fused(r: Retriever, question: str) -> np.ndarray:
    d, s = r.data, r.settings
    q = r.embedder.embed_query(question)
    raw = d.bm25.get_scores(terms(question))
    return s.alpha * (d.passage_matrix() @ q) + (1 - s.alpha) * raw / raw.max(), q


def test_hybrid_scores_add_the_best_sentence_cosine(tiny_corpus, tmp_path, fake_embedder):
    r = _retriever(tiny_corpus, tmp_path, fake_embedder)
    question = "Who founded the harbor festival in Port Amos?"
    fused, q = _fused(r, question)
    hits = r.search(question, k=5)
    assert len(hits) == min(5, r.data.n_passages)
    for h in hits:
        lo, hi = r.data.chunk_sentences(h.chunk)
        best = max(float(r.data.sentence_vectors[j].astype(np.float32) @ q) for j in range(lo, hi))
        assert abs(h.score - (fused[h.chunk] + 0.75 * best)) < 1e-4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_sentence_weight_zero_is_the_plain_sum(tiny_corpus, tmp_path, fake_embedder):
    r = _retriever(tiny_corpus, tmp_path, fake_embedder)
    r.settings = replace(r.settings, sentence_weight=0.0)
    question = "Who founded the harbor festival in Port Amos?"
    fused, _ = _fused(r, question)
    hits = r.search(question, k=5)
    assert [h.chunk for h in hits] == list(np.argsort(-fused, kind="stable")[:5])
    assert all(abs(h.score - fused[h.chunk]) < 1e-5 for h in hits)


def test_allowed_passages_only_with_the_sentence_term(tiny_corpus, tmp_path, fake_embedder):
    r = _retriever(tiny_corpus, tmp_path, fake_embedder)
    allowed = np.zeros(r.data.n_passages, bool)
    allowed[::2] = True
    hits = r.search("Who founded the harbor festival in Port Amos?", k=5, allowed=allowed)
    assert hits and all(allowed[h.chunk] for h in hits)
