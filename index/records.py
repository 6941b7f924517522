"""Small typed records passed between the index stages.

Every offset is a `[start, end)` character offset into `Article.text`, the cleaned
article text, and `article.text[start:end]` is the record's text.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    text: str
    path: str = ""
    date: str | None = None
    source: str | None = None  # the outlet
    url: str | None = None
    author: str | None = None
    pages: tuple = ()  # PDFs: offset in `text` where each page starts (page n starts at pages[n - 1])

    @property
    def content_hash(self) -> str:
        from common.hashing import content_hash

        return content_hash(self.title, self.text)


@dataclass(frozen=True)
class Sentence:
    article_id: str
    start: int
    end: int
    paragraph: int = 0


@dataclass(frozen=True)
class Chunk:
    """A passage: whole sentences `sentences[lo:hi]` of one article."""

    article_id: str
    start: int
    end: int
    text: str
    sent_lo: int  # index of the first sentence in the article's sentence list
    sent_hi: int  # one past the last sentence


@dataclass
class Skipped:
    """A corpus file (or record inside one) that could not be used, and why."""

    path: str
    reason: str


@dataclass
class LoadReport:
    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    file_hashes: dict[str, str] = field(default_factory=dict)
