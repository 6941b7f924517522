"""Readers' entry point: a Gradio chat page that answers questions with citations.

  python app.py                          # http://127.0.0.1:7860, index built on first start
  python app.py --port 8080 --host 0.0.0.0 --corpus corpus --index-dir data/index
  curl -s -X POST localhost:7860/api/ask -d '{"question": "Who authorized the meetings?"}'
  python app.py --mcp                    # also an MCP tool "ask" at http://127.0.0.1:7860/mcp
  python app.py --host 0.0.0.0 --allow-upload   # readers may add articles (on by default on 127.0.0.1)

Only this file imports gradio; answering lives in `qa` (its public API).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field  # the MCP tool's argument descriptions (its annotations are read as strings here)

from common import runtime
from common.errors import BadQuestionError, BadScopeError, QAError
from index.store import DEFAULT_INDEX_DIR
from index.uploads import MAX_BYTES
from qa.citations import answer_markdown, md_escape, sources_html, sources_panel

STATIC = Path(__file__).resolve().parent / "web" / "static"
API_FIELDS = {"question", "context", "as_of", "since", "until", "sources"}
MAX_API_BODY = 64_000  # bytes of a POST /api/ask body
MAX_UPLOAD = "1kb"  # Gradio's /gradio_api/upload route when the page takes no files (--no-upload)
N_EXAMPLES = 4  # example questions under the box: made from the corpus (qa.examples), stored in the index
HELP = ("Ask a question about the indexed articles. Every answer quotes the sentence it comes from, "
        "with numbered citations to the exact place in the article; when the articles do not support "
        "an answer, the page says so instead of guessing.")
CSS = (STATIC / "app.css").read_text(encoding="utf-8")  # the page's own styles


def index_plan(index_dir: str, corpus_dir: str) -> str | None:
    """What the start-up must do with the index: "build" (none, or an older format: nothing
    to answer from until it is built), "update" (the corpus changed: the old one can answer
    meanwhile) or None."""
    from index import store
    from index.changes import corpus_changes

    if store.current_version_name(Path(index_dir)) is None:
        return "build"
    try:
        manifest = store.read_manifest(store.current_version_dir(index_dir))
    except QAError:
        return None  # a damaged index: loading reports it with the repair command
    if manifest.get("format_version") != store.FORMAT_VERSION:
        return "build"
    return "update" if corpus_changes(manifest, corpus_dir) else None


def ensure_index(index_dir: str, corpus_dir: str, plan: str | None = "") -> str | None:
    """Build the index if missing or of an older format, update it if the corpus
    changed. Returns a note."""
    from index import store
    from index.build import build_index

    plan = index_plan(index_dir, corpus_dir) if plan == "" else plan
    if plan is None:
        return None
    if store.current_version_name(Path(index_dir)) is None:
        print(f"No index in {index_dir}; building it from {corpus_dir} ...", file=sys.stderr)
    elif plan == "build":
        print(f"The index in {index_dir} has an older format; rebuilding it ...", file=sys.stderr)
    else:
        print(f"The corpus changed since the last build; updating {index_dir} ...", file=sys.stderr)
    summary = build_index(corpus_dir, index_dir)
    for s in summary.skipped:
        print(f"warning: skipped {s.path}: {s.reason}", file=sys.stderr)
    return " / ".join(summary.lines())


def _month(yyyy_mm: str) -> str:
    import calendar

    return f"{calendar.month_abbr[int(yyyy_mm[5:7])]} {yyyy_mm[:4]}"


class _Skip:
    """Stands for "leave this output as it is" (gr.skip() once gradio is loaded)."""


SKIP = _Skip()


def _notice(message: str) -> None:
    """A passing notice on the page (a toast); nothing outside a Gradio event."""
    try:
        import gradio as gr

        gr.Info(message)
    except Exception:  # noqa: BLE001  called outside a page event (tests, scripts)
        pass


def scope_note(scope) -> str:
    parts = []
    if scope.as_of:
        parts.append(f"as of {scope.as_of} (later articles not used; undated ones are)")
    if scope.since or scope.until:
        parts.append(f"articles dated {scope.since or 'any time'} to {scope.until or 'now'}")
    if scope.sources:
        parts.append("from " + ", ".join(scope.sources))
    return "Answered " + "; ".join(parts) + "."


class ChatService:
    """Holds the loaded QA object (or the error that stopped it loading)."""

    def __init__(self, index_dir: str, corpus_dir: str | None, embedder=None, uploads: bool = False,
                 token: str | None = None):
        import threading

        self.index_dir, self.corpus_dir = index_dir, corpus_dir
        self.uploads = uploads and corpus_dir is not None  # the "Add articles" tab works
        self.token = token  # when set, adding and removing articles need it (typed on the page)
        self._removed: list[tuple[str, str]] = []  # (title, trash path) of removals this run, for Undo
        self._corpus_lock = threading.Lock()  # one change of the corpus at a time
        self.live, self.error = None, None
        self.embedder = embedder
        self.stale_note: str | None = None  # answering from the last build while the corpus has changed
        self._stale_version: str | None = None
        self._next_try = 0.0
        self._examples: list[str] = []  # the example questions, of index version _examples_for
        self._examples_for: str | None = None
        self._load()

    def _load(self) -> None:
        """Load the live index. A stale one (the corpus changed, an update is running or
        still to run) answers meanwhile, with a note; no index at all is retried now and
        then, so a build that finishes later is picked up without a restart."""
        from common.errors import StaleIndexError
        from qa import LiveQA

        try:
            self.live, self.error = LiveQA(self.index_dir, self.corpus_dir, embedder=self.embedder), None
            self.stale_note = None
        except StaleIndexError as exc:
            try:
                self.live, self.error = LiveQA(self.index_dir, None, embedder=self.embedder), None
            except QAError as exc2:
                self.error = exc2.user_message()
                return
            self._stale_version = self.live.version
            self.stale_note = (f"{exc} Answers come from the last build until an update finishes "
                               f"(it is picked up by itself). Fix: {exc.hint}")
        except QAError as exc:
            self.error = exc.user_message()

    @property
    def qa(self):
        """The QA object for the live index version (switches after a rebuild)."""
        import time

        if self.live is None and time.monotonic() >= self._next_try:
            self._next_try = time.monotonic() + 2.0  # an index that appears later is loaded (at most every 2 s)
            self._load()
        if self.live is None:
            return None
        qa = self.live.get()
        if self.stale_note and self.live.version != self._stale_version:
            self.stale_note = None  # a build finished since: its version is live
        return qa

    @property
    def switch_error(self) -> str | None:
        """Why the newest index version is not the one answering, if it is not."""
        if self.live is None:
            return None
        return self.live.last_error or self.stale_note

    def passage_parts(self, citation, qa):
        text = qa.data.articles[qa.data.article_row[citation.article_id]].text
        ps = citation.passage_start if citation.passage_start is not None else citation.start
        pe = citation.passage_end if citation.passage_end is not None else citation.end
        return text[ps : citation.start], text[citation.start : citation.end], text[citation.end : pe]

    def respond(self, message: str, history: list, turns: list | None = None, as_of: str = "", since: str = "",
                until: str = "", sources: list | None = None):
        """One chat turn: (history, sources html, cleared box, conversation turns).
        `as_of`, `since`, `until` (YYYY-MM-DD) and `sources` (outlets) limit the articles used."""
        from dataclasses import asdict

        from qa.conversation import Conversation, Turn
        from qa.conversation import ask as ask_in_chat
        from qa.timeline import Scope

        history, turns = list(history or []), list(turns or [])
        message = (message or "").strip()
        if not message:
            # nothing asked: the conversation and the sources of the last answer stay as they are
            _notice("Type a question first.")
            return history, SKIP, "", turns
        history.append({"role": "user", "content": md_escape(message)})
        qa = self.qa
        if qa is None:
            history.append({"role": "assistant", "content": f"The index could not be loaded:\n\n```\n{self.error}\n```"})
            return history, SKIP, "", turns
        fields = set(Turn.__dataclass_fields__)
        conv = Conversation([Turn(**{k: v for k, v in t.items() if k in fields}) for t in turns])
        try:
            scope = Scope.make(as_of or None, since or None, until or None, sources or ())
        except BadScopeError as exc:
            history.append({"role": "assistant", "content": md_escape(str(exc))})
            return history, SKIP, message, turns
        try:
            answer, resolved = ask_in_chat(qa, conv, message, scope)
        except BadQuestionError as exc:
            history.append({"role": "assistant", "content": md_escape(str(exc))})
            return history, SKIP, "", turns
        n = len(turns) + 1  # this answer's number: its markers open its own source cards
        reply = answer_markdown(answer, turn=n)
        shown = resolved.shown(message)
        if shown:
            reply = f"*Answered as:* {md_escape(shown)}\n\n" + reply
        if scope:
            reply += "\n\n*" + md_escape(scope_note(scope)) + "*"
        if self.switch_error:
            reply += f"\n\n**Note for the operator:** {md_escape(self.switch_error)}"
        history.append({"role": "assistant", "content": reply})
        section = sources_html(answer, lambda c: self.passage_parts(c, qa), self.article_of(qa), turn=n, wrap=False)
        turns.append({**asdict(conv.turns[-1]), "n": n, "panel": section})
        return history, self.panel(turns), "", turns

    @staticmethod
    def panel(turns: list) -> str:
        """The sources panel for the conversation so far (every answer keeps its cards)."""
        return sources_panel([{"turn": t.get("n", i + 1), "question": t["question"], "html": t["panel"]}
                              for i, t in enumerate(turns or []) if t.get("panel")])

    def corpus_summary(self) -> str:
        """What the page answers from, in words: "1 article: <title>" or "44 articles from
        5 outlets, Sep 2025 – Oct 2026"."""
        qa = self.qa
        if qa is None:
            return ""
        arts = qa.data.articles
        if len(arts) == 1:
            return f"Answers from **1 article**: {md_escape(arts[0].title)}"
        outlets = {a.source for a in arts if a.source}
        dates = sorted(a.date[:7] for a in arts if a.date)
        out = f"Answers from **{len(arts):,} articles**"
        if outlets:
            out += f" from {len(outlets)} outlet{'s' if len(outlets) > 1 else ''}"
        if dates:
            first, last = (_month(d) for d in (dates[0], dates[-1]))
            out += f", {first}" + (f" – {last}" if last != first else "")
        return out

    def outlets(self) -> list[str]:
        qa = self.qa
        return qa.outlets if qa is not None else []

    def examples(self) -> list[str]:
        """Questions this corpus answers, from different articles (qa.examples): made once per
        index version and stored with it; none while no index is loaded."""
        from qa import examples

        qa = self.qa
        if qa is None:
            return []
        version = self.live.version
        if self._examples_for != version:
            try:
                items = examples.ensure(qa, Path(self.index_dir) / "versions" / version, N_EXAMPLES)
            except Exception:  # noqa: BLE001 - the page works without examples
                items = []
            self._examples, self._examples_for = [x["question"] for x in items], version
        return self._examples

    @staticmethod
    def article_of(qa):
        return lambda article_id: qa.data.articles[qa.data.article_row[article_id]]

    def ask_json(self, question: str) -> dict:
        """API endpoint: the same answer as `python -m qa ask --json`."""
        qa = self.qa
        if qa is None:
            return {"question": question, "error": self.error}
        try:
            return qa.ask(question).to_json()
        except BadQuestionError as exc:
            return {"question": question, "error": str(exc)}

    def api_answer(self, payload) -> tuple[int, dict]:
        """POST /api/ask: (HTTP status, body). The body of a 200 is exactly what
        `python -m qa ask --json` prints; anything else is {"error": "..."}."""
        from qa.timeline import Scope

        if not isinstance(payload, dict):
            return 422, {"error": "the body must be a JSON object like {\"question\": \"...\"}"}
        from common.text import clean_text

        try:
            payload = clean_text(payload)  # lone surrogates ("\\ud800" in JSON) cannot be answered or sent back
        except RecursionError:
            return 422, {"error": "the body is nested too deeply"}
        unknown = set(payload) - API_FIELDS
        if unknown:
            return 422, {"error": f"unknown field(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(API_FIELDS))}"}
        question, context = payload.get("question"), payload.get("context")
        if not isinstance(question, str):
            return 422, {"error": "\"question\" must be a string", "field": "question"}
        turns = None
        if isinstance(context, list):  # the conversation so far: earlier questions, with their answers
            turns = []
            for t in context:
                if isinstance(t, str):
                    t = {"question": t}
                if not (isinstance(t, dict) and isinstance(t.get("question"), str)
                        and isinstance(t.get("answer"), (str, type(None)))):
                    return 422, {"error": "\"context\" turns must be strings or {\"question\": ..., \"answer\": ...}",
                                 "field": "context"}
                turns.append(t)
            context = None
        elif context is not None and not isinstance(context, str):
            return 422, {"error": "\"context\" must be a string, a list of earlier turns or null", "field": "context"}
        sources = payload.get("sources") or []
        if isinstance(sources, str):
            sources = [sources]
        if not isinstance(sources, list) or not all(isinstance(x, str) for x in sources):
            return 422, {"error": "\"sources\" must be a list of outlet names"}
        try:
            scope = Scope.make(*(payload.get(k) for k in ("as_of", "since", "until")), sources)
        except BadScopeError as exc:
            return 422, {"error": str(exc), "field": exc.field}
        qa = self.qa
        if qa is None:
            return 503, {"error": self.error or "no index loaded"}
        try:
            if turns is None:
                return 200, qa.ask(question, context, scope).to_json()
            from qa.conversation import Conversation, Turn
            from qa.conversation import ask as ask_in_chat

            conv = Conversation([Turn(t["question"], t.get("answer")) for t in turns])
            answer, _ = ask_in_chat(qa, conv, question, scope)
            return 200, {**answer.to_json(), "question": question.strip()}  # answered_as: the rewrite
        except BadScopeError as exc:
            return 422, {"question": question, "error": str(exc), "field": exc.field}
        except BadQuestionError as exc:
            return 422, {"question": question, "error": str(exc)}

    def _articles(self, query: str = "") -> list[tuple]:
        """(article, passages) of each indexed article whose title, text or id holds `query`."""
        qa = self.qa
        if qa is None:
            return []
        import numpy as np

        counts = np.bincount(qa.data.chunks[:, 0], minlength=len(qa.data.articles))
        q = (query or "").strip().lower()
        found = [(a, int(counts[i])) for i, a in enumerate(qa.data.articles)
                 if not q or q in a.title.lower() or q in a.text.lower() or q in a.id]
        # newest first (undated ones last), by title within a day: two stable sorts
        found.sort(key=lambda x: x[0].title.lower())
        found.sort(key=lambda x: x[0].date or "", reverse=True)
        return found

    def corpus_rows(self, query: str = "") -> list[list]:
        """The indexed articles (title, id, date, source, passages), filtered by `query`."""
        return [[a.title, a.id, a.date or "", a.source or "", n] for a, n in self._articles(query)]

    def _token_refused(self, given: str | None) -> str | None:
        from web.guard import token_ok

        if self.token and not token_ok(f"Bearer {given or ''}", self.token):
            return "**Not done:** this server needs its operator token; type it in *Operator token* above."
        return None

    def add_articles(self, paths: list | None, token: str | None = None) -> str:
        """Store uploaded files (paths of their bytes, named as uploaded) in the corpus, build
        the index incrementally and switch to it: a report in Markdown. Refused files are
        named with the reason; questions go on being answered from the old version meanwhile."""
        from index.uploads import MAX_FILES, add_files

        if not self.uploads:
            return "Adding articles from the page is off (see the note above)."
        paths = [str(p) for p in (paths or []) if p]
        refused = self._token_refused(token)
        if refused:
            for p in paths:
                _forget_upload(p)
            return refused
        if not paths:
            return "Choose or drop one or more files first."
        import time

        t0 = time.perf_counter()
        with self._corpus_lock:
            try:
                report = add_files(self.corpus_dir, [(Path(p).name, p) for p in paths], MAX_FILES, MAX_BYTES)
            finally:
                for p in paths:  # Gradio's copies: stored ones are in the corpus now, refused ones are not kept
                    _forget_upload(p)
            lines = []
            if report.stored:
                try:
                    summary = self._rebuild()
                except QAError as exc:
                    lines.append(f"**The index was not updated:** {md_escape(exc.user_message())}")
                else:
                    lines.append(f"**Added {len(report.article_ids)} article{'s' * (len(report.article_ids) != 1)}** "
                                 f"from {len(report.stored)} file{'s' * (len(report.stored) != 1)}; "
                                 f"they answer now ({time.perf_counter() - t0:.1f} s, of which the index update "
                                 f"{summary.seconds:.1f} s).\n")
        for orig, rel in report.stored:
            lines.append(f"- added *{md_escape(orig)}* as {md_escape(rel)}")
        if report.refused:
            lines.append(f"\n**Not added ({len(report.refused)}):**\n")
            lines += [f"- *{md_escape(orig)}*: {md_escape(why)}" for orig, why in report.refused]
        return "\n".join(lines)

    def removal_question(self, article_id: str | None) -> tuple[str, bool]:
        """(what the confirmation says, whether to ask it): nothing is removed by one click."""
        qa = self.qa
        if not article_id or qa is None or article_id not in qa.data.article_row:
            return "Choose an article to remove first.", False
        art = qa.data.articles[qa.data.article_row[article_id]]
        by = ", ".join(x for x in (art.source, (art.date or "")[:10]) if x)
        return (f"Remove **{md_escape(art.title)}**" + (f" ({md_escape(by)})" if by else "") + " from the corpus? "
                "Its file goes to the index folder's trash, and *Undo* puts it back.", True)

    def undo_remove(self, token: str | None = None) -> str:
        """Put the last removed article back (from its own trash entry) and update the index."""
        from index.uploads import restore_article

        refused = self._token_refused(token)
        if refused:
            return refused
        if not self._removed:
            return "Nothing to undo."
        title, moved = self._removed[-1]
        with self._corpus_lock:
            try:
                restore_article(self.corpus_dir, moved)
            except (ValueError, OSError) as exc:
                return f"**Not restored:** {md_escape(str(exc))}"
            self._removed.pop()
            try:
                self._rebuild()
            except QAError as exc:
                return f"**The index was not updated:** {md_escape(exc.user_message())}"
        return f"**Restored** {md_escape(title)}; it answers again."

    def remove_article(self, article_id: str | None, token: str | None = None) -> str:
        """Move an article's file out of the corpus (into its own entry in the index folder's
        `removed/`) and update the index: a report in Markdown."""
        from index.uploads import remove_article

        if not self.uploads:
            return "Removing articles from the page is off (see the note above)."
        refused = self._token_refused(token)
        if refused:
            return refused
        qa = self.qa
        if not article_id or qa is None or article_id not in qa.data.article_row:
            return "Choose an article to remove first."
        if len(qa.data.articles) == 1:
            return "That is the only article; add another before removing it."
        art = qa.data.articles[qa.data.article_row[article_id]]
        with self._corpus_lock:
            try:
                moved = remove_article(self.corpus_dir, art.path, art.id, Path(self.index_dir) / "removed")
            except (ValueError, OSError) as exc:
                return f"**Not removed:** {md_escape(str(exc))}"
            try:
                self._rebuild()
            except QAError as exc:
                return f"**The index was not updated:** {md_escape(exc.user_message())}"
        self._removed.append((art.title, moved))
        kept = os.path.relpath(moved, self.index_dir)  # no absolute paths on the page
        return (f"**Removed** {md_escape(art.title)}; its file is kept as {md_escape(kept)} in the index folder. "
                "*Undo* puts it back.")

    def _rebuild(self):
        from index.build import build_index

        qa = self.qa
        summary = build_index(self.corpus_dir, self.index_dir, embedder=qa.retriever.embedder if qa else None,
                              progress=True, wait_for_lock=True)
        if self.live is None:  # no index could be loaded before: load the new one
            self._load()
        if self.live is not None:
            self.live.get()  # switch now, so the next question and the tables see the new articles
        return summary

    def article_choices(self) -> list[tuple[str, str]]:
        qa = self.qa
        return [(f"{a.title} ({a.id})", a.id) for a in qa.data.articles] if qa is not None else []

    def reader_rows(self, query: str = "") -> list[list]:
        """The Articles tab for readers: title, outlet, date, passages."""
        return [[a.title, a.source or "", (a.date or "")[:10] or "undated", n] for a, n in self._articles(query)]

    def found_note(self, query: str) -> str:
        n = len(self._articles(query))
        if (query or "").strip() and not n:
            return f"No article matches “{md_escape(query.strip())}”."
        return f"{n:,} article{'s' * (n != 1)}" + (" match" if (query or "").strip() else "") + \
            ". Choose one to read it below."

    def reader_view(self, query: str, row: int | None) -> str:
        """The article chosen in the table, as a page to read (escaped text, paragraphs kept)."""
        import html

        rows = self._articles(query)
        if row is None or not 0 <= row < len(rows):
            return ""
        a = rows[row][0]
        meta = " · ".join(x for x in (a.source, (a.date or "")[:10] or "undated", a.author,
                                     f"{len(a.text.split()):,} words") if x)
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in a.text.split("\n\n") if p.strip())
        link = (f'<p class="qa-meta">Original: {html.escape(a.url)}</p>' if a.url else "")
        return (f'<article class="qa-reader" aria-label="{html.escape(a.title)}"><h2>{html.escape(a.title)}</h2>'
                f'<p class="qa-meta">{html.escape(meta)}</p>{link}{paras}'
                f'<p class="qa-ref">{html.escape(a.id)} · {html.escape(a.path)}</p></article>')

    def status_markdown(self) -> str:
        qa = self.qa
        if qa is None:
            return f"**No index loaded.** {md_escape(self.error or '')}"
        m = qa.data.manifest
        out = (f"**{len(qa.data.articles)} articles, {qa.data.n_passages} passages** · model "
               f"`{m['model']['name']}` · built {m.get('created', '?')} · version `{m.get('version', '?')}`")
        if self.switch_error:
            out += f"\n\n**The newest index version is not live.** {md_escape(self.switch_error)}"
        return out


JS = (STATIC / "app.js").read_text(encoding="utf-8")  # its behaviour: markers, copy, scrolling (one function)


def theme():
    """Gradio's Soft theme with text at WCAG AA contrast (>= 4.5:1): darker labels, primary
    buttons and secondary text than its defaults (3.6:1, 4.46:1 and 2.4:1 under axe-core)."""
    import gradio as gr

    return gr.themes.Soft().set(
        block_label_text_color="*primary_700", block_title_text_color="*primary_700",
        button_primary_background_fill="*primary_600", button_primary_background_fill_hover="*primary_700",
        body_text_color_subdued="*neutral_600", block_info_text_color="*neutral_600")


def build_ui(service: ChatService):
    import gradio as gr

    with gr.Blocks(title="Cited answers from the articles") as demo:
        gr.Markdown("# Cited answers from the articles")
        gr.Markdown(HELP, elem_id="qa-help")
        if service.error:
            gr.Markdown(f"**The index could not be loaded.**\n\n```\n{service.error}\n```")
        with gr.Tab("Ask"):
            corpus_line = gr.Markdown(service.corpus_summary(), elem_id="corpus-summary")
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    chat = gr.Chatbot(label="Conversation", height=480, elem_id="chat", latex_delimiters=[], autoscroll=False,
                                      buttons=["copy", "copy_all"], feedback_options=None,
                                      placeholder="Ask a question about the articles. Follow-up questions "
                                                  "(\"When did they take place?\") are read with the conversation.")
                    first = service.examples()
                    with gr.Row():
                        box = gr.Textbox(label="Your question",
                                         placeholder=f"e.g. {first[0]}" if first else "Ask about the articles",
                                         show_label=False,
                                         scale=5, elem_id="question", max_length=1000, autofocus=True)
                        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="ask", min_width=80)
                    with gr.Row(elem_id="examples", visible=bool(first)) as examples_row:
                        gr.Markdown("Try:", elem_classes="qa-try")
                        example_buttons = [gr.Button(first[i] if i < len(first) else "", size="sm", variant="secondary",
                                                     elem_classes="qa-example", min_width=60, visible=i < len(first))
                                           for i in range(N_EXAMPLES)]
                    with gr.Accordion("Dates and outlets", open=False, elem_id="scope"):
                        with gr.Row():
                            as_of = gr.Textbox(label="As of (YYYY-MM-DD)", placeholder="any day", elem_id="as-of",
                                               info="Only articles dated on or before this day")
                            since = gr.Textbox(label="Since", placeholder="YYYY-MM-DD", elem_id="since")
                            until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD", elem_id="until")
                        outlets = gr.Dropdown(service.outlets(), multiselect=True, label="Outlets",
                                              info="Empty: every outlet", elem_id="outlets")
                    clear = gr.Button("New conversation", elem_id="new-conversation")
                with gr.Column(scale=2, min_width=300):
                    gr.Markdown("## Sources", elem_classes="qa-sources-title")
                    sources = gr.HTML(sources_html(None), elem_id="sources")
        with gr.Tab("Articles", elem_id="articles-tab"):
            search = gr.Textbox(label="Search the articles", placeholder="Words of a title or of the text",
                                elem_id="article-search")
            table = gr.Dataframe(service.reader_rows(), headers=READER_HEADERS, interactive=False,
                                 elem_id="article-table", wrap=True, column_widths=["52%", "18%", "14%", "16%"])
            found = gr.Markdown(service.found_note(""), elem_id="article-found")
            reader = gr.HTML("", elem_id="article-reader")
            with gr.Accordion("Index details (for operators)", open=False, elem_id="index-details"):
                status = gr.Markdown(service.status_markdown(), elem_id="index-status")
                ids = gr.Dataframe(service.corpus_rows(), headers=["Title", "Id", "Date", "Source", "Passages"],
                                   interactive=False, elem_id="article-ids", wrap=True)
            search.change(lambda q: (service.reader_rows(q), service.found_note(q)), search, [table, found],
                          api_visibility="private")

            def open_article(query: str, evt: gr.SelectData):
                return service.reader_view(query, evt.index[0] if evt.index else None)

            open_article.__annotations__["evt"] = gr.SelectData  # a real class: annotations here are strings
            table.select(open_article, search, reader, api_visibility="private")
        with gr.Tab("Add articles", elem_id="add-tab"):
            upload_parts = _upload_tab(service)
        turns = gr.State([])
        # the conversation survives a page refresh: kept in the browser (localStorage), not on the server
        saved = gr.BrowserState({"history": [], "turns": []}, storage_key="article-qa-conversation")
        inputs, outputs = [box, chat, turns, as_of, since, until, outlets], [chat, sources, box, turns]

        def respond(*args):
            out = service.respond(*args)
            return tuple(gr.skip() if x is SKIP else x for x in out)

        def keep(history, turns_now):
            return {"history": history, "turns": keep_turns(turns_now)}

        def restore(state):
            history, turns_then = restored(state)
            return history, service.panel(turns_then), turns_then

        ask.click(respond, inputs, outputs, api_visibility="private").then(
            keep, [chat, turns], saved, api_visibility="private")
        for button in example_buttons:  # an example asks at once (its label is the question)
            button.click(respond, [button] + inputs[1:], outputs, api_visibility="private").then(
                keep, [chat, turns], saved, api_visibility="private")

        def example_updates():
            qs = service.examples()
            return [gr.update(visible=bool(qs))] + [gr.update(value=qs[i] if i < len(qs) else "", visible=i < len(qs))
                                                    for i in range(N_EXAMPLES)]
        box.submit(respond, inputs, outputs, api_visibility="private").then(
            keep, [chat, turns], saved, api_visibility="private")
        reset = (lambda: ([], sources_html(None), "", [], {"history": [], "turns": []}), None, outputs + [saved])
        clear.click(*reset, api_visibility="private")
        chat.clear(*reset, api_visibility="private")  # the chat's own clear icon forgets the conversation too
        demo.load(restore, saved, [chat, sources, turns], api_visibility="private")
        remove_choice = upload_parts[2] if upload_parts else None

        def refresh():
            """Every list and count the page shows, as the index holds them now."""
            out = (service.reader_rows(), service.corpus_rows(), service.corpus_summary(), service.status_markdown(),
                   gr.update(choices=service.outlets()))
            return out + ((gr.update(choices=service.article_choices(), value=None),) if upload_parts else ())

        tables = [table, ids, corpus_line, status, outlets] + ([remove_choice] if upload_parts else [])
        demo.load(refresh, None, tables, api_visibility="private")  # every list true on every page load
        demo.load(example_updates, None, [examples_row] + example_buttons, api_visibility="private")
        if upload_parts:
            files, add_report, remove_choice, remove_btn, add_btn, token_box, removal = upload_parts
            confirm, confirm_text, yes, no, undo = removal
            def busy(paths):
                """While a batch is added: the button off and a line saying what is under way."""
                n = len(paths or [])
                note = (f"Adding {n} file{'s' if n != 1 else ''}: storing, reading and indexing them; questions "
                        "are answered meanwhile…") if n else gr.skip()
                return gr.update(interactive=not n), note

            add_btn.click(busy, files, [add_btn, add_report], api_visibility="private", queue=False).then(
                lambda paths, tok: (service.add_articles(paths, tok), None), [files, token_box], [add_report, files],
                concurrency_limit=1, concurrency_id="corpus", show_progress="full",
                api_name="add_articles").then(refresh, None, tables, api_visibility="private").then(
                lambda: gr.update(interactive=True), None, add_btn, api_visibility="private", queue=False)

            def ask_first(article_id):
                """The confirmation, or (nothing chosen) the reason in the report."""
                text, ok = service.removal_question(article_id)
                return (gr.update(visible=True), text, gr.skip()) if ok else \
                    (gr.update(visible=False), gr.skip(), text)

            remove_btn.click(ask_first, remove_choice, [confirm, confirm_text, add_report], api_visibility="private")
            no.click(lambda: gr.update(visible=False), None, confirm, api_visibility="private")
            yes.click(lambda a, t: (service.remove_article(a, t), gr.update(visible=False),
                                    gr.update(visible=bool(service._removed))),
                      [remove_choice, token_box], [add_report, confirm, undo], concurrency_limit=1,
                      concurrency_id="corpus", api_visibility="private").then(refresh, None, tables,
                                                                              api_visibility="private")
            undo.click(lambda t: (service.undo_remove(t), gr.update(visible=bool(service._removed))), token_box,
                       [add_report, undo], concurrency_limit=1, concurrency_id="corpus",
                       api_visibility="private").then(refresh, None, tables, api_visibility="private")
        api_in, api_out = gr.Textbox(visible=False), gr.JSON(visible=False)
        api_btn = gr.Button(visible=False)
        api_btn.click(service.ask_json, api_in, api_out, api_name="ask")
    return demo


READER_HEADERS = ["Title", "Outlet", "Date", "Passages"]
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".pdf"]


KEEP_PANELS = 8  # answers whose source cards are kept in the browser across a refresh (the text stays for all)


def keep_turns(turns: list) -> list:
    """The turns as kept in the browser: source cards only for the latest KEEP_PANELS
    answers (they hold whole articles), the questions and answers for all."""
    turns = list(turns or [])
    return [t if i >= len(turns) - KEEP_PANELS else {k: v for k, v in t.items() if k != "panel"}
            for i, t in enumerate(turns)]


def restored(state) -> tuple[list, list]:
    """(chat history, turns) from what the browser kept; anything unreadable is dropped."""
    try:
        history, turns = list(state.get("history") or []), list(state.get("turns") or [])
        ok = all(isinstance(m, dict) and m.get("role") in ("user", "assistant") for m in history) and \
            all(isinstance(t, dict) and isinstance(t.get("question"), str) for t in turns)
        return (history, turns) if ok else ([], [])
    except (AttributeError, TypeError):
        return [], []


def _upload_tab(service: ChatService):
    """The "Add articles" tab's controls, or None (with a note) when uploads are off."""
    import gradio as gr

    from index.uploads import MAX_FILES

    if not service.uploads:
        gr.Markdown("Adding articles from the page is **off**: the app listens on an address other "
                    "computers can reach. Start it with `--allow-upload` to turn it on, or copy files into "
                    "the corpus folder and run `python -m index build`; the page picks up the new index "
                    "without a restart.", elem_id="upload-off")
        return None
    gr.Markdown(f"Drop or choose article files ({', '.join(UPLOAD_TYPES)}; up to {MAX_FILES} files of "
                f"{MAX_BYTES // 1_000_000} MB each), then press *Add to the corpus*. They are stored in the "
                "corpus folder under `uploads/`, the index is updated (only the new articles are embedded) and "
                "they answer at once; questions are answered meanwhile. A file that cannot be used is named "
                "with the reason, and the others are still added.")
    token_box = gr.Textbox(label="Operator token", type="password", visible=bool(service.token), elem_id="token",
                           info="This server was started with --token: adding and removing articles need it.")
    # no file_types: Gradio would refuse the whole batch for one odd file; add_files names it instead
    files = gr.File(label="Article files", file_count="multiple", type="filepath",
                    elem_id="upload")
    add_btn = gr.Button("Add to the corpus", variant="primary", elem_id="add-articles")
    report = gr.Markdown(elem_id="add-report")
    with gr.Accordion("Remove an article", open=False, elem_id="remove"):
        choice = gr.Dropdown(service.article_choices(), value=None, label="Article", elem_id="remove-choice")
        remove_btn = gr.Button("Remove from the corpus…", variant="stop", elem_id="remove-article")
        with gr.Group(visible=False, elem_id="remove-confirm") as confirm:
            confirm_text = gr.Markdown(elem_id="remove-question")
            with gr.Row():
                yes = gr.Button("Yes, remove it", variant="stop", elem_id="remove-yes")
                no = gr.Button("Cancel", elem_id="remove-cancel")
        undo = gr.Button("Undo the last removal", visible=False, elem_id="remove-undo")
        gr.Markdown("Its file is moved into the index folder's `removed/` folder, not deleted; a file holding "
                    "several articles (JSON list, JSONL) is left alone.", elem_classes="qa-meta")
    return files, report, choice, remove_btn, add_btn, token_box, (confirm, confirm_text, yes, no, undo)


def _forget_upload(path: str) -> None:
    """Delete Gradio's temporary copy of an uploaded file (and its folder when empty), so it
    is not served by URL after it was stored or refused. Only files under Gradio's upload cache."""
    import tempfile

    root = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()
    try:
        rp = Path(path).resolve()
        if root not in rp.parents:
            return
        rp.unlink(missing_ok=True)
        rp.parent.rmdir()
    except OSError:
        pass


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
        too_big = JSONResponse(err(f"the body is over {MAX_API_BODY} bytes; at most that many are read"), 413)
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default=os.environ.get("QA_HOST", "127.0.0.1"), help="address to bind (default: %(default)s)")
    p.add_argument("--port", type=int, default=int(os.environ.get("QA_PORT", "7860")), help="port (default: %(default)s)")
    p.add_argument("--index-dir", default=DEFAULT_INDEX_DIR, help="index folder (default: %(default)s)")
    p.add_argument("--corpus", default="corpus", help="article folder (default: %(default)s)")
    p.add_argument("--concurrency", type=int, default=int(os.environ.get("QA_CONCURRENCY", "2")),
                   help="questions the page's queue answers at once (default: %(default)s; python -m bench.load "
                   "measures it); POST /api/ask answers in the server's thread pool")
    p.add_argument("--allow-upload", action="store_true",
                   help="let readers add and remove articles from the page even when --host is not a loopback "
                   "address (on by default for 127.0.0.1 / localhost)")
    p.add_argument("--no-upload", action="store_true", help="no \"Add articles\" tab, whatever the address")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="a host name the server answers to besides the bound address (repeatable; checked "
                   "against each request's Host and Origin, so other sites' pages cannot use the app)")
    p.add_argument("--token", default=os.environ.get("QA_TOKEN") or None, metavar="TOKEN",
                   help="a shared secret: /api/ask, /v1/* and /mcp then need 'Authorization: Bearer TOKEN', and the "
                   "page's Add and Remove ask for it (default: the QA_TOKEN environment variable; none)")
    p.add_argument("--header-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="close a connection whose request headers are not complete this long after it opened "
                   "(or after a kept-alive request began); bodies and answers are not timed (default: %(default)s)")
    p.add_argument("--mcp", action="store_true",
                   help=f"also serve the ask function as an MCP tool (Streamable HTTP) at {MCP_PATH}")
    args = p.parse_args(argv)
    from web.guard import is_loopback

    changes_corpus = uploads_on(args.host, args.allow_upload, args.no_upload)
    if changes_corpus and not args.token and not is_loopback(args.host):
        print(f"Error: on {args.host} anyone who can reach the page could add and remove articles. Give a token "
              "(--token TOKEN or QA_TOKEN=...; readers then type it to add or remove), or pass --no-upload.",
              file=sys.stderr)
        return 2
    runtime.for_queries()

    def start_up_build(plan):
        try:
            note = ensure_index(args.index_dir, args.corpus, plan)
            if note:
                print(note, file=sys.stderr)
        except QAError as exc:
            print(f"Error: {exc.user_message()}", file=sys.stderr)

    plan = index_plan(args.index_dir, args.corpus)
    if plan == "update":  # the last good index answers (with a note) while the update runs
        import threading

        threading.Thread(target=start_up_build, args=(plan,), name="start-up-update", daemon=True).start()
    elif plan:
        start_up_build(plan)
    service = ChatService(args.index_dir, args.corpus, uploads=changes_corpus, token=args.token)
    if service.error:
        print(f"Error: {service.error}", file=sys.stderr)
    demo = build_ui(service)
    from starlette.middleware import Middleware

    from index.uploads import MAX_FILES
    from web.guard import HostOriginGuard, allowed_hosts

    # the page's upload route: none at all without the Add tab, else what one Add may bring
    # (MAX_FILES files of MAX_BYTES, plus the multipart framing)
    max_upload = MAX_FILES * MAX_BYTES + 1_000_000 if service.uploads else 0
    guard = Middleware(HostOriginGuard, allowed=allowed_hosts(args.host, args.allowed_host), max_upload=max_upload,
                       token=args.token, max_files=MAX_FILES)
    app_kwargs = {"routes": api_routes(service), "middleware": [guard]}
    if args.mcp:
        routes, lifespan = mcp_server(service, args.host)
        app_kwargs = {**app_kwargs, "routes": app_kwargs["routes"] + routes, "lifespan": lifespan}
        print(f"MCP tool \"ask\" at http://{args.host}:{args.port}{MCP_PATH}", file=sys.stderr)
    from web import connections

    connections.install(args.header_timeout)
    # Without the "Add articles" tab the page uploads nothing; Gradio's upload route still
    # exists, so it then takes almost nothing.
    demo.queue(default_concurrency_limit=args.concurrency).launch(server_name=args.host, server_port=args.port, css=CSS, js=JS,
                                                   theme=theme(), show_error=False, footer_links=["api"],
                                                   max_file_size=f"{MAX_BYTES // 1_000_000}mb" if service.uploads else MAX_UPLOAD,
                                                   app_kwargs=app_kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
