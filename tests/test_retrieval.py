"""qa.retrieval on a tiny real corpus with the deterministic fake embedder (vectors only)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from common.text import terms
from index.build import build
from index.settings import BuildOptions
from qa import Retriever, learned
from qa.evidence import Evidence
from training.fusion import gold_hits

QUESTION = "Who founded the harbor festival in Port Amos?"


def _retriever(tiny_corpus, tmp_path, emb) -> Retriever:
    build(tiny_corpus, tmp_path / "idx", emb, None, BuildOptions(progress=False))
    return Retriever.load(tmp_path / "idx", emb)


def _first_stage(r: Retriever, question: str):
    d = r.data
    q = r.embedder.embed_query(question)
    raw = d.bm25.get_scores(terms(question))
    dense, lexical = d.passage_matrix() @ q, raw / raw.max()
    return dense, lexical, q


def test_hybrid_scores_are_the_weighted_features_of_the_second_stage(tiny_corpus, tmp_path, fake_embedder):
    r = _retriever(tiny_corpus, tmp_path, fake_embedder)
    w = (0.5, 0.3, 0.7, 0.2)
    r.settings = replace(r.settings, rescore=w)
    dense, lexical, q = _first_stage(r, QUESTION)
    ev = Evidence(r.data)
    qterms = ev.question_terms(QUESTION)
    hits = r.search(QUESTION, k=5)
    assert len(hits) == min(5, r.data.n_passages)
    for h in hits:
        lo, hi = r.data.chunk_sentences(h.chunk)
        cos = max(float(r.data.sentence_vectors[j].astype(np.float32) @ q) for j in range(lo, hi))
        over = max(ev.overlap(qterms, j) for j in range(lo, hi))
        want = w[0] * dense[h.chunk] + w[1] * lexical[h.chunk] + w[2] * cos + w[3] * over
        assert abs(h.score - want) < 1e-4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_no_second_stage_is_the_plain_sum(tiny_corpus, tmp_path, fake_embedder):
    r = _retriever(tiny_corpus, tmp_path, fake_embedder)
    r.settings = replace(r.settings, rescore=None)
    dense, lexical, _ = _first_stage(r, QUESTION)
    fused = 0.6 * dense + 0.4 * lexical
    hits = r.search(QUESTION, k=5)
    assert [h.chunk for h in hits] == list(np.argsort(-fused, kind="stable")[:5])
    assert all(abs(h.score - fused[h.chunk]) < 1e-5 for h in hits)


def test_allowed_passages_only_with_the_second_stage(tiny_corpus, tmp_path, fake_embedder):
    r = _retriever(tiny_corpus, tmp_path, fake_embedder)
    allowed = np.zeros(r.data.n_passages, bool)
    allowed[::2] = True
    hits = r.search(QUESTION, k=5, allowed=allowed)
    assert hits and all(allowed[h.chunk] for h in hits)


def test_the_shipped_second_stage_weights_are_read_by_name():
    w = learned.fusion_weights()
    assert len(w) == len(learned.FUSION_FEATURES) and all(np.isfinite(w))
    assert learned.fusion_weights("hand") == (0.6, 0.4, 0.75, 0.0)


def test_gold_hits_counts_the_first_positive_within_k():
    # three questions: gold ranked 1st, 2nd, and never
    scores = np.array([0.9, 0.1, 0.8, 0.7, 0.5, 0.4])
    group = np.array([0, 0, 1, 1, 2, 2])
    positive = np.array([True, False, False, True, False, False])
    assert gold_hits(scores, group, positive, 3, ks=(1, 2)) == {1: round(1 / 3, 4), 2: round(2 / 3, 4)}
