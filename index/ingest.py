"""Streaming, parallel ingestion: what the local build reads, and where its vectors go.

    workers    processes that read a corpus file, clean it, hash each article and, for a
               new or changed article, split it into sentences and passages and MinHash
               its body (`prepare_file`); at most `ahead` tasks are in flight, so a fast
               reader never piles parsed articles up in memory
    the build  embeds the new passages in batches as they arrive (index.build), while the
               workers parse ahead, and appends each batch's sentence vectors to a spill
               file (`RowFile`); only row numbers stay in memory
    write      the version's sentence_vectors.npy is copied together from the spill file
               and the previous version's file (`RowSet`), a block at a time

With `workers=0` the same steps run in this process, one file after another.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from common.hashing import content_hash

from .chunking import ChunkSettings, chunk_article
from .records import Article, Skipped

FILES_PER_TASK = 16  # corpus files per worker task: fewer round trips than one file a task
MIN_FILES_FOR_WORKERS = 64  # below this, starting processes costs more than it saves


@dataclass
class Prepared:
    """One article as the build receives it; `sentences`/`chunks` are None when its
    content hash is already in the live index (its rows and vectors are reused)."""

    article: Article
    hash: str
    sentences: np.ndarray | None = None  # int64 [n, 3]: start, end, paragraph
    chunks: np.ndarray | None = None  # int64 [m, 4]: start, end, first sentence, end sentence
    minhash: np.ndarray | None = None  # uint64 [NUM_PERM]


@dataclass
class FileResult:
    """What one corpus file gave: its digest (None when unreadable), articles, skips."""

    rel: str | None
    digest: str | None
    prepared: list[Prepared] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def split_arrays(article: Article, settings: ChunkSettings, count_tokens) -> tuple[np.ndarray, np.ndarray]:
    """An article's sentences [n, 3] and passages [m, 4] as integer arrays."""
    sents, chunks = chunk_article(article, settings, count_tokens)
    s = np.array([[x.start, x.end, x.paragraph] for x in sents], dtype=np.int64).reshape(-1, 3)
    c = np.array([[x.start, x.end, x.sent_lo, x.sent_hi] for x in chunks], dtype=np.int64).reshape(-1, 4)
    return s, c


def prepare(article: Article, known: set[str] | frozenset, settings: ChunkSettings | None, count_tokens) -> Prepared:
    """Hash an article; split and MinHash it unless its hash is `known` (or `settings` is
    None: the caller splits it later, as the Ray engine does)."""
    from . import wire

    h = content_hash(article.title, article.text)
    if h in known or settings is None:
        return Prepared(article, h)
    s, c = split_arrays(article, settings, count_tokens)
    return Prepared(article, h, s, c, wire.signatures([article.text])[0])


# ---------------------------------------------------------------- worker side

_STATE: dict = {}


def _init_worker(known: frozenset, settings: dict, counter) -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    _STATE.update(known=known, settings=ChunkSettings(**settings), counter=counter)


def prepare_file(path: Path, rel: str, known, settings: ChunkSettings | None, count_tokens) -> FileResult:
    from .articles import read_file

    digest, articles, skipped = read_file(path, rel)
    return FileResult(rel, digest, [prepare(a, known, settings, count_tokens) for a in articles], skipped)


def _prepare_files(task: list[tuple[str, str]]) -> list[FileResult]:
    s = _STATE
    return [prepare_file(Path(p), rel, s["known"], s["settings"], s["counter"]) for p, rel in task]


def prepared_files(files: Sequence[Path], corpus_dir: Path, known: set[str], settings: ChunkSettings,
                   count_tokens: Callable[[str], int], workers: int = 0, ahead: int = 4) -> Iterator[FileResult]:
    """`FileResult`s of `files`, in their order. With `workers` > 0 the files are read and
    split in that many processes (`count_tokens` must then be picklable: `index.embedding.TokenCounter`),
    with at most `ahead` tasks per worker waiting to be taken."""
    rels = [(str(p), p.relative_to(corpus_dir).as_posix()) for p in files]
    if workers <= 0:
        for p, rel in rels:
            yield prepare_file(Path(p), rel, known, settings, count_tokens)
        return
    import multiprocessing as mp
    import warnings
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    tasks = [rels[i : i + FILES_PER_TASK] for i in range(0, len(rels), FILES_PER_TASK)]
    done = 0  # tasks whose results were yielded
    try:
        # spawn, not fork: the parent may already run ONNX Runtime or torch threads
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"), initializer=_init_worker,
                                 initargs=(frozenset(known), settings.as_dict(), count_tokens)) as pool:
            queue: deque = deque(pool.submit(_prepare_files, t) for t in tasks[: workers * ahead])
            while queue:
                results = queue.popleft().result()
                nxt = done + len(queue) + 1
                if nxt < len(tasks):
                    queue.append(pool.submit(_prepare_files, tasks[nxt]))
                done += 1
                yield from results
    except (BrokenProcessPool, OSError) as exc:
        # a worker killed (out of memory?) or no processes to be had: read the rest here
        warnings.warn(f"reader processes stopped ({type(exc).__name__}: {exc}); reading the remaining "
                      f"{len(rels) - done * FILES_PER_TASK} files in this process", RuntimeWarning, stacklevel=2)
        for task in tasks[done:]:
            for p, rel in task:
                yield prepare_file(Path(p), rel, known, settings, count_tokens)


def default_workers(n_files: int, cores: int | None = None) -> int:
    """Reader processes for a build of `n_files` on `cores` (default: this machine's): none
    for a small corpus, and none on two cores or fewer, where the int8 model keeps every core
    busy and a reader only takes turns with it (measured by `python -m bench.build`: no faster,
    and slower with news pages); else a core in four, at most four. The CLI then gives the
    embedder the other cores (`embedder_threads`)."""
    cores = cores or os.cpu_count() or 1
    if n_files < MIN_FILES_FOR_WORKERS or cores <= 2:
        return 0
    return min(4, max(1, cores // 4))


def embedder_threads(workers: int, cores: int | None = None) -> int:
    """Threads for the embedder beside `workers` reader processes: the other cores when at
    least two are left, else 0 (the library's default, every core, shared with the readers:
    one thread would halve the embedding)."""
    cores = cores or os.cpu_count() or 1
    return cores - workers if workers and cores - workers >= 2 else 0


# ---------------------------------------------------------------- vectors on disk

class RowFile:
    """Rows of a 2-D array in a file, read and appended without holding them in memory:
    a raw spill file (`create`) or an existing .npy file (`open_npy`, read only)."""

    def __init__(self, path: Path, dtype, dim: int, offset: int, rows: int, writable: bool):
        self.path, self.dtype, self.dim, self.offset, self.rows = Path(path), np.dtype(dtype), dim, offset, rows
        self._fh = open(self.path, "r+b" if writable else "rb")
        self.row_bytes = self.dtype.itemsize * dim

    @classmethod
    def create(cls, path: Path, dtype, dim: int) -> "RowFile":
        Path(path).write_bytes(b"")
        return cls(path, dtype, dim, 0, 0, True)

    @classmethod
    def open_npy(cls, path: Path) -> "RowFile":
        with open(path, "rb") as fh:
            major, _ = np.lib.format.read_magic(fh)
            read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(fh)
            offset = fh.tell()
        if fortran or len(shape) != 2:
            raise ValueError(f"{path} is not a C-ordered 2-D array")
        return cls(path, dtype, shape[1], offset, shape[0], False)

    def append(self, arr: np.ndarray) -> tuple[int, int]:
        """Write rows at the end; returns their [lo, hi) row numbers."""
        arr = np.ascontiguousarray(arr, dtype=self.dtype).reshape(-1, self.dim)
        os.pwrite(self._fh.fileno(), arr.tobytes(), self.offset + self.rows * self.row_bytes)
        lo = self.rows
        self.rows += len(arr)
        return lo, self.rows

    def read(self, lo: int, hi: int) -> np.ndarray:
        n = (hi - lo) * self.row_bytes
        buf = os.pread(self._fh.fileno(), n, self.offset + lo * self.row_bytes)
        if len(buf) != n:
            raise OSError(f"{self.path} is shorter than its rows")
        return np.frombuffer(buf, dtype=self.dtype).reshape(hi - lo, self.dim)

    def close(self) -> None:
        self._fh.close()


class RowSet:
    """A 2-D array made of row ranges of `RowFile`s (and in-memory arrays), in order:
    what the build hands to the writer instead of one big matrix."""

    def __init__(self, dim: int, dtype):
        self.dim, self.dtype = dim, np.dtype(dtype)
        self.pieces: list[tuple[object, int, int]] = []  # (RowFile or ndarray, lo, hi)
        self.rows = 0

    def add(self, source, lo: int, hi: int) -> None:
        if hi > lo:
            self.pieces.append((source, lo, hi))
            self.rows += hi - lo

    def __len__(self) -> int:
        return self.rows

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.dim)

    def blocks(self, max_rows: int = 65536) -> Iterator[np.ndarray]:
        for src, lo, hi in self.pieces:
            for a in range(lo, hi, max_rows):
                b = min(hi, a + max_rows)
                block = src.read(a, b) if isinstance(src, RowFile) else src[a:b]
                yield np.asarray(block, dtype=self.dtype)

    def write_npy(self, path: Path) -> None:
        """Write as a .npy file, a block at a time."""
        header = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": self.shape}
        with open(path, "wb") as fh:
            np.lib.format.write_array_header_1_0(fh, header)
            for block in self.blocks():
                fh.write(np.ascontiguousarray(block).tobytes())

    def to_array(self) -> np.ndarray:
        out = np.empty(self.shape, dtype=self.dtype)
        pos = 0
        for block in self.blocks():
            out[pos : pos + len(block)] = block
            pos += len(block)
        return out
