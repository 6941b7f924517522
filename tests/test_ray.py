"""`python -m index build --engine ray`: a 2-worker local Ray build equals the local build
(same passages and sentences, vectors bit for bit, answers alike; issue 25) and goes
through the same write-verify-switch path."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import ROOT, SHIPPED_CORPUS

pytest.importorskip("ray", reason="Ray not installed (requirements-ray.txt)")


def test_two_worker_ray_build_equals_the_local_build(tmp_path):
    from index import store
    from index.__main__ import main

    corpus = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS, corpus)
    for name in ("mill-fire.txt", "bridge-closure.txt", "harbor-dredging.json", "library-reopens.html"):
        shutil.copy(ROOT / "eval" / "news_fixture" / "corpus" / name, corpus)
    from qa import open_qa

    for mode in ("separate", "late"):
        common = ["--corpus", str(corpus), "--quiet", "--sentence-vectors", mode]
        local, ray = tmp_path / f"local-{mode}", tmp_path / "ray"
        if ray.exists():
            shutil.rmtree(ray)
        assert main(["build", "--index-dir", str(local), *common]) == 0
        assert main(["build", "--index-dir", str(ray), "--engine", "ray", "--workers", "2", *common]) == 0
        a, b = (store.load_version(store.current_version_dir(x), full_hash=True) for x in (local, ray))
        assert [x.id for x in a.articles] == [x.id for x in b.articles]
        assert np.array_equal(a.chunks, b.chunks) and np.array_equal(a.sentences, b.sentences)
        assert np.array_equal(a.passage_matrix(), b.passage_matrix()), mode
        assert np.array_equal(a.sentence_vectors, b.sentence_vectors), mode
        assert b.manifest["corpus"]["files"] == a.manifest["corpus"]["files"]
        qa_a, qa_b = open_qa(local), open_qa(ray)
        for q in ("Who authorized the meetings?", "When did the mill fire break out?", "What was dredged?"):
            x, y = qa_a.ask(q), qa_b.ask(q)
            assert (x.answer, x.confidence, [(c.article_id, c.start) for c in x.citations]) == \
                (y.answer, y.confidence, [(c.article_id, c.start) for c in y.citations]), (mode, q)
    # an update through Ray embeds only the new article
    shutil.copy(ROOT / "eval" / "news_fixture" / "corpus" / "whale-in-harbor.txt", corpus)
    assert main(["build", "--index-dir", str(tmp_path / "ray"), "--engine", "ray", "--workers", "2", *common]) == 0
    c = store.load_version(store.current_version_dir(tmp_path / "ray"))
    assert len(c.articles) == len(b.articles) + 1 and c.manifest["version"] != b.manifest["version"]
