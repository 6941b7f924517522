"""What the question's words say about a sentence: the word statistics of one loaded index
(idf, each sentence's and article's terms) and the confidence features built on them.

The sentence ranker (`qa.candidates.rank`) uses the idf-weighted overlap; the confidence
(`learned.confidence`) uses `confidence_features`, named as in learned.CONFIDENCE_FEATURES.
"""
from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Hashable, TypeVar

from common.text import terms
from index.lexical import idf_table

if TYPE_CHECKING:
    from index.store import IndexData

    from .candidates import Candidate, Pick
    from .records import Hit

_NAMES = re.compile(r"\b(?:[A-Z][\w’'-]*|\d[\d,.]*\d|\d)")  # names and numbers in a question
_NAMES_ANY = re.compile(r"\w[\w’'-]*\w|\w|\d[\d,.]*\d")

V = TypeVar("V")


class BoundedCache(dict):
    """A memo that empties itself when it holds more than `limit` entries (the one caching
    idiom of the question path: rows of a large index are not all kept)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        if key not in self:
            if len(self) > self.limit:
                self.clear()
            self[key] = make()
        return self[key]


class Evidence:
    """Word statistics of one loaded index (`IndexData`), cached per row."""

    def __init__(self, data: IndexData):
        self.data = data
        self._sentence_terms = BoundedCache(200_000)
        self._article_words = BoundedCache(20_000)
        self._article_terms = BoundedCache(20_000)

    @cached_property
    def idf(self) -> dict[str, float]:
        """Inverse sentence frequency of each term, from the counts the index saved."""
        return idf_table(self.data.sentence_df, len(self.data.sentences))

    @cached_property
    def max_idf(self) -> float:
        """idf given to question words the corpus never uses."""
        return max(self.idf.values(), default=1.0)

    def question_terms(self, question: str) -> dict[str, float]:
        """The question's stemmed content words and their idf (unknown words: the highest)."""
        return {t: self.idf.get(t, self.max_idf) for t in set(terms(question))}

    def sentence_terms(self, row: int) -> frozenset[str]:
        return self._sentence_terms.get_or_make(row, lambda: frozenset(terms(self.data.sentence_text(row))))

    def overlap(self, qterms: dict[str, float], row: int) -> float:
        """Share of the question's idf mass found in sentence `row`."""
        total = sum(qterms.values())
        if total <= 0:
            return 0.0
        present = self.sentence_terms(row)
        return sum(w for t, w in qterms.items() if t in present) / total

    def article_words(self, row: int) -> frozenset[str]:
        """The article's words (and its date's), lower-cased."""
        def make():
            art = self.data.articles[row]
            return frozenset(w.lower() for w in _NAMES_ANY.findall(art.text + " " + _date_words(art.date)))
        return self._article_words.get_or_make(row, make)

    def article_terms(self, row: int) -> frozenset[str]:
        """The article's stemmed content words."""
        def make():
            art = self.data.articles[row]
            return frozenset(terms(art.title + "\n" + art.text))
        return self._article_terms.get_or_make(row, make)

    def missing_names(self, question: str, sentence_row: int) -> float:
        """Share of the question's names and numbers (capitalised words after the
        first, digits) that the answer's article never uses: a swapped-in name or an
        impossible year shows here, a paraphrased common word does not."""
        names = {w.lower() for w in _NAMES.findall(question.split(" ", 1)[1] if " " in question else "")}
        if not names:
            return 0.0
        present = self.article_words(self.data.sentence_article(sentence_row))
        return sum(w not in present for w in names) / len(names)

    def missing_terms(self, question: str, sentence_row: int) -> float:
        """Share of the question's idf mass (its stemmed content words) that the answer's
        article never uses: a question about a speed, a salary or a designer, asked of an
        article that mentions none, shows here."""
        qterms = self.question_terms(question)
        total = sum(qterms.values())
        if total <= 0:
            return 0.0
        present = self.article_terms(self.data.sentence_article(sentence_row))
        return sum(w for t, w in qterms.items() if t not in present) / total

    def confidence_features(self, question: str, searched: str, best: Candidate, hits: list[Hit],
                            pick: Pick) -> dict[str, float]:
        """The confidence features (named as in learned.CONFIDENCE_FEATURES) of an answer:
        `best` is the ranker's best sentence, `pick` the answer read."""
        from .answer_type import agreement

        out = {"sentence_cosine": best.dense, "sentence_overlap": best.lex,
               "passage_cosine": hits[0].dense if hits else 0.0}
        if pick.margin is not None:
            out["reader_margin"] = pick.margin
        if pick.judge_margin is not None:
            out["judge_margin"] = pick.judge_margin
        out["type_agreement"] = 0.0
        if pick.typed is False:
            out["type_agreement"] = -1.0
        elif pick.start is not None:
            short = self.data.sentence_text(pick.sentence.sentence)[pick.start:pick.end]
            out["type_agreement"] = agreement(question, short)
        out["missing_names"] = self.missing_names(searched, pick.sentence.sentence)
        out["missing_terms"] = self.missing_terms(searched, pick.sentence.sentence)
        return out


def _date_words(date: str | None) -> str:
    """'2025-09-07' -> '2025 september sept sep 7': a news article is of its date, said or not."""
    if not date:
        return ""
    from .timeline import MONTHS

    y, m, d = date[:4], int(date[5:7]), int(date[8:10])
    return " ".join([y, str(d)] + [name for name, i in MONTHS.items() if i == m])
