"""Shared fixtures: tiny real corpora, a deterministic fake embedder for unit tests,
and the real model loaded once per session for integration tests."""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(__file__).parent / "data"
SHIPPED_CORPUS = ROOT / "corpus"
SQUAD_DEV = ROOT.parent / "shared" / "eval" / "squad-v1.1-dev-part-a.json"


class FakeEmbedder:
    """Bag of hashed word stems -> unit vector. Same text, same vector; shared words, closer."""

    name = "fake/hashed-words"
    fingerprint = "fake-fingerprint"
    dim = 64
    backend = "fake"
    path = ""

    def __init__(self):
        self.calls = 0

    def load(self):
        return self

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def token_counter(self):
        return None  # counted in the building process

    def embed(self, texts, progress=None):
        self.calls += len(texts)
        if progress:
            progress(len(texts))
        return self._vectors(texts)

    def embed_late(self, texts, spans, progress=None):
        """One "pass" per text: its vector, and each span's vector from the text's own words."""
        self.calls += len(texts)
        if progress:
            progress(len(texts))
        return self._vectors(texts), [self._vectors([t[a:b] for a, b in sp]) for t, sp in zip(texts, spans)]

    def _vectors(self, texts):
        from common.text import terms

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in terms(t) or ["empty"]:
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
            out[i] /= np.linalg.norm(out[i])
        return out

    def embed_query(self, text):
        return self.embed([text])[0]


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(DATA / "corpus", dst)
    return dst


@pytest.fixture(scope="session")
def real_embedder():
    """The default embedding path (int8 ONNX), loaded once, with the sha256 check."""
    from index.embedding import make_embedder

    return make_embedder().load()


@pytest.fixture(scope="session")
def fp32_embedder():
    """The reference path: sentence-transformers fp32 on torch."""
    from index.embedding import Embedder

    emb = Embedder()
    return emb.load()


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory, real_embedder) -> Path:
    from index.build import build
    from index.settings import BuildOptions
    index_dir = tmp_path_factory.mktemp("shipped") / "index"
    build(SHIPPED_CORPUS, index_dir, embedder=real_embedder, options=BuildOptions(progress=False))
    return index_dir


@pytest.fixture(scope="session")
def shipped_qa(shipped_index, real_embedder):
    from qa import open_qa

    return open_qa(shipped_index, SHIPPED_CORPUS, embedder=real_embedder)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """`python app.py --mcp --no-upload --header-timeout 3` on a free port, serving the shipped
    article and a hostile one."""
    work = tmp_path_factory.mktemp("browser")
    corpus = work / "corpus"
    shutil.copytree(SHIPPED_CORPUS, corpus)
    shutil.copy(DATA / "xss" / "museum-reopens.txt", corpus)
    yield from _serve(work, corpus, "--mcp", "--no-upload", "--header-timeout", "3")


@pytest.fixture(scope="session")
def news_app_url(tmp_path_factory):
    """`python app.py` serving the news fixture (eval/news_fixture/corpus)."""
    work = tmp_path_factory.mktemp("news-browser")
    corpus = work / "corpus"
    shutil.copytree(ROOT / "eval" / "news_fixture" / "corpus", corpus)
    yield from _serve(work, corpus)


@pytest.fixture(scope="session")
def upload_app_url(tmp_path_factory):
    """`python app.py` (uploads on: it binds to 127.0.0.1) on a copy of the shipped corpus;
    yields (url, corpus folder)."""
    work = tmp_path_factory.mktemp("upload-browser")
    corpus = work / "corpus"
    shutil.copytree(SHIPPED_CORPUS, corpus)
    for url in _serve(work, corpus):
        yield url, corpus


def _serve(work: Path, corpus: Path, *args: str):
    port = _free_port()
    log = open(work / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--corpus", str(corpus),
                             "--index-dir", str(work / "index"), *args], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, HF_HUB_OFFLINE="1"))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 240
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app exited: {(work / 'app.log').read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(1)
    else:
        pytest.fail("app did not start in 240 s")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


# ---------------------------------------------------------------- markers (pyproject.toml)

_BROWSER_FIXTURES = {"app_url", "news_app_url", "upload_app_url"}
_MODEL_FIXTURES = {"real_embedder", "fp32_embedder", "shipped_index", "shipped_qa"} | _BROWSER_FIXTURES
_MODEL_FILES = {"test_reader.py", "test_end_to_end.py", "test_news.py", "test_trust.py", "test_conversation.py"}


def pytest_collection_modifyitems(config, items):
    """browser: uses a served page; model: uses the real model (by fixture, or a file whose
    tests load the trained reader); slow: SLOW, measured with --durations on this machine."""
    slow = set(SLOW)
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        name = Path(str(item.fspath)).name
        if used & _BROWSER_FIXTURES or name == "test_browser.py":
            item.add_marker(pytest.mark.browser)
        if used & _MODEL_FIXTURES or name in _MODEL_FILES:
            item.add_marker(pytest.mark.model)
        if item.nodeid.split("[")[0] in slow or name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


SLOW_FILES = {"test_browser.py", "test_ray.py", "test_package.py", "test_mcp.py", "test_uploads.py"}
# over 3 s each on the 2-core machine (pytest --durations, this round)
SLOW: tuple[str, ...] = (
    "tests/test_atomic.py::test_kill_9_at_any_point_leaves_previous_index",
    "tests/test_atomic.py::test_concurrent_build_stops_with_a_message",
    "tests/test_speed_paths.py::test_damaged_onnx_cache_is_made_again",
    "tests/test_speed_paths.py::test_int8_and_fp32_indexes_answer_the_news_questions_alike",
    "tests/test_end_to_end.py::test_whole_pipeline_runs_with_the_network_unreachable",
    "tests/test_fuzz.py::test_any_question",
    "tests/test_app.py::test_a_stale_or_missing_index_answers_when_it_can_and_recovers_by_itself",
    # 2026-12-01: the fast subset ran 92 s; these took 3.5-8 s each (--durations)
    "tests/test_fuzz.py::test_any_large_file",
    "tests/test_fuzz.py::test_any_html_nesting",
    "tests/test_evaluate.py::test_news_quality_does_not_regress",
    "tests/test_evaluate.py::test_squad_sample_builds_an_index_and_scores_it",
    "tests/test_evaluate.py::test_ablation_switches",
    "tests/test_reading.py::test_unanswerable_generator_makes_records_for_training",
    "tests/test_speed_paths.py::test_int8_vectors_are_close_to_fp32",
    "tests/test_app.py::test_service_answers_with_sources",
    "tests/test_ingest.py::test_reader_processes_build_the_same_index_in_batches",
    "tests/test_guard.py::test_connections_that_never_finish_their_headers_are_closed",
    "tests/test_news.py::test_fixture_evaluation",
    "tests/test_speed_paths.py::test_index_records_its_embedding_path_and_queries_must_match",  # loads torch fp32
    "tests/test_hostile.py::test_chat_renders_no_math",
    "tests/test_hostile.py::test_html_too_deep_or_of_too_many_tags_is_refused_before_parsing",
    "tests/test_app.py::test_cards_of_a_long_article_carry_an_excerpt_not_the_article",
)
