"""Operators' entry point: build, update and inspect the index.

Examples:
  python -m index build                      # incremental update of data/index from corpus/
  python -m index build --full               # rebuild everything
  python -m index build --corpus news/ --index-dir /srv/qa/index
  python -m index status                     # what is indexed, and has the corpus changed?
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from common import config
from common.errors import QAError

from .chunking import ChunkSettings
from .settings import SENTENCE_VECTORS

DEFAULT_CORPUS = "corpus"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m index", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build or update the index from the corpus folder")
    b.add_argument("--corpus", default=DEFAULT_CORPUS, help="folder of article files (default: %(default)s)")
    b.add_argument("--index-dir", default=config.index_dir(), help="index folder (default: %(default)s: "
                   "$QA_INDEX_DIR, else data/index)")
    b.add_argument("--full", action="store_true", help="re-embed every article, not only new or changed ones")
    b.add_argument("--passage-words", type=int, default=ChunkSettings().max_words,
                   help="passage size target in words (default: %(default)s; a change re-embeds everything)")
    b.add_argument("--embedder", choices=("onnx-int8", "torch-fp32"), default=config.embedder(),
                   help="embedding path: int8 ONNX Runtime (default; faster builds, measured side by side by "
                   "python -m bench) or fp32 PyTorch "
                   "(the reference); a change re-embeds everything (default: %(default)s: $QA_EMBEDDER, else onnx-int8)")
    b.add_argument("--sentence-vectors", choices=SENTENCE_VECTORS, default=config.sentence_vectors(),
                   help="late: sentence vectors pooled from their passage's one pass (late chunking); separate: "
                   "every sentence embedded again on its own (version 1); pooled: sentences embedded on their own "
                   "and each passage's vector the mean of its sentences' (no passage pass); a change re-embeds "
                   "everything "
                   "(default: %(default)s: $QA_SENTENCE_VECTORS, else separate)")
    b.add_argument("--device", default="cpu", help="cpu (default) or cuda: embed in fp16 on an NVIDIA GPU "
                   "(torch); the index then records the torch backend and answers on the CPU")
    b.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local (default) or ray: the same build as a Ray Data pipeline (read, chunk, embed in an "
                   "actor pool, then the same write-verify-switch); needs requirements-ray.txt")
    b.add_argument("--ray-address", help="with --engine ray: a running Ray cluster (ray://host:10001 or host:6379); "
                   "default: start a local Ray with --workers CPUs")
    b.add_argument("--workers", type=int, default=None,
                   help="local engine: processes that read, clean and split files while this one embeds on the "
                   "other cores (default: none on 2 cores or fewer or below 64 files, else a core in four, up to 4; "
                   "0: read in this process); "
                   "with --engine ray: embedding actors, one CPU each (default: 2)")
    b.add_argument("--wait", action="store_true", help="wait for a running build instead of stopping")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    s = sub.add_parser("status", help="show the live index and whether the corpus changed since")
    s.add_argument("--corpus", default=DEFAULT_CORPUS, help="folder to compare with (default: %(default)s)")
    s.add_argument("--index-dir", default=config.index_dir(), help="index folder (default: %(default)s)")
    s.add_argument("--verify", action="store_true", help="check every file's checksum, however large")
    return p


def _build(args) -> int:
    from .build import build
    from .embedding import make_embedder
    from .settings import BuildOptions, IndexSettings

    if not Path(args.corpus).is_dir():
        print(f"Error: corpus folder {args.corpus} does not exist", file=sys.stderr)
        return 2
    settings = IndexSettings(chunking=ChunkSettings(max_words=args.passage_words),
                             sentence_vectors=args.sentence_vectors)
    options = BuildOptions(full=args.full, progress=not args.quiet, wait_for_lock=args.wait, workers=args.workers,
                           engine=args.engine, ray_address=args.ray_address)
    if args.engine == "ray":  # each Ray actor loads its own model of this backend
        embedder = make_embedder(args.embedder)
    else:
        from .articles import corpus_files
        from .ingest import default_workers, embedder_threads

        readers = default_workers(len(corpus_files(Path(args.corpus)))) if args.workers is None else args.workers
        options = BuildOptions(**dict(options.as_dict(), workers=readers))
        embedder = make_embedder(args.embedder, device=args.device, progress=None if args.quiet else _note,
                                 threads=embedder_threads(readers))
    return _report(build(args.corpus, args.index_dir, embedder, settings, options))


def _report(summary) -> int:
    for s in summary.skipped:
        print(f"warning: skipped {s.path}: {s.reason}", file=sys.stderr)
    for line in summary.lines():
        print(line)
    return 0


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _status(args) -> int:
    from . import store
    from .changes import corpus_changes

    version_dir = store.current_version_dir(args.index_dir)
    data = store.load_version(version_dir, full_hash=True if args.verify else None)
    m = data.manifest
    from .embedding import MODEL_NAME, model_fingerprint, model_path

    # the check `qa ask` makes: an index of another model (or a tampered manifest) is not "fine"
    store.check_model(m, MODEL_NAME, model_fingerprint(model_path()))
    print(f"index:     {version_dir}")
    print(f"articles:  {len(data.articles)}   passages: {data.n_passages}   sentences: {len(data.sentences)}")
    print(f"model:     {m['model']['name']} (fingerprint {m['model']['fingerprint'][:12]}, dim {m['model']['dim']}, "
          f"{store.embedding_backend(m)})")
    fx = m.get("faiss", {"kind": "flat"})
    print(f"search:    FAISS {fx['kind']}" + (f" {fx.get('params')}" if fx.get("params") else ""))
    print(f"built:     {m.get('created')} in {m.get('build_seconds')} s")
    dates = sorted(a.date[:10] for a in data.articles if a.date)
    undated = len(data.articles) - len(dates)
    print("dates:     " + (f"{dates[0]} to {dates[-1]}" if dates else "none") + (f" ({undated} undated)" if undated else ""))
    outlets = Counter(a.source or "(unknown)" for a in data.articles)
    print("outlets:   " + ", ".join(f"{k} ({v})" for k, v in sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))))
    groups = data.group_members
    print(f"copies:    {len(groups)} groups of wire copies ({sum(len(g) for g in groups.values())} articles)")
    if Path(args.corpus).is_dir():
        changes = corpus_changes(m, args.corpus)
        print(f"corpus:    {args.corpus}: " + (f"changed since the build ({changes.describe(20)}); "
                                               f"run: python -m index build --corpus {args.corpus}"
                                               if changes else "unchanged since the build"))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from common import runtime

    runtime.offline()
    try:
        return _build(args) if args.command == "build" else _status(args)
    except QAError as exc:
        print(f"Error: {exc.user_message()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous index is still live", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
