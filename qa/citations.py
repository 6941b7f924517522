"""Render answers and their citations for the chat page (HTML/Markdown) and terminals.

Everything taken from articles or questions is escaped: an article containing
`<script>` or Markdown tricks renders as inert text.
"""
from __future__ import annotations

import html
import re

from .records import Answer

NOT_FOUND = "Not found in the articles."
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&])")


def md_escape(text: str) -> str:
    """Escape Markdown and HTML so user or article text shows literally."""
    return _MD_SPECIAL.sub(lambda m: "&#%d;" % ord(m.group(1)) if m.group(1) in "<>&" else "\\" + m.group(1),
                           text).replace("\n", " ")


def marker(n: int) -> str:
    """Citation marker [n], a link to source card n in the sources panel."""
    return f"[\\[{n}\\]](#source-{n})"


def byline(citation) -> str:
    """"Harbor Ledger, 2026-09-08" (what is known of the cited article's outlet and date)."""
    return ", ".join(x for x in (citation.source, (citation.date or "")[:10] or None) if x)


def confidence_label(conf: float) -> str:
    return "high" if conf >= 0.8 else "medium" if conf >= 0.6 else "low"


def answer_markdown(answer: Answer) -> str:
    """The chat reply: short answer in bold, the quoted sentence with [n] markers."""
    if answer.refused:
        return (f"**{NOT_FOUND}** The indexed articles do not support an answer to this question "
                f"(confidence {answer.confidence:.2f}).")
    by = byline(answer.citations[0]) if answer.citations else ""
    parts = [f"**{md_escape(answer.answer or '')}**" + (f" — {md_escape(by)}" if by else "")]
    if answer.sentence and answer.sentence != answer.answer:
        parts.append(f"> {md_escape(answer.sentence)} {marker(1)}")
    else:
        parts[0] += " " + marker(1)
    more = " ".join(marker(n) for n in range(2, len(answer.citations) + 1))
    if more:
        parts.append(f"Also supported by {more}.")
    if answer.disagreement:
        parts.append("**Reports differ:** " + " · ".join(
            f"**{md_escape(r.answer)}** ({md_escape(byline(r.citations[0]) or r.citations[0].article_id)})"
            for r in answer.disagreement))
    if answer.earlier:
        parts.append("*This is the newest report; earlier:* " + " · ".join(
            f"{md_escape(r.answer)} ({md_escape(byline(r.citations[0]) or r.citations[0].article_id)})"
            for r in answer.earlier))
    parts.append(f"*Confidence: {confidence_label(answer.confidence)} ({answer.confidence:.2f})*")
    return "\n\n".join(parts)


def sources_html(answer: Answer | None, passage_text=None, article=None) -> str:
    """The sources panel: one card per citation, with the passage and the cited
    sentence highlighted, and the full article (opened on click, highlight kept).
    `passage_text(citation)` returns (before, sentence, after); `article(id)` the Article.
    A refusal lists at most two related passages instead, in another style and without
    highlight, or says that nothing is related."""
    if answer is None:
        return ('<div class="qa-sources" aria-live="polite"><p class="qa-empty">Sources of the answer appear '
                'here.</p></div>')
    cites, head = answer.citations, ""
    if answer.refused:
        cites = related_passages(answer)
        head = ('<p class="qa-closest">Not in the articles. Related passages, which do not answer it:</p>'
                if cites else '<p class="qa-closest">Not in the articles, and nothing in them is related to '
                              'the question.</p>')
    cards = []
    for n, c in enumerate(cites, 1):
        before, sent, after = passage_text(c) if passage_text else ("", c.quote, "")
        meta = ([f"page {c.page}"] if c.page else []) + [c.article_id, f"chars {c.start}–{c.end}"]
        full = ""
        if article is not None:
            art = article(c.article_id)
            meta = [x for x in (art.source, (art.date or "")[:10] or "undated") if x] + meta
            full = (f'<details class="qa-article" id="article-{n}"><summary>Open the full article</summary>'
                    f'<div class="qa-article-body">{html.escape(art.text[:c.start])}<mark>'
                    f'{html.escape(art.text[c.start:c.end])}</mark>{html.escape(art.text[c.end:])}</div></details>')
        if c.also_in:
            full = (f'<p class="qa-also">Also reported by '
                    f'{html.escape(", ".join(_also(x) for x in c.also_in))}</p>') + full
        if answer.refused:  # no answer highlight: these passages are not an answer
            cards.append(
                f'<div class="qa-source qa-related" id="related-{n}"><div class="qa-source-head">Related '
                f'<b>{html.escape(c.title)}</b> <span class="qa-meta">{html.escape(" · ".join(meta))}</span></div>'
                f'<p>{html.escape(before + sent + after)}</p></div>')
            continue
        cards.append(
            f'<div class="qa-source" id="source-{n}"><div class="qa-source-head">[{n}] '
            f'<b>{html.escape(c.title)}</b> <span class="qa-meta">{html.escape(" · ".join(meta))}</span></div>'
            f'<p>{html.escape(before)}<mark>{html.escape(sent)}</mark>{html.escape(after)}</p>{full}</div>')
    reports = ""
    if not answer.refused and answer.disagreement:
        cols = "".join(f'<div class="qa-report"><b>{html.escape(r.answer)}</b><br><span class="qa-meta">'
                       f'{html.escape(byline(r.citations[0]) or r.citations[0].article_id)}</span><p>'
                       f'{html.escape(r.citations[0].quote)}</p></div>' for r in answer.disagreement)
        reports = f'<div class="qa-differ"><p><b>Reports differ</b></p><div class="qa-reports">{cols}</div></div>'
    return '<div class="qa-sources" aria-live="polite">' + head + reports + "".join(cards) + "</div>"


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


def _also(copy: dict) -> str:
    return " ".join(x for x in (copy.get("source") or copy.get("article_id"),
                                f"({copy['date'][:10]})" if copy.get("date") else "") if x)
