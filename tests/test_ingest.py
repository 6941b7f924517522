"""Streaming, parallel ingestion (index.ingest): reader processes give the same index as
reading in the build's own process, vectors go to disk batch by batch and come back
exact, and a reader process that dies does not end the build."""
from __future__ import annotations

import multiprocessing
import os
import shutil

import numpy as np
import pytest
from conftest import ROOT

NEWS = ROOT / "eval" / "news_fixture" / "corpus"


def test_row_files_and_row_sets_round_trip(tmp_path):
    from index.ingest import RowFile, RowSet

    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((5, 8)).astype(np.float16), rng.standard_normal((3, 8)).astype(np.float16)
    spill = RowFile.create(tmp_path / "spill.f16", np.float16, 8)
    assert spill.append(a) == (0, 5) and spill.append(b) == (5, 8)
    old = rng.standard_normal((4, 8)).astype(np.float16)
    np.save(tmp_path / "old.npy", old)
    prev = RowFile.open_npy(tmp_path / "old.npy")
    assert (prev.rows, prev.dim) == (4, 8) and np.array_equal(prev.read(1, 3), old[1:3])
    rows = RowSet(8, np.float16)
    rows.add(spill, 5, 8)
    rows.add(prev, 0, 2)
    rows.add(spill, 2, 2)  # an article without sentences adds nothing
    rows.add(spill, 0, 2)
    want = np.concatenate([b, old[:2], a[:2]])
    assert rows.shape == want.shape and np.array_equal(rows.to_array(), want)
    rows.write_npy(tmp_path / "out.npy")
    assert np.array_equal(np.load(tmp_path / "out.npy"), want)
    spill.close()
    prev.close()


def _load(index_dir):
    from index import store

    return store.load_version(store.current_version_dir(index_dir), full_hash=True)


def test_reader_processes_build_the_same_index_in_batches(tmp_path, real_embedder, monkeypatch):
    from index import build as build_module
    from index.build import build
    from index.settings import BuildOptions
    monkeypatch.setattr(build_module, "FLUSH_PASSAGES", 16)  # many embedding batches, each spilled to disk
    corpus = tmp_path / "corpus"
    shutil.copytree(NEWS, corpus)
    inline = build(corpus, tmp_path / "inline", real_embedder, options=BuildOptions(progress=False, workers=0))
    forked = build(corpus, tmp_path / "workers", real_embedder, options=BuildOptions(progress=False, workers=2))
    a, b = _load(tmp_path / "inline"), _load(tmp_path / "workers")
    assert [x.id for x in a.articles] == [x.id for x in b.articles] and len(a.articles) > 30
    assert np.array_equal(a.chunks, b.chunks) and np.array_equal(a.sentences, b.sentences)
    assert np.array_equal(a.passage_matrix(), b.passage_matrix())
    assert np.array_equal(a.sentence_vectors, b.sentence_vectors)
    assert np.array_equal(a.minhash, b.minhash) and np.array_equal(a.wire_group, b.wire_group)
    assert a.manifest["corpus"]["files"] == b.manifest["corpus"]["files"]
    assert [(s.path, s.reason) for s in inline.skipped] == [(s.path, s.reason) for s in forked.skipped]
    assert inline.embedded_texts == forked.embedded_texts > 0
    # An update with reader processes: only the new article is embedded; the kept ones' rows
    # and vectors are read back from the previous version's files.
    removed = sorted(corpus.glob("*.txt"))[0]
    removed.unlink()
    shutil.copy(ROOT / "corpus" / next(p.name for p in (ROOT / "corpus").iterdir() if p.suffix == ".txt"),
                corpus / "dea.txt")
    update = build(corpus, tmp_path / "workers", real_embedder, options=BuildOptions(progress=False, workers=2))
    assert len(update.added) == 1 and len(update.removed) == 1 and len(update.kept) == len(a.articles) - 1
    c = _load(tmp_path / "workers")
    new_row = next(i for i, x in enumerate(c.articles) if x.id == update.added[0])
    for row, art in enumerate(c.articles):
        if row == new_row:
            continue
        old = b.article_row[art.id]
        assert np.array_equal(c.sentence_vectors[c.sentences[:, 0] == row], b.sentence_vectors[b.sentences[:, 0] == old])
        assert np.array_equal(c.passage_matrix()[c.chunks[:, 0] == row], b.passage_matrix()[b.chunks[:, 0] == old])
    assert update.embedded_texts == int((c.chunks[:, 0] == new_row).sum() + (c.sentences[:, 0] == new_row).sum())


class DiesInWorkers:
    """A token counter that kills the reader process it runs in when it meets `marker`."""

    def __init__(self, marker: str):
        self.marker = marker

    def __call__(self, text: str) -> int:
        if self.marker in text and multiprocessing.parent_process() is not None:
            os._exit(3)
        return len(text.split()) + 2


def test_a_reader_process_that_dies_does_not_end_the_build(tmp_path):
    from index.articles import walk_corpus
    from index.chunking import ChunkSettings
    from index.ingest import FILES_PER_TASK, prepared_files

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3 * FILES_PER_TASK):
        body = "The worker dies here." if i == FILES_PER_TASK + 2 else f"Story number {i} is about the harbor."
        (corpus / f"story-{i:03d}.txt").write_text(f"Title {i}\n\n{body} It has two sentences.\n")
    files, _ = walk_corpus(corpus)
    with pytest.warns(RuntimeWarning, match="reader processes stopped"):
        got = list(prepared_files(files, corpus, set(), ChunkSettings(), DiesInWorkers("worker dies"), workers=1))
    assert [r.rel for r in got] == [f.name for f in files]
    assert all(len(r.prepared) == 1 and r.prepared[0].chunks is not None for r in got)


def test_reader_processes_by_default_only_where_cores_are_spare():
    from index.ingest import default_workers, embedder_threads

    assert default_workers(10_000, cores=2) == 0 and default_workers(10_000, cores=1) == 0
    assert default_workers(63, cores=16) == 0
    assert [default_workers(10_000, cores=c) for c in (4, 8, 16, 64)] == [1, 2, 4, 4]
    assert embedder_threads(0, cores=16) == 0 and embedder_threads(4, cores=16) == 12
    assert embedder_threads(1, cores=2) == 0 and embedder_threads(2, cores=3) == 0


def test_an_update_signs_kept_articles_whose_index_has_no_signatures(tiny_corpus, tmp_path, fake_embedder):
    """An index whose MinHash signatures are missing or of another size (an older build) is
    updated, not broken: the kept articles are signed again."""
    import json

    from common.hashing import sha256_file
    from index import store, wire
    from index.build import build
    from index.settings import BuildOptions
    idx = tmp_path / "index"
    build(tiny_corpus, idx, fake_embedder, options=BuildOptions(progress=False))
    live = store.current_version_dir(idx)
    n = len(store.load_version(live).articles)
    np.save(live / "minhash.npy", np.zeros((n, 0), np.uint64))
    man = json.loads((live / "manifest.json").read_text())
    man["files"]["minhash.npy"] = {"bytes": (live / "minhash.npy").stat().st_size,
                                   "sha256": sha256_file(live / "minhash.npy")}
    (live / "manifest.json").write_text(json.dumps(man))
    (tiny_corpus / "late-news.txt").write_text("Late news\n\nThe ferry left at noon on Friday.\n")
    summary = build(tiny_corpus, idx, fake_embedder, options=BuildOptions(progress=False))
    assert summary.added == ["late-news"] and len(summary.kept) == n
    data = store.load_version(store.current_version_dir(idx), full_hash=True)
    assert data.minhash.shape == (n + 1, wire.NUM_PERM) and data.minhash.any(axis=1).all()
