"""The int8 ONNX embedding path against the fp32 reference, the embedding path
recorded in the index, and the FAISS index kinds chosen by size."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
from conftest import ROOT, SHIPPED_CORPUS

from common.hashing import sha256_file

NEWS = ROOT / "eval" / "news_questions.jsonl"


def _news_texts():
    from index.articles import load_articles
    from index.chunking import article_sentences

    art = load_articles(SHIPPED_CORPUS).articles[0]
    return [art.text[s.start:s.end] for s in article_sentences(art)]


def test_int8_vectors_are_close_to_fp32(real_embedder, fp32_embedder):
    assert real_embedder.backend == "onnx-int8" and fp32_embedder.backend == "torch-fp32"
    texts = _news_texts() + [json.loads(line)["question"] for line in NEWS.read_text().splitlines()]
    a, b = real_embedder.embed(texts), fp32_embedder.embed(texts)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    cos = (a * b).sum(1)
    assert cos.mean() >= 0.99 and cos.min() >= 0.97, (cos.mean(), cos.min())


def test_int8_and_fp32_indexes_answer_the_news_questions_alike(tmp_path, shipped_index, fp32_embedder,
                                                                 real_embedder):
    from index.build import build
    from index.settings import BuildOptions
    from qa import open_qa

    build(SHIPPED_CORPUS, tmp_path / "fp32", embedder=fp32_embedder, options=BuildOptions(progress=False))
    fast = open_qa(shipped_index, SHIPPED_CORPUS, embedder=real_embedder)
    ref = open_qa(tmp_path / "fp32", SHIPPED_CORPUS, embedder=fp32_embedder)
    questions = [json.loads(line)["question"] for line in NEWS.read_text().splitlines()]
    differ = []
    for q in questions:
        x, y = fast.ask(q), ref.ask(q)
        if (x.refused, x.answer, x.citations[:1]) != (y.refused, y.answer, y.citations[:1]):
            differ.append((q, x.answer, y.answer))
    # the vectors differ a little (cosine ~0.99), so a borderline question may flip
    assert len(differ) <= 2, differ


def test_index_records_its_embedding_path_and_queries_must_match(shipped_index, fp32_embedder):
    from common.errors import IndexMismatchError
    from index import store
    from qa import Retriever

    data = store.load_version(store.current_version_dir(shipped_index))
    assert data.manifest["model"]["backend"] == "onnx-int8"
    assert data.manifest["faiss"]["kind"] == "flat"
    with pytest.raises(IndexMismatchError, match="--embedder torch-fp32"):
        Retriever.load(shipped_index, embedder=fp32_embedder)
    # with no embedder given, the one that built the index is chosen
    assert Retriever.load(shipped_index).embedder.backend == "onnx-int8"


def test_damaged_onnx_cache_is_made_again(tmp_path, monkeypatch, real_embedder):
    from index import embedding

    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path))
    good = embedding.onnx_model_file(real_embedder.path)  # exported into the empty cache
    assert good.is_file() and str(good).startswith(str(tmp_path))
    stamp = good.stat().st_mtime_ns
    with open(good, "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\0" * 64)
    again = embedding.onnx_model_file(real_embedder.path)
    assert again == good and again.stat().st_mtime_ns != stamp
    meta = json.loads(again.with_suffix(".json").read_text())
    assert meta["sha256"] == sha256_file(again)
    assert not list(again.parent.glob(".tmp-*"))


def test_ivf_index_finds_what_exact_search_finds():
    from index.vectors import make_faiss_index

    kind = "ivf"
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((50, 32)).astype(np.float32)
    x = centers[rng.integers(0, 50, 20_000)] + 0.3 * rng.standard_normal((20_000, 32)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[:100] + 0.05 * rng.standard_normal((100, 32)).astype(np.float32)
    exact, info0 = make_faiss_index(x, "flat")
    approx, info = make_faiss_index(x, kind)
    assert info0["kind"] == "flat" and info["kind"] == kind and info["params"]
    _, want = exact.search(q, 10)
    _, got = approx.search(q, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, want)])
    assert recall >= 0.9, recall


def test_size_picks_the_faiss_kind(monkeypatch):
    from index import vectors

    monkeypatch.setattr(vectors, "FLAT_MAX", 1000)
    x = np.eye(8, dtype=np.float32)[np.arange(3000) % 8]
    assert vectors.make_faiss_index(x[:1000])[1]["kind"] == "flat"
    assert vectors.make_faiss_index(x)[1]["kind"] == "ivf"
    with pytest.raises(ValueError):
        vectors.make_faiss_index(x, "hnsw")


def test_bench_tiling_keeps_every_offset_and_answer(tmp_path, tiny_corpus, fake_embedder):
    """The scale benchmark's synthetic corpus: copies of real passages whose rows,
    offsets and sentence ranges stay consistent, so the same questions get answered."""
    from bench.__main__ import tiled
    from index import lexical, store
    from index.build import build
    from index.settings import BuildOptions
    from index.vectors import make_faiss_index
    from qa import QA, Retriever

    build(tiny_corpus, tmp_path / "idx", embedder=fake_embedder, options=BuildOptions(progress=False))
    base = store.load_version(store.current_version_dir(tmp_path / "idx"))
    n = base.n_passages * 3 + 1
    big, reps = tiled(base, n, noise=0.1)
    assert reps == 4 and big.n_passages == n
    big.manifest.pop("counts")
    store.verify(big)
    for i in range(n):
        j = i % base.n_passages
        assert big.chunk_text(i) == base.chunk_text(j)
        lo, hi = big.chunks[i, 3:5]
        assert [big.sentence_text(s) for s in range(lo, hi)] == [
            base.sentence_text(s) for s in range(*base.chunks[j, 3:5])]
    v = big.passage_vectors
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.allclose(v[: base.n_passages], base.passage_matrix(), atol=1e-6)  # the first copy is real
    index, info = make_faiss_index(v)
    bm25 = lexical.build_bm25(lexical.passage_terms(big, True))
    r = Retriever(store.IndexData(articles=big.articles, sentences=big.sentences, chunks=big.chunks,
                                  passage_vectors=None, sentence_vectors=big.sentence_vectors, manifest=big.manifest,
                                  faiss_index=index, bm25=bm25, sentence_df=lexical.sentence_df(big)), fake_embedder)
    hits = r.search("harbor festival founded by the fishermen's union", k=8)
    assert all("fishermen's union" in big.chunk_text(h.chunk) for h in hits[:4])  # the 4 copies first
    cands = QA(r).candidates("harbor festival founded", hits, fake_embedder.embed_query("harbor festival founded"))
    assert any("founded in 1987" in big.sentence_text(c.sentence) for c in cands)


def test_unwritable_cache_gives_a_clear_message(tmp_path, monkeypatch, real_embedder):
    from common.errors import ModelError
    from index import embedding

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("QA_CACHE_DIR", str(blocker))
    with pytest.raises(ModelError) as err:
        embedding.onnx_model_file(real_embedder.path)
    assert "QA_CACHE_DIR" in err.value.user_message()


def test_vectors_do_not_depend_on_the_batch(tmp_path, tiny_corpus):
    """Issue 25: int8 activations are quantised per run, so each text is embedded alone:
    the same corpus built with batch sizes 1, 7 and 64 (texts run in parallel, one thread
    each) and one text at a time on one thread has identical passage and sentence vectors,
    and answers alike."""
    import numpy as np

    from index import store
    from index.build import build
    from index.embedding import OnnxEmbedder
    from index.settings import BuildOptions
    from qa import open_qa

    built = []
    for size in (1, 7, 64, "serial"):
        emb = OnnxEmbedder(threads=1) if size == "serial" else OnnxEmbedder(batch_size=size)
        assert emb.text_workers == (1 if size == "serial" else (os.cpu_count() or 1))
        build(tiny_corpus, tmp_path / f"b{size}", embedder=emb, options=BuildOptions(progress=False))
        data = store.load_version(store.current_version_dir(tmp_path / f"b{size}"))
        built.append((data, open_qa(tmp_path / f"b{size}", embedder=emb)))
    (a, qa_a), *others = built
    for b, qa_b in others:
        assert np.array_equal(a.passage_matrix(), b.passage_matrix())
        assert np.array_equal(a.sentence_vectors, b.sentence_vectors)
        for q in ("Who authorized the meetings?", "What is the capital of France?"):
            x, y = qa_a.ask(q), qa_b.ask(q)
            assert (x.answer, x.confidence, [c.start for c in x.citations]) == \
                (y.answer, y.confidence, [c.start for c in y.citations])
