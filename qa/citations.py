"""Citations: made from index rows (`cite`, and `support`: other sentences stating the same
answer), and put in words for terminals, JSON clients and copies: the sources as plain
lines, what each citation after the first is, a confidence in words, a refusal's related
passages. The chat page's HTML and Markdown are web.render's; nothing here writes markup.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import reports
from .records import Answer, Citation

if TYPE_CHECKING:
    from index.store import IndexData

    from .candidates import Candidate, Pick

NOT_FOUND = "Not found in the articles."


def cite(data: IndexData, c: Candidate, role: str = "answer") -> Citation:
    """The citation of candidate sentence `c`: its article, exact offsets and quote, the
    passage it was read from, the article's copies (index.wire) and its page (PDFs)."""
    a, (s, e) = data.sentence_article(c.sentence), data.sentence_span(c.sentence)
    article = data.articles[a]
    ps, pe = data.chunk_span(c.passage)
    if data.chunk_article(c.passage) != a:  # a sentence read from a copy's passage
        ps, pe = s, e
    also = tuple({"article_id": data.articles[r].id, "source": data.articles[r].source,
                  "date": data.articles[r].date} for r in data.copies(a))
    page = bisect_right(article.pages, s) if article.pages else None
    return Citation(article.id, article.title, s, e, article.text[s:e], ps, pe, article.date,
                    article.source, article.url, also, page, role)


SUPPORT_SCORE_SHARE = 0.85  # a supporting sentence ranks at least this share of the answer's score


def support(data: IndexData, cands: list[Candidate], pick: Pick, cited: list[Citation],
            most: int) -> list[Citation]:
    """Citations of other sentences stating the same answer, after `cited` (the answer's
    and its context's), up to `most` in all: ranked close to the answer's sentence, from
    another passage, of a cited article or of an article group not cited yet (copies cite
    once). A sentence with another figure for the same quantity is a differing report or
    an update (qa.reports), never support; a yes/no verdict has no support."""
    chosen = pick.sentence
    sentence = data.sentence_text(chosen.sentence)
    short = sentence[pick.start : pick.end] if pick.start is not None else None
    unit = reports.unit_after(sentence, pick.end) if short and reports.is_figure(short) else ""
    citations = list(cited)
    for c in cands[1:]:
        if len(citations) >= most or c.score < SUPPORT_SCORE_SHARE * chosen.score:
            break
        if c.passage == chosen.passage or c.sentence == chosen.sentence or (
                pick.context is not None and c.sentence == pick.context.sentence):
            continue
        ids = {x.article_id for x in citations}
        if not (data.articles[data.sentence_article(c.sentence)].id in ids
                or data.group_of(data.sentence_article(c.sentence)) not in {
                    data.group_of(data.article_row[a]) for a in ids}):
            continue
        if pick.verdict or (short is not None and not reports.states(data.sentence_text(c.sentence), short, unit)):
            continue
        citations.append(cite(data, c, "support"))
    return citations[len(cited):]


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
