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
    assert resp.status == 413 and resp.getheader("connection") == "close" and b"at most" in resp.read()
    try:  # the server stopped reading: more of the body soon finds the connection closed
        for _ in range(400):
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        closed = False
    except OSError:
        closed = True
    assert closed
    conn.close()
    too_long = json.dumps({"question": "x" * 200_000}).encode()
    assert _status(app_url + "api/ask", {"Content-Type": "application/json"}, too_long) == 413


def _upload_app(max_files: int):
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from web.guard import HostOriginGuard, allowed_hosts

    async def upload(request):
        form = await request.form(max_files=1000)
        return JSONResponse({"files": len(form.getlist("files"))})

    return Starlette(routes=[Route("/gradio_api/upload", upload, methods=["POST"])],
                     middleware=[Middleware(HostOriginGuard, allowed=allowed_hosts("127.0.0.1"),
                                            max_upload=10_000_000, max_files=max_files)])


def test_upload_route_takes_at_most_max_files():
    """Counted while the body streams: the part over the limit ends the request with 413."""
    from starlette.testclient import TestClient

    from web.guard import multipart_boundary

    assert multipart_boundary('multipart/form-data; boundary="ab c"') == b"ab c"
    assert multipart_boundary("application/json") is None
    c = TestClient(_upload_app(3), base_url="http://127.0.0.1:7860")
    files = [("files", (f"f{i}.txt", b"text --not the boundary-- " * 50, "text/plain")) for i in range(4)]
    assert c.post("/gradio_api/upload", files=files[:3]).json() == {"files": 3}
    r = c.post("/gradio_api/upload", files=files)
    assert r.status_code == 413 and "at most 3 files" in r.json()["error"]
    assert c.post("/gradio_api/upload", files=files[:1]).json() == {"files": 1}


def _serve_in_thread(app, header_timeout: float):
    import socket
    import threading
    import time

    import uvicorn

    from web.connections import HeaderTimeoutProtocol

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    class Quick(HeaderTimeoutProtocol):
        pass

    Quick.header_timeout = header_timeout
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http=Quick, log_level="error",
                                           timeout_keep_alive=30, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    return server, thread, port


def _response(sock) -> bytes:
    """One whole HTTP response (headers and its Content-Length body) from the socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(v for k, _, v in (h.partition(b": ") for h in head.split(b"\r\n")) if k.lower() == b"content-length"))
    while len(body) < length:
        body += sock.recv(4096)
    return head + b"\r\n\r\n" + body


def _closed_within(sock, seconds: float) -> bool:
    """True when the server closes the socket (recv gives b'' or a reset) within `seconds`."""
    sock.settimeout(seconds)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_connections_that_never_finish_their_headers_are_closed():
    """Silent, half-line and half-header connections are closed after the header timeout;
    a slow body and a kept-alive connection between requests are not cut by it."""
    import socket
    import time

    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def echo(request):
        return PlainTextResponse(str(len(await request.body())))

    server, thread, port = _serve_in_thread(Starlette(routes=[Route("/", echo, methods=["GET", "POST"])]), 0.5)
    try:
        silent = socket.create_connection(("127.0.0.1", port))
        half_line = socket.create_connection(("127.0.0.1", port))
        half_line.sendall(b"GET / HT")
        half_headers = socket.create_connection(("127.0.0.1", port))
        half_headers.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        for sock in (silent, half_line, half_headers):
            assert _closed_within(sock, 5)
            sock.close()

        slow_body = socket.create_connection(("127.0.0.1", port))
        slow_body.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n\r\nab")
        time.sleep(1.2)  # over the header timeout, headers long complete
        slow_body.sendall(b"cd")
        slow_body.settimeout(5)
        first = _response(slow_body)
        assert first.startswith(b"HTTP/1.1 200") and first.endswith(b"4")
        time.sleep(1.2)  # idle between requests: uvicorn's keep-alive (30 s here) governs
        slow_body.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _response(slow_body).startswith(b"HTTP/1.1 200")
        slow_body.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # a second request that stalls
        assert _closed_within(slow_body, 5)
        slow_body.close()
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.mark.slow
def test_running_app_closes_stalled_connections(app_url):
    """The app's own server (started with --header-timeout 3): 20 stalled connections are
    closed, and the page still answers."""
    import socket
    from urllib.parse import urlsplit

    u = urlsplit(app_url)
    socks = [socket.create_connection((u.hostname, u.port)) for _ in range(20)]
    for s in socks[::2]:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    assert all(_closed_within(s, 15) for s in socks)
    for s in socks:
        s.close()
    assert _status(app_url, {}) == 200


@pytest.mark.slow
def test_running_app_caps_the_files_of_one_upload(upload_app_url):
    """Gradio's upload route takes up to 1,000 files; the app's takes what one Add may bring."""
    import httpx

    from index.uploads import MAX_FILES

    url, _ = upload_app_url
    files = [("files", (f"f{i}.txt", b"Title\n\nSome text.", "text/plain")) for i in range(MAX_FILES + 10)]
    r = httpx.post(url + "gradio_api/upload", files=files, timeout=60)
    assert r.status_code == 413 and f"at most {MAX_FILES} files" in r.json()["error"]
    r = httpx.post(url + "gradio_api/upload", files=files[:2], timeout=60)
    assert r.status_code == 200 and len(r.json()) == 2
