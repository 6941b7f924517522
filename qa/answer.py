"""Turn retrieved passages into a cited answer, or a refusal: the stages, in order.

1. Retrieve passages (hybrid, `qa.retrieval`).  2. Candidates: every sentence of the top
passages scored by the learned sentence ranker, re-scored for time (`qa.candidates`).
3. Read the best sentences' windows with our trained span reader (`qa.reader`;
`reader="rules"`: the answer-type rules of `qa.spans`) and pick the short answer.
4. Confidence: the calibrated fit of the path that cut the answer ("reader" or "rules",
`qa.learned`) over the features of `qa.evidence`; below its threshold, refuse.
5. Reports: other articles' answers to the same question, an update or a disagreement
(`qa.reports`).  6. Citations quoting the article text at their offsets (`qa.citations`).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal, get_args

import numpy as np

from common.errors import BadQuestionError
from common.text import clean_text

from . import learned, reports, timeline
from .answer_type import HARD_TYPES, never_right, required
from .candidates import Candidate, Pick, Read, article_of, best_read, locate, neighbour, rank, time_prior, windows_to_read
from .candidates import sentences_to_read as _sentences_to_read
from .citations import cite, support
from .evidence import BoundedCache
from .records import Answer, Hit
from .retrieval import Retriever
from .spans import answer_type
from .timeline import Scope
from .yesno import is_yes_no, mentions, polarity

MAX_QUESTION_CHARS = 1000
YES_NO_SENTENCES = 3  # best sentences in which a yes/no question looks for one using its words
KIND_WORDS = {"NUMBER": "a count or an amount", "MONEY": "an amount", "PERCENT": "a share",
              "DURATION": "a duration or a length"}

ReaderMode = Literal["auto", "model", "rules"]
JudgeMode = Literal["auto", "off"]
SpanWeights = Literal["learned", "hand"]
READER_MODES = get_args(ReaderMode)


@dataclass(frozen=True)
class AnswerSettings:
    k: int = 20  # passages retrieved
    passages: int = 5  # passages whose sentences compete for the answer
    # sentence score = w . features, in learned.SENTENCE_FEATURES order
    sentence_weights: tuple[float, ...] = field(default_factory=learned.sentence_weights)
    span_sentences: int = 4  # best sentences read for a short answer (chosen with training.tune_reader: 4 read gain
    # ~1 EM point over 3 on part A, 5 nothing more)
    spans: bool = True
    # "model": our trained reader (qa/weights), "rules": answer-type rules over spaCy
    # candidates (qa.spans), "auto": the model when its file is there
    reader: ReaderMode = "auto"
    # with the model: sentence chosen by reader margin + reader_weight * (ranker score - best)
    reader_weight: float = 1.0  # chosen on SQuAD part A with `python -m training.tune_reader`
    # the judge (qa/weights/judge-int8.onnx) reads the chosen sentence again; its margin
    # feeds the confidence. "auto": when its file is there; "off": not used
    judge: JudgeMode = "auto"
    span_weights: SpanWeights = "learned"  # or "hand" (the hand-set weights in qa.spans)
    # counts, amounts and durations must have their kind (qa.answer_type.required); none read: refuse
    type_rules: bool = True
    # neighbours each side of a sentence the reader reads with it (qa.reader.window); None: as it was trained
    window_radius: int | None = None
    # widen short answers to whole words, bracket pairs, names and asked-for lists (qa.whole)
    whole_answers: bool = True
    max_citations: int = 3
    # confidence fits by name (learned.CONFIDENCE_FEATURES), each with its threshold
    calibration: dict = field(default_factory=learned.calibration)

    def __post_init__(self):
        # a typo must not quietly answer with the default (any unknown reader meant the model)
        for name, value, allowed in (("reader", self.reader, READER_MODES), ("judge", self.judge, get_args(JudgeMode)),
                                     ("span_weights", self.span_weights, get_args(SpanWeights))):
            if value not in allowed:
                raise ValueError(f"{name} {value!r}: use one of {', '.join(allowed)}")


class QA:
    """Answers questions from one loaded index; the orchestrator of the stages above.
    `reader` is the span reader to use (default: the shipped one, loaded on first use).
    Constructing it changes nothing outside the object: thread settings belong to the
    entry points (common.runtime)."""

    def __init__(self, retriever: Retriever, settings: AnswerSettings | None = None, reader=None, judge=None):
        self.retriever = retriever
        self.data = retriever.data
        self.settings = settings or AnswerSettings()
        self.evidence = retriever.evidence  # one set of word statistics per loaded index
        self._scope_masks = BoundedCache(64)
        if reader is not None:
            self.__dict__["_reader_model"] = reader
        if judge is not None:
            self.__dict__["_judge_model"] = judge

    # -- models ---------------------------------------------------------------------------

    @property
    def reader(self):
        """The trained span reader, or None where rules cut the short answer
        (follows `settings.reader`, which may change after loading)."""
        mode = self.settings.reader
        if mode == "rules" or (mode == "auto" and not learned.reader_available()):
            return None
        return self._reader_model

    @property
    def loaded_reader(self):
        """The reader model once loaded, else None (a newer QA object can share it)."""
        return self.__dict__.get("_reader_model")

    @property
    def loaded_judge(self):
        return self.__dict__.get("_judge_model")

    @property
    def judge(self):
        """The judge model, or None (not shipped, or `settings.judge` is "off")."""
        if self.settings.judge == "off" or not learned.judge_available():
            return None
        return self._judge_model

    @cached_property
    def _judge_model(self):
        from .reader import Reader

        return Reader(learned.JUDGE_FILE)

    @cached_property
    def _reader_model(self):
        from .reader import Reader

        return Reader()

    # -- scope ----------------------------------------------------------------------------

    @cached_property
    def outlets(self) -> list[str]:
        """The outlets the index's articles come from, sorted (once per loaded version)."""
        return sorted({a.source for a in self.data.articles if a.source})

    def check_scope(self, scope: Scope | None) -> None:
        """An outlet the index does not hold is a mistake to say, not a silent refusal."""
        if not scope or not scope.sources:
            return
        known = {o.lower() for o in self.outlets}
        unknown = [s for s in scope.sources if s.lower() not in known]
        if unknown:
            from common.errors import BadScopeError

            raise BadScopeError("sources", f"no article comes from {', '.join(map(repr, unknown))}; the outlets are: "
                                           + ", ".join(self.outlets[:20]))

    def scope_mask(self, scope: Scope | None) -> np.ndarray | None:
        """bool per passage: its article is inside the scope (None: no scope)."""
        if not scope:
            return None

        def make():
            ok = np.array([scope.allows(a.date, a.source) for a in self.data.articles], dtype=bool)
            return ok[self.data.chunk_articles] if self.data.n_passages else np.zeros(0, bool)
        return self._scope_masks.get_or_make(scope, make)

    # -- stages ---------------------------------------------------------------------------

    def candidates(self, question: str, hits: list[Hit], qvec: np.ndarray) -> list[Candidate]:
        """The ranked sentences of the best passages (qa.candidates.rank)."""
        s = self.settings
        return rank(self.data, self.evidence, question, hits, qvec, s.sentence_weights, s.passages)

    def sentences_to_read(self, cands: list[Candidate], n: int) -> tuple[list[Candidate], list[str]]:
        return _sentences_to_read(self.data, cands, n)

    def features(self, question: str, searched: str, best: Candidate, hits: list[Hit],
                 pick: Pick) -> dict[str, float]:
        """The confidence features (qa.evidence.Evidence.confidence_features)."""
        return self.evidence.confidence_features(question, searched, best, hits, pick)

    def fit(self, name: str) -> dict:
        return self.settings.calibration[name]

    def confidence(self, features: dict[str, float], fit: str) -> float:
        """The named fit's score of these features (`learned.confidence`)."""
        return learned.confidence(self.fit(fit), features)

    def accept(self, question: str):
        """The test the short answer's kind must pass (qa.answer_type.required), or None."""
        return required(question, HARD_TYPES if self.settings.type_rules else ())

    def whole(self, sentence: str, start: int, end: int, question: str) -> tuple[int, int]:
        """The short answer widened to whole words, names and lists (qa.whole), when set."""
        if not self.settings.whole_answers:
            return start, end
        from .whole import whole_span

        a, b = whole_span(sentence, start, end, question)
        return (a, b) if a < b else (start, end)

    def ask(self, question: str, context: str | None = None, scope: Scope | None = None) -> Answer:
        """Answer `question`. `context` (words carried over from earlier turns of a
        chat) is added to what is searched; the answer type comes from the question.
        `scope` limits the articles used (as-of day, date range, outlets)."""
        question = clean_text(question or "").strip()  # lone surrogates: from a CLI argument's odd bytes, say
        context = clean_text(context) if context else context
        if not question:
            raise BadQuestionError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise BadQuestionError(f"the question is {len(question)} characters long; "
                                   f"at most {MAX_QUESTION_CHARS} are read")
        self.check_scope(scope)
        data = self.data
        searched = f"{question} {context}" if context else question
        t0 = time.perf_counter()
        qvec = self.retriever.embed_question(searched)
        t1 = time.perf_counter()
        hits = self.retriever.search(searched, k=self.settings.k, qvec=qvec, allowed=self.scope_mask(scope))
        t2 = time.perf_counter()
        as_of = scope.as_of if scope else None
        qt = timeline.question_time(question, as_of)
        cands = time_prior(data, qt, self.candidates(searched, hits, qvec), as_of)
        if not cands:
            why = ("no article is inside the chosen dates and outlets" if scope and not hits
                   else "nothing in the articles is related to the question")
            return Answer(question, None, True, 0.0, hits=hits, searched=searched, scope=scope, reason=why)
        if qt.years and not any(timeline.of_time_or_says(qt, data.sentence_text(c.sentence),
                                                         article_of(data, c).date) for c in cands):
            # "What was the bus fare in 2019?" over dated articles none of which is of 2019 or names it
            years = " or ".join(str(y) for y in sorted(qt.years))
            return Answer(question, None, True, 0.0, hits=hits, searched=searched, scope=scope,
                          closest=[cite(data, c) for c in cands[:3]],
                          reason=f"no article found is from {years} or says what happened then")
        pick = self._pick(question, cands, as_of)
        feats = self.features(question, searched, cands[0], hits, pick)
        conf = self.confidence(feats, pick.fit)
        if pick.typed is False:
            conf = 0.0  # the question asks for a count (say) and no window read holds one
        threshold = self.fit(pick.fit)["threshold"]
        others = reports.find(self, question, qt, searched, hits, pick, threshold, cands, as_of) if conf >= threshold else []
        settled = reports.settle(self, question, qt, reports.Reading(pick, conf, feats), others)
        pick, conf, feats = settled.answer.pick, settled.answer.confidence, settled.answer.features
        earlier = settled.earlier
        if pick.start is not None:  # "from $4 to $5 on Oct. 1": the figure in force on the question's day
            text = data.sentence_text(pick.sentence.sentence)
            start, end, before = timeline.scheduled_change(question, qt, text, pick.start, pick.end,
                                                           article_of(data, pick.sentence).date, as_of)
            if before is not None and not any(reports.same_answer(text[before[0]:before[1]], reports.short(self, e.pick))
                                              for e in earlier):  # the figure the change replaced is the earlier report
                earlier = [reports.Reading(replace(pick, start=before[0], end=before[1]), conf, feats)] + earlier
            pick = replace(pick, start=start, end=end)
        answer = self._answer(question, cands, pick, conf, threshold, hits)
        answer.features, answer.fit = feats, pick.fit
        answer.searched, answer.scope = searched, scope
        if not answer.refused:
            answer.earlier = [reports.report(self, o) for o in earlier]
            answer.disagreement = [reports.report(self, o) for o in settled.differ]
            if settled.differ:  # the confidence is about which report holds: this one's share of them
                answer.confidence = conf / sum(o.confidence for o in settled.differ)
        t3 = time.perf_counter()
        answer.timings_ms = {"embed": (t1 - t0) * 1e3, "retrieve": (t2 - t1) * 1e3, "read": (t3 - t2) * 1e3}
        return answer

    def _pick(self, question: str, cands: list[Candidate], as_of: str | None = None) -> Pick:
        """The answer sentence and the short answer inside it: read by the trained
        reader (fit "reader"), cut by the rules, or the whole best sentence."""
        if not self.settings.spans:
            return Pick(cands[0])
        if self.reader is not None:
            pick = self._read_pick(question, cands, as_of) or Pick(cands[0])
            if is_yes_no(question):  # "Yes" or "No" with the sentence most like the question that uses
                # one of its words ("There were no arrests"), when one of the best few does
                best = next((c for c in cands[:YES_NO_SENTENCES]
                             if mentions(question, self.data.sentence_text(c.sentence))), cands[0])
                return Pick(best, margin=pick.margin, fit=pick.fit, judge_margin=pick.judge_margin,
                            verdict=polarity(question, self.data.sentence_text(best.sentence)))
            return pick
        top, texts = self.sentences_to_read(cands, self.settings.span_sentences)
        from .spans import extract

        scores = [c.score - top[0].score for c in top]
        found = extract(question, texts, scores, weight_source=self.settings.span_weights)
        if found is not None:
            start, end = self.whole(texts[found[0]], found[1].start, found[1].end, question)
            return Pick(top[found[0]], start, end)
        return Pick(cands[0])

    def _read_pick(self, question: str, cands: list[Candidate], as_of: str | None = None) -> Pick | None:
        """The trained reader over windows around the best sentences (`qa.reader.window`;
        a reader trained on single sentences reads them alone). The span's own sentence is
        the answer's; when it is a neighbour of the sentence the ranker found, that one is
        kept as `context` (it is what ties the answer to the question: "the show", "the park")."""
        data = self.data
        radius = self.settings.window_radius
        radius = int(self.reader.meta.get("radius", 0)) if radius is None else radius
        top, windows, texts = windows_to_read(data, cands, self.settings.span_sentences, radius)
        accept = self.accept(question)
        if accept is not None:  # the kind is tested on the span as it is cited: cut at its sentence's end
            ends = {t: [data.sentence_span(r)[1] - data.sentence_span(w[0])[0] for r in range(w[0], w[1] + 1)]
                    for t, w in zip(texts, windows)}
            whole = accept
            accept = lambda t, a, b: whole(t, a, min([b] + [e for e in ends.get(t, ()) if e > a]))
        reject = never_right(question) if self.settings.type_rules else None
        if timeline.asks_who_holds(question, timeline.question_time(question)):
            # "Who is the mayor?": not someone the text says has left the post, nor one who takes it
            # only after the question's day ("will take up the post on Oct. 12"; qa.timeline)
            day = as_of or dt.date.today().isoformat()
            dates = {t: article_of(data, c).date for t, c in zip(texts, top)}
            echo = reject
            reject = lambda t, a, b: (echo is not None and echo(t, a, b)) or timeline.left_office(t, a, b) or \
                timeline.not_yet_in_office(t, a, b, day, dates.get(t))
        read = self.reader.read(question, texts, accept, reject=reject)
        if not read:
            return None
        if not all(r.rejected for r in read):  # a window whose best spans all cannot answer has no answer
            read = [r for r in read if not r.rejected]
        if accept is not None and any(r.typed for r in read):
            read = [r for r in read if r.typed]  # a window without an answer of the asked-for kind has none
        by_row = {c.sentence: c for c in cands}
        placed = []  # (read span, the same placed in its own sentence)
        for r in read:
            row, start, end = locate(data, windows[r.sentence], r.start, r.end)
            cand = by_row.get(row) or neighbour(data, top[r.sentence], row)
            placed.append((r, Read(cand, start, end, r.margin)))
        best = best_read(read, top, self.settings.reader_weight)
        best_i = next(i for i, p in enumerate(placed) if p[0] is best)
        cand, start, end = placed[best_i][1].candidate, placed[best_i][1].start, placed[best_i][1].end
        text = data.sentence_text(cand.sentence)
        start, end = self.whole(text, start, end, question)
        judged = self.judge.read(question, [text]) if self.judge is not None else []
        others = tuple(p for i, (_, p) in enumerate(placed) if i != best_i)
        centre = top[best.sentence]
        context = centre if centre.sentence != cand.sentence else None
        return Pick(cand, start, end, best.margin, "reader", judged[0].margin if judged else None, others, context,
                    best.typed)

    def _answer(self, question: str, cands: list[Candidate], pick: Pick, conf: float,
                threshold: float, hits: list[Hit]) -> Answer:
        """The answer with its citations, or the refusal with its reason and closest sentences."""
        data = self.data
        chosen = pick.sentence
        if conf < threshold:
            why = (f"the question asks for {KIND_WORDS.get(answer_type(question), 'an answer of one kind')} and no "
                   "passage read holds one" if pick.typed is False
                   else "the closest passages do not say it (the confidence is below the refusal threshold)")
            return Answer(question, None, True, conf, hits=hits, closest=[cite(data, c) for c in cands[:3]], reason=why)
        citations = [cite(data, chosen)]
        if pick.context is not None:  # the sentence that ties the answer to the question
            citations.append(cite(data, pick.context, "context"))
        citations += support(data, cands, pick, citations, self.settings.max_citations)
        sentence = data.sentence_text(chosen.sentence)
        a_start = a_end = None
        text = sentence
        if pick.start is not None:
            s0 = data.sentence_span(chosen.sentence)[0]
            a_start, a_end = s0 + pick.start, s0 + pick.end
            text = sentence[pick.start : pick.end]
        elif pick.verdict:
            text = pick.verdict  # the sentence is the support; no span of it is the answer
        return Answer(question, text, False, conf, sentence, citations, a_start, a_end, hits=hits)
