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


class LiveQA:
    """A QA object that follows the index folder: when a build makes a new version
    live, the next question loads it (reusing the loaded model) and switches. A
    question already running keeps the object it started with, so none fails; a new
    version that does not load is reported in `last_error` and the old one stays."""

    def __init__(self, index_dir: str | Path, corpus_dir: str | Path | None = None, embedder=None, **kw):
        import threading

        from index.store import current_version_name

        self.index_dir, self.kw = Path(index_dir), kw
        self._current_version_name = current_version_name
        self._lock = threading.Lock()
        self.version = current_version_name(self.index_dir)
        self.qa = open_qa(index_dir, corpus_dir, embedder, **kw)
        self.last_error: str | None = None

    def get(self) -> QA:
        name = self._current_version_name(self.index_dir)
        if name and name != self.version:
            with self._lock:
                if name != self.version:
                    self._switch(name)
        return self.qa

    def _switch(self, name: str) -> None:
        from index.errors import QAError

        try:
            # The corpus check is skipped: the operator who rebuilt decides what is live.
            self.qa = open_qa(self.index_dir, None, self.qa.retriever.embedder, **self.kw)
            self.last_error = None
        except QAError as exc:
            self.last_error = f"index version {name} could not be loaded: {exc}"
        self.version = name

    def ask(self, question: str, context: str | None = None):
        return self.get().ask(question, context)
