"""The chat page's layout (Gradio): the Ask tab, the Articles tab and the Add articles tab,
wired to a web.service.ChatService; its styles and behaviour are web/static/app.css and
web/static/app.js.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from index.uploads import MAX_BYTES
from web.render import sources_html
from web.service import N_EXAMPLES, SKIP, ChatService, keep_turns, restored

STATIC = Path(__file__).resolve().parent / "static"
MAX_UPLOAD = "1kb"  # Gradio's /gradio_api/upload route when the page takes no files (--no-upload)
HELP = ("Ask a question about the indexed articles. Every answer quotes the sentence it comes from, "
        "with numbered citations to the exact place in the article; when the articles do not support "
        "an answer, the page says so instead of guessing.")
CSS = (STATIC / "app.css").read_text(encoding="utf-8")  # the page's own styles
JS = (STATIC / "app.js").read_text(encoding="utf-8")  # its behaviour: markers, copy, scrolling (one function)
READER_HEADERS = ["Title", "Outlet", "Date", "Passages"]
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".pdf"]


def theme():
    """Gradio's Soft theme with text at WCAG AA contrast (>= 4.5:1): darker labels, primary
    buttons and secondary text than its defaults (3.6:1, 4.46:1 and 2.4:1 under axe-core)."""
    import gradio as gr

    return gr.themes.Soft().set(
        block_label_text_color="*primary_700", block_title_text_color="*primary_700",
        button_primary_background_fill="*primary_600", button_primary_background_fill_hover="*primary_700",
        body_text_color_subdued="*neutral_600", block_info_text_color="*neutral_600")


def build_ui(service: ChatService):
    """The page: a header, one function per tab (its components, and its own events), then
    the events that join tabs (a change to the corpus refreshes every list and count)."""
    import gradio as gr

    with gr.Blocks(title="Cited answers from the articles") as demo:
        gr.Markdown("# Cited answers from the articles")
        gr.Markdown(HELP, elem_id="qa-help")
        if service.error:
            gr.Markdown(f"**The index could not be loaded.**\n\n```\n{service.error}\n```")
        with gr.Tab("Ask"):
            ask = _ask_tab(service)
        with gr.Tab("Articles", elem_id="articles-tab"):
            articles = _articles_tab(service)
        with gr.Tab("Add articles", elem_id="add-tab"):
            upload_parts = _upload_tab(service)
        _chat_events(service, demo, ask)
        remove_choice = upload_parts[2] if upload_parts else None

        def refresh():
            """Every list and count the page shows, as the index holds them now."""
            out = (service.reader_rows(), service.corpus_rows(), service.corpus_summary(), service.status_markdown(),
                   gr.update(choices=service.outlets()))
            return out + ((gr.update(choices=service.article_choices(), value=None),) if upload_parts else ())

        tables = [articles.table, articles.ids, ask.corpus_line, articles.status, ask.outlets] + (
            [remove_choice] if upload_parts else [])

        def example_updates():
            qs = service.examples()
            return [gr.update(visible=bool(qs))] + [gr.update(value=qs[i] if i < len(qs) else "", visible=i < len(qs))
                                                    for i in range(N_EXAMPLES)]

        demo.load(refresh, None, tables, api_visibility="private")  # every list true on every page load
        demo.load(example_updates, None, [ask.examples_row] + ask.example_buttons, api_visibility="private")
        if upload_parts:
            _corpus_events(service, upload_parts, refresh, tables)
        api_in, api_out = gr.Textbox(visible=False), gr.JSON(visible=False)
        api_btn = gr.Button(visible=False)
        api_btn.click(service.ask_json, api_in, api_out, api_name="ask")
    return demo


def _ask_tab(service: ChatService) -> SimpleNamespace:
    """The Ask tab: the chat, the question box, examples, dates and outlets, the Sources panel."""
    import gradio as gr

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
    return SimpleNamespace(corpus_line=corpus_line, chat=chat, box=box, ask=ask, examples_row=examples_row,
                           example_buttons=example_buttons, as_of=as_of, since=since, until=until, outlets=outlets,
                           clear=clear, sources=sources)


def _articles_tab(service: ChatService) -> SimpleNamespace:
    """The Articles tab: the list (searchable), the reader view, the operators' details."""
    import gradio as gr

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
    return SimpleNamespace(table=table, ids=ids, status=status)


def _chat_events(service: ChatService, demo, ask: SimpleNamespace) -> None:
    """Asking (button, Enter, examples), the conversation kept in the browser, forgetting it."""
    import gradio as gr

    turns = gr.State([])
    # the conversation survives a page refresh: kept in the browser (localStorage), not on the server
    saved = gr.BrowserState({"history": [], "turns": []}, storage_key="article-qa-conversation")
    inputs = [ask.box, ask.chat, turns, ask.as_of, ask.since, ask.until, ask.outlets]
    outputs = [ask.chat, ask.sources, ask.box, turns]

    def respond(*args):
        out = service.respond(*args)
        return tuple(gr.skip() if x is SKIP else x for x in out)

    def keep(history, turns_now):
        return {"history": history, "turns": keep_turns(turns_now)}

    def restore(state):
        history, turns_then = restored(state)
        return history, service.panel(turns_then), turns_then

    ask.ask.click(respond, inputs, outputs, api_visibility="private").then(
        keep, [ask.chat, turns], saved, api_visibility="private")
    for button in ask.example_buttons:  # an example asks at once (its label is the question)
        button.click(respond, [button] + inputs[1:], outputs, api_visibility="private").then(
            keep, [ask.chat, turns], saved, api_visibility="private")
    ask.box.submit(respond, inputs, outputs, api_visibility="private").then(
        keep, [ask.chat, turns], saved, api_visibility="private")
    reset = (lambda: ([], sources_html(None), "", [], {"history": [], "turns": []}), None, outputs + [saved])
    ask.clear.click(*reset, api_visibility="private")
    ask.chat.clear(*reset, api_visibility="private")  # the chat's own clear icon forgets the conversation too
    demo.load(restore, saved, [ask.chat, ask.sources, turns], api_visibility="private")


def _corpus_events(service: ChatService, upload_parts, refresh, tables: list) -> None:
    """Adding a batch (the button off meanwhile), removing with a confirmation, undoing; each
    change refreshes every list."""
    import gradio as gr

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
