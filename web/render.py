"""The chat page's forms of an answer: the chat reply (Markdown with [n] markers linking
to this answer's own source cards) and the Sources panel (HTML cards, reports side by
side, the article around the quote). The ids and classes here are what web/static/app.css
and app.js select.

Everything taken from articles or questions is escaped: an article containing
`<script>` or Markdown tricks renders as inert text.
"""
from __future__ import annotations

import html
import re

from qa.citations import NOT_FOUND, byline, confidence_label, related_passages, safe_url, source_lines, support_lines
from qa.records import Answer

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&])")
# characters of the article shown each side of a quote in its card: a card (and so every earlier
# answer the page keeps and re-sends) stays small whatever the article's length
ARTICLE_CONTEXT = 3000
WHOLE_ARTICLE = 10_000  # an article up to this long is shown whole


def md_escape(text: str) -> str:
    """Escape Markdown and HTML so user or article text shows literally."""
    return _MD_SPECIAL.sub(lambda m: "&#%d;" % ord(m.group(1)) if m.group(1) in "<>&" else "\\" + m.group(1),
                           text).replace("\n", " ")


def card_id(n: int, turn: int | None = None, kind: str = "source") -> str:
    """The id of source card n of answer `turn` in the sources panel (`kind`: "source", its
    "article" view, or a "related" passage of a refusal)."""
    return f"t{turn}-{kind}-{n}" if turn else f"{kind}-{n}"


def _panel(body: str) -> str:
    """The sources panel around its content: a polite live region."""
    return '<div class="qa-sources" aria-live="polite">' + body + "</div>"


def marker(n: int, turn: int | None = None, citation=None) -> str:
    """Citation marker [n]: a link to card n of this answer's sources; its title (shown on
    hover and focus) previews the cited sentence with outlet and date."""
    title = ""
    if citation is not None:
        preview = citation.quote if len(citation.quote) <= 220 else citation.quote[:217] + "..."
        by = byline(citation)
        title = f' "{_title_escape(preview + (f" ({by})" if by else ""))}"'
    return f"[\\[{n}\\]](#{card_id(n, turn)}{title})"


def _title_escape(text: str) -> str:
    """Text for a Markdown link title: no quote or bracket that would end it, no Markdown."""
    return re.sub(r"[\"\\\[\]()<>`*_]", " ", text).replace("\n", " ")


def _md_link(url: str) -> str:
    """A Markdown link to an http(s) address, its text the address itself (escaped)."""
    from urllib.parse import quote

    target = quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")
    return f"[{md_escape(url)}]({target})"


def answer_markdown(answer: Answer, turn: int | None = None) -> str:
    """The chat reply: short answer in bold, the quoted sentence with [n] markers (links
    to this answer's own source cards when `turn` numbers it), and the sources as text."""
    if answer.refused:
        why = (f" Why: {md_escape(answer.reason)}." if answer.reason else "")
        return (f"**{NOT_FOUND}** The indexed articles do not support an answer to this question "
                f"(confidence {answer.confidence:.2f}).{why}")
    cites = answer.citations
    by = byline(cites[0]) if cites else ""
    first = marker(1, turn, cites[0] if cites else None)
    parts = [f"**{md_escape(answer.answer or '')}**" + (f" — {md_escape(by)}" if by else "")]
    if answer.sentence and answer.sentence != answer.answer:
        parts.append(f"> {md_escape(answer.sentence)} {first}")
    else:
        parts[0] += " " + first
    for line in support_lines([c.role for c in cites], lambda n: marker(n, turn, cites[n - 1])):
        parts.append(line)
    if answer.disagreement:
        parts.append("**Reports differ:** " + " · ".join(
            f"**{md_escape(r.answer)}** ({md_escape(byline(r.citations[0]) or r.citations[0].article_id)})"
            for r in answer.disagreement))
    if answer.earlier:
        parts.append("*This is the newest report; earlier:* " + " · ".join(
            f"{md_escape(r.answer)} ({md_escape(byline(r.citations[0]) or r.citations[0].article_id)})"
            for r in answer.earlier))
    if answer.disagreement:
        parts.append(f"*Confidence that this report holds: {confidence_label(answer.confidence)} "
                     f"({answer.confidence:.2f}), as reports differ*")
    else:
        parts.append(f"*Confidence: {confidence_label(answer.confidence)} ({answer.confidence:.2f})*")
    if cites:
        parts.append("Sources:  \n" + "  \n".join(md_escape(line) + (f", {_md_link(url)}" if url else "")
                                                    for line, url in source_lines(answer)))
    return "\n\n".join(parts)


def sources_html(answer: Answer | None, passage_text=None, article=None, turn: int | None = None,
                 wrap: bool = True) -> str:
    """The sources panel: one card per citation, with the passage and the cited
    sentence highlighted, and the full article (opened on click, highlight kept).
    `passage_text(citation)` returns (before, sentence, after); `article(id)` the Article.
    A refusal lists at most two related passages instead, in another style and without
    highlight, or says that nothing is related."""
    if answer is None:
        return _panel('<p class="qa-empty">Sources of the answer appear here.</p>')
    cites, head = answer.citations, ""
    if answer.refused:
        cites = related_passages(answer)
        # the chat's words (NOT_FOUND), so the two say the same thing
        head = (f'<p class="qa-closest">{NOT_FOUND} Related passages, which do not answer it:</p>'
                if cites else f'<p class="qa-closest">{NOT_FOUND[:-1]}, and nothing in them is related to '
                              'the question.</p>')
    cards = []
    for n, c in enumerate(cites, 1):
        before, sent, after = passage_text(c) if passage_text else ("", c.quote, "")
        meta = [f"page {c.page}"] if c.page else []
        ref = f'<p class="qa-ref">{html.escape(c.article_id)} · chars {c.start}–{c.end}</p>'
        full = ""
        if article is not None:
            art = article(c.article_id)
            meta = [x for x in (art.source, (art.date or "")[:10] or "undated") if x] + meta
            a0, a1 = 0, len(art.text)
            if len(art.text) > WHOLE_ARTICLE:
                a0, a1 = max(0, c.start - ARTICLE_CONTEXT), min(len(art.text), c.end + ARTICLE_CONTEXT)
            cut = a0 > 0 or a1 < len(art.text)
            summary = "Open the article around the quote" if cut else "Open the full article"
            note = ('<p class="qa-meta">An excerpt: the whole article is in the Articles tab.</p>' if cut else "")
            full = (f'<details class="qa-article" id="{card_id(n, turn, "article")}">'
                    f'<summary>{summary}</summary>{note}'
                    f'<div class="qa-article-body">{"… " if a0 else ""}{html.escape(art.text[a0:c.start])}<mark>'
                    f'{html.escape(art.text[c.start:c.end])}</mark>{html.escape(art.text[c.end:a1])}'
                    f'{" …" if a1 < len(art.text) else ""}</div></details>')
        if c.also_in:
            full = (f'<p class="qa-also">Also reported by '
                    f'{html.escape(", ".join(_also(x) for x in c.also_in))}</p>') + full
        if answer.refused:  # no answer highlight: these passages are not an answer
            cards.append(
                f'<div class="qa-source qa-related" id="{card_id(n, turn, "related")}">'
                f'<div class="qa-source-head">Related '
                f'<b>{html.escape(c.title)}</b> <span class="qa-meta">{html.escape(" · ".join(meta))}</span></div>'
                f'<p>{html.escape(before + sent + after)}</p>{ref}</div>')
            continue
        cards.append(
            f'<div class="qa-source" id="{card_id(n, turn)}"><div class="qa-source-head">[{n}] '
            f'<b>{html.escape(c.title)}</b> <span class="qa-meta">{html.escape(" · ".join(meta))}</span></div>'
            f'<p>{html.escape(before)}<mark>{html.escape(sent)}</mark>{html.escape(after)}</p>{ref}'
            f'{original_link(c.url)}{full}</div>')
    reports = ""
    if not answer.refused and answer.disagreement:
        cols = "".join(f'<div class="qa-report"><b>{html.escape(r.answer)}</b><br><span class="qa-meta">'
                       f'{html.escape(byline(r.citations[0]) or r.citations[0].article_id)}</span><p>'
                       f'{html.escape(r.citations[0].quote)}</p></div>' for r in answer.disagreement)
        reports = f'<div class="qa-differ"><p><b>Reports differ</b></p><div class="qa-reports">{cols}</div></div>'
    body = head + reports + "".join(cards)
    return _panel(body) if wrap else body


def original_link(url: str | None) -> str:
    """A link to the article where it was published: http(s) addresses only (never
    javascript: or data:), opened without handing this page to it.

    >>> original_link("javascript:alert(1)"), original_link(None)
    ('', '')
    """
    url = safe_url(url)
    if url is None:
        return ""
    return (f'<p class="qa-meta"><a class="qa-original" href="{html.escape(url, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">Read the original article</a></p>')


def sources_panel(sections: list[dict]) -> str:
    """The sources panel of a conversation: the latest answer's sources, then each earlier
    answer's, folded, newest first (`sections`: {"turn", "question", "html"} in turn order).
    Every answer keeps its own cards, so its [n] markers open its own passages."""
    if not sections:
        return sources_html(None)
    last, earlier = sections[-1], sections[-2::-1]
    out = [f'<section class="qa-turn" id="turn-{last["turn"]}" aria-label="Sources of answer {last["turn"]}">'
           f'{last["html"]}</section>']
    for sec in earlier:
        out.append(f'<details class="qa-turn qa-earlier" id="turn-{sec["turn"]}"><summary>Sources of answer '
                   f'{sec["turn"]}: {html.escape(sec["question"])}</summary>{sec["html"]}</details>')
    return _panel("".join(out))


def _also(copy: dict) -> str:
    return " ".join(x for x in (copy.get("source") or copy.get("article_id"),
                                f"({copy['date'][:10]})" if copy.get("date") else "") if x)
