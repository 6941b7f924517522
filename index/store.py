"""The index folder: versioned, atomically switched, checked on load.

Layout of `index_dir`:
    CURRENT                 name of the live version (replaced atomically)
    .build.lock             held by a running build
    versions/<name>/        one complete index:
        manifest.json       model, settings, counts, per-article hashes, size + sha256 of every file
        articles.jsonl      one cleaned article a line (citations quote from this text)
        sentences.npy       int32 [n, 4]: article row, start, end, paragraph
        chunks.npy          int32 [m, 5]: article row, start, end, first sentence, end sentence
        passages.faiss      FAISS inner-product index of passage vectors (index.vectors)
        sentence_vectors.npy float16 [n, dim] sentence vectors, for picking the answer sentence
        bm25/               bm25s index of the passages (index.lexical)
        sentence_df.json    sentences each term occurs in (the sentence scorer's idf)
        minhash.npy         uint64 [articles, 128] MinHash signatures of the article bodies (index.wire)
        wire_groups.npy     int32 [articles]: row of the article's wire group representative

A build writes a new version folder, verifies it, then replaces CURRENT; readers
never see a half-written index.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from common import config
from common.errors import BuildLockedError, IndexCorruptError, IndexMismatchError, IndexMissingError
from common.hashing import content_hash, sha256_file
from common.runinfo import library_versions

from . import lexical
from .records import Article
from .vectors import is_exact, make_faiss_index, tune_faiss_index, vectors_of
from .wire import date_order

FORMAT_VERSION = 4  # 2: BM25 and sentence frequencies saved with the version; 3: metadata, wire groups;
# 4: int8 vectors embedded one text at a time (the same whatever the batch size, engine or workers)
CORE_FILES = ("articles.jsonl", "sentences.npy", "chunks.npy", "passages.faiss", "sentence_vectors.npy",
              lexical.DF_FILE, f"{lexical.BM25_DIR}/params.index.json", "minhash.npy", "wire_groups.npy")
DEFAULT_INDEX_DIR = config.INDEX_DIR  # the commands read $QA_INDEX_DIR (common.config)
KEEP_VERSIONS = 2
HASH_CHECK_MAX_BYTES = 512 << 20  # sha256 of the files on every load below this size


def embedding_backend(manifest: dict) -> str:
    """The embedding path that built an index (indexes from before the int8 path: fp32)."""
    return manifest.get("model", {}).get("backend", "torch-fp32")


@dataclass(kw_only=True)
class IndexData:
    """Everything a version holds, in memory (built by keyword: the fields are many and alike)."""

    articles: list[Article]
    sentences: np.ndarray  # int32 [n, 4]
    chunks: np.ndarray  # int32 [m, 5]
    passage_vectors: np.ndarray | None  # float32 [m, dim] while building; None when loaded (FAISS holds them)
    sentence_vectors: np.ndarray  # float16/32 [n, dim]
    manifest: dict = field(default_factory=dict)
    path: Path | None = None
    faiss_index: object = None
    bm25: object = None  # bm25s.BM25 over the passages' search texts
    sentence_df: dict | None = None  # term -> sentences it occurs in
    minhash: np.ndarray | None = None  # uint64 [articles, NUM_PERM]
    wire_group: np.ndarray | None = None  # int32 [articles]: row of the group's representative

    @cached_property
    def article_row(self) -> dict[str, int]:
        return {a.id: i for i, a in enumerate(self.articles)}

    def group_of(self, row: int) -> int:
        """The wire group of article `row`: its representative's row (its own row when
        the index has no groups)."""
        return int(self.wire_group[row]) if self.wire_group is not None else row

    def copies(self, row: int) -> list[int]:
        """Rows of the other articles in `row`'s wire group (its reprints), earliest first."""
        members = self.group_members.get(self.group_of(row), [])
        return [r for r in members if r != row]

    @cached_property
    def group_members(self) -> dict[int, list[int]]:
        """Representative row -> member rows, for groups of two or more."""
        out: dict[int, list[int]] = {}
        if self.wire_group is not None:
            for row, g in enumerate(self.wire_group):
                out.setdefault(int(g), []).append(row)
        return {g: sorted(m, key=lambda r: date_order(self.articles[r].date, r))
                for g, m in out.items() if len(m) > 1}

    @property
    def exact(self) -> bool:
        """Vectors held as a plain matrix (while building, or in a flat FAISS index), so
        every passage can be scored with one matrix product."""
        return self.passage_vectors is not None or is_exact(self.faiss_index)

    def passage_matrix(self) -> np.ndarray:
        """All passage vectors: the built ones, or read back from the FAISS index."""
        return self.passage_vectors if self.passage_vectors is not None else vectors_of(self.faiss_index)

    # Rows by name (the stored layout is in this module's docstring): nothing outside
    # index.store and index.build reads a column by its number.
    def sentence_article(self, i: int) -> int:
        """Article row of sentence row `i`."""
        return int(self.sentences[i, 0])

    def sentence_span(self, i: int) -> tuple[int, int]:
        """[start, end) of sentence row `i` in its article's text."""
        return int(self.sentences[i, 1]), int(self.sentences[i, 2])

    def chunk_article(self, i: int) -> int:
        """Article row of passage `i`."""
        return int(self.chunks[i, 0])

    def chunk_span(self, i: int) -> tuple[int, int]:
        """[start, end) of passage `i` in its article's text."""
        return int(self.chunks[i, 1]), int(self.chunks[i, 2])

    def chunk_sentences(self, i: int) -> tuple[int, int]:
        """Sentence rows [first, end) that passage `i` is made of."""
        return int(self.chunks[i, 3]), int(self.chunks[i, 4])

    def chunks_sentences(self, rows: np.ndarray) -> np.ndarray:
        """`chunk_sentences` of several passages at once: int64 [len(rows), 2]."""
        return self.chunks[rows, 3:5].astype(np.int64)

    @property
    def sentence_articles(self) -> np.ndarray:
        """Article row of every sentence (a view)."""
        return self.sentences[:, 0]

    @property
    def chunk_articles(self) -> np.ndarray:
        """Article row of every passage (a view)."""
        return self.chunks[:, 0]

    def passages_holding(self, row: int) -> np.ndarray:
        """Passages whose sentence rows include sentence row `row`."""
        return np.flatnonzero((self.chunks[:, 3] <= row) & (self.chunks[:, 4] > row))

    def chunk_text(self, i: int) -> str:
        s, e = self.chunk_span(i)
        return self.articles[self.chunk_article(i)].text[s:e]

    def sentence_text(self, i: int) -> str:
        s, e = self.sentence_span(i)
        return self.articles[self.sentence_article(i)].text[s:e]

    @property
    def n_passages(self) -> int:
        return int(self.chunks.shape[0])

    # One article's rows in the per-article layout of index.ingest.split_arrays (what a
    # build splits and reuses): sentences [n, 3] start, end, paragraph; passages [m, 4]
    # start, end, first and end sentence, numbered within the article.
    def article_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Sentence and passage row bounds of every article ([articles + 1] each): rows are
        stored article by article, so article r's rows are [at[r], at[r + 1])."""
        n = np.arange(len(self.articles) + 1)
        return np.searchsorted(self.sentences[:, 0], n), np.searchsorted(self.chunks[:, 0], n)

    def article_layout(self, sentence_rows: tuple[int, int], chunk_rows: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """The rows of one article (its bounds from `article_bounds`) in the per-article layout."""
        (s0, s1), (c0, c1) = sentence_rows, chunk_rows
        chunks = self.chunks[c0:c1, 1:5].astype(np.int64)
        chunks[:, 2:4] -= s0
        return self.sentences[s0:s1, 1:4].astype(np.int64), chunks


def stack_layouts(layouts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The stored sentence [n, 4] and passage [m, 5] tables of articles given in the
    per-article layout (IndexData.article_layout), in order: article rows added, sentence
    numbers made global."""
    sentences, chunks = [], []
    offset = 0
    for row, (s, c) in enumerate(layouts):
        sentences.append(np.column_stack([np.full(len(s), row), s]))
        c = c.copy()
        c[:, 2:4] += offset
        chunks.append(np.column_stack([np.full(len(c), row), c]))
        offset += len(s)

    def cat(arrs, cols):
        arrs = [a.reshape(-1, cols) for a in arrs]
        return np.concatenate(arrs).astype(np.int32) if arrs else np.zeros((0, cols), np.int32)

    return cat(sentences, 4), cat(chunks, 5)


def write_version(data: IndexData, index_dir: Path, manifest: dict) -> Path:
    """Write a complete version folder (under a temporary name, then renamed).
    `data` carries its passage vectors, BM25 model and sentence frequencies."""
    import faiss

    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    name = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f") + f"-{os.getpid()}"
    tmp = versions / f".tmp-{name}"
    tmp.mkdir()
    with open(tmp / "articles.jsonl", "w", encoding="utf-8") as fh:
        for a in data.articles:
            rec = {"id": a.id, "title": a.title, "text": a.text, "path": a.path, "date": a.date,
                   "source": a.source, "author": a.author, "url": a.url,
                   **({"pages": list(a.pages)} if a.pages else {}), "hash": content_hash(a.title, a.text)}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    np.save(tmp / "sentences.npy", data.sentences.astype(np.int32))
    np.save(tmp / "chunks.npy", data.chunks.astype(np.int32))
    if hasattr(data.sentence_vectors, "write_npy"):  # a build's RowSet: rows on disk, copied a block at a time
        data.sentence_vectors.write_npy(tmp / "sentence_vectors.npy")
    else:
        np.save(tmp / "sentence_vectors.npy", data.sentence_vectors.astype(np.float16, copy=False))
    n = len(data.articles)
    np.save(tmp / "minhash.npy", (data.minhash if data.minhash is not None
                                  else np.zeros((n, 0), np.uint64)).astype(np.uint64))
    np.save(tmp / "wire_groups.npy", (data.wire_group if data.wire_group is not None
                                      else np.arange(n)).astype(np.int32))
    index, info = make_faiss_index(data.passage_vectors)
    faiss.write_index(index, str(tmp / "passages.faiss"))
    lexical.save(tmp, data.bm25, data.sentence_df)
    files = sorted(p for p in tmp.rglob("*") if p.is_file())
    manifest = dict(manifest, format_version=FORMAT_VERSION, version=name, faiss=info,
                    counts={"articles": len(data.articles), "passages": int(len(data.chunks)),
                            "sentences": int(len(data.sentences))},
                    files={p.relative_to(tmp).as_posix(): {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
                           for p in files},
                    versions=library_versions())
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    for f in [*files, tmp / "manifest.json", tmp / lexical.BM25_DIR, tmp]:
        _fsync(f)
    final = versions / name
    tmp.rename(final)
    _fsync(versions)
    return final


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def activate(index_dir: Path, version_dir: Path) -> None:
    """Point CURRENT at `version_dir` atomically, then prune old versions."""
    tmp = index_dir / f".CURRENT.{os.getpid()}"
    tmp.write_text(version_dir.name + "\n")
    _fsync(tmp)
    os.replace(tmp, index_dir / "CURRENT")
    _fsync(index_dir)
    prune(index_dir)


def prune(index_dir: Path, keep: int = KEEP_VERSIONS) -> None:
    """Remove old versions and leftovers of killed builds (never the live one)."""
    live = current_version_name(index_dir)
    for leftover in index_dir.glob(".CURRENT.*"):  # a build killed between writing and renaming CURRENT
        try:
            pid = int(leftover.name.rsplit(".", 1)[1])
        except ValueError:
            pid = None
        if pid != os.getpid() and not _alive(pid):
            leftover.unlink(missing_ok=True)
    versions = sorted((index_dir / "versions").iterdir())
    done = [v for v in versions if not v.name.startswith(".tmp-")]
    for v in versions:
        stale_tmp = v.name.startswith(".tmp-")
        old = v in done[:-keep]
        if (stale_tmp or old) and v.name != live:
            shutil.rmtree(v, ignore_errors=True)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def current_version_name(index_dir: str | Path) -> str | None:
    try:
        return (Path(index_dir) / "CURRENT").read_text().strip() or None
    except FileNotFoundError:
        return None


def current_version_dir(index_dir: str | Path) -> Path:
    index_dir = Path(index_dir)
    name = current_version_name(index_dir)
    if name is None:
        raise IndexMissingError(f"no index in {index_dir}")
    if not plain_name(name):
        raise IndexCorruptError(f"{index_dir}/CURRENT holds {name[:80]!r}, which is not a version folder's name")
    path = index_dir / "versions" / name
    if not path.is_dir():
        raise IndexCorruptError(f"{index_dir}/CURRENT points to missing version {name!r}")
    return path


def plain_name(name: str) -> bool:
    """A folder name of `versions/` itself: no separators, no '..', nothing hidden, so
    CURRENT can never point outside the index folder."""
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".") and "\0" not in name


def read_manifest(version_dir: Path) -> dict:
    try:
        return json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorruptError(f"manifest.json missing in {version_dir}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"manifest.json in {version_dir} is not valid JSON: {exc}") from None


def check_files(version_dir: Path, manifest: dict, full_hash: bool | None = None) -> None:
    """Every file the manifest lists is there with its size (and, below
    HASH_CHECK_MAX_BYTES or when asked, its sha256); the core files are listed."""
    files = manifest.get("files", {})
    total = sum(f.get("bytes", 0) for f in files.values())
    if full_hash is None:
        full_hash = total <= HASH_CHECK_MAX_BYTES
    for name in CORE_FILES:
        if name not in files:
            raise IndexCorruptError(f"manifest in {version_dir} does not list {name}")
    for name, want in files.items():
        path = version_dir / name
        if not path.is_file():
            raise IndexCorruptError(f"index file {name} is missing in {version_dir}")
        if path.stat().st_size != want["bytes"]:
            raise IndexCorruptError(f"index file {name} has {path.stat().st_size} bytes, "
                                    f"the manifest says {want['bytes']} (truncated or edited)")
        if full_hash and sha256_file(path) != want["sha256"]:
            raise IndexCorruptError(f"index file {name} does not match its checksum (edited or damaged)")


def check_model(manifest: dict, model_name: str, fingerprint: str, backend: str | None = None) -> None:
    model = manifest.get("model", {})
    built_with = embedding_backend(manifest)
    if backend is not None and backend != built_with:
        raise IndexMismatchError(f"the index was built with the {built_with} embedding path, but this "
                                 f"query uses {backend}; query with {built_with} or rebuild with "
                                 f"--embedder {backend}")
    if model.get("name") != model_name or model.get("fingerprint") != fingerprint:
        raise IndexMismatchError(
            f"the index was built with model {model.get('name')!r} (fingerprint "
            f"{str(model.get('fingerprint'))[:12]}), but this installation has {model_name!r} "
            f"(fingerprint {fingerprint[:12]})")


def check_format(manifest: dict, version_dir: Path) -> None:
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(f"index format {manifest.get('format_version')} in {version_dir}; "
                                 f"this program reads format {FORMAT_VERSION}")


def load_version(version_dir: Path, full_hash: bool | None = None,
                 sentence_vectors_in_memory: bool = True) -> IndexData:
    """A version, checked. `sentence_vectors_in_memory=False` maps the sentence vectors
    read-only instead of reading them (the build reads the rows it reuses itself)."""
    import faiss

    manifest = read_manifest(version_dir)
    check_format(manifest, version_dir)
    check_files(version_dir, manifest, full_hash)
    try:
        articles = []
        with open(version_dir / "articles.jsonl", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                rec.pop("hash", None)
                rec["pages"] = tuple(rec.get("pages") or ())
                articles.append(Article(**rec))
        sentences = np.load(version_dir / "sentences.npy")
        chunks = np.load(version_dir / "chunks.npy")
        sent_vecs = np.load(version_dir / "sentence_vectors.npy", mmap_mode=None if sentence_vectors_in_memory else "r")
        minhash = np.load(version_dir / "minhash.npy")
        wire_group = np.load(version_dir / "wire_groups.npy")
        index = faiss.read_index(str(version_dir / "passages.faiss"))
        tune_faiss_index(index, manifest.get("faiss", {}))
        bm25, df = lexical.load(version_dir)
    except Exception as exc:  # noqa: BLE001  any parse failure of a data file means the same thing to a user
        raise IndexCorruptError(f"cannot read the index in {version_dir}: {exc}") from None
    data = IndexData(articles=articles, sentences=sentences, chunks=chunks, passage_vectors=None,
                     sentence_vectors=sent_vecs, manifest=manifest, path=version_dir, faiss_index=index, bm25=bm25,
                     sentence_df=df, minhash=minhash, wire_group=wire_group)
    verify(data)
    return data


def verify(data: IndexData) -> None:
    """Counts, shapes and offsets agree; raises IndexCorruptError otherwise."""
    counts = data.manifest.get("counts", {})
    dim = data.manifest.get("model", {}).get("dim")
    problems = []
    if data.faiss_index is not None and data.faiss_index.ntotal != len(data.chunks):
        problems.append(f"{data.faiss_index.ntotal} vectors for {len(data.chunks)} passages")
    if data.faiss_index is not None and dim and data.faiss_index.d != dim:
        problems.append(f"vector size {data.faiss_index.d}, manifest says {dim}")
    if data.bm25 is not None and len(data.chunks) and data.bm25.scores.get("num_docs") != len(data.chunks):
        problems.append(f"BM25 holds {data.bm25.scores.get('num_docs')} passages for {len(data.chunks)}")
    if len(data.sentence_vectors) != len(data.sentences):
        problems.append(f"{len(data.sentence_vectors)} sentence vectors for {len(data.sentences)} sentences")
    n = len(data.articles)
    if data.wire_group is not None and (len(data.wire_group) != n or (n and (
            data.wire_group.min() < 0 or data.wire_group.max() >= n))):
        problems.append("wire groups do not match the articles")
    if data.minhash is not None and len(data.minhash) != n:
        problems.append(f"{len(data.minhash)} MinHash signatures for {n} articles")
    if counts and (counts.get("passages"), counts.get("sentences"), counts.get("articles")) != (
            len(data.chunks), len(data.sentences), len(data.articles)):
        problems.append("counts differ from the manifest")
    for arr, what in ((data.chunks, "passage"), (data.sentences, "sentence")):
        if len(arr) and (arr[:, 0].min() < 0 or arr[:, 0].max() >= len(data.articles)):
            problems.append(f"a {what} points to a missing article")
        elif len(arr):
            lens = np.array([len(a.text) for a in data.articles])
            if (arr[:, 1] < 0).any() or (arr[:, 2] > lens[arr[:, 0]]).any() or (arr[:, 1] >= arr[:, 2]).any():
                problems.append(f"a {what} has offsets outside its article")
    if problems:
        raise IndexCorruptError("index does not verify: " + "; ".join(problems))


@contextmanager
def build_lock(index_dir: Path, wait: bool = False):
    index_dir.mkdir(parents=True, exist_ok=True)
    fh = open(index_dir / ".build.lock", "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            fh.seek(0)
            who = fh.read().strip() or "another process"
            raise BuildLockedError(f"another build of {index_dir} is running ({who})") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {dt.datetime.now().isoformat(timespec='seconds')}")
        fh.flush()
        yield
    finally:
        fh.close()
