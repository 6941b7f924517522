"""Open the live index as a ready `QA` object, and follow it across rebuilds."""
from __future__ import annotations

import threading
from pathlib import Path

from common.errors import QAError
from index.store import current_version_dir, current_version_name

from .answer import QA, AnswerSettings
from .retrieval import RetrievalSettings, Retriever


def open_qa(index_dir: str | Path, corpus_dir: str | Path | None = None, embedder=None,
            retrieval: RetrievalSettings = RetrievalSettings(), answer: AnswerSettings | None = None,
            warm: bool = True, reader=None, judge=None) -> QA:
    """Load the index in `index_dir` (with its BM25 and sentence statistics). With
    `corpus_dir`, refuse a stale index (StaleIndexError says which command fixes it).
    `embedder`, `reader` and `judge` default to the ones the index was built with and
    the shipped models. `warm` runs one question so the first real question is not slow."""
    qa = QA(Retriever.load(index_dir, embedder, corpus_dir, retrieval), answer, reader, judge)
    if warm:
        qa.ask("warm up")
    return qa


class LiveQA:
    """A QA object that follows the index folder: when a build makes a new version
    live, the next question loads it (reusing the loaded model and reader) and
    switches. A question already running keeps the object it started with, so none
    fails; a new version that does not load leaves the old one answering, and
    `last_error` says why until a later version loads."""

    def __init__(self, index_dir: str | Path, corpus_dir: str | Path | None = None, embedder=None, **kw):
        self.index_dir, self.kw = Path(index_dir), kw
        self._lock = threading.Lock()
        self.version = current_version_name(self.index_dir)
        self.qa = open_qa(index_dir, corpus_dir, embedder, **kw)
        self.last_error: str | None = None
        self._current_broken = False  # last_error is about CURRENT, not about a version that failed to load

    def get(self) -> QA:
        try:
            name = current_version_dir(self.index_dir).name
        except QAError:
            # CURRENT removed, emptied or pointing at nothing: keep answering, and say so
            self.last_error = (f"{self.index_dir}/CURRENT is missing or points to no index version, so answers "
                               f"still come from version {self.version}; fix: python -m index build")
            self._current_broken = True
            return self.qa
        if self._current_broken:
            self.last_error, self._current_broken = None, False
        if name != self.version:
            with self._lock:
                if name != self.version:
                    self._switch(name)
        return self.qa

    def _switch(self, name: str) -> None:
        try:
            # The corpus check is skipped: the operator who rebuilt decides what is live.
            self.qa = open_qa(self.index_dir, None, self.qa.retriever.embedder,
                              **{**self.kw, "reader": self.qa.loaded_reader, "judge": self.qa.loaded_judge})
            self.last_error = None
        except QAError as exc:
            self.last_error = (f"index version {name} could not be loaded, so answers still come from "
                               f"version {self.qa.data.manifest.get('version', '?')}: {exc}")
        self.version = name

    def ask(self, question: str, context: str | None = None, scope=None):
        return self.get().ask(question, context, scope)
