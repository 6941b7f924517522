"""Atomic updates: kill -9 at any moment, concurrent builds, the app's hot switch."""
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT

from index import store
from index.build import build
from index.settings import BuildOptions
from qa import Retriever

WORKER = """
import sys, time
sys.path[:0] = [{root!r}, {tests!r}]
from conftest import FakeEmbedder
from index.build import build
from index.settings import BuildOptions
class Slow(FakeEmbedder):
    def embed(self, texts, progress=None):
        time.sleep(0.002 * len(texts))
        return super().embed(texts, progress)

print("start", flush=True)
build(sys.argv[1], sys.argv[2], Slow(), options=BuildOptions(progress=False, full=True))
print("done", flush=True)
"""


def _make_corpus(path: Path, n: int, tag: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = " ".join(f"Sentence {j} of story {i} mentions {tag} harbor number {i * j}." for j in range(40))
        (path / f"story-{i:03d}.txt").write_text(f"Story {i} {tag}\n\n{body}\n")


def _worker(tmp_path, corpus, idx):
    script = tmp_path / "worker.py"
    script.write_text(WORKER.format(root=str(ROOT), tests=str(Path(__file__).parent)))
    return subprocess.Popen([sys.executable, str(script), str(corpus), str(idx)], stdout=subprocess.PIPE, text=True)


def _still_answers(idx, fake_embedder, expect_tag):
    data = store.load_version(store.current_version_dir(idx))
    hits = Retriever(data, fake_embedder).search(f"{expect_tag} harbor story", k=3)
    assert hits and expect_tag in data.articles[data.chunks[hits[0].chunk, 0]].title


def test_kill_9_at_any_point_leaves_previous_index(tmp_path, fake_embedder):
    old, new, idx = tmp_path / "old", tmp_path / "new", tmp_path / "idx"
    _make_corpus(old, 5, "alpha")
    _make_corpus(new, 60, "beta")
    build(old, idx, embedder=fake_embedder, options=BuildOptions(progress=False))
    # Time one uninterrupted build of the new corpus, into a scratch folder.
    t0 = time.perf_counter()
    p = _worker(tmp_path, new, tmp_path / "scratch")
    assert p.wait(timeout=120) == 0
    total = time.perf_counter() - t0
    for frac in (0.15, 0.35, 0.55, 0.7, 0.8, 0.88, 0.94, 0.98):
        live = store.current_version_name(idx)
        p = _worker(tmp_path, new, idx)
        p.stdout.readline()  # started
        time.sleep(max(0.0, total * frac - 0.3))
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = store.current_version_name(idx)
        # Either the old version is still live, or the new one finished completely.
        _still_answers(idx, fake_embedder, "alpha" if now == live else "beta")
        if now != live:  # finished before the kill; go back to the old corpus for the next round
            build(old, idx, embedder=fake_embedder, options=BuildOptions(progress=False, full=True))
    # Kill exactly while the new version's files are being written.
    live = store.current_version_name(idx)
    p = _worker(tmp_path, new, idx)
    deadline = time.time() + 120
    while not any(v.name.startswith(".tmp-") for v in (idx / "versions").iterdir()):
        assert time.time() < deadline and p.poll() is None, "the build never started writing"
        time.sleep(0.001)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert store.current_version_name(idx) == live
    _still_answers(idx, fake_embedder, "alpha")
    # The next build clears what killed builds left behind.
    build(old, idx, embedder=fake_embedder, options=BuildOptions(progress=False, full=True))
    assert not [v for v in (idx / "versions").iterdir() if v.name.startswith(".tmp-")]


def test_concurrent_build_stops_with_a_message(tmp_path, fake_embedder):
    from common.errors import BuildLockedError

    corpus, idx = tmp_path / "c", tmp_path / "idx"
    _make_corpus(corpus, 40, "gamma")
    p = _worker(tmp_path, corpus, idx)
    p.stdout.readline()
    time.sleep(0.3)
    with pytest.raises(BuildLockedError) as err:
        build(corpus, idx, embedder=fake_embedder, options=BuildOptions(progress=False))
    assert "another build" in str(err.value)
    assert p.wait(timeout=120) == 0
    _still_answers(idx, fake_embedder, "gamma")
    build(corpus, idx, embedder=fake_embedder, options=BuildOptions(progress=False, wait_for_lock=True))


def test_live_qa_switches_versions_without_failing_a_question(tiny_corpus, tmp_path, fake_embedder):
    from qa import LiveQA

    idx = tmp_path / "idx"
    build(tiny_corpus, idx, embedder=fake_embedder, options=BuildOptions(progress=False))
    live = LiveQA(idx, embedder=fake_embedder)
    live.ask("warm up the parser")
    first = live.version
    errors, answers, stop = [], [], threading.Event()

    def ask_loop():
        while not stop.is_set():
            try:
                answers.append(live.ask("How many visitors did the harbor festival draw?"))
            except Exception as exc:  # noqa: BLE001 - any failure fails the test
                errors.append(exc)

    t = threading.Thread(target=ask_loop)
    t.start()
    try:
        for i in range(3):
            (tiny_corpus / f"extra-{i}.txt").write_text(f"Extra {i}\n\nThe lighthouse {i} was repainted in May.")
            build(tiny_corpus, idx, embedder=fake_embedder, options=BuildOptions(progress=False))
            time.sleep(0.2)
        n = len(answers)
        deadline = time.time() + 30
        while len(answers) < n + 3 and time.time() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        t.join()
    assert not errors and len(answers) > 3
    assert live.get() and live.version != first and live.version == store.current_version_name(idx)
    assert "extra-2" in live.qa.data.article_row


def test_live_qa_keeps_old_version_when_new_one_is_broken(tiny_corpus, tmp_path, fake_embedder):
    from qa import LiveQA

    idx = tmp_path / "idx"
    build(tiny_corpus, idx, embedder=fake_embedder, options=BuildOptions(progress=False))
    live = LiveQA(idx, embedder=fake_embedder)
    old_qa = live.qa
    (tiny_corpus / "x.txt").write_text("X\n\nSomething new.")
    build(tiny_corpus, idx, embedder=fake_embedder, options=BuildOptions(progress=False))
    (store.current_version_dir(idx) / "chunks.npy").write_bytes(b"broken")
    assert live.get() is old_qa and "could not be loaded" in live.last_error


def test_app_tells_the_operator_when_a_new_version_does_not_load(tiny_corpus, tmp_path, fake_embedder):
    import web.service as service_mod

    idx = tmp_path / "idx"
    build(tiny_corpus, idx, embedder=fake_embedder, options=BuildOptions(progress=False))
    service = service_mod.ChatService(str(idx), None, embedder=fake_embedder)
    assert "not live" not in service.status_markdown()
    (tiny_corpus / "x.txt").write_text("X\n\nSomething new.")
    build(tiny_corpus, idx, embedder=fake_embedder, options=BuildOptions(progress=False))
    broken = store.current_version_name(idx)
    (store.current_version_dir(idx) / "chunks.npy").write_bytes(b"broken")
    history, _, _, _ = service.respond("How many visitors did the harbor festival draw?", [], [])
    reply = history[-1]["content"]
    assert "Note for the operator" in reply and broken.split("-")[0] in reply and "could not be loaded" in reply
    assert "newest index version is not live" in service.status_markdown()
