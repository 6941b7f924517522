"""Passage vectors in FAISS: the index kind chosen by size, and reading vectors back.

Up to FLAT_MAX passages the index is exact (flat inner product over unit vectors,
and the retriever scores every passage with one matrix product); above it an IVF
index, whose recall@10 against exact search `python -m bench` measures.
"""
from __future__ import annotations

import numpy as np

FLAT_MAX = 200_000
IVF_NPROBE = 32


def make_faiss_index(vectors: np.ndarray, kind: str = "auto") -> tuple[object, dict]:
    """A FAISS inner-product index of `vectors` and its description for the manifest:
    "flat" (exact) or "ivf" (inverted lists over k-means cells)."""
    import faiss

    n, d = vectors.shape
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if kind == "auto":
        kind = "flat" if n <= FLAT_MAX else "ivf"
    params: dict = {}
    if kind == "flat":
        index = faiss.IndexFlatIP(d)
    elif kind == "ivf":
        nlist = max(1, min(int(n ** 0.5), n // 39))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = vectors[rng.choice(n, 40 * nlist, replace=False)] if n > 40 * nlist else vectors
        index.train(sample)
        index.nprobe = min(IVF_NPROBE, nlist)
        index.make_direct_map()
        params = {"nlist": nlist, "nprobe": index.nprobe}
    else:
        raise ValueError(f"unknown FAISS index kind {kind!r}")
    if n:
        index.add(vectors)
    return index, {"kind": kind, "params": params}


def tune_faiss_index(index, info: dict) -> None:
    """Search-time settings from the manifest (they are not all stored in the file)."""
    p = info.get("params", {})
    if info.get("kind") == "ivf" and "nprobe" in p:
        index.nprobe = p["nprobe"]


def is_exact(index) -> bool:
    return type(index).__name__ == "IndexFlatIP"


class _OwnedView(np.ndarray):
    """An array over memory another object owns, holding that object."""

    owner: object = None

    def __array_wrap__(self, arr, context=None, return_scalar=False):
        out = arr.view(np.ndarray)  # results of arithmetic are plain arrays
        return out[()] if return_scalar else out


def vectors_of(index) -> np.ndarray:
    """All vectors of a FAISS index: a zero-copy view of a flat index's own storage
    (the view holds the index, so the storage lives as long as any view), else
    reconstructed."""
    if is_exact(index) and index.ntotal:
        import faiss

        raw = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)
        view = raw.view(_OwnedView)
        view.owner = index
        return view
    return index.reconstruct_n(0, index.ntotal)
