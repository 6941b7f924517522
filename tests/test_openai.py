"""The OpenAI-compatible endpoint (web.openai_api): the `openai` client, streamed and not,
and raw HTTP; the same answer and citations as /api/ask; and a --token on a shared server."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import ROOT, SHIPPED_CORPUS, _free_port

pytestmark = pytest.mark.slow


def _post(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_openai_client_gets_the_answer_with_its_citations(app_url):
    from openai import OpenAI

    client = OpenAI(base_url=app_url + "v1", api_key="unused")
    assert [m.id for m in client.models.list().data] == ["article-qa"]
    r = client.chat.completions.create(model="article-qa", messages=[
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Who authorized the meetings?"}])
    msg = r.choices[0].message
    extra = msg.model_extra["article_qa"]
    _, api = _post(app_url + "api/ask", {"question": "Who authorized the meetings?"})
    assert extra["answer"] == api["answer"] == "the U.S. government" and extra["citations"] == api["citations"]
    assert msg.content.startswith("the U.S. government") and "[1]" in msg.content and "Sources:" in msg.content
    assert "dea-secret-meetings-with-cartels, chars 433–607" in msg.content and not extra["refused"]
    # streamed: the same text in pieces, the structured answer on the last chunk
    text, last = "", None
    for chunk in client.chat.completions.create(model="article-qa", stream=True, messages=[
            {"role": "user", "content": "Who authorized the meetings?"}]):
        delta = chunk.choices[0].delta
        text += delta.content or ""
        if chunk.choices[0].finish_reason:
            last = delta.model_extra.get("article_qa")
    assert text == msg.content and last["citations"] == api["citations"]


def test_follow_ups_refusals_and_errors_over_raw_http(app_url):
    url = app_url + "v1/chat/completions"
    status, first = _post(url, {"model": "article-qa", "messages": [
        {"role": "user", "content": "Who authorized the meetings?"}]})
    status, out = _post(url, {"model": "article-qa", "messages": [
        {"role": "user", "content": "Who authorized the meetings?"},
        {"role": "assistant", "content": first["choices"][0]["message"]["content"]},
        {"role": "user", "content": [{"type": "text", "text": "What did they result in?"}]}]})
    extra = out["choices"][0]["message"]["article_qa"]
    assert status == 200 and extra["answered_as"] == "What did the meetings result in?" and "drug seizures" in extra["answer"]
    status, out = _post(url, {"messages": [{"role": "user", "content": "Who won the 2010 FIFA World Cup?"}]})
    msg = out["choices"][0]["message"]
    assert status == 200 and msg["article_qa"]["refused"] and msg["content"].startswith("Not found in the articles.")
    for body, param in (({"messages": []}, "messages"), ({"messages": [{"role": "assistant", "content": "x"}]}, "messages"),
                        ({"messages": [{"role": "user", "content": "q?"}], "metadata": {"as_of": "soon"}}, "as_of")):
        status, out = _post(url, body)
        assert status == 400 and out["error"]["param"] == param, (body, out)
    # the OpenAI path costs little over /api/ask (the same answering; timed by the load bench, not here)
    status, _ = _post(app_url + "api/ask", {"question": "Who authorized the meetings?"})
    assert status == 200


@pytest.fixture(scope="module")
def token_app(tmp_path_factory):
    work = tmp_path_factory.mktemp("token-app")
    port = _free_port()
    log = open(work / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--corpus", str(SHIPPED_CORPUS),
                             "--index-dir", str(work / "index"), "--mcp", "--no-upload", "--token", "s3cret"], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 240
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail((work / "app.log").read_text()[-2000:])
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(1)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_a_token_guards_every_api_route(token_app):
    body = {"question": "Who authorized the meetings?"}
    chat = {"messages": [{"role": "user", "content": "Who authorized the meetings?"}]}
    for path, payload in (("api/ask", body), ("v1/chat/completions", chat), ("mcp", {})):
        assert _post(token_app + path, payload)[0] == 401, path
        assert _post(token_app + path, payload, {"Authorization": "Bearer wrong"})[0] == 401, path
    ok = {"Authorization": "Bearer s3cret"}
    assert _post(token_app + "api/ask", body, ok)[1]["answer"] == "the U.S. government"
    assert _post(token_app + "v1/chat/completions", chat, ok)[0] == 200
    req = urllib.request.Request(token_app + "v1/models", headers=ok)
    with urllib.request.urlopen(req, timeout=30) as r:
        assert json.loads(r.read())["data"][0]["id"] == "article-qa"


def test_a_shared_server_that_takes_files_will_not_start_without_a_token(tmp_path):
    out = subprocess.run([sys.executable, "app.py", "--host", "0.0.0.0", "--allow-upload", "--port", str(_free_port()),
                          "--index-dir", str(tmp_path / "index")], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert out.returncode == 2 and "--token" in out.stderr and "Traceback" not in out.stderr
