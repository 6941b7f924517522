"""Build or update an index from a corpus folder.

Incremental by default: articles whose content hash is already in the live
version keep their passages and vectors (a renamed file is not re-embedded);
only new or changed articles are split and embedded. The new version is written
beside the live one, verified, and only then made live.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from common.errors import EmptyCorpusError, IndexCorruptError, QAError
from common.hashing import content_hash
from common.runinfo import machine, now_iso

from . import lexical, store, wire
from .articles import load_articles
from .chunking import ChunkSettings, chunk_article
from .records import Article, Skipped


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
    """One article's rows, ready to be concatenated."""

    article: Article
    sentences: np.ndarray  # [n, 3]: start, end, paragraph
    chunks: np.ndarray  # [m, 4]: start, end, first sentence, end sentence (article-local)
    passage_vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None
    minhash: np.ndarray | None = None  # uint64 [NUM_PERM]


def _previous(index_dir: Path, manifest_base: dict, full: bool) -> tuple[dict[str, _Part], dict, str]:
    """Parts of the live version by content hash, its article hashes by id, and a note."""
    if full or store.current_version_name(index_dir) is None:
        return {}, {}, ""
    try:
        data = store.load_version(store.current_version_dir(index_dir))
    except QAError as exc:
        return {}, {}, f"previous index unusable ({exc}); rebuilt from scratch"
    man = data.manifest
    same = all(man.get(k, "separate" if k == "sentence_vectors" else None) == manifest_base[k]
               for k in ("model", "chunking", "embed_title", "sentence_vectors"))
    if not same:
        return {}, {}, "model or passage settings changed; rebuilt from scratch"
    pvecs = data.passage_matrix() if data.n_passages else None
    sigs = data.minhash if data.minhash is not None and data.minhash.shape[1:] == (wire.NUM_PERM,) else None
    parts: dict[str, _Part] = {}
    hashes = {}
    for row, art in enumerate(data.articles):
        srows = np.flatnonzero(data.sentences[:, 0] == row)
        crows = np.flatnonzero(data.chunks[:, 0] == row)
        first = srows[0] if len(srows) else 0
        ch = data.chunks[crows, 1:5].copy()
        ch[:, 2:4] -= first
        h = content_hash(art.title, art.text)
        hashes[art.id] = h
        parts[h] = _Part(art, data.sentences[srows, 1:4].copy(), ch,
                         pvecs[crows] if pvecs is not None else None,
                         data.sentence_vectors[srows].astype(np.float16), sigs[row] if sigs is not None else None)
    return parts, hashes, ""


def _split(article: Article, settings: ChunkSettings, count_tokens) -> _Part:
    sents, chunks = chunk_article(article, settings, count_tokens)
    s = np.array([[x.start, x.end, x.paragraph] for x in sents], dtype=np.int64).reshape(-1, 3)
    c = np.array([[x.start, x.end, x.sent_lo, x.sent_hi] for x in chunks], dtype=np.int64).reshape(-1, 4)
    return _Part(article, s, c)


SENTENCE_VECTORS = ("late", "separate")
DEFAULT_SENTENCE_VECTORS = os.environ.get("QA_SENTENCE_VECTORS", "separate")


def _embed_parts(parts: list[_Part], embedder, with_title: bool, progress: bool, sentence_vectors: str) -> int:
    """Passage and sentence vectors of `parts`. "late": one pass over the passages, each
    sentence pooled from its passage's token vectors (a sentence outside every passage or
    cut off by the model's window is embedded alone); "separate": every sentence embedded
    again on its own (version 1). Returns the number of texts run through the model."""
    if sentence_vectors == "late":
        return _embed_late(parts, embedder, with_title, progress)
    texts = []
    for p in parts:
        t = p.article.text
        texts += [lexical.passage_search_text(p.article.title, t[s:e], with_title) for s, e in p.chunks[:, :2]]
        texts += [t[s:e] for s, e in p.sentences[:, :2]]
    if not texts:
        return 0
    from tqdm import tqdm

    embedder.model  # load before the bar starts, so the bar measures embedding only
    with tqdm(total=len(texts), desc="embedding", unit="text", file=sys.stderr, disable=not progress) as bar:
        vecs = embedder.embed(texts, progress=bar.update)
    pos = 0
    for p in parts:
        n_c, n_s = len(p.chunks), len(p.sentences)
        p.passage_vectors = vecs[pos : pos + n_c]
        p.sentence_vectors = vecs[pos + n_c : pos + n_c + n_s].astype(np.float16)  # stored as float16
        pos += n_c + n_s
    return len(texts)


def _embed_late(parts: list[_Part], embedder, with_title: bool, progress: bool) -> int:
    texts, spans, owners = [], [], []  # owners: (part, [sentence rows]) of each passage
    for p in parts:
        t = p.article.text
        for cs, ce, lo, hi in p.chunks[:, :4]:
            text = lexical.passage_search_text(p.article.title, t[cs:ce], with_title)
            shift = len(text) - (ce - cs)  # the title prefix
            rows = list(range(lo, hi))
            texts.append(text)
            spans.append([(int(p.sentences[r, 0] - cs + shift), int(p.sentences[r, 1] - cs + shift)) for r in rows])
            owners.append((p, rows))
    if not texts:
        return 0
    from tqdm import tqdm

    embedder.model
    with tqdm(total=len(texts), desc="embedding", unit="passage", file=sys.stderr, disable=not progress) as bar:
        pvecs, svecs = embedder.embed_late(texts, spans, progress=bar.update)
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
        vecs = embedder.embed([p.article.text[p.sentences[r, 0]:p.sentences[r, 1]] for p, r in alone])
        for (p, r), v in zip(alone, vecs):
            p.sentence_vectors[r] = v
    return len(texts) + len(alone)


def _assemble(parts: list[_Part], dim: int) -> store.IndexData:
    sentences, chunks, pv, sv = [], [], [], []
    offset = 0
    for row, p in enumerate(parts):
        sentences.append(np.column_stack([np.full(len(p.sentences), row), p.sentences]))
        c = p.chunks.copy()
        c[:, 2:4] += offset
        chunks.append(np.column_stack([np.full(len(c), row), c]))
        pv.append(p.passage_vectors)
        sv.append(p.sentence_vectors)
        offset += len(p.sentences)

    def cat(arrs, cols, dtype):
        arrs = [a.reshape(-1, cols) for a in arrs if a is not None]
        return np.concatenate(arrs).astype(dtype) if arrs else np.zeros((0, cols), dtype)

    data = store.IndexData([p.article for p in parts], cat(sentences, 4, np.int32), cat(chunks, 5, np.int32),
                           cat(pv, dim, np.float32), cat(sv, dim, np.float16))
    data.minhash = np.stack([p.minhash for p in parts]) if parts else np.zeros((0, wire.NUM_PERM), np.uint64)
    data.wire_group = wire.representatives(wire.groups(data.minhash), [p.article.date for p in parts])
    return data


def build_index(corpus_dir: str | Path, index_dir: str | Path, embedder=None,
                settings: ChunkSettings = ChunkSettings(), embed_title: bool = True,
                full: bool = False, progress: bool = True, wait_for_lock: bool = False,
                sentence_vectors: str | None = None) -> BuildSummary:
    """(Re)build the index of `corpus_dir` into `index_dir`; returns what was done."""
    t0 = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    report = load_articles(corpus_dir, progress=progress)
    return build_from_articles(report.articles, index_dir, embedder, settings, embed_title, full, progress,
                               wait_for_lock, corpus={"dir": str(corpus_dir), "files": report.file_hashes},
                               skipped=report.skipped, t0=t0, sentence_vectors=sentence_vectors)


def build_from_articles(articles: list[Article], index_dir: str | Path, embedder=None,
                        settings: ChunkSettings = ChunkSettings(), embed_title: bool = True,
                        full: bool = False, progress: bool = True, wait_for_lock: bool = False,
                        corpus: dict | None = None, skipped: list[Skipped] | None = None,
                        t0: float | None = None, sentence_vectors: str | None = None,
                        embed_new=None) -> BuildSummary:
    """The build: reuse the parts of unchanged articles, split and embed the others, then
    MinHash, BM25, FAISS, write, verify and switch. `embed_new(articles, settings,
    embed_title, sentence_vectors)` -> (parts with vectors, texts embedded) replaces the local
    split-and-embed step (the Ray engine runs it on a cluster)."""
    t0 = time.perf_counter() if t0 is None else t0
    sentence_vectors = sentence_vectors or DEFAULT_SENTENCE_VECTORS
    if sentence_vectors not in SENTENCE_VECTORS:
        raise ValueError(f"sentence vectors must be one of {', '.join(SENTENCE_VECTORS)}, not {sentence_vectors!r}")
    index_dir = Path(index_dir)
    if not articles:
        raise EmptyCorpusError(f"no usable articles in {corpus.get('dir') if corpus else 'the input'}"
                               + (f" ({len(skipped)} files skipped)" if skipped else ""))
    if embedder is None:
        from .embedding import make_embedder

        embedder = make_embedder()
    base = {"model": {"name": embedder.name, "fingerprint": embedder.fingerprint, "dim": embedder.dim,
                      "path": getattr(embedder, "path", ""),
                      "backend": getattr(embedder, "backend", "torch-fp32")},
            "chunking": settings.as_dict(), "embed_title": embed_title, "sentence_vectors": sentence_vectors}
    with store.build_lock(index_dir, wait=wait_for_lock):
        prev_parts, prev_hashes, note = _previous(index_dir, base, full)
        summary = BuildSummary(full=not prev_hashes, note=note, skipped=list(skipped or []))
        parts, todo = [], []
        for art in articles:
            h = content_hash(art.title, art.text)
            old = prev_parts.get(h)
            if old is not None:
                parts.append(_Part(art, old.sentences, old.chunks, old.passage_vectors, old.sentence_vectors,
                                   old.minhash))
            else:
                parts.append(None)
                todo.append(art)
            if art.id not in prev_hashes:
                summary.added.append(art.id)
            elif prev_hashes[art.id] != h:
                summary.updated.append(art.id)
            else:
                summary.kept.append(art.id)
        ids = {a.id for a in articles}
        summary.removed = sorted(set(prev_hashes) - ids)
        if embed_new is None:
            from tqdm import tqdm

            new_parts = [_split(a, settings, embedder.count_tokens)
                         for a in tqdm(todo, desc="chunking", unit="article", file=sys.stderr, leave=False,
                                       disable=not progress or len(todo) < 2)]
            summary.embedded_texts = _embed_parts(new_parts, embedder, embed_title, progress, sentence_vectors)
        else:
            new_parts, summary.embedded_texts = embed_new(todo, settings, embed_title, sentence_vectors)
        fresh = iter(new_parts)
        parts = [p if p is not None else next(fresh) for p in parts]
        need_sig = [p for p in parts if p.minhash is None]
        for p, sig in zip(need_sig, wire.signatures([p.article.text for p in need_sig])):
            p.minhash = sig
        data = _assemble(parts, embedder.dim)
        del parts, new_parts, fresh, prev_parts  # the per-article arrays: _assemble copied them
        data.bm25 = lexical.build_bm25(lexical.passage_terms(data, embed_title))
        data.sentence_df = lexical.sentence_df(data)
        manifest = dict(base, created=now_iso(), corpus=corpus or {},
                        articles={a.id: content_hash(a.title, a.text) for a in articles},
                        machine=machine())
        manifest["build_seconds"] = round(time.perf_counter() - t0, 3)
        version_dir = store.write_version(data, index_dir, manifest)
        data.sentence_vectors = None  # written; the check below loads them back from disk
        check = store.load_version(version_dir, full_hash=True)
        _self_test(check, data)
        store.activate(index_dir, version_dir)
    summary.articles, summary.passages, summary.sentences = len(articles), data.n_passages, len(data.sentences)
    summary.wire_groups = len(data.group_members)
    summary.version = version_dir.name
    summary.seconds = time.perf_counter() - t0
    return summary


def _self_test(loaded: store.IndexData, built: store.IndexData) -> None:
    """A written version must answer: a stored passage vector finds that passage first."""
    if loaded.n_passages == 0:
        raise IndexCorruptError("the new index has no passages")
    probe = built.passage_vectors[[0, loaded.n_passages - 1]]
    _, ids = loaded.faiss_index.search(probe, 1)
    for want, got in zip((0, loaded.n_passages - 1), ids[:, 0]):
        if not np.allclose(built.passage_vectors[want], built.passage_vectors[got], atol=1e-5):
            raise IndexCorruptError("the new index failed its test query; the previous index stays live")
