"""Turn retrieved passages into a cited answer, or a refusal.

1. Retrieve passages (hybrid).  2. Score every sentence of the top passages by
cosine with the question, idf-weighted word overlap (its own and its
neighbours'), and its passage's score.  3. Cut a short answer from the best
sentences (rules in `spans`).  4. Confidence from the best sentence's evidence;
below the threshold, refuse.  Citations quote the article text at their offsets.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from index.errors import BadQuestionError

from .records import Answer, Citation, Hit
from .retrieval import Retriever
from .text import terms

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class AnswerSettings:
    k: int = 20  # passages retrieved
    passages: int = 5  # passages whose sentences compete for the answer
    # sentence score = w . [cosine, idf overlap, neighbours' overlap, passage score,
    #                       passage cosine, passage BM25 share, 1 / passage rank]
    sentence_weights: tuple[float, ...] = field(default_factory=lambda: load_sentence_weights())
    span_sentences: int = 3  # best sentences read for a short answer (4-5 gain ~1 EM point, cost ~10 ms each)
    spans: bool = True
    # "model": our trained reader (qa/reader), "rules": answer-type rules over spaCy
    # candidates (qa/spans), "auto": the model when its file is there
    reader: str = "auto"
    # with the model: sentence chosen by reader margin + reader_weight * (ranker score - best)
    reader_weight: float = 1.0  # chosen on SQuAD part A with `python -m qa.tune_reader`
    span_weights: str = "learned"  # or "hand" (the hand-set weights in qa.spans)
    max_citations: int = 3
    # confidence = sigmoid(bias + w . [sentence cosine, sentence overlap, passage cosine])
    calibration: dict = field(default_factory=lambda: load_calibration())


SENTENCE_WEIGHTS_FILE = Path(__file__).with_name("sentence_weights.json")
HAND_SENTENCE_WEIGHTS = (1.0, 1.0, 0.25, 0.5, 0.0, 0.0, 0.0)


def load_sentence_weights() -> tuple[float, ...]:
    """Learned by `python -m qa.train_ranker` when its file exists, else set by hand."""
    if SENTENCE_WEIGHTS_FILE.is_file():
        return tuple(json.loads(SENTENCE_WEIGHTS_FILE.read_text())["weights"])
    return HAND_SENTENCE_WEIGHTS


def load_calibration() -> dict:
    if CALIBRATION_FILE.is_file():
        return json.loads(CALIBRATION_FILE.read_text())
    return {"bias": -6.0, "weights": [6.0, 4.0, 3.0], "threshold": 0.5}


@dataclass
class Candidate:
    sentence: int  # row in the index's sentence table
    score: float
    dense: float
    lex: float
    passage: int  # best retrieved passage containing it (row)
    features: tuple[float, ...] = ()


class QA:
    def __init__(self, retriever: Retriever, settings: AnswerSettings | None = None):
        self.retriever = retriever
        self.data = retriever.data
        self.settings = settings or AnswerSettings()
        self._terms_cache: dict[int, frozenset[str]] = {}
        # One short question at a time: a single thread is as fast and does not fight
        # spaCy's threads (measured: 46 ms vs 71 ms a question on 2 cores).
        set_query_threads = getattr(retriever.embedder, "set_query_threads", None)
        if set_query_threads:
            set_query_threads()
        # Scoring one question against the passage matrix is a small matrix-vector
        # product: OpenBLAS would spread it over threads that then spin and starve the
        # reader (measured: answers 2x slower at 2,500+ passages). One BLAS thread.
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")

    @property
    def reader(self):
        """The trained span reader, or None where rules cut the short answer
        (follows `settings.reader`, which may change after loading)."""
        from . import reader

        mode = self.settings.reader
        if mode == "rules" or (mode == "auto" and not reader.available()):
            return None
        return self._reader_model

    @cached_property
    def _reader_model(self):
        from .reader import Reader

        return Reader()

    @cached_property
    def idf(self) -> dict[str, float]:
        """Inverse sentence frequency of each term (log((N+1)/(df+0.5)))."""
        df: dict[str, int] = {}
        for i in range(len(self.data.sentences)):
            for t in self.sentence_terms(i):
                df[t] = df.get(t, 0) + 1
        n = len(self.data.sentences)
        return {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}

    @cached_property
    def max_idf(self) -> float:
        """idf given to question words the corpus never uses."""
        return max(self.idf.values(), default=1.0)

    def sentence_terms(self, row: int) -> frozenset[str]:
        cache = self._terms_cache
        if row not in cache:
            if len(cache) > 200_000:
                cache.clear()
            cache[row] = frozenset(terms(self.data.sentence_text(row)))
        return cache[row]

    def _overlap(self, qterms: dict[str, float], row: int) -> float:
        """Share of the question's idf mass found in sentence `row`."""
        total = sum(qterms.values())
        if total <= 0:
            return 0.0
        present = self.sentence_terms(row)
        return sum(w for t, w in qterms.items() if t in present) / total

    def candidates(self, question: str, hits: list[Hit], qvec: np.ndarray) -> list[Candidate]:
        s = self.settings
        qterms = {t: self.idf.get(t, self.max_idf) for t in set(terms(question))}
        data = self.data
        seen: dict[int, Candidate] = {}
        w = s.sentence_weights
        for rank, hit in enumerate(hits[: s.passages], 1):
            lo, hi = data.chunks[hit.chunk, 3:5]
            for row in range(lo, hi):
                if row in seen:
                    continue
                dense = float(data.sentence_vectors[row].astype(np.float32) @ qvec)
                lex = self._overlap(qterms, row)
                ctx = 0.0
                for nb in (row - 1, row + 1):
                    if 0 <= nb < len(data.sentences) and data.sentences[nb, 0] == data.sentences[row, 0]:
                        ctx = max(ctx, self._overlap(qterms, nb))
                f = (dense, lex, ctx, hit.score, hit.dense, hit.lexical, 1.0 / rank)
                score = sum(a * b for a, b in zip(w, f))
                seen[row] = Candidate(row, score, dense, lex, hit.chunk, f)
        return sorted(seen.values(), key=lambda c: -c.score)

    @staticmethod
    def features(best: Candidate, hits: list[Hit]) -> list[float]:
        return [best.dense, best.lex, hits[0].dense if hits else 0.0]

    def calibration_for(self, features: list[float]) -> dict:
        """The fit for these features: with the reader's margin (4 features) or without."""
        cal = self.settings.calibration
        if len(features) > len(cal["weights"]) and "reader" in cal:
            return cal["reader"]
        return cal

    def confidence(self, features: list[float]) -> float:
        cal = self.calibration_for(features)
        z = cal["bias"] + sum(w * v for w, v in zip(cal["weights"], features))
        return 1.0 / (1.0 + math.exp(-z))

    def ask(self, question: str, context: str | None = None) -> Answer:
        """Answer `question`. `context` (words carried over from earlier turns of a
        chat) is added to what is searched; the answer type comes from the question."""
        question = (question or "").strip()
        if not question:
            raise BadQuestionError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise BadQuestionError(f"the question is {len(question)} characters long; "
                                   f"at most {MAX_QUESTION_CHARS} are read")
        searched = f"{question} {context}" if context else question
        t0 = time.perf_counter()
        qvec = self.retriever.embed_question(searched)
        t1 = time.perf_counter()
        hits = self.retriever.search(searched, k=self.settings.k, qvec=qvec)
        t2 = time.perf_counter()
        cands = self.candidates(searched, hits, qvec)
        if not cands:
            return Answer(question, None, True, 0.0, hits=hits, searched=searched)
        chosen, span = self._pick(question, cands)
        feats = self.features(cands[0], hits)
        if span is not None and hasattr(span, "margin"):
            feats.append(span.margin)
        conf = self.confidence(feats)
        answer = self._build(question, cands, chosen, span, conf, self.calibration_for(feats)["threshold"], hits)
        answer.features = feats
        answer.searched = searched
        t3 = time.perf_counter()
        answer.timings_ms = {"embed": (t1 - t0) * 1e3, "retrieve": (t2 - t1) * 1e3, "read": (t3 - t2) * 1e3}
        return answer

    def _pick(self, question: str, cands: list[Candidate]):
        """The answer sentence and the short answer inside it (None: the whole sentence)."""
        chosen, span = cands[0], None
        if self.settings.spans:
            top, texts = self.sentences_to_read(cands, self.settings.span_sentences)
            if self.reader is not None:
                read = self.reader.read(question, texts)
                if read:
                    best = best_read(read, top, self.settings.reader_weight)
                    chosen, span = top[best.sentence], best
            else:
                from .spans import extract

                scores = [c.score - top[0].score for c in top]
                found = extract(question, texts, scores, weight_source=self.settings.span_weights)
                if found is not None:
                    chosen, span = top[found[0]], found[1]
        return chosen, span

    def sentences_to_read(self, cands: list[Candidate], n: int) -> tuple[list[Candidate], list[str]]:
        """The n best candidates and their texts, each text once: a duplicated story is read once."""
        top, texts = [], []
        for c in cands:
            text = self.data.sentence_text(c.sentence)
            if text not in texts:
                top.append(c)
                texts.append(text)
                if len(top) == n:
                    break
        return top, texts

    def _build(self, question: str, cands: list[Candidate], chosen: Candidate, span, conf: float,
               threshold: float, hits: list[Hit]) -> Answer:
        data = self.data
        if conf < threshold:
            return Answer(question, None, True, conf, hits=hits, closest=[self._cite(c) for c in cands[:3]])
        citations = [self._cite(chosen)]
        for c in cands[1:]:
            if len(citations) >= self.settings.max_citations or c.score < 0.85 * chosen.score:
                break
            if c.passage != chosen.passage and c.sentence != chosen.sentence:
                citations.append(self._cite(c))
        sentence = data.sentence_text(chosen.sentence)
        a_start = a_end = None
        text = sentence
        if span is not None:
            s0 = int(data.sentences[chosen.sentence, 1])
            a_start, a_end = s0 + span.start, s0 + span.end
            text = sentence[span.start : span.end]
        return Answer(question, text, False, conf, sentence, citations, a_start, a_end, hits=hits)

    def _cite(self, c: Candidate) -> Citation:
        a, s, e = (int(x) for x in self.data.sentences[c.sentence, :3])
        article = self.data.articles[a]
        _, ps, pe = (int(x) for x in self.data.chunks[c.passage, :3])
        return Citation(article.id, article.title, s, e, article.text[s:e], ps, pe)


def best_read(read: list, top: list[Candidate], weight: float):
    """The reader's span to answer with: highest margin plus `weight` times its
    sentence's ranker score above the best one (`read[i].sentence` indexes `top`)."""
    return max(read, key=lambda r: r.margin + weight * (top[r.sentence].score - top[0].score))
