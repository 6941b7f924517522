"""Candidate sentences: the sentences of the best passages, scored by the learned ranker,
re-scored for what the question says about time, and cut into the windows the reader reads.

Records of this stage: `Candidate` (a sentence row with its ranker score and features),
`Read` (the reader's best span in one window) and `Pick` (the answer sentence and the short
answer inside it), passed on to the confidence (qa.evidence), the reports (qa.reports) and the
citations (qa.citations).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import timeline

if TYPE_CHECKING:
    from index.store import IndexData

    from .evidence import Evidence
    from .records import Hit


@dataclass
class Candidate:
    sentence: int  # row in the index's sentence table
    score: float
    dense: float
    lex: float
    passage: int  # best retrieved passage containing it (row)
    features: tuple[float, ...] = ()


@dataclass(frozen=True)
class Read:
    """The reader's best span in one window read, placed in its own sentence."""

    candidate: Candidate  # the sentence holding the span
    start: int  # offsets in that sentence's text
    end: int
    margin: float  # the reader's margin over "no answer here"


@dataclass(frozen=True)
class Pick:
    """The answer sentence and the short answer inside it."""

    sentence: Candidate
    start: int | None = None  # offsets in the sentence text; None: the whole sentence
    end: int | None = None
    margin: float | None = None  # the trained reader's margin over "no answer here"
    fit: str = "rules"  # the confidence fit that scores this answer
    judge_margin: float | None = None  # the judge's margin on the chosen sentence
    others: tuple[Read, ...] = ()  # the reader's best span in each other window read
    context: Candidate | None = None  # the sentence the ranker found, when the answer is in its neighbour
    typed: bool | None = None  # the question fixes the answer's kind (qa.answer_type.required): found one or not
    verdict: str | None = None  # a yes/no question's answer, "Yes" or "No" (qa.yesno)


def ranker_score(weights: tuple[float, ...], c: Candidate) -> float:
    """A candidate's ranker score from its features (before time preferences)."""
    return sum(a * b for a, b in zip(weights, c.features))


def rank(data: IndexData, evidence: Evidence, question: str, hits: list[Hit], qvec: np.ndarray,
         weights: tuple[float, ...], passages: int) -> list[Candidate]:
    """Every sentence of the `passages` best hits, best first: score = weights . (cosine with
    the question, idf-weighted word overlap, its neighbours' best overlap, its passage's
    score, dense and lexical scores, 1/rank), in learned.SENTENCE_FEATURES order."""
    qterms = evidence.question_terms(question)
    seen: dict[int, Candidate] = {}
    for rank_, hit in enumerate(hits[:passages], 1):
        lo, hi = data.chunk_sentences(hit.chunk)
        for row in range(lo, hi):
            if row in seen:
                continue
            dense = float(data.sentence_vectors[row].astype(np.float32) @ qvec)
            lex = evidence.overlap(qterms, row)
            ctx = 0.0
            for nb in (row - 1, row + 1):
                if 0 <= nb < len(data.sentences) and data.sentence_article(nb) == data.sentence_article(row):
                    ctx = max(ctx, evidence.overlap(qterms, nb))
            f = (dense, lex, ctx, hit.score, hit.dense, hit.lexical, 1.0 / rank_)
            score = sum(a * b for a, b in zip(weights, f))
            seen[row] = Candidate(row, score, dense, lex, hit.chunk, f)
    return sorted(seen.values(), key=lambda c: -c.score)


def article_of(data: IndexData, c: Candidate):
    return data.articles[data.sentence_article(c.sentence)]


def time_prior(data: IndexData, qt: timeline.QuestionTime, cands: list[Candidate],
               as_of: str | None) -> list[Candidate]:
    """Candidates re-scored for what the question says about time (qa.timeline)."""
    if not (qt.present or qt.named) or not cands:
        return cands
    dates = {c.sentence: article_of(data, c).date for c in cands}
    dated = [d for d in dates.values() if d]
    newest = max(dated) if dated else None
    this_week_day = as_of or newest
    out = []
    for c in cands:
        add = timeline.prior(qt, data.sentence_text(c.sentence), dates[c.sentence], newest, this_week_day)
        out.append(Candidate(c.sentence, c.score + add, c.dense, c.lex, c.passage, c.features) if add else c)
    if qt.years and any(timeline.of_years(qt, dates[c.sentence]) for c in cands):
        # "Which boat won the regatta last year?": when articles of the named year are
        # there, articles dated in other years do not answer (undated ones stay)
        out = [c for c in out if not dates[c.sentence] or timeline.of_years(qt, dates[c.sentence])]
    return sorted(out, key=lambda c: -c.score)


def sentences_to_read(data: IndexData, cands: list[Candidate], n: int) -> tuple[list[Candidate], list[str]]:
    """The n best candidates and their texts, each text once: a duplicated story is read once."""
    top, texts = [], []
    for c in cands:
        text = data.sentence_text(c.sentence)
        if text not in texts:
            top.append(c)
            texts.append(text)
            if len(top) == n:
                break
    return top, texts


def windows_to_read(data: IndexData, cands: list[Candidate], n: int,
                    radius: int) -> tuple[list[Candidate], list[tuple[int, int]], list[str]]:
    """The n best candidates, each with its window (first and last sentence row) and the
    window's text; a window whose text was already taken (a duplicated story) is read once."""
    from .reader import window

    top, windows, texts = [], [], []
    for c in cands:
        row = c.sentence
        art = data.sentence_article(row)
        lo = row
        while lo > 0 and row - lo < radius and data.sentence_article(lo - 1) == art:
            lo -= 1
        hi = row
        while hi + 1 < len(data.sentences) and hi - row < radius and data.sentence_article(hi + 1) == art:
            hi += 1
        spans = [data.sentence_span(r) for r in range(lo, hi + 1)]
        a, b = window(spans, row - lo, radius)
        w = (lo + a, lo + b)
        text = window_text(data, w)
        if text in texts:
            continue
        top.append(c)
        windows.append(w)
        texts.append(text)
        if len(top) == n:
            break
    return top, windows, texts


def window_text(data: IndexData, w: tuple[int, int]) -> str:
    """The article text from the first sentence of window `w` to the end of its last."""
    return data.articles[data.sentence_article(w[0])].text[data.sentence_span(w[0])[0]:data.sentence_span(w[1])[1]]


def locate(data: IndexData, w: tuple[int, int], start: int, end: int) -> tuple[int, int, int]:
    """A span of a window's text as (sentence row, start, end in that sentence): the
    sentence where it starts, cut at that sentence's end."""
    base = data.sentence_span(w[0])[0]
    a0, a1 = base + start, base + end
    row = w[0]
    while row < w[1] and data.sentence_span(row)[1] <= a0:
        row += 1
    s0, s1 = data.sentence_span(row)
    a0 = min(max(a0, s0), s1 - 1)
    a1 = max(a0 + 1, min(a1, s1))
    return row, a0 - s0, a1 - s0


def neighbour(data: IndexData, centre: Candidate, row: int) -> Candidate:
    """A candidate for a sentence the ranker did not rank (a neighbour in a window):
    its centre's scores, its own passage."""
    same = data.passages_holding(row)
    passage = centre.passage if not len(same) or centre.passage in same else int(same[0])
    return Candidate(row, centre.score, centre.dense, centre.lex, passage, centre.features)


def best_read(read: list, top: list[Candidate], weight: float):
    """The reader's span to answer with: highest margin plus `weight` times its
    sentence's ranker score above the best one (`read[i].sentence` indexes `top`)."""
    return max(read, key=lambda r: r.margin + weight * (top[r.sentence].score - top[0].score))
