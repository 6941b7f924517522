"""`python -m index build --engine ray`: the same build as a Ray Data pipeline.

    read      one task per corpus file (index.articles.load_file): cleaned articles
    (driver)  which articles are new or changed: the local build's incremental rule
    chunk     sentences and passages (index.chunking), in the embedding actors
    embed     an actor pool of `workers` embedders, one CPU each (map_batches)
    write     on the driver, index.build's own path: MinHash, BM25, FAISS, write the new
              version, verify it, switch to it (a failed build leaves the old one live)

Ray is optional (requirements-ray.txt). With no address a local Ray with `workers` CPUs
is started and stopped; with `--ray-address` the build joins a running cluster, whose
nodes must have this package installed (`pip install . -r requirements-ray.txt`).
Batches are embedded one text at a time (`batch_size=1` inside the actors) so that a
passage's vector does not depend on which other passages share its batch: the int8
model quantises activations per batch.
"""
from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import numpy as np

from common.errors import QAError

from .build import BuildSummary, _Job, _Part, _split, build_articles, embed_parts
from .records import Article, LoadReport
from .settings import BuildOptions, IndexSettings

ROOT = Path(__file__).resolve().parents[1]


class RayUnavailable(QAError):
    pass


def _read(row: dict) -> list[dict]:
    """Ray task: one corpus file -> what `read_file` gives for it, as a row."""
    from .articles import read_file

    return [{"rel": row["rel"], "read": pickle.dumps(read_file(Path(row["path"]), row["rel"]))}]


class _Embedder:
    """Ray actor: chunks and embeds the articles of a batch with its own model (one thread)."""

    def __init__(self, backend: str | None, settings: IndexSettings):
        from .embedding import make_embedder

        self.embedder = make_embedder(backend, threads=1, batch_size=1)
        self.settings = settings

    def __call__(self, batch: dict) -> dict:
        arts = [pickle.loads(b) for b in batch["article"]]
        parts = [_split(a, self.settings.chunking, self.embedder.count_tokens) for a in arts]
        n = embed_parts(parts, self.embedder, self.settings)
        blobs = [pickle.dumps((p.sentences, p.chunks, p.passage_vectors, p.sentence_vectors)) for p in parts]
        return {"id": np.array([a.id for a in arts], dtype=object), "parts": np.array(blobs, dtype=object),
                "texts": np.array([n] + [0] * (len(arts) - 1))}


def build_with_ray(corpus_dir: Path, index_dir: Path, embedder, settings: IndexSettings,
                   options: BuildOptions) -> BuildSummary:
    """The build of `index.build.build` with `options.engine == "ray"`: files read and new
    articles chunked and embedded by `options.workers` (default 2) Ray actors of the
    embedder's backend, then the local build's write, verify and switch."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable("Ray is not installed", hint="pip install -r requirements-ray.txt") from None
    from .articles import add_read, natural_owners, walk_corpus
    from .embedding import make_embedder

    t0 = time.perf_counter()
    workers = 2 if options.workers is None else options.workers
    address, progress = options.ray_address, options.progress
    backend = embedder.backend if embedder is not None else None
    started = not ray.is_initialized()
    if started:
        env = {"env_vars": {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                            "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}}
        ray.init(address=address, num_cpus=None if address else workers, include_dashboard=False,
                 logging_level="ERROR", log_to_driver=False, runtime_env=env)
    try:
        import logging

        logging.getLogger("ray").setLevel(logging.WARNING)  # the streaming executor's INFO lines
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = progress
        files, skipped = walk_corpus(corpus_dir)
        rows = ray.data.from_items([{"path": str(p), "rel": p.relative_to(corpus_dir).as_posix()} for p in files],
                                   override_num_blocks=max(1, min(len(files), 4 * workers))).flat_map(_read).take_all()
        report, seen = LoadReport(skipped=skipped), {}
        owners = natural_owners(files, corpus_dir)
        for r in sorted(rows, key=lambda r: r["rel"]):
            add_read(report, r["rel"], pickle.loads(r["read"]), seen, owners)

        def embed_new(todo: list[Article], settings_: IndexSettings) -> tuple[list[_Part], int]:
            if not todo:
                return [], 0
            ds = ray.data.from_items([{"article": pickle.dumps(a)} for a in todo],
                                     override_num_blocks=max(1, min(len(todo), 8 * workers)))
            out = ds.map_batches(_Embedder, batch_size=4, compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
                                 fn_constructor_kwargs={"backend": backend, "settings": settings_},
                                 batch_format="numpy").take_all()
            got = {r["id"]: pickle.loads(r["parts"]) for r in out}
            texts = int(sum(int(r["texts"]) for r in out))
            parts = []
            for a in todo:
                s, c, pv, sv = got[a.id]
                parts.append(_Part(a, s, c, pv, sv))
            return parts, texts

        job = _Job(corpus={"dir": str(corpus_dir), "files": report.file_hashes}, skipped=report.skipped, t0=t0,
                   embed_new=embed_new)
        return build_articles(report.articles, index_dir, embedder or make_embedder(backend), settings, options, job)
    finally:
        if started:
            ray.shutdown()
