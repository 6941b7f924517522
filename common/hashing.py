"""sha256 of files and of article content: one place for every checksum we record."""
from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(title: str, text: str) -> str:
    """What an article's passages and vectors depend on: its title and cleaned text."""
    return hashlib.sha256((title + "\x00" + text).encode("utf-8")).hexdigest()[:32]
