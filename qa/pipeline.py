"""Open the live index as a ready `QA` object (model, index, BM25 and idf loaded once)."""
from __future__ import annotations

from pathlib import Path

from .answer import QA, AnswerSettings
from .retrieval import RetrievalSettings, Retriever


def open_qa(index_dir: str | Path, corpus_dir: str | Path | None = None, embedder=None,
            retrieval: RetrievalSettings = RetrievalSettings(), answer: AnswerSettings | None = None,
            warm: bool = True) -> QA:
    """Load the index in `index_dir`. With `corpus_dir`, refuse a stale index
    (StaleIndexError says which command fixes it). `warm` builds BM25 and idf tables
    and runs one question so the first real question is not slow."""
    qa = QA(Retriever.load(index_dir, embedder, corpus_dir, retrieval), answer)
    if warm:
        qa.ask("warm up")
    return qa
