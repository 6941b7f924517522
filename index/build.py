"""Build or update an index from a corpus folder.

Incremental by default: articles whose content hash is already in the live
version keep their passages and vectors (a renamed file is not re-embedded);
only new or changed articles are split and embedded. The new version is written
beside the live one, verified, and only then made live.

Streaming (index.ingest): articles come in file order from reader processes as they
are parsed; new passages are embedded FLUSH_PASSAGES at a time and their sentence
vectors appended to a spill file, so the build's memory is the index it writes (texts,
passage vectors, BM25) plus a batch, not every vector of the corpus at once.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from common.errors import EmptyCorpusError, IndexCorruptError, QAError
from common.hashing import content_hash
from common.runinfo import machine, now_iso

from . import lexical, store, wire
from .articles import claim_id, natural_owners, walk_corpus
from .chunking import ChunkSettings
from .ingest import FileResult, RowFile, RowSet, default_workers, prepare, prepared_files, split_arrays
from .records import Article, Skipped
from .settings import BuildOptions, IndexSettings

if TYPE_CHECKING:
    from .embedding import EmbedderLike


@dataclass
class BuildSummary:
    articles: int = 0
    passages: int = 0
    sentences: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    embedded_texts: int = 0
    seconds: float = 0.0
    full: bool = True
    skipped: list[Skipped] = field(default_factory=list)
    version: str = ""
    note: str = ""
    wire_groups: int = 0

    def lines(self) -> list[str]:
        kind = "full build" if self.full else "incremental update"
        out = [f"{kind}: {self.articles} articles, {self.passages} passages, {self.sentences} sentences "
               f"in {self.seconds:.1f} s",
               f"added {len(self.added)}, updated {len(self.updated)}, removed {len(self.removed)}, "
               f"kept {len(self.kept)}; embedded {self.embedded_texts} texts; "
               f"{self.wire_groups} groups of wire copies; version {self.version}"]
        if self.note:
            out.append(self.note)
        return out


@dataclass
class _Part:
    """One article's rows, ready to be concatenated (the per-article layout of
    IndexData.article_layout, read here by name)."""

    article: Article
    sentences: np.ndarray | None  # [n, 3]: start, end, paragraph (None until split)
    chunks: np.ndarray | None  # [m, 4]: start, end, first sentence, end sentence (article-local)
    passage_vectors: np.ndarray | None = None  # float32; a kept article's are a view of the live index
    sentence_vectors: np.ndarray | None = None  # float16, until written to the spill file
    minhash: np.ndarray | None = None  # uint64 [NUM_PERM]
    sentence_rows: tuple | None = None  # (RowFile, lo, hi): where its sentence vectors are on disk

    def sentence_span(self, r: int) -> tuple[int, int]:
        """[start, end) of the article's sentence `r` in its text."""
        return int(self.sentences[r, 0]), int(self.sentences[r, 1])

    def sentence_texts(self) -> list[str]:
        t = self.article.text
        return [t[s:e] for s, e in self.sentences[:, :2]]

    def passages(self) -> list[tuple[int, int, range]]:
        """Each passage's [start, end) in the text and the sentences it is made of."""
        return [(int(s), int(e), range(int(lo), int(hi))) for s, e, lo, hi in self.chunks[:, :4]]


def _previous(index_dir: Path, settings: IndexSettings, embedder,
              full: bool) -> tuple[dict[str, _Part], dict, str, object]:
    """Parts of the live version by content hash, its article hashes by id, a note, and the
    live version's sentence-vector file (read row by row when the parts are written, never
    loaded whole; close it when done)."""
    if full or store.current_version_name(index_dir) is None:
        return {}, {}, "", None
    try:
        data = store.load_version(store.current_version_dir(index_dir), sentence_vectors_in_memory=False)
        rows = RowFile.open_npy(data.path / "sentence_vectors.npy")
    except (QAError, OSError, ValueError) as exc:
        return {}, {}, f"previous index unusable ({exc}); rebuilt from scratch", None
    if settings.needs_full_rebuild(embedder, data.manifest):
        rows.close()
        return {}, {}, "model or passage settings changed; rebuilt from scratch", None
    pvecs = data.passage_matrix() if data.n_passages else None
    sigs = data.minhash if data.minhash is not None and data.minhash.shape[1:] == (wire.NUM_PERM,) else None
    s_at, c_at = data.article_bounds()
    parts: dict[str, _Part] = {}
    hashes = {}
    for row, art in enumerate(data.articles):
        s0, s1, c0, c1 = int(s_at[row]), int(s_at[row + 1]), int(c_at[row]), int(c_at[row + 1])
        sents, chunks = data.article_layout((s0, s1), (c0, c1))
        h = content_hash(art.title, art.text)
        hashes[art.id] = h
        parts[h] = _Part(art, sents, chunks, pvecs[c0:c1] if pvecs is not None else None, None,
                         sigs[row] if sigs is not None else None, (rows, s0, s1))
    return parts, hashes, "", rows


def _split(article: Article, settings: ChunkSettings, count_tokens) -> _Part:
    s, c = split_arrays(article, settings, count_tokens)
    return _Part(article, s, c)


def embed_parts(parts: list[_Part], embedder, settings: IndexSettings) -> int:
    """Passage and sentence vectors of `parts`. "late": one pass over the passages, each
    sentence pooled from its passage's token vectors (a sentence outside every passage or
    cut off by the model's window is embedded alone); "separate": every sentence embedded
    again on its own (version 1). Returns the number of texts run through the model."""
    with_title = settings.embed_title
    if settings.sentence_vectors == "late":
        return _embed_late(parts, embedder, with_title)
    if settings.sentence_vectors == "pooled":
        return _embed_pooled(parts, embedder)
    texts = []
    for p in parts:
        t = p.article.text
        texts += [lexical.passage_search_text(p.article.title, t[s:e], with_title) for s, e, _ in p.passages()]
        texts += p.sentence_texts()
    if not texts:
        return 0
    vecs = embedder.embed(texts)
    pos = 0
    for p in parts:
        n_c, n_s = len(p.chunks), len(p.sentences)
        p.passage_vectors = vecs[pos : pos + n_c]
        p.sentence_vectors = vecs[pos + n_c : pos + n_c + n_s].astype(np.float16)  # stored as float16
        pos += n_c + n_s
    return len(texts)


def _embed_pooled(parts: list[_Part], embedder) -> int:
    """Every sentence embedded on its own, once; a passage's vector is the unit mean of its
    sentences' (float32, before they are stored as float16): no passage runs through the model."""
    texts = [t for p in parts for t in p.sentence_texts()]
    if not texts:
        return 0
    vecs = embedder.embed(texts)
    pos = 0
    for p in parts:
        sv = vecs[pos : pos + len(p.sentences)]
        pv = np.zeros((len(p.chunks), embedder.dim), dtype=np.float32)
        for j, (_, _, rows) in enumerate(p.passages()):
            if len(rows):
                m = sv[rows.start : rows.stop].mean(0)
                pv[j] = m / max(float(np.linalg.norm(m)), 1e-12)
        p.passage_vectors = pv
        p.sentence_vectors = sv.astype(np.float16)  # stored as float16
        pos += len(p.sentences)
    return len(texts)


def _embed_late(parts: list[_Part], embedder, with_title: bool) -> int:
    texts, spans, owners = [], [], []  # owners: (part, [sentence rows]) of each passage
    for p in parts:
        t = p.article.text
        for cs, ce, rows in p.passages():
            text = lexical.passage_search_text(p.article.title, t[cs:ce], with_title)
            shift = len(text) - (ce - cs)  # the title prefix
            rows = list(rows)
            texts.append(text)
            spans.append([(s - cs + shift, e - cs + shift) for s, e in map(p.sentence_span, rows)])
            owners.append((p, rows))
    if not texts:
        return 0
    pvecs, svecs = embedder.embed_late(texts, spans)
    pos = 0
    for p in parts:
        p.passage_vectors = pvecs[pos : pos + len(p.chunks)]
        p.sentence_vectors = np.zeros((len(p.sentences), embedder.dim), dtype=np.float16)  # stored as float16
        pos += len(p.chunks)
    filled = {id(p): np.zeros(len(p.sentences), dtype=bool) for p in parts}
    for (p, rows), vecs in zip(owners, svecs):
        for r, v in zip(rows, vecs):
            if not filled[id(p)][r] and v.any():  # a sentence repeated by the overlap: its first passage
                p.sentence_vectors[r] = v
                filled[id(p)][r] = True
    alone = [(p, int(r)) for p in parts for r in np.flatnonzero(~filled[id(p)])]
    if alone:
        vecs = embedder.embed([p.article.text[slice(*p.sentence_span(r))] for p, r in alone])
        for (p, r), v in zip(alone, vecs):
            p.sentence_vectors[r] = v
    return len(texts) + len(alone)


def _assemble(parts: list[_Part], dim: int) -> store.IndexData:
    """One `IndexData` of `parts`; the sentence vectors stay on disk as a `RowSet`."""
    sv = RowSet(dim, np.float16)
    for p in parts:
        sv.add(*p.sentence_rows)
    sentences, chunks = store.stack_layouts([(p.sentences, p.chunks) for p in parts])
    pv = [p.passage_vectors.reshape(-1, dim) for p in parts if p.passage_vectors is not None]
    data = store.IndexData(articles=[p.article for p in parts], sentences=sentences, chunks=chunks,
                           passage_vectors=np.concatenate(pv).astype(np.float32) if pv else np.zeros((0, dim), np.float32),
                           sentence_vectors=sv)
    data.minhash = np.stack([p.minhash for p in parts]) if parts else np.zeros((0, wire.NUM_PERM), np.uint64)
    data.wire_group = wire.representatives(wire.groups(data.minhash), [p.article.date for p in parts])
    return data


FLUSH_PASSAGES = 512  # new passages embedded (and their vectors spilled to disk) at a time


def build(source: str | Path | Sequence[Article], index_dir: str | Path, embedder: EmbedderLike | None = None,
          settings: IndexSettings | None = None, options: BuildOptions | None = None, *,
          corpus: dict | None = None) -> BuildSummary:
    """(Re)build the index in `index_dir` from `source`, a corpus folder or articles already
    in memory (`corpus`: what the manifest says they came from, {"squad": path} say); returns
    what was done. The one build entry: `options.engine == "ray"` reads and embeds a corpus
    folder on a Ray cluster (index.ray_engine).

    Locally the build streams (index.ingest): `options.workers` processes read, clean, split
    and MinHash the files (default: `default_workers`, none for a small corpus or an embedder
    without a picklable token counter) while this process embeds, and the vectors go to disk
    batch by batch."""
    settings, options = settings or IndexSettings(), options or BuildOptions()
    if options.engine == "ray":
        if not isinstance(source, (str, Path)):
            raise ValueError("the Ray engine builds from a corpus folder, not from articles in memory")
        from .ray_engine import build_with_ray

        return build_with_ray(Path(source), Path(index_dir), embedder, settings, options)
    if embedder is None:
        from .embedding import make_embedder

        embedder = make_embedder()
    if isinstance(source, (str, Path)):
        return _build_files(Path(source), Path(index_dir), embedder, settings, options)
    return build_articles(list(source), Path(index_dir), embedder, settings, options, _Job(corpus=corpus))


@dataclass
class _Job:
    """Where a build's articles come from, for its manifest and summary."""

    corpus_dir: str | None = None  # a corpus folder (its files' digests go in the manifest)
    corpus: dict | None = None  # else what the manifest says of the source
    skipped: list[Skipped] = field(default_factory=list)  # files skipped before the build (the walk, Ray's reads)
    t0: float = field(default_factory=time.perf_counter)
    embed_new: object = None  # (articles, IndexSettings) -> (parts with vectors, texts embedded); None: here
    owners: dict[str, str] | None = None  # article id -> the file that has it by name (index.articles)


def _build_files(corpus_dir: Path, index_dir: Path, embedder, settings: IndexSettings,
                 options: BuildOptions) -> BuildSummary:
    job = _Job(corpus_dir=str(corpus_dir))
    files, job.skipped = walk_corpus(corpus_dir)
    job.owners = natural_owners(files, corpus_dir)
    counter = embedder.token_counter()
    n_workers = 0 if counter is None else default_workers(len(files)) if options.workers is None else options.workers
    count = counter or embedder.count_tokens

    def source(known: set[str]) -> Iterator[FileResult]:
        return prepared_files(files, corpus_dir, known, settings.chunking, count, n_workers)

    return _build(source, len(files), "file", index_dir, embedder, settings, options, job)


def build_articles(articles: list[Article], index_dir: Path, embedder, settings: IndexSettings,
                   options: BuildOptions, job: _Job) -> BuildSummary:
    """The build of articles already in memory; `job.embed_new` replaces the local
    split-and-embed step (the Ray engine runs it on a cluster, once for all new articles)."""
    chunking = None if job.embed_new else settings.chunking

    def source(known: set[str]) -> Iterator[FileResult]:
        for a in articles:  # split lazily, as the embedding batches need them
            yield FileResult(None, None, [prepare(a, known, chunking, embedder.count_tokens)])

    return _build(source, len(articles), "article", index_dir, embedder, settings, options, job)


def _build(source, total: int, unit: str, index_dir: Path, embedder, settings: IndexSettings,
           options: BuildOptions, job: _Job) -> BuildSummary:
    """The build: take articles from `source(known hashes)` as they come, reuse the parts of
    unchanged ones, embed the others in batches (vectors to a spill file), then MinHash
    groups, BM25, FAISS, write, verify and switch."""
    base = settings.manifest(embedder)
    with store.build_lock(index_dir, wait=options.wait_for_lock):
        prev_parts, prev_hashes, note, prev_rows = _previous(index_dir, settings, embedder, options.full)
        summary = BuildSummary(full=not prev_hashes, note=note, skipped=list(job.skipped))
        spill_dir = index_dir / "versions" / f".tmp-spill-{os.getpid()}"
        spill_dir.mkdir(parents=True, exist_ok=True)
        spill = RowFile.create(spill_dir / "sentence_vectors.f16", np.float16, embedder.dim)
        try:
            parts, file_hashes = _ingest(source, total, unit, prev_parts, prev_hashes, summary, embedder, settings,
                                         options.progress, job, spill)
            if not parts:
                where = job.corpus_dir or (job.corpus or {}).get("dir") or "the input"
                raise EmptyCorpusError(f"no usable articles in {where}"
                                       + (f" ({len(summary.skipped)} files skipped)" if summary.skipped else ""))
            # split by the Ray engine, or kept from an index without signatures
            unsigned = [p for p in parts if p.minhash is None]
            for p, sig in zip(unsigned, wire.signatures([p.article.text for p in unsigned])):
                p.minhash = sig
            data = _assemble(parts, embedder.dim)
            articles = data.articles
            del parts, prev_parts  # kept parts' vectors: _assemble copied them
            data.bm25 = lexical.build_bm25(lexical.passage_terms(data, settings.embed_title))
            data.sentence_df = lexical.sentence_df(data)
            corpus = job.corpus
            if corpus is None:
                corpus = {"dir": job.corpus_dir, "files": file_hashes} if job.corpus_dir else {}
            manifest = dict(base, created=now_iso(), corpus=corpus,
                            articles={a.id: content_hash(a.title, a.text) for a in articles},
                            machine=machine())
            manifest["build_seconds"] = round(time.perf_counter() - job.t0, 3)
            version_dir = store.write_version(data, index_dir, manifest)
            n_passages, n_sentences, wire_groups = data.n_passages, len(data.sentences), len(data.group_members)
            probe = data.passage_vectors[[0, n_passages - 1]].copy() if n_passages else data.passage_vectors
            del data  # written: the check below loads the version back from disk
            check = store.load_version(version_dir, full_hash=True)
            _self_test(check, probe)
            del check
        finally:
            spill.close()
            if prev_rows is not None:
                prev_rows.close()
            shutil.rmtree(spill_dir, ignore_errors=True)
        store.activate(index_dir, version_dir)
    summary.articles, summary.passages, summary.sentences = len(articles), n_passages, n_sentences
    summary.wire_groups = wire_groups
    summary.version = version_dir.name
    summary.seconds = time.perf_counter() - job.t0
    return summary


def _ingest(source, total: int, unit: str, prev_parts: dict[str, _Part], prev_hashes: dict[str, str],
            summary: BuildSummary, embedder, settings: IndexSettings, progress: bool, job: _Job,
            spill: RowFile) -> tuple[list[_Part], dict[str, str]]:
    """Every article of `source` as a part in order (new ones embedded, a batch at a time,
    their sentence vectors in `spill`); fills `summary`'s lists. Returns (parts, file digests)."""
    from tqdm import tqdm

    parts: list[_Part] = []
    pending: list[_Part] = []
    file_hashes: dict[str, str] = {}
    seen: dict[str, str] = {}
    t_start = time.perf_counter()
    embed_new, owners = job.embed_new, job.owners

    def flush() -> None:
        if not pending:
            return
        if embed_new is None:
            summary.embedded_texts += embed_parts(pending, embedder, settings)
        else:
            new, n = embed_new([p.article for p in pending], settings)
            for p, q in zip(pending, new):
                p.sentences, p.chunks = q.sentences, q.chunks
                p.passage_vectors, p.sentence_vectors = q.passage_vectors, q.sentence_vectors
            summary.embedded_texts += n
        for p in pending:
            p.sentence_rows = (spill, *spill.append(p.sentence_vectors))
            p.sentence_vectors = None
        pending.clear()

    def show(bar) -> None:
        rate = len(parts) / max(time.perf_counter() - t_start, 1e-9)
        bar.set_postfix_str(f"{len(parts)} articles, {rate:.1f} articles/s, "
                            f"{summary.embedded_texts} texts embedded", refresh=False)

    if embed_new is None:
        embedder.load()  # before the bar starts, so the bar measures the build
    with tqdm(total=total, desc="building", unit=unit, file=sys.stderr, disable=not progress,
              dynamic_ncols=True) as bar:
        pending_passages = 0
        for res in source(set(prev_parts)):
            if res.digest is not None:
                file_hashes[res.rel] = res.digest
            summary.skipped.extend(res.skipped)
            for pr in res.prepared:
                art = pr.article
                taken = claim_id(seen, art.id, res.rel or art.path or art.id, owners)
                if taken is not None:
                    summary.skipped.append(taken)
                    continue
                old = prev_parts.get(pr.hash)
                if old is not None:
                    parts.append(_Part(art, old.sentences, old.chunks, old.passage_vectors, None, old.minhash,
                                       old.sentence_rows))
                else:
                    part = _Part(art, pr.sentences, pr.chunks, minhash=pr.minhash)
                    parts.append(part)
                    pending.append(part)
                    pending_passages += len(pr.chunks) if pr.chunks is not None else 0
                if art.id not in prev_hashes:
                    summary.added.append(art.id)
                elif prev_hashes[art.id] != pr.hash:
                    summary.updated.append(art.id)
                else:
                    summary.kept.append(art.id)
            if embed_new is None and pending_passages >= FLUSH_PASSAGES:
                flush()
                pending_passages = 0
            bar.update(1)
            if progress and bar.n % 16 == 0:
                show(bar)
        flush()
        if progress:
            show(bar)  # the last batch's texts included
    summary.removed = sorted(set(prev_hashes) - set(seen))
    return parts, file_hashes


def _self_test(loaded: store.IndexData, probe: np.ndarray) -> None:
    """A written version must answer: its first and last passage vectors as built
    (`probe`) each find a passage stored with that vector."""
    if loaded.n_passages == 0:
        raise IndexCorruptError("the new index has no passages")
    _, ids = loaded.faiss_index.search(np.ascontiguousarray(probe, dtype=np.float32), 1)
    for want, got in zip(probe, ids[:, 0]):
        if got < 0 or not np.allclose(want, loaded.faiss_index.reconstruct(int(got)), atol=1e-5):
            raise IndexCorruptError("the new index failed its test query; the previous index stays live")
