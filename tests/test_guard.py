"""Host and Origin checks on the app's server (web.guard): a page of another site, even one
whose name resolves to 127.0.0.1 (DNS rebinding), can neither read answers nor add articles."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest


def _status(url: str, headers: dict, data: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def test_allowed_hosts_follow_the_bind_address():
    from web.guard import ANY, allowed_hosts, host_name

    assert allowed_hosts("127.0.0.1") >= {"127.0.0.1", "localhost", "::1"}
    assert "evil.example" not in allowed_hosts("127.0.0.1")
    assert allowed_hosts("0.0.0.0") == {ANY}  # no names given: any Host, Origin still checked
    assert allowed_hosts("0.0.0.0", ["qa.example.org"]) >= {"qa.example.org", "localhost"}
    assert host_name("LocalHost:7860") == "localhost" and host_name("[::1]:80") == "::1"


def test_guard_in_front_of_a_small_app():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from web.guard import HostOriginGuard, allowed_hosts

    app = Starlette(routes=[Route("/", lambda r: PlainTextResponse("ok"), methods=["GET", "POST"])],
                    middleware=[Middleware(HostOriginGuard, allowed=allowed_hosts("127.0.0.1"))])
    c = TestClient(app, base_url="http://127.0.0.1:7860")
    assert c.get("/").status_code == 200
    assert c.get("/", headers={"host": "localhost:7860", "origin": "http://localhost:7860"}).status_code == 200
    assert c.get("/", headers={"host": "evil.example:7860"}).status_code == 421
    assert c.post("/", headers={"origin": "http://evil.example:7860"}).status_code == 403
    assert c.post("/", headers={"origin": "null"}).status_code == 403
    assert json.loads(c.get("/", headers={"host": "evil.example"}).text)["error"].startswith("this server")


@pytest.mark.slow
def test_running_app_refuses_foreign_hosts_and_origins(app_url):
    """On the app itself: the page, Gradio's upload and queue routes and /api/ask."""
    body = json.dumps({"question": "Who authorized the meetings?"}).encode()
    ct = {"Content-Type": "application/json"}
    assert _status(app_url, {}) == 200
    assert _status(app_url + "api/ask", ct, body) == 200
    for path in ("", "gradio_api/upload", "gradio_api/queue/join", "api/ask", "config"):
        assert _status(app_url + path, {"Host": "evil.example"}) == 421, path
    for path in ("gradio_api/upload", "gradio_api/queue/join", "api/ask"):
        assert _status(app_url + path, {**ct, "Origin": "http://evil.example"}, body) == 403, path
    port = app_url.rstrip("/").rsplit(":", 1)[1]
    assert _status(app_url + "api/ask", {**ct, "Origin": f"http://localhost:{port}"}, body) == 200


@pytest.mark.slow
def test_api_refuses_a_huge_body_before_it_ends(app_url):
    """A chunked body that never ends: 413 once it passes the limit, without waiting for the
    rest (the old route read the whole body first, so this waited forever)."""
    import http.client
    from urllib.parse import urlsplit

    u = urlsplit(app_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    conn.putrequest("POST", "/api/ask")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    chunk = b"x" * 65536
    try:
        for _ in range(16):  # 1 MB, far over the limit, and no final chunk
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    except OSError:
        pass  # the server may stop reading as soon as it has answered
    resp = conn.getresponse()
    assert resp.status == 413 and b"at most" in resp.read()
    conn.close()
    too_long = json.dumps({"question": "x" * 200_000}).encode()
    assert _status(app_url + "api/ask", {"Content-Type": "application/json"}, too_long) == 413
