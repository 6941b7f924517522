import os

import numpy as np
import pytest

from common.errors import BuildLockedError, EmptyCorpusError, IndexCorruptError, IndexMismatchError, IndexMissingError, StaleIndexError
from index import store
from index.build import build
from index.settings import BuildOptions, IndexSettings
from qa import Retriever


def build_quietly(corpus, index_dir, emb, settings=None, **options):
    return build(corpus, index_dir, emb, settings, BuildOptions(progress=False, **options))


def test_build_then_load_round_trip(tiny_corpus, tmp_path, fake_embedder):
    summary = build_quietly(tiny_corpus, tmp_path / "idx", fake_embedder)
    assert summary.articles == 5 and summary.passages >= 5 and summary.full
    data = store.load_version(store.current_version_dir(tmp_path / "idx"))
    assert data.n_passages == summary.passages
    for i in range(data.n_passages):
        a, s, e = data.chunks[i, :3]
        assert data.chunk_text(i) == data.articles[a].text[s:e]
    m = data.manifest
    assert m["model"]["name"] == fake_embedder.name and m["model"]["dim"] == fake_embedder.dim
    assert set(m["articles"]) == {a.id for a in data.articles}
    assert m["chunking"]["max_words"] > 0 and "faiss-cpu" in m["versions"] and m["created"]


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissingError) as err:
        store.current_version_dir(tmp_path / "nothing")
    assert "python -m index build" in err.value.user_message()


def test_model_mismatch_is_refused(tiny_corpus, tmp_path, fake_embedder):
    build_quietly(tiny_corpus, tmp_path / "idx", fake_embedder)
    other = type(fake_embedder)()
    other.fingerprint = "another-model"
    with pytest.raises(IndexMismatchError) as err:
        Retriever.load(tmp_path / "idx", other)
    assert "--full" in err.value.user_message()


def test_changed_corpus_is_reported_stale(tiny_corpus, tmp_path, fake_embedder):
    build_quietly(tiny_corpus, tmp_path / "idx", fake_embedder)
    Retriever.load(tmp_path / "idx", fake_embedder, tiny_corpus)  # fresh: fine
    (tiny_corpus / "new.txt").write_text("New Title\n\nSomething happened today.")
    with pytest.raises(StaleIndexError) as err:
        Retriever.load(tmp_path / "idx", fake_embedder, tiny_corpus)
    assert "new.txt" in str(err.value) and "python -m index build" in err.value.user_message()


@pytest.mark.parametrize("victim, damage", [
    ("passages.faiss", "truncate"), ("chunks.npy", "flip"), ("articles.jsonl", "flip"),
    ("manifest.json", "garbage"), ("sentence_vectors.npy", "delete")])
def test_damaged_files_are_caught(tiny_corpus, tmp_path, fake_embedder, victim, damage):
    build_quietly(tiny_corpus, tmp_path / "idx", fake_embedder)
    vdir = store.current_version_dir(tmp_path / "idx")
    path = vdir / victim
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:-100])
    elif damage == "flip":
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        path.write_bytes(bytes(raw))
    elif damage == "garbage":
        path.write_text("{not json")
    else:
        path.unlink()
    with pytest.raises(IndexCorruptError) as err:
        store.load_version(vdir)
    assert "python -m index build --full" in err.value.user_message()


def test_incremental_add_change_delete_rename(tiny_corpus, tmp_path, fake_embedder):
    idx = tmp_path / "idx"
    first = build_quietly(tiny_corpus, idx, fake_embedder)
    calls = fake_embedder.calls
    again = build_quietly(tiny_corpus, idx, fake_embedder)
    assert fake_embedder.calls == calls and again.kept and not (again.added or again.updated or again.removed)
    assert again.passages == first.passages

    (tiny_corpus / "added.txt").write_text("Added Story\n\nA new bakery opened downtown on Monday.")
    (tiny_corpus / "harbor-festival.md").write_text("# Harbor Festival\n\nThe festival was cancelled this year.")
    (tiny_corpus / "mining.html").unlink()
    (tiny_corpus / "volcano-report.txt").rename(tiny_corpus / "volcano.txt")
    calls = fake_embedder.calls
    upd = build_quietly(tiny_corpus, idx, fake_embedder)
    assert upd.added == ["added", "volcano"] and upd.updated == ["harbor-festival"]
    assert upd.removed == ["mining", "volcano-report"] and not upd.full
    # Only the new and the edited article were embedded; the renamed one reused its vectors.
    assert fake_embedder.calls - calls == upd.embedded_texts
    data = store.load_version(store.current_version_dir(idx))
    ids = {a.id for a in data.articles}
    assert "mining" not in ids and "volcano" in ids
    hits = Retriever(data, fake_embedder).search("copper mine expansion", k=3)
    assert all(data.articles[data.chunks[h.chunk, 0]].id != "mining" for h in hits)
    # Reused vectors equal a fresh embedding of the same text.
    full = build_quietly(tiny_corpus, tmp_path / "idx2", fake_embedder, full=True)
    fresh = store.load_version(store.current_version_dir(tmp_path / "idx2"))
    assert full.passages == data.n_passages
    np.testing.assert_allclose(fresh.faiss_index.reconstruct_n(0, fresh.n_passages),
                               data.faiss_index.reconstruct_n(0, data.n_passages), atol=1e-6)


def test_failed_build_keeps_previous_index(tiny_corpus, tmp_path, fake_embedder):
    idx = tmp_path / "idx"
    build_quietly(tiny_corpus, idx, fake_embedder)
    live = store.current_version_name(idx)

    class Exploding(type(fake_embedder)):
        def embed(self, texts, progress=None):
            raise RuntimeError("disk full")

    (tiny_corpus / "added.txt").write_text("Added Story\n\nA new bakery opened downtown.")
    with pytest.raises(RuntimeError):
        build_quietly(tiny_corpus, idx, Exploding())
    assert store.current_version_name(idx) == live
    store.load_version(store.current_version_dir(idx))


def test_empty_corpus_never_replaces_an_index(tiny_corpus, tmp_path, fake_embedder):
    idx = tmp_path / "idx"
    build_quietly(tiny_corpus, idx, fake_embedder)
    live = store.current_version_name(idx)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("   ")
    with pytest.raises(EmptyCorpusError) as err:
        build_quietly(empty, idx, fake_embedder)
    assert "1 files skipped" in str(err.value)
    assert store.current_version_name(idx) == live


def test_second_build_is_refused_while_one_runs(tmp_path):
    with store.build_lock(tmp_path):
        with pytest.raises(BuildLockedError) as err:
            with store.build_lock(tmp_path):
                pass
    assert f"pid {os.getpid()}" in str(err.value)
    with store.build_lock(tmp_path):  # released afterwards
        pass


def test_old_versions_are_pruned(tiny_corpus, tmp_path, fake_embedder):
    idx = tmp_path / "idx"
    for _ in range(4):
        build_quietly(tiny_corpus, idx, fake_embedder)
    names = sorted(p.name for p in (idx / "versions").iterdir())
    assert len(names) == store.KEEP_VERSIONS and store.current_version_name(idx) == names[-1]


def test_late_sentence_vectors_come_from_the_passage_pass(tiny_corpus, tmp_path, real_embedder):
    """Late chunking: one pass over the passages gives the passage vectors (as the separate
    build does) and every sentence's vector (pooled inside its passage, close to the sentence
    alone); the manifest records the mode, and switching it rebuilds everything."""
    import numpy as np

    from index import store
    sep = build_quietly(tiny_corpus, tmp_path / "sep", real_embedder, IndexSettings(sentence_vectors="separate"))
    late = build_quietly(tiny_corpus, tmp_path / "late", real_embedder, IndexSettings(sentence_vectors="late"))
    a = store.load_version(store.current_version_dir(tmp_path / "sep"))
    b = store.load_version(store.current_version_dir(tmp_path / "late"))
    assert late.embedded_texts == b.n_passages < sep.embedded_texts == a.n_passages + len(a.sentences)
    assert b.manifest["sentence_vectors"] == "late" and a.manifest["sentence_vectors"] == "separate"
    assert float((a.passage_matrix() * b.passage_matrix()).sum(1).min()) > 0.98
    sa, sb = a.sentence_vectors.astype(np.float32), b.sentence_vectors.astype(np.float32)
    assert np.allclose(np.linalg.norm(sb, axis=1), 1, atol=1e-2)  # every sentence got a vector
    cos = (sa * sb).sum(1)
    assert cos.mean() > 0.6 and (sb @ sb.T).diagonal().min() > 0.99
    # most late sentence vectors are closest to their own sentence alone (chance: 1 in len(sa));
    # the rest lean towards their neighbours: the passage's context is in them
    assert (np.argmax(sb @ sa.T, axis=1) == np.arange(len(sb))).mean() > 0.5
    again = build_quietly(tiny_corpus, tmp_path / "late", real_embedder, IndexSettings(sentence_vectors="separate"))
    assert again.embedded_texts == a.n_passages + len(a.sentences)  # the mode changed: everything re-embedded


def test_pooled_passage_vectors_are_the_mean_of_their_sentences(tiny_corpus, tmp_path, fake_embedder):
    """"pooled": each sentence embedded once, on its own (the same vectors as a separate build),
    no passage run through the model; a passage's vector is the unit mean of its sentences'."""
    import numpy as np

    from index import store
    sep = build_quietly(tiny_corpus, tmp_path / "sep", fake_embedder, IndexSettings(sentence_vectors="separate"))
    pooled = build_quietly(tiny_corpus, tmp_path / "pooled", fake_embedder, IndexSettings(sentence_vectors="pooled"))
    a = store.load_version(store.current_version_dir(tmp_path / "sep"))
    b = store.load_version(store.current_version_dir(tmp_path / "pooled"))
    assert pooled.embedded_texts == len(b.sentences) and sep.embedded_texts == a.n_passages + len(a.sentences)
    assert b.manifest["sentence_vectors"] == "pooled"
    assert np.array_equal(a.sentence_vectors, b.sentence_vectors)
    for i in range(b.n_passages):
        lo, hi = b.chunk_sentences(i)
        m = np.asarray(fake_embedder.embed([b.sentence_text(j) for j in range(lo, hi)])).mean(0)
        assert np.allclose(b.passage_matrix()[i], m / np.linalg.norm(m), atol=1e-6)


def test_a_version_from_before_a_chunking_option_is_rebuilt_not_updated():
    """IndexSettings.needs_full_rebuild: a manifest without one of today's chunking options was
    built without it (not with its default), so the build re-embeds everything."""
    from index.settings import IndexSettings

    class Emb:
        name, fingerprint, dim, path, backend = "m", "f", 3, "p", "onnx-int8"

    now = IndexSettings()
    man = now.manifest(Emb())
    assert IndexSettings.from_manifest(man) == now and not now.needs_full_rebuild(Emb(), man)
    older = dict(man, chunking={k: v for k, v in man["chunking"].items() if k != "furniture"})
    assert IndexSettings.from_manifest(older) is None and now.needs_full_rebuild(Emb(), older)
    assert now.needs_full_rebuild(Emb(), dict(man, sentence_vectors="late"))
    assert now.needs_full_rebuild(Emb(), dict(man, model=dict(man["model"], fingerprint="g")))


def test_build_options_and_settings_are_checked_when_made():
    from index.settings import BuildOptions, IndexSettings

    with pytest.raises(ValueError, match="engine must be one of local, ray"):
        BuildOptions(engine="rey")
    with pytest.raises(ValueError, match="sentence vectors must be one of separate, late, pooled"):
        IndexSettings(sentence_vectors="lat")
    with pytest.raises(ValueError, match="Ray engine builds from a corpus folder"):
        build([], "unused", options=BuildOptions(engine="ray"))
