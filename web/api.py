"""What the app serves beside the page: `POST /api/ask` (plain JSON), the OpenAI-compatible
`/v1/chat/completions` and `/v1/models` (web.openai_api), and the `ask` MCP tool; all three
check a request with ChatService.api_answer.
"""
from __future__ import annotations

import json
import sys
from typing import Annotated, Any

from pydantic import Field  # the MCP tool's argument descriptions (its annotations are read as strings here)

from web.service import ChatService

MAX_API_BODY = 64_000  # bytes of a POST /api/ask body


def api_routes(service: ChatService) -> list:
    """`POST /api/ask` beside Gradio's own API: plain JSON in, the `qa ask --json` object
    out; bad input gets 400 (not JSON), 413 (body over MAX_API_BODY) or 422 (wrong
    fields, empty or over-long question, unreadable date), never a 500 with a traceback.
    `GET /v1/models` and `POST /v1/chat/completions`: the same answers for OpenAI clients
    (web.openai_api). A --token is checked in front of them all (web.guard)."""
    import anyio
    from fastapi import Request
    from fastapi.responses import JSONResponse, StreamingResponse
    from fastapi.routing import APIRoute

    from web import openai_api

    async def read_json(request: Request, err):
        """(payload, None) or (None, the error response): the body counted as it streams."""
        # "Connection: close": the server stops reading there, so the rest of a huge body is never
        # received (uvicorn otherwise read and dropped all 400 MB of one)
        too_big = JSONResponse(err(f"the body is over {MAX_API_BODY} bytes; at most that many are read"), 413,
                               headers={"Connection": "close"})
        try:
            if int(request.headers.get("content-length") or 0) > MAX_API_BODY:
                return None, too_big  # said up front: nothing is read
        except ValueError:
            return None, JSONResponse(err("Content-Length is not a number"), 400)
        chunks, size = [], 0
        async for chunk in request.stream():  # counted as it comes: a huge body is never held
            size += len(chunk)
            if size > MAX_API_BODY:
                return None, too_big
            chunks.append(chunk)
        try:
            return json.loads(b"".join(chunks).decode("utf-8")), None
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None, JSONResponse(err("the body is not JSON (UTF-8)"), 400)

    async def answer(payload) -> tuple[int, dict]:
        try:
            return await anyio.to_thread.run_sync(service.api_answer, payload)
        except Exception as exc:  # noqa: BLE001  an edge: a message, never a traceback
            print(f"error: {exc!r}", file=sys.stderr)
            return 500, {"error": f"internal error ({type(exc).__name__}); see the app's log"}

    def plain_error(message, param=None):
        return {"error": message} if param is None else {"error": message, "field": param}

    async def ask(request: Request):
        payload, bad = await read_json(request, plain_error)
        if bad is not None:
            return bad
        status, out = await answer(payload)
        return JSONResponse(out, status)

    async def chat(request: Request):
        body, bad = await read_json(request, openai_api.error)
        if bad is not None:
            return bad
        payload, bad = openai_api.parse(body)
        if bad is not None:
            return JSONResponse(bad, 400)
        status, out = await answer(payload)
        if status != 200:
            return JSONResponse(openai_api.error(out.get("error", "the question could not be answered"), out.get("field"),
                                                 "invalid_request_error" if status < 500 else "server_error"),
                                400 if status == 422 else status)
        model = body.get("model") if isinstance(body.get("model"), str) else openai_api.MODEL_ID
        if body.get("stream"):
            return StreamingResponse(openai_api.chunks(out, model), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache"})
        return JSONResponse(openai_api.completion(out, model))

    async def models(request: Request):
        return JSONResponse(openai_api.models())

    for f in (ask, chat, models):
        f.__annotations__["request"] = Request  # a real class: this module's annotations are strings
    return [APIRoute("/api/ask", ask, methods=["POST"]), APIRoute("/v1/chat/completions", chat, methods=["POST"]),
            APIRoute("/v1/models", models, methods=["GET"])]


MCP_PATH = "/mcp"


def uploads_on(host: str, allow: bool = False, refuse: bool = False) -> bool:
    """Whether the page takes articles: on a loopback address by default, elsewhere only
    with --allow-upload; never with --no-upload."""
    from web.guard import LOOPBACK_NAMES

    return not refuse and (allow or host in LOOPBACK_NAMES)


def mcp_server(service: ChatService, host: str = "127.0.0.1"):
    """The `ask` function as a Model Context Protocol tool, served over Streamable HTTP at
    MCP_PATH beside the page: (routes, lifespan) for the page's FastAPI app. The tool's
    result is the `python -m qa ask --json` object; an unusable question or date is a tool
    error with the message. Uses the `mcp` SDK directly: Gradio's own MCP server needs
    mcp<2, which the package registry here does not hold."""
    import contextlib

    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(name="article-qa", instructions=(
        "Answers questions from a fixed set of indexed articles. Every answer quotes the sentence it "
        "comes from; each citation has the article id, [start, end) character offsets and the quote. "
        "When the articles do not support an answer, `refused` is true and `answer` is null."))

    @server.tool(name="ask", title="Ask the articles", structured_output=True)
    def ask(question: Annotated[str, Field(description="the question, in English (at most 1,000 characters)")],
            as_of: Annotated[str | None, Field(description="answer as of this day (YYYY-MM-DD): later articles "
                                                           "are not used")] = None,
            since: Annotated[str | None, Field(description="only articles dated on or after this day (YYYY-MM-DD)")] = None,
            until: Annotated[str | None, Field(description="only articles dated on or before this day (YYYY-MM-DD)")] = None,
            sources: Annotated[list[str] | None, Field(description="only articles of these outlets, as the index "
                                                                    "names them")] = None,
            context: Annotated[str | list[str | dict] | None, Field(
                description="the conversation so far, for a follow-up: a list of earlier turns, each a question "
                "or {question, answer}, oldest first (or, older form, a string of search words)")] = None,
            ) -> dict[str, Any]:
        """Answer a question from the indexed articles, with citations (article id, character
        offsets, quote, outlet, date). A refusal has `refused` true, a `reason` and `related`
        passages."""
        payload = {k: v for k, v in dict(question=question, as_of=as_of, since=since, until=until,
                                          sources=sources, context=context).items() if v is not None}
        status, out = service.api_answer(payload)
        if status != 200:
            raise ToolError(out.get("error", "the question could not be answered"))
        return out

    app = server.streamable_http_app(streamable_http_path=MCP_PATH, host=host)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        async with server.session_manager.run():
            yield

    return list(app.routes), lifespan
