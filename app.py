"""Readers' entry point: a Gradio chat page that answers questions with citations.

  python app.py                          # http://127.0.0.1:7860, index built on first start
  python app.py --port 8080 --host 0.0.0.0 --corpus corpus --index-dir data/index
  curl -s -X POST localhost:7860/api/ask -d '{"question": "Who authorized the meetings?"}'
  python app.py --mcp                    # also an MCP tool "ask" at http://127.0.0.1:7860/mcp
  python app.py --host 0.0.0.0 --allow-upload   # readers may add articles (on by default on 127.0.0.1)

This file holds main() (options, the start-up build, the server); the page and the APIs
live in `web` (web.page, web.service, web.api), answering in `qa` (its public API).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from common import config, runtime
from common.errors import QAError
from index.uploads import MAX_BYTES
from web.api import MCP_PATH, api_routes, mcp_server, uploads_on
from web.page import CSS, JS, MAX_UPLOAD, build_ui, theme
from web.service import ChatService


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
    from index.build import build
    from index.embedding import make_embedder
    from index.settings import IndexSettings

    plan = index_plan(index_dir, corpus_dir) if plan == "" else plan
    if plan is None:
        return None
    if store.current_version_name(Path(index_dir)) is None:
        print(f"No index in {index_dir}; building it from {corpus_dir} ...", file=sys.stderr)
    elif plan == "build":
        print(f"The index in {index_dir} has an older format; rebuilding it ...", file=sys.stderr)
    else:
        print(f"The corpus changed since the last build; updating {index_dir} ...", file=sys.stderr)
    summary = build(corpus_dir, index_dir, make_embedder(config.embedder()),
                    settings=IndexSettings(sentence_vectors=config.sentence_vectors()))
    for s in summary.skipped:
        print(f"warning: skipped {s.path}: {s.reason}", file=sys.stderr)
    return " / ".join(summary.lines())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default=os.environ.get("QA_HOST", "127.0.0.1"), help="address to bind (default: %(default)s)")
    p.add_argument("--port", type=int, default=int(os.environ.get("QA_PORT", "7860")), help="port (default: %(default)s)")
    p.add_argument("--index-dir", default=config.index_dir(), help="index folder (default: %(default)s)")
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
