"""Hostile input (issue 15, first part): one bad file or one bad question never ends a
build or a batch, and nothing outside the corpus folder is read."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SHIPPED_CORPUS

from index.articles import _strip_markdown, load_articles


@pytest.fixture
def corpus(tmp_path):
    c = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS, c)
    return c


def test_deep_json_and_lone_surrogates_do_not_stop_a_build(corpus, tmp_path, fake_embedder):
    from index.build import build
    from index.settings import BuildOptions
    (corpus / "n.json").write_text("[" * 1000 + "]" * 1000)
    (corpus / "deep.jsonl").write_text('{"title": "t", "text": "ok text here."}\n' + "[" * 5000 + "]" * 5000 + "\n")
    (corpus / "s.json").write_text('{"title": "t", "text": "a \\ud800 b is here."}')
    summary = build(corpus, tmp_path / "index", embedder=fake_embedder, options=BuildOptions(progress=False))
    reasons = {s.path: s.reason for s in summary.skipped}
    assert "nested too deeply" in reasons["n.json"] or "expected a JSON object" in reasons["n.json"]
    assert any("deep.jsonl" in k and "nested too deeply" in v for k, v in reasons.items())
    arts = {a.id: a for a in load_articles(corpus).articles}
    assert arts["s"].text == "a \ufffd b is here." and "deep-1" in arts


def test_a_file_name_that_is_not_utf8_is_skipped_not_a_crash(corpus, tmp_path, fake_embedder):
    """`caf\\xe9.txt` (Latin-1 bytes) used to crash every build at the manifest; now it is
    skipped with its reason, the build and an update finish, and the status shows it."""
    from index.build import build
    from index.settings import BuildOptions
    from index.store import current_version_dir, read_manifest

    (corpus / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"Cafe\n\nThe cafe opened in 1990.\n")
    (corpus / "ok.txt").write_text("Ok story\n\nThe ferry runs daily.", encoding="utf-8")
    summary = build(corpus, tmp_path / "index", embedder=fake_embedder, options=BuildOptions(progress=False))
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons == {"caf\ufffd.txt": "its name is not valid UTF-8; rename the file to index it"}
    assert "ok" in {a.id for a in load_articles(corpus).articles}
    manifest = read_manifest(current_version_dir(tmp_path / "index"))
    assert json.dumps(manifest, ensure_ascii=False).encode("utf-8")  # writable as UTF-8
    again = build(corpus, tmp_path / "index", embedder=fake_embedder, options=BuildOptions(progress=False))
    assert again.added == [] and {s.path for s in again.skipped} == {"caf\ufffd.txt"}


def test_corpus_walk_stays_in_the_folder(corpus, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Secret\n\nThe password is swordfish.")
    os.symlink(outside, corpus / "passwd.txt")
    os.symlink(tmp_path / "missing.txt", corpus / "dangling.txt")
    os.symlink(corpus / "loop.txt", corpus / "loop.txt")
    os.mkfifo(corpus / "pipe.txt")
    os.symlink(corpus / "dea-secret-meetings-with-cartels.txt", corpus / "inside-link.txt")
    (corpus / "utf16.txt").write_bytes("Title\n\nUTF-16 text is read.".encode("utf-16"))
    report = load_articles(corpus)
    reasons = {s.path: s.reason for s in report.skipped}
    assert "outside the corpus folder" in reasons["passwd.txt"]
    assert "broken or looping" in reasons["dangling.txt"] and "broken or looping" in reasons["loop.txt"]
    assert "not a regular file" in reasons["pipe.txt"]
    ids = {a.id for a in report.articles}
    assert "inside-link" in ids and "utf16" in ids and "passwd" not in ids
    assert all("swordfish" not in a.text for a in report.articles)


def test_markdown_link_with_brackets_in_its_address():
    assert _strip_markdown("See [the page](https://en.wikipedia.org/wiki/Foo_(bar)) now.") == "See the page now."


def test_long_question_is_answered_or_refused(shipped_qa):
    answer = shipped_qa.ask("x " * 130 + "?")
    assert answer.refused or answer.citations


def _cli(args, stdin: bytes, index_dir) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", "ask", *args, "--index-dir", str(index_dir)],
                          input=stdin, capture_output=True, cwd=ROOT, timeout=120)


def test_batch_goes_on_after_a_line_that_is_not_utf8(shipped_index):
    out = _cli(["--json", "-"], b"Who authorized the meetings?\nWho opened the caf\xe9?\nWhich newspaper revealed "
               b"the meetings?\n", shipped_index)
    lines = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert len(lines) == 3 and "not UTF-8" in lines[1]["error"]
    assert lines[0]["answer"] and lines[2]["answer"] and b"Traceback" not in out.stderr


def test_a_question_argument_with_bytes_that_are_not_utf8_is_answered(shipped_index):
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "qa", "ask", "--index-dir", str(shipped_index), "--json",
                          b"Who \xff authorized the meetings?"], capture_output=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr[-800:]
    assert json.loads(out.stdout)["question"] == "Who \ufffd authorized the meetings?"


def test_closed_pipe_ends_quietly(shipped_index):
    proc = subprocess.Popen(f"{sys.executable} -m qa ask --index-dir {shipped_index} - | head -c 1 > /dev/null",
                            shell=True, stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    _, err = proc.communicate(b"Who authorized the meetings?\n" * 50, timeout=120)
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_broken_current_is_reported_and_leftovers_removed(shipped_index, tmp_path, real_embedder):
    from index import store
    from qa import LiveQA

    index_dir = tmp_path / "index"
    shutil.copytree(shipped_index, index_dir)
    live = LiveQA(index_dir, embedder=real_embedder, warm=False)
    (index_dir / "CURRENT").write_text("no-such-version\n")
    assert live.ask("Who authorized the meetings?").answer == "the U.S. government"
    assert "CURRENT" in (live.last_error or "")
    stale = index_dir / ".CURRENT.999999999"
    stale.write_text("x")
    (index_dir / "CURRENT").write_text(live.version + "\n")
    store.prune(index_dir)
    assert not stale.exists()
    live.get()
    assert live.last_error is None


def test_current_cannot_point_outside_the_index_folder(shipped_index, tmp_path, real_embedder):
    """A CURRENT holding '../../outside/v' (where a valid index sits) loads nothing from there."""
    from common.errors import IndexCorruptError
    from index import store
    from qa import LiveQA, open_qa

    index_dir = tmp_path / "a" / "index"
    shutil.copytree(shipped_index, index_dir)
    name = store.current_version_name(index_dir)
    outside = tmp_path / "outside"
    shutil.copytree(index_dir / "versions" / name, outside / "v")
    live = LiveQA(index_dir, embedder=real_embedder, warm=False)
    for bad in ("../../../outside/v", "/etc", ".tmp-x"):
        (index_dir / "CURRENT").write_text(bad + "\n")
        with pytest.raises(IndexCorruptError, match="not a version folder"):
            store.current_version_dir(index_dir)
        with pytest.raises(IndexCorruptError):
            open_qa(index_dir, embedder=real_embedder, warm=False)
        live.get()
        assert live.version == name and "CURRENT" in live.last_error  # still the good version, and said so


def test_chat_renders_no_math():
    import gradio as gr

    from web.page import build_ui
    from web.service import ChatService

    demo = build_ui(ChatService("/nonexistent-index", None))
    chats = [b for b in demo.blocks.values() if isinstance(b, gr.Chatbot)]
    assert chats and all(c.latex_delimiters == [] for c in chats)


def test_upload_route_refuses_files(app_url):
    """The page uploads nothing (--no-upload); Gradio's upload route must not store what
    anyone sends, not even a 1 KB file (it used to take files under 1 KB)."""
    import urllib.error
    import urllib.request

    boundary = "qa-test-boundary"
    for size in (100_000, 500):
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"f.bin\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + b"x" * size + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(app_url + "gradio_api/upload", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=30)
        assert err.value.code == 403, size


def _post(url: str, body: bytes):
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url + "api/ask", data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_json_endpoint(app_url, shipped_qa):
    status, out = _post(app_url, json.dumps({"question": "Who authorized the meetings?"}).encode())
    want = shipped_qa.ask("Who authorized the meetings?").to_json()  # the same object as `qa ask --json`
    assert status == 200 and set(out) == set(want)
    assert {k: out[k] for k in ("answer", "sentence", "citations", "refused")} == \
        {k: want[k] for k in ("answer", "sentence", "citations", "refused")}
    for body, code in ((b"{not json", 400), (b"\xff\xfe", 400), (b"[1, 2]", 422), (b'{"question": 3}', 422),
                       (b'{"question": ""}', 422), (b'{"question": "q", "as_of": "soon"}', 422),
                       (b'{"question": "q", "colour": 1}', 422), (json.dumps({"question": "x" * 70_000}).encode(), 413),
                       (json.dumps({"question": "x " * 2000}).encode(), 422), (b"[" * 100_00 + b"]" * 100_00, 400)):
        status, out = _post(app_url, body)
        assert status == code and out.get("error"), (body[:40], status, out)
    # lone surrogates in any field: answered (or refused), never a 500
    for body in (b'{"question": "Who authorized the \\ud800 meetings?"}',
                 b'{"question": "Who authorized the meetings?", "context": "\\udfff"}',
                 b'{"question": "Who authorized the meetings?", "sources": ["\\ud800"]}'):
        status, out = _post(app_url, body)
        assert status in (200, 422), (body, status, out)


def test_hash_and_text_come_from_one_read(tmp_path, monkeypatch):
    """A file rewritten between two reads must not leave the hash of one content beside
    the text of another: the loader reads each file once (the file system is simulated
    here: each read returns the next version of the file)."""
    import pathlib

    from common.hashing import sha256_bytes

    c = tmp_path / "corpus"
    c.mkdir()
    (c / "a.txt").write_text("Title A\n\nFirst version.")
    versions = [b"Title A\n\nFirst version.", b"", b"Title A\n\nSecond version."]
    real = pathlib.Path.read_bytes

    def read_bytes(self):
        return versions.pop(0) if self.name == "a.txt" and versions else real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    report = load_articles(c)
    (art,) = report.articles
    assert art.text == "First version." and report.file_hashes["a.txt"] == sha256_bytes(b"Title A\n\nFirst version.")[:32]


def test_a_file_cannot_take_another_articles_id(corpus, tmp_path, fake_embedder):
    """corpus/aaa.json naming the shipped article's id (and coming first by path) does not
    replace it: the real article is indexed, the impostor is a reported conflict; two JSON
    records with one id: the second is a reported conflict; non-Latin names stay apart."""
    from index.articles import ID_CONFLICT
    from index.build import build
    from index.settings import BuildOptions
    real = "dea-secret-meetings-with-cartels"
    (corpus / "aaa.json").write_text(json.dumps({"id": real, "title": "Impostor", "text": "The Lighthouse Choir "
                                                 "authorized the meetings."}), encoding="utf-8")
    (corpus / "b.jsonl").write_text("\n".join(json.dumps({"id": "same", "title": t, "text": f"{t} text."})
                                              for t in ("One", "Two")), encoding="utf-8")
    (corpus / "名前.txt").write_text("Name\n\nA story about names.", encoding="utf-8")
    (corpus / "記事.txt").write_text("Article\n\nA story about articles.", encoding="utf-8")
    for report in (load_articles(corpus),):
        arts = {a.id: a for a in report.articles}
        assert arts[real].title.startswith("DEA") and arts["same"].title == "One"
        reasons = {s.path: s.reason for s in report.skipped}
        assert reasons["aaa.json"].startswith(ID_CONFLICT) and f"is the id of {real}.txt" in reasons["aaa.json"]
        assert reasons["b.jsonl"].startswith(ID_CONFLICT) and "already taken by b.jsonl" in reasons["b.jsonl"]
        assert len({a.id for a in report.articles if a.title in ("Name", "Article")}) == 2
    summary = build(corpus, tmp_path / "index", embedder=fake_embedder, options=BuildOptions(progress=False))
    assert {s.path for s in summary.skipped if s.reason.startswith(ID_CONFLICT)} == {"aaa.json", "b.jsonl"}
    from index.store import current_version_dir, load_version

    data = load_version(current_version_dir(tmp_path / "index"))
    assert data.articles[data.article_row[real]].title.startswith("DEA")


def test_html_too_deep_or_of_too_many_tags_is_refused_before_parsing(tmp_path):
    """Pages no article is (1,001 nested divs; 100,001 tags of unclosed <p>) are skipped with a
    reason; a page of 30,000 unclosed <p> nests 30,000 deep in html.parser and is still read
    (the innermost-block search was quadratic on it), as is an ordinary page."""
    from index.articles import MAX_HTML_TAGS

    (tmp_path / "deep.html").write_text("<html><body>" + "<div>" * 1001 + "Text. " + "</div>" * 1001)
    (tmp_path / "many.html").write_text("<p>a " * (MAX_HTML_TAGS + 1))
    (tmp_path / "paras.html").write_text("<html><head><title>Paras</title></head><body>"
                                         + "<p>One more short line of text here. " * 30_000 + "</body></html>")
    report = load_articles(tmp_path)
    reasons = {s.path: s.reason for s in report.skipped}
    assert "more than 1000 deep" in reasons["deep.html"]
    assert "more than 100,000 tags" in reasons["many.html"]
    (paras,) = report.articles
    assert paras.title == "Paras" and paras.text.count("One more short line") == 30_000


def test_a_file_of_one_line_repeated_is_read(tmp_path):
    """250,000 lines equal to the title: the title, then nothing (the skip of repeated title
    lines was a slice per line, minutes for a 1 MB file)."""
    (tmp_path / "same.md").write_text("# a\n" * 250_000 + "\nThe body at last.\n")
    (art,) = load_articles(tmp_path).articles
    assert art.title == "a" and art.text == "The body at last."
