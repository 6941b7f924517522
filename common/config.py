"""What an operator may set in the environment, read in one place and only when an entry
point asks (a command's argument defaults, the app's start-up build). Library calls take
explicit values and fall back to the fixed defaults below, so importing the library reads
no environment variable.

    QA_INDEX_DIR         index folder                     (default data/index)
    QA_EMBEDDER          embedding path of a build        (default onnx-int8)
    QA_SENTENCE_VECTORS  sentence vectors of a build      (default separate)
    QA_CACHE_DIR         the exported int8 model's cache  (default ~/.cache/article-qa)
"""
from __future__ import annotations

import os
from pathlib import Path

INDEX_DIR = "data/index"
EMBEDDER = "onnx-int8"
SENTENCE_VECTORS = "separate"


def index_dir() -> str:
    return os.environ.get("QA_INDEX_DIR") or INDEX_DIR


def embedder() -> str:
    return os.environ.get("QA_EMBEDDER") or EMBEDDER


def sentence_vectors() -> str:
    return os.environ.get("QA_SENTENCE_VECTORS") or SENTENCE_VECTORS


def cache_dir() -> Path:
    """Read when the cache is first needed (a path, like $HOME, that a test may point elsewhere)."""
    return Path(os.environ.get("QA_CACHE_DIR") or Path.home() / ".cache" / "article-qa")
