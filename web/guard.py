"""Host and Origin checks for every route of the app's server (page, Gradio's queue and
upload routes, /api/ask, MCP): a page on another site cannot drive the app, not even by
DNS rebinding (a foreign name resolving to 127.0.0.1).

- `Host` must name the server: a loopback name when it is bound to a loopback address,
  else the bound address or one of the names given with --allowed-host (any name, when
  bound to all addresses with none given). Otherwise: 421, as MCP's own check answers.
- `Origin`, when a browser sends one, must be one of those hosts too; otherwise 403. A
  browser sends it on every cross-site POST, fetch and WebSocket, so state-changing routes
  (adding and removing articles go through Gradio's POST routes) cannot be reached from
  another site; a client that sends none (curl, the openai client) is not a browser page.

A pure ASGI middleware (no body is read), so streaming and WebSockets pass untouched.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
ANY = "*"


def is_loopback(bind: str) -> bool:
    """A bind address only this machine reaches: a loopback name or any 127.x address."""
    return bind in LOOPBACK_NAMES or bind.startswith("127.")


def allowed_hosts(bind: str, extra: list[str] | tuple[str, ...] = ()) -> frozenset[str]:
    """Host names (no port) the server answers to, for a bind address and --allowed-host names."""
    names = {h.strip().lower().strip("[]") for h in extra if h.strip()}
    if is_loopback(bind):
        return frozenset(LOOPBACK_NAMES | {bind} | names)
    if bind in ("0.0.0.0", "::", "") and not names:
        return frozenset({ANY})
    return frozenset({bind.strip("[]").lower()} | names | LOOPBACK_NAMES)


def host_name(value: str) -> str:
    """'LocalHost:7860' -> 'localhost'; '[::1]:80' -> '::1'."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def is_allowed(name: str, allowed: frozenset[str]) -> bool:
    return ANY in allowed or name in allowed


UPLOAD_PATH = "/gradio_api/upload"
TOKEN_PATHS = ("/api/", "/v1/", "/mcp")  # what a --token guards (the page's add/remove check it themselves)


def token_ok(header: str | None, token: str) -> bool:
    """`Authorization: Bearer TOKEN`, compared in constant time."""
    import hmac

    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class HostOriginGuard:
    """`max_upload`: the most bytes one request to Gradio's upload route may carry (0: the
    page takes no files, and the route refuses every request); `max_files`: the most files
    (multipart parts) it may carry, counted as the body streams in (Gradio's own route takes
    up to 1,000)."""

    def __init__(self, app, allowed: frozenset[str], max_upload: int | None = None, token: str | None = None,
                 max_files: int | None = None):
        self.app = app
        self.allowed = allowed
        self.max_upload = max_upload
        self.token = token
        self.max_files = max_files

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        host = host_name(headers.get("host", ""))
        if not is_allowed(host, self.allowed):
            return await _refuse(scope, send, 421, f"this server does not answer to the host {host!r}")
        origin = headers.get("origin")
        if origin and origin != "null":
            name = host_name(urlsplit(origin).netloc)
            if not is_allowed(name, self.allowed):
                return await _refuse(scope, send, 403, f"requests from pages of {name!r} are not accepted")
        elif origin == "null" and scope.get("method", "GET") not in ("GET", "HEAD", "OPTIONS"):
            return await _refuse(scope, send, 403, "requests from opaque origins are not accepted")
        path = scope.get("path", "")
        if self.token and path.startswith(TOKEN_PATHS) and not token_ok(headers.get("authorization"), self.token):
            return await _refuse(scope, send, 401, "a bearer token is needed: Authorization: Bearer TOKEN")
        if self.max_upload is not None and scope["type"] == "http" and path.endswith(UPLOAD_PATH):
            if self.max_upload == 0:
                return await _refuse(scope, send, 403, "this page takes no files")
            try:
                size = int(headers.get("content-length") or -1)
            except ValueError:
                size = -1
            if size < 0 or size > self.max_upload:
                return await _refuse(scope, send, 413, f"an upload may carry at most {self.max_upload} bytes, "
                                                       "with its length given")
            boundary = multipart_boundary(headers.get("content-type", ""))
            if self.max_files is not None and boundary:
                return await _count_parts(self.app, scope, receive, send, boundary, self.max_files)
        return await self.app(scope, receive, send)


def multipart_boundary(content_type: str) -> bytes | None:
    """The boundary of a multipart/form-data Content-Type, as bytes (None otherwise)."""
    kind, _, params = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        return None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value.strip('"'):
            return value.strip('"').encode("latin-1")
    return None


async def _count_parts(app, scope, receive, send, boundary: bytes, max_parts: int) -> None:
    """Pass the request on while counting its multipart parts; at the first part over
    `max_parts`, the app is told the client left and the client gets 413, so no more of the
    body is read or stored."""
    delimiter = b"--" + boundary
    state = {"delimiters": 0, "tail": b"", "over": False, "started": False}

    async def counting_receive():
        if state["over"]:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            data = state["tail"] + message.get("body", b"")
            state["delimiters"] += data.count(delimiter)
            state["tail"] = data[-(len(delimiter) - 1):]
            if state["delimiters"] - 1 > max_parts:  # the last delimiter closes the body
                state["over"] = True
                return {"type": "http.disconnect"}
        return message

    async def guarded_send(message):
        if state["over"]:
            return  # whatever the app says about the "disconnect", the client gets the 413
        state["started"] = True
        await send(message)

    try:
        await app(scope, counting_receive, guarded_send)
    except Exception:
        if not state["over"]:
            raise
    if state["over"] and not state["started"]:
        await _refuse(scope, send, 413, f"an upload may carry at most {max_parts} files")


async def _refuse(scope, send, status: int, message: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
