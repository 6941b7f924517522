"""Turn retrieved passages into a cited answer, or a refusal.

1. Retrieve passages (hybrid, `qa.retrieval`).  2. Score every sentence of the top
passages with the learned sentence ranker (cosine with the question, idf-weighted
word overlap, its neighbours' overlap, its passage's scores and rank).  3. Read the
best sentences with our trained span reader (`qa.reader`; `reader="rules"`: the
answer-type rules of `qa.spans`) and pick the short answer.  4. Confidence: the
calibrated fit of the path that cut the answer ("reader" or "rules", see
`qa.learned`); below its threshold, refuse.  Citations quote the article text at
their offsets.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from common.errors import BadQuestionError
from common.text import clean_text, terms
from index.lexical import idf_table

from . import learned, reports, timeline
from .answer_type import HARD_TYPES, required
from .records import Answer, Citation, Hit, Report
from .retrieval import Retriever
from .spans import answer_type
from .timeline import Scope
from .yesno import is_yes_no, mentions, polarity

MAX_QUESTION_CHARS = 1000
YES_NO_SENTENCES = 3  # best sentences in which a yes/no question looks for one using its words
KIND_WORDS = {"NUMBER": "a count or an amount", "MONEY": "an amount", "PERCENT": "a share",
              "DURATION": "a duration or a length"}
# Another article's answer counts as a report of the same fact (an update or a disagreement)
# only when its sentence's ranker score (before time preferences) is this share of the chosen
# one's, it holds this share of the chosen sentence's question-word overlap, and the
# reader's margin on it is this share of the chosen margin (hand-set on the news fixture's
# planted pairs; see qa.reports).
REPORT_SCORE_SHARE = 0.85
REPORT_OVERLAP = 0.5
REPORT_MARGIN = 0.6
EXTRA_REPORT_READS = 4  # sentences of other dated articles (two an article group) read for other reports of a figure
# two figures (numbers) are looser: a figure reported again is an update, and qa.reports.same_fact
# (the same question words, no state for an event, no intention for an outcome) guards the pairing
FIGURE_SCORE_SHARE = 0.6
FIGURE_MARGIN = 0.0  # any positive margin: the confidence and same_fact decide
FIGURE_OVERLAP = 0.4
_NAMES = re.compile(r"\b(?:[A-Z][\w’'-]*|\d[\d,.]*\d|\d)")  # names and numbers in a question
_NAMES_ANY = re.compile(r"\w[\w’'-]*\w|\w|\d[\d,.]*\d")


READER_MODES = ("auto", "model", "rules")


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
    reader: str = "auto"
    # with the model: sentence chosen by reader margin + reader_weight * (ranker score - best)
    reader_weight: float = 1.0  # chosen on SQuAD part A with `python -m training.tune_reader`
    # the judge (qa/weights/judge-int8.onnx) reads the chosen sentence again; its margin
    # feeds the confidence. "auto": when its file is there; "off": not used
    judge: str = "auto"
    span_weights: str = "learned"  # or "hand" (the hand-set weights in qa.spans)
    # counts, amounts and durations must have their kind (qa.answer_type.required); none read: refuse
    type_rules: bool = True
    # neighbours each side of a sentence the reader reads with it (qa.reader.window); None: as it was trained
    window_radius: int | None = None
    # widen short answers to whole words, bracket pairs, names and asked-for lists (qa.whole)
    whole_answers: bool = True
    max_citations: int = 3

    def __post_init__(self):
        # a typo must not quietly answer with the default (any unknown reader meant the model)
        for name, value, allowed in (("reader", self.reader, READER_MODES), ("judge", self.judge, ("auto", "off")),
                                     ("span_weights", self.span_weights, ("learned", "hand"))):
            if value not in allowed:
                raise ValueError(f"{name} {value!r}: use one of {', '.join(allowed)}")
    # confidence fits by name (learned.CONFIDENCE_FEATURES), each with its threshold
    calibration: dict = field(default_factory=learned.calibration)


@dataclass(frozen=True)
class Pick:
    """The answer sentence and the short answer inside it."""

    sentence: Candidate
    start: int | None = None  # offsets in the sentence text; None: the whole sentence
    end: int | None = None
    margin: float | None = None  # the trained reader's margin over "no answer here"
    fit: str = "rules"  # the confidence fit that scores this answer
    judge_margin: float | None = None  # the judge's margin on the chosen sentence
    others: tuple = ()  # the reader's best span in each other window read: (Candidate, start, end, margin)
    context: Candidate | None = None  # the sentence the ranker found, when the answer is in its neighbour
    typed: bool | None = None  # the question fixes the answer's kind (qa.answer_type.required): found one or not
    verdict: str | None = None  # a yes/no question's answer, "Yes" or "No" (qa.yesno)


@dataclass
class Candidate:
    sentence: int  # row in the index's sentence table
    score: float
    dense: float
    lex: float
    passage: int  # best retrieved passage containing it (row)
    features: tuple[float, ...] = ()


class QA:
    """Answers questions from one loaded index. `reader` is the span reader to use
    (default: the shipped one, loaded on first use). Constructing it changes nothing
    outside the object: thread settings belong to the entry points (common.runtime)."""

    def __init__(self, retriever: Retriever, settings: AnswerSettings | None = None, reader=None, judge=None):
        self.retriever = retriever
        self.data = retriever.data
        self.settings = settings or AnswerSettings()
        self._terms_cache: dict[int, frozenset[str]] = {}
        self._article_words: dict[int, frozenset[str]] = {}
        if reader is not None:
            self.__dict__["_reader_model"] = reader
        if judge is not None:
            self.__dict__["_judge_model"] = judge

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

    @cached_property
    def idf(self) -> dict[str, float]:
        """Inverse sentence frequency of each term, from the counts the index saved."""
        return idf_table(self.data.sentence_df, len(self.data.sentences))

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

    def question_terms(self, question: str) -> dict[str, float]:
        """The question's stemmed content words and their idf (unknown words: the highest)."""
        return {t: self.idf.get(t, self.max_idf) for t in set(terms(question))}

    def article_words(self, row: int) -> frozenset[str]:
        """The article's words, lower-cased (cached)."""
        cache = self._article_words
        if row not in cache:
            if len(cache) > 20_000:
                cache.clear()
            art = self.data.articles[row]
            cache[row] = frozenset(w.lower() for w in _NAMES_ANY.findall(art.text + " " + _date_words(art.date)))
        return cache[row]

    def missing_names(self, question: str, sentence_row: int) -> float:
        """Share of the question's names and numbers (capitalised words after the
        first, digits) that the answer's article never uses: a swapped-in name or an
        impossible year shows here, a paraphrased common word does not."""
        names = {w.lower() for w in _NAMES.findall(question.split(" ", 1)[1] if " " in question else "")}
        if not names:
            return 0.0
        present = self.article_words(self.data.sentence_article(sentence_row))
        return sum(w not in present for w in names) / len(names)

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
        cache = self.__dict__.setdefault("_scope_masks", {})
        if scope not in cache:
            if len(cache) > 64:
                cache.clear()
            ok = np.array([scope.allows(a.date, a.source) for a in self.data.articles], dtype=bool)
            cache[scope] = ok[self.data.chunk_articles] if self.data.n_passages else np.zeros(0, bool)
        return cache[scope]

    def _time_prior(self, qt: timeline.QuestionTime, cands: list[Candidate], as_of: str | None) -> list[Candidate]:
        """Candidates re-scored for what the question says about time (qa.timeline)."""
        if not (qt.present or qt.named) or not cands:
            return cands
        data = self.data
        dates = {c.sentence: self._article(c).date for c in cands}
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

    def candidates(self, question: str, hits: list[Hit], qvec: np.ndarray) -> list[Candidate]:
        s = self.settings
        qterms = self.question_terms(question)
        data = self.data
        seen: dict[int, Candidate] = {}
        w = s.sentence_weights
        for rank, hit in enumerate(hits[: s.passages], 1):
            lo, hi = data.chunk_sentences(hit.chunk)
            for row in range(lo, hi):
                if row in seen:
                    continue
                dense = float(data.sentence_vectors[row].astype(np.float32) @ qvec)
                lex = self._overlap(qterms, row)
                ctx = 0.0
                for nb in (row - 1, row + 1):
                    if 0 <= nb < len(data.sentences) and data.sentence_article(nb) == data.sentence_article(row):
                        ctx = max(ctx, self._overlap(qterms, nb))
                f = (dense, lex, ctx, hit.score, hit.dense, hit.lexical, 1.0 / rank)
                score = sum(a * b for a, b in zip(w, f))
                seen[row] = Candidate(row, score, dense, lex, hit.chunk, f)
        return sorted(seen.values(), key=lambda c: -c.score)

    def features(self, question: str, searched: str, best: Candidate, hits: list[Hit],
                 pick: Pick) -> dict[str, float]:
        """The confidence features (named as in learned.CONFIDENCE_FEATURES)."""
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

    def article_terms(self, row: int) -> frozenset[str]:
        """The article's stemmed content words (cached)."""
        cache = self.__dict__.setdefault("_article_terms", {})
        if row not in cache:
            if len(cache) > 20_000:
                cache.clear()
            art = self.data.articles[row]
            cache[row] = frozenset(terms(art.title + "\n" + art.text))
        return cache[row]

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

    def fit(self, name: str) -> dict:
        return self.settings.calibration[name]

    def confidence(self, features: dict[str, float], fit: str) -> float:
        """The named fit's score of these features (`learned.confidence`)."""
        return learned.confidence(self.fit(fit), features)

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
        searched = f"{question} {context}" if context else question
        t0 = time.perf_counter()
        qvec = self.retriever.embed_question(searched)
        t1 = time.perf_counter()
        hits = self.retriever.search(searched, k=self.settings.k, qvec=qvec, allowed=self.scope_mask(scope))
        t2 = time.perf_counter()
        as_of = scope.as_of if scope else None
        qt = timeline.question_time(question, as_of)
        cands = self._time_prior(qt, self.candidates(searched, hits, qvec), as_of)
        if not cands:
            why = ("no article is inside the chosen dates and outlets" if scope and not hits
                   else "nothing in the articles is related to the question")
            return Answer(question, None, True, 0.0, hits=hits, searched=searched, scope=scope, reason=why)
        if qt.years and not any(timeline.of_time_or_says(qt, self.data.sentence_text(c.sentence),
                                                         self._article(c).date) for c in cands):
            # "What was the bus fare in 2019?" over dated articles none of which is of 2019 or names it
            years = " or ".join(str(y) for y in sorted(qt.years))
            return Answer(question, None, True, 0.0, hits=hits, searched=searched, scope=scope,
                          closest=[self._cite(c) for c in cands[:3]],
                          reason=f"no article found is from {years} or says what happened then")
        pick = self._pick(question, cands, as_of)
        feats = self.features(question, searched, cands[0], hits, pick)
        conf = self.confidence(feats, pick.fit)
        if pick.typed is False:
            conf = 0.0  # the question asks for a count (say) and no window read holds one
        threshold = self.fit(pick.fit)["threshold"]
        others = self._other_reports(question, qt, searched, hits, pick, threshold, cands) if conf >= threshold else []
        pick, conf, feats, earlier, differ = self._settle(question, qt, pick, conf, feats, others)
        if pick.start is not None:  # "from $4 to $5 on Oct. 1": the figure in force on the question's day
            text = self.data.sentence_text(pick.sentence.sentence)
            start, end, before = timeline.scheduled_change(question, qt, text, pick.start, pick.end,
                                                           self._article(pick.sentence).date, as_of)
            if before is not None:  # the figure the change replaced is the earlier report
                earlier = [(replace(pick, start=before[0], end=before[1]), conf, feats)] + earlier
            pick = replace(pick, start=start, end=end)
        answer = self._build(question, cands, pick, conf, threshold, hits)
        answer.features, answer.fit = feats, pick.fit
        answer.searched, answer.scope = searched, scope
        if not answer.refused:
            answer.earlier = [self._report(o) for o in earlier]
            answer.disagreement = [self._report(o) for o in differ]
            if differ:  # the confidence is about which report holds: this one's share of them
                answer.confidence = conf / sum(o[1] for o in differ)
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
            start, end = self._whole(texts[found[0]], found[1].start, found[1].end, question)
            return Pick(top[found[0]], start, end)
        return Pick(cands[0])

    def _read_pick(self, question: str, cands: list[Candidate], as_of: str | None = None) -> Pick | None:
        """The trained reader over windows around the best sentences (`qa.reader.window`;
        a reader trained on single sentences reads them alone). The span's own sentence is
        the answer's; when it is a neighbour of the sentence the ranker found, that one is
        kept as `context` (it is what ties the answer to the question: "the show", "the park")."""

        radius = self.settings.window_radius
        radius = int(self.reader.meta.get("radius", 0)) if radius is None else radius
        top, windows, texts = self.windows_to_read(cands, self.settings.span_sentences, radius)
        accept = self._accept(question)
        reject = None
        if timeline.asks_who_holds(question, timeline.question_time(question)):
            # "Who is the mayor?": not someone the text says has left the post, nor one who takes it
            # only after the question's day ("will take up the post on Oct. 12"; qa.timeline)
            day = as_of or dt.date.today().isoformat()
            dates = {t: self._article(c).date for t, c in zip(texts, top)}
            reject = lambda t, a, b: timeline.left_office(t, a, b) or timeline.not_yet_in_office(
                t, a, b, day, dates.get(t))
        read = self.reader.read(question, texts, accept, reject=reject)
        if not read:
            return None
        if accept is not None and any(r.typed for r in read):
            read = [r for r in read if r.typed]  # a window without an answer of the asked-for kind has none
        by_row = {c.sentence: c for c in cands}
        placed = []  # (read span, candidate of the span's sentence, start, end in that sentence)
        for r in read:
            row, start, end = self._locate(windows[r.sentence], r.start, r.end)
            cand = by_row.get(row) or self._neighbour(top[r.sentence], row)
            placed.append((r, cand, start, end))
        best = best_read(read, top, self.settings.reader_weight)
        best_i = next(i for i, p in enumerate(placed) if p[0] is best)
        _, cand, start, end = placed[best_i]
        text = self.data.sentence_text(cand.sentence)
        start, end = self._whole(text, start, end, question)
        judged = self.judge.read(question, [text]) if self.judge is not None else []
        others = tuple((c, a, b, r.margin) for i, (r, c, a, b) in enumerate(placed) if i != best_i)
        centre = top[best.sentence]
        context = centre if centre.sentence != cand.sentence else None
        return Pick(cand, start, end, best.margin, "reader", judged[0].margin if judged else None, others, context,
                    best.typed)

    def _accept(self, question: str):
        """The test the short answer's kind must pass (qa.answer_type.required), or None."""
        return required(question, HARD_TYPES if self.settings.type_rules else ())

    def windows_to_read(self, cands: list[Candidate], n: int,
                        radius: int) -> tuple[list[Candidate], list[tuple[int, int]], list[str]]:
        """The n best candidates, each with its window (first and last sentence row) and the
        window's text; a window whose text was already taken (a duplicated story) is read once."""
        from .reader import window

        data = self.data
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
            text = self._window_text(w)
            if text in texts:
                continue
            top.append(c)
            windows.append(w)
            texts.append(text)
            if len(top) == n:
                break
        return top, windows, texts

    def _window_text(self, w: tuple[int, int]) -> str:
        data = self.data
        return data.articles[data.sentence_article(w[0])].text[data.sentence_span(w[0])[0]:data.sentence_span(w[1])[1]]

    def _locate(self, w: tuple[int, int], start: int, end: int) -> tuple[int, int, int]:
        """A span of a window's text as (sentence row, start, end in that sentence): the
        sentence where it starts, cut at that sentence's end."""
        data = self.data
        base = data.sentence_span(w[0])[0]
        a0, a1 = base + start, base + end
        row = w[0]
        while row < w[1] and data.sentence_span(row)[1] <= a0:
            row += 1
        s0, s1 = data.sentence_span(row)
        a0 = min(max(a0, s0), s1 - 1)
        a1 = max(a0 + 1, min(a1, s1))
        return row, a0 - s0, a1 - s0

    def _neighbour(self, centre: Candidate, row: int) -> Candidate:
        """A candidate for a sentence the ranker did not rank (a neighbour in a window):
        its centre's scores, its own passage."""
        same = self.data.passages_holding(row)
        passage = centre.passage if not len(same) or centre.passage in same else int(same[0])
        return Candidate(row, centre.score, centre.dense, centre.lex, passage, centre.features)

    def _article(self, c: Candidate):
        return self.data.articles[self.data.sentence_article(c.sentence)]

    def _short(self, pick: Pick) -> str:
        text = self.data.sentence_text(pick.sentence.sentence)
        return text if pick.start is None else text[pick.start : pick.end]

    def _group(self, c: Candidate) -> int:
        return self.data.group_of(self.data.sentence_article(c.sentence))

    def _other_reports(self, question: str, qt: timeline.QuestionTime, searched: str, hits: list[Hit],
                       pick: Pick, threshold: float, cands: list[Candidate] = ()) -> list[tuple[Pick, float, dict]]:
        """Answers that other articles (not copies of the chosen one) give to the same
        question, each with a confidence above the threshold: (pick, confidence, features).
        Undated reports from unknown outlets can only disagree (qa.reports). For a figure,
        the best sentences of other dated articles beyond the windows read for the answer
        are read too (EXTRA_REPORT_READS): an earlier count is often ranked below copies
        of the newest story."""
        if not pick.others or pick.fit != "reader":
            return []
        chosen_answer = self._short(pick)
        seen_groups, out = {self._group(pick.sentence)}, []
        chosen = pick.sentence
        w = self.settings.sentence_weights
        base = lambda c: sum(a * b for a, b in zip(w, c.features))  # the score before time preferences
        pool = list(pick.others)
        if reports.is_figure(chosen_answer) and self._article(chosen).date:
            read_rows = {chosen.sentence} | {o[0].sentence for o in pool}
            per_group: dict[int, int] = {}
            more = []
            for c in cands:
                g = self._group(c)
                if c.sentence in read_rows or g in seen_groups or per_group.get(g, 0) == 2 \
                        or not self._article(c).date:
                    continue
                per_group[g] = per_group.get(g, 0) + 1
                more.append(c)
                if len(more) == EXTRA_REPORT_READS:
                    break
            if more:
                texts = [self.data.sentence_text(c.sentence) for c in more]
                for r in self.reader.read(question, texts, self._accept(question)):
                    pool.append((more[r.sentence], r.start, r.end, r.margin))
        for cand, start, end, margin in sorted(pool, key=lambda o: -o[3]):
            art = self._article(cand)
            if self._group(cand) in seen_groups:
                continue
            # a report of the same fact: ranked close to the chosen sentence, sharing enough
            # of the question's words, and read with a clear margin
            text = self.data.sentence_text(cand.sentence)
            figures = reports.is_figure(text[start:end]) and reports.is_figure(chosen_answer)
            share, need, overlap = ((FIGURE_SCORE_SHARE, FIGURE_MARGIN, FIGURE_OVERLAP) if figures
                                    else (REPORT_SCORE_SHARE, REPORT_MARGIN, REPORT_OVERLAP))
            if (base(cand) < share * base(chosen) or cand.lex < overlap * chosen.lex
                    or margin <= max(0.0, need * (pick.margin or 0.0))):
                continue
            if qt.named and timeline.prior(qt, text, art.date, None, None) <= 0:
                continue  # a question about 2025 is not contradicted by a 2026 report
            start, end = self._whole(text, start, end, question)
            other = Pick(cand, start, end, margin, "reader")
            if reports.same_answer(self._short(other), chosen_answer):
                continue
            if not self._same_fact(question, qt, chosen, cand):
                continue  # another figure of another thing: the ferry's capacity is not its daily riders
            if self.judge is not None:
                judged = self.judge.read(question, [text])
                other = Pick(cand, start, end, margin, "reader", judged[0].margin if judged else None)
            feats = self.features(question, searched, cand, hits, other)
            conf = self.confidence(feats, "reader")
            if conf >= threshold:
                seen_groups.add(self._group(cand))
                out.append((other, conf, feats))
            if len(out) == 2:
                break
        return out

    def _same_fact(self, question: str, qt: timeline.QuestionTime, a: Candidate, b: Candidate) -> bool:
        """Do the sentences of `a` and `b` report the same fact (qa.reports.same_fact)?"""
        art_a, art_b = self._article(a), self._article(b)
        first, second = ((a, art_a), (b, art_b)) if (art_a.date or "") <= (art_b.date or "") else ((b, art_b), (a, art_a))
        return reports.same_fact(question, qt.present, *((self.data.sentence_text(c.sentence), art.title)
                                                         for c, art in (first, second)))

    def _settle(self, question: str, qt: timeline.QuestionTime, pick: Pick, conf: float, feats: dict, others: list):
        """The answer among the reports: the newest when they update one another, the
        chosen one (with the others listed) when they disagree. Returns (pick,
        confidence, features, earlier reports, disagreeing reports)."""
        if not others:
            return pick, conf, feats, [], []
        chosen = (pick, conf, feats)
        updates, differ = [], []
        office = timeline.asks_who_holds(question, qt)
        for o in others:
            a, b = self._article(pick.sentence), self._article(o[0].sentence)
            later = o if (b.date or "") > (a.date or "") else chosen
            kind = reports.relation(a.date, a.source, b.date, b.source, self.data.sentence_text(later[0].sentence.sentence))
            if not (reports.is_figure(self._short(pick)) and reports.is_figure(self._short(o[0]))) and not (
                    office and a.date and b.date and a.date[:10] != b.date[:10]):
                # only figures and holders of a post ("Who is the harbour master?": a later
                # appointment) are updated; other answers that differ disagree
                kind = "disagreement"
            (updates if kind == "update" else differ).append(o)
        if updates and not qt.named:
            chain = sorted([chosen] + updates, key=lambda r: self._article(r[0].sentence).date or "")
            chosen = chain[-1]
            earlier = list(reversed(chain[:-1]))
        else:
            earlier = []
        return (*chosen, earlier, [chosen] + differ if differ else [])

    def _report(self, item: tuple) -> Report:
        """An answer of one report: its short answer, confidence and the cited sentence."""
        pick, conf, _ = item
        return Report(self._short(pick), round(float(conf), 4), [self._cite(pick.sentence)])

    def _whole(self, sentence: str, start: int, end: int, question: str) -> tuple[int, int]:
        if not self.settings.whole_answers:
            return start, end
        from .whole import whole_span

        a, b = whole_span(sentence, start, end, question)
        return (a, b) if a < b else (start, end)

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

    def _build(self, question: str, cands: list[Candidate], pick: Pick, conf: float,
               threshold: float, hits: list[Hit]) -> Answer:
        data = self.data
        chosen = pick.sentence
        if conf < threshold:
            why = (f"the question asks for {KIND_WORDS.get(answer_type(question), 'an answer of one kind')} and no "
                   "passage read holds one" if pick.typed is False
                   else "the closest passages do not say it (the confidence is below the refusal threshold)")
            return Answer(question, None, True, conf, hits=hits, closest=[self._cite(c) for c in cands[:3]], reason=why)
        citations = [self._cite(chosen)]
        if pick.context is not None:  # the sentence that ties the answer to the question
            citations.append(self._cite(pick.context, "context"))
        sentence = data.sentence_text(chosen.sentence)
        short = sentence[pick.start : pick.end] if pick.start is not None else None
        unit = reports.unit_after(sentence, pick.end) if short and reports.is_figure(short) else ""
        for c in cands[1:]:
            if len(citations) >= self.settings.max_citations or c.score < 0.85 * chosen.score:
                break
            if c.passage == chosen.passage or c.sentence == chosen.sentence or (
                    pick.context is not None and c.sentence == pick.context.sentence):
                continue
            cited = {x.article_id for x in citations}
            # another passage of a cited article, or an article of a group not cited yet (copies cite once)
            if not (self._article(c).id in cited or self._group(c) not in {
                    self.data.group_of(self.data.article_row[a]) for a in cited}):
                continue
            # support states the same answer: a sentence with another figure for the same
            # quantity is a differing report or an update (qa.reports), never support
            if pick.verdict or (short is not None and not reports.states(data.sentence_text(c.sentence), short, unit)):
                continue
            citations.append(self._cite(c, "support"))
        a_start = a_end = None
        text = sentence
        if short is not None:
            s0 = data.sentence_span(chosen.sentence)[0]
            a_start, a_end = s0 + pick.start, s0 + pick.end
            text = short
        elif pick.verdict:
            text = pick.verdict  # the sentence is the support; no span of it is the answer
        return Answer(question, text, False, conf, sentence, citations, a_start, a_end, hits=hits)

    def _cite(self, c: Candidate, role: str = "answer") -> Citation:
        a, (s, e) = self.data.sentence_article(c.sentence), self.data.sentence_span(c.sentence)
        article = self.data.articles[a]
        ps, pe = self.data.chunk_span(c.passage)
        if self.data.chunk_article(c.passage) != a:  # a sentence read from a copy's passage
            ps, pe = s, e
        also = tuple({"article_id": self.data.articles[r].id, "source": self.data.articles[r].source,
                      "date": self.data.articles[r].date} for r in self.data.copies(a))
        page = None
        if article.pages:
            from bisect import bisect_right

            page = bisect_right(article.pages, s)
        return Citation(article.id, article.title, s, e, article.text[s:e], ps, pe, article.date,
                        article.source, article.url, also, page, role)


def _date_words(date: str | None) -> str:
    """'2025-09-07' -> '2025 september sept sep 7': a news article is of its date, said or not."""
    if not date:
        return ""
    from .timeline import MONTHS

    y, m, d = date[:4], int(date[5:7]), int(date[8:10])
    return " ".join([y, str(d)] + [name for name, i in MONTHS.items() if i == m])


def best_read(read: list, top: list[Candidate], weight: float):
    """The reader's span to answer with: highest margin plus `weight` times its
    sentence's ranker score above the best one (`read[i].sentence` indexes `top`)."""
    return max(read, key=lambda r: r.margin + weight * (top[r.sentence].score - top[0].score))
