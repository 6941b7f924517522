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


def confidence_label(conf: float) -> str:
    return "high" if conf >= 0.8 else "medium" if conf >= 0.6 else "low"


def answer_markdown(answer: Answer) -> str:
    """The chat reply: short answer in bold, the quoted sentence with [n] markers."""
    if answer.refused:
        return (f"**{NOT_FOUND}** The indexed articles do not support an answer to this question "
                f"(confidence {answer.confidence:.2f}).")
    parts = [f"**{md_escape(answer.answer or '')}**"]
    if answer.sentence and answer.sentence != answer.answer:
        parts.append(f"> {md_escape(answer.sentence)} [1]")
    else:
        parts[0] += " [1]"
    more = " ".join(f"[{n}]" for n in range(2, len(answer.citations) + 1))
    if more:
        parts.append(f"Also supported by {more}.")
    parts.append(f"*Confidence: {confidence_label(answer.confidence)} ({answer.confidence:.2f})*")
    return "\n\n".join(parts)


def sources_html(answer: Answer | None, passage_text=None) -> str:
    """The sources panel: one card per citation, with the passage and the cited
    sentence highlighted. `passage_text(citation)` returns (before, sentence, after)."""
    if answer is None or not answer.citations:
        msg = "Sources of the answer appear here." if answer is None else "No source supports an answer."
        return f'<div class="qa-sources"><p class="qa-empty">{html.escape(msg)}</p></div>'
    cards = []
    for n, c in enumerate(answer.citations, 1):
        before, sent, after = passage_text(c) if passage_text else ("", c.quote, "")
        cards.append(
            f'<div class="qa-source" id="source-{n}"><div class="qa-source-head">[{n}] '
            f'<b>{html.escape(c.title)}</b> <span class="qa-meta">{html.escape(c.article_id)} '
            f'· chars {c.start}–{c.end}</span></div>'
            f'<p>{html.escape(before)}<mark>{html.escape(sent)}</mark>{html.escape(after)}</p></div>')
    return '<div class="qa-sources">' + "".join(cards) + "</div>"
