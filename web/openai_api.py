"""An OpenAI-compatible chat endpoint, so any OpenAI client or chat front end can use the
articles as its "model" and keep the citations:

    GET  /v1/models             one model, MODEL_ID
    POST /v1/chat/completions   non-streaming, or streaming (SSE `chat.completion.chunk`)

The last user message is the question; the earlier user and assistant messages are the
conversation, resolved as the page resolves follow-ups (qa.conversation). System messages
are ignored: the answer comes from the articles, not from instructions. The reply's text is
the short answer, the quoted sentence with [n] markers and a "Sources:" list (title, outlet,
date, address, article id and offsets); the structured answer, exactly the object
`python -m qa ask --json` prints (citations with article id, offsets, quote, outlet, date,
URL; `refused`, `reason`, `related`), rides along as `message.article_qa` (streamed: on the
last chunk's `delta.article_qa`). A refusal is an ordinary reply that says so, with
`article_qa.refused` true. Errors are OpenAI-shaped: {"error": {"message", "type", "param"}}.
"""
from __future__ import annotations

import json
import time
import uuid

MODEL_ID = "article-qa"
NOT_FOUND = "Not found in the articles."


def reply_text(out: dict) -> str:
    """The assistant message for an answer object (`qa ask --json`)."""
    if out["refused"]:
        reason = out.get("reason") or "the articles do not support an answer"
        text = f"{NOT_FOUND} ({reason[0].upper() + reason[1:]}.)"
        related = out.get("related") or []
        if related:
            text += "\n\nRelated passages, not an answer:\n" + "\n".join(
                f"- {_source_line(c)}: \"{c['quote']}\"" for c in related[:2])
        return text
    cites = out["citations"]
    lines = [out["answer"] or ""]
    if out.get("sentence") and out["sentence"] != out["answer"]:
        lines.append(f"> {out['sentence']} [1]")
    else:
        lines[0] += " [1]"
    from qa.citations import support_lines

    lines += support_lines([c.get("role", "support") for c in cites], lambda n: f"[{n}]")
    if out.get("disagreement"):
        lines.append("Reports differ: " + " · ".join(f"{r['answer']} ({_source_line(r['citations'][0])})"
                                                     for r in out["disagreement"]))
    if out.get("earlier_reports"):
        lines.append("This is the newest report; earlier: " + " · ".join(
            f"{r['answer']} ({_source_line(r['citations'][0])})" for r in out["earlier_reports"]))
    lines.append("Sources:\n" + "\n".join(f"[{n}] {_source_line(c)}" for n, c in enumerate(cites, 1)))
    return "\n\n".join(lines)


def _source_line(c: dict) -> str:
    parts = [c.get("title") or c["article_id"]]
    parts += [x for x in (c.get("source"), (c.get("date") or "")[:10]) if x]
    if c.get("url"):
        parts.append(c["url"])
    return ", ".join(parts) + f" ({c['article_id']}, chars {c['start']}–{c['end']})"


def answer_of(text: str) -> str | None:
    """The short answer an earlier assistant message gave (its first line), None for a refusal."""
    first = (text or "").strip().split("\n", 1)[0]
    first = first.removesuffix(" [1]").strip()
    return None if not first or first.startswith(NOT_FOUND) else first


def _text(content) -> str | None:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        return "\n".join(p.get("text", "") for p in content if p.get("type") == "text" and isinstance(p.get("text"), str))
    return None


def parse(body: dict) -> tuple[dict | None, dict | None]:
    """(payload for `ChatService.api_answer`, None) or (None, an OpenAI-shaped error).
    `metadata` may carry `as_of`, `since`, `until` and `sources` (the scope of the page)."""
    if not isinstance(body, dict):
        return None, error("the body must be a JSON object", "body")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return None, error("messages must be a non-empty list", "messages")
    turns, pending, question = [], None, None
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ("system", "developer", "user", "assistant", "tool"):
            return None, error(f"messages[{i}] must be an object with a role", "messages")
        text = _text(m.get("content"))
        if text is None and m["role"] in ("user", "assistant"):
            return None, error(f"messages[{i}].content must be text", "messages")
        if m["role"] == "user":
            if pending is not None:
                turns.append({"question": pending, "answer": None})
            pending = text
        elif m["role"] == "assistant" and pending is not None:
            turns.append({"question": pending, "answer": answer_of(text)})
            pending = None
    question = pending
    if not question or not question.strip():
        return None, error("the last message must be the user's question", "messages")
    payload = {"question": question}
    if turns:
        payload["context"] = turns
    meta = body.get("metadata") or {}
    if not isinstance(meta, dict):
        return None, error("metadata must be an object", "metadata")
    for key in ("as_of", "since", "until", "sources"):
        if meta.get(key) not in (None, "", []):
            payload[key] = meta[key]
    return payload, None


def error(message: str, param: str | None = None, kind: str = "invalid_request_error") -> dict:
    return {"error": {"message": message, "type": kind, "param": param, "code": None}}


def completion(out: dict, model: str) -> dict:
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
            "model": model, "system_fingerprint": None,
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": reply_text(out), "refusal": None,
                                     "article_qa": out}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}}


def chunks(out: dict, model: str):
    """The same reply as server-sent events: a role chunk, the text in pieces, a last chunk
    with `finish_reason` and the structured answer, then [DONE]."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

    def event(delta: dict, finish: str | None = None) -> bytes:
        obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
               "system_fingerprint": None, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                                                        "logprobs": None}]}
        return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n".encode()

    yield event({"role": "assistant", "content": ""})
    text = reply_text(out)
    for piece in _pieces(text):
        yield event({"content": piece})
    yield event({"article_qa": out}, "stop")
    yield b"data: [DONE]\n\n"


def _pieces(text: str, size: int = 80):
    """The text in pieces of about `size` characters, cut after a space."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind(" ", start + 1, end)
            end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end


def models() -> dict:
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "article-qa"}]}
