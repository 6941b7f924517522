"""Citations in words, for terminals, JSON clients and copies: the sources as plain lines,
what each citation after the first is, a confidence in words, a refusal's related passages.
The chat page's HTML and Markdown are web.render's; nothing here writes markup.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from .records import Answer

NOT_FOUND = "Not found in the articles."


def safe_url(url: str | None) -> str | None:
    """The article's address when it is an http(s) one (never javascript: or data:), else None.

    >>> safe_url("javascript:alert(1)"), safe_url(None), safe_url(" https://a.example/x ")
    (None, None, 'https://a.example/x')
    """
    parts = urlsplit(url.strip()) if url else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def sources_text(answer: Answer) -> str:
    """The answer's citations as plain lines (whole titles), so that copying the answer copies them."""
    return "\n".join(line + (f", {url}" if url else "") for line, url in source_lines(answer))


def source_lines(answer: Answer) -> list[tuple[str, str | None]]:
    """(line, original article address or None) of each citation."""
    lines = []
    for n, c in enumerate(answer.citations, 1):
        where = ", ".join(x for x in (byline(c), f"page {c.page}" if c.page else "") if x)
        lines.append((f"[{n}] {c.title}" + (f" ({where})" if where else "") + f", {c.article_id} chars {c.start}–{c.end}",
                      safe_url(c.url)))
    return lines


def byline(citation) -> str:
    """"Harbor Ledger, 2026-09-08" (what is known of the cited article's outlet and date)."""
    return ", ".join(x for x in (citation.source, (citation.date or "")[:10] or None) if x)


def support_lines(roles: list[str], mark) -> list[str]:
    """What citations after the first are, by their roles (qa.records.Citation.role): the
    sentence that says what the answer's sentence refers to ("context"), and other
    sentences stating the same answer ("support"). `mark(n)` writes citation n's marker."""
    out = []
    context = [n for n, r in enumerate(roles[1:], 2) if r == "context"]
    support = [n for n, r in enumerate(roles[1:], 2) if r != "context"]
    if context:
        out.append(" ".join(mark(n) for n in context) + " says what it refers to.")
    if support:
        out.append("Also supported by " + " ".join(mark(n) for n in support) + ".")
    return out


def confidence_label(conf: float) -> str:
    return "high" if conf >= 0.8 else "medium" if conf >= 0.6 else "low"


def related_passages(answer: Answer, most: int = 2) -> list:
    """For a refusal: at most `most` of the closest sentences, from distinct passages, that
    share a content word with the question (none when nothing is related)."""
    from common.text import terms

    asked = set(terms(answer.question))
    out, seen = [], set()
    for c in answer.closest:
        where = (c.article_id, c.passage_start, c.passage_end)
        if where in seen or not asked & set(terms(c.quote)):
            continue
        seen.add(where)
        out.append(c)
        if len(out) == most:
            break
    return out
