"""The chat page's state and actions, without its layout: one chat turn (follow-ups,
scope, the reply and its source cards), the corpus summary and lists, the JSON request
checker that `/api/ask`, `/v1/chat/completions` and MCP share, and corpus administration
(add, remove, undo) for the Add articles tab. web.page lays it out; web.api serves it.
"""
from __future__ import annotations

import os
from pathlib import Path

from common.errors import BadQuestionError, BadScopeError, QAError
from index.uploads import MAX_BYTES
from web.render import answer_markdown, md_escape, sources_html, sources_panel

API_FIELDS = {"question", "context", "as_of", "since", "until", "sources"}
N_EXAMPLES = 4  # example questions under the box: made from the corpus (qa.examples), stored in the index


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

        counts = np.bincount(qa.data.chunk_articles, minlength=len(qa.data.articles))
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
        from index.build import build
        from index.settings import BuildOptions, IndexSettings
        qa = self.qa
        # the live index's embedder and settings: an added article never changes how the index is built
        settings = IndexSettings.from_manifest(qa.data.manifest) if qa else None
        summary = build(self.corpus_dir, self.index_dir, qa.retriever.embedder if qa else None, settings,
                        BuildOptions(wait_for_lock=True))
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
