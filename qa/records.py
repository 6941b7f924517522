"""Records the answering stages pass along. Offsets index the cleaned article text."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Hit:
    """A retrieved passage: row `chunk` of the index, with its scores."""

    chunk: int
    score: float  # fused score, used for ranking
    dense: float = 0.0  # cosine of question and passage
    lexical: float = 0.0  # BM25 score, divided by the best BM25 score for this question


@dataclass(frozen=True)
class Citation:
    article_id: str
    title: str
    start: int
    end: int
    quote: str
    passage_start: int | None = None  # the passage that contains the quote
    passage_end: int | None = None
    date: str | None = None  # the article's publication date (ISO 8601), outlet and address
    source: str | None = None
    url: str | None = None
    also_in: tuple = ()  # wire copies of the article: ({article_id, source, date}, ...)
    page: int | None = None  # PDFs: the page the quote starts on (1-based)
    # why it is cited: "answer" (the sentence the answer comes from), "context" (the sentence
    # that says what the answer's sentence refers to), "support" (another sentence that states
    # the same answer)
    role: str = "answer"


@dataclass
class Report:
    """One report's answer, when articles give different answers (qa.reports)."""

    answer: str
    confidence: float
    citations: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"answer": self.answer, "confidence": self.confidence,
                "citations": [citation_json(c) for c in self.citations]}


def citation_json(c: Citation) -> dict:
    out = {k: v for k, v in asdict(c).items() if not k.startswith("passage_")}
    out["also_in"] = [dict(x) for x in c.also_in]
    return out


@dataclass
class Answer:
    question: str
    answer: str | None
    refused: bool
    confidence: float
    sentence: str | None = None
    citations: list[Citation] = field(default_factory=list)
    answer_start: int | None = None  # offsets of the short answer in citations[0]'s article
    answer_end: int | None = None
    searched: str | None = None  # the question as searched (after follow-up rewriting)
    hits: list[Hit] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    features: dict[str, float] = field(default_factory=dict)  # what the confidence was computed from, by name
    fit: str | None = None  # the confidence fit used (qa.learned.CONFIDENCE_FEATURES)
    closest: list[Citation] = field(default_factory=list)  # when refused: the nearest sentences, not citations
    # when articles give different answers (qa.reports): older reports this answer updates,
    # and, when reports disagree, every answer (this one first)
    earlier: list[Report] = field(default_factory=list)
    disagreement: list[Report] = field(default_factory=list)
    scope: object = None  # the qa.timeline.Scope applied, if any
    reason: str | None = None  # a refusal's reason, in words (set by qa.answer)

    def to_json(self) -> dict:
        return {"question": self.question, "answered_as": self.question, "answer": self.answer, "refused": self.refused,
                "confidence": round(float(self.confidence), 4), "sentence": self.sentence,
                "citations": [citation_json(c) for c in self.citations],
                "answer_start": self.answer_start, "answer_end": self.answer_end,
                "earlier_reports": [r.to_json() for r in self.earlier],
                "disagreement": [r.to_json() for r in self.disagreement],
                "scope": self.scope.to_json() if self.scope else None,
                "reason": self.reason if self.refused else None,
                "related": [citation_json(c) for c in self.closest] if self.refused else []}
