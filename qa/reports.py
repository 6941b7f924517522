"""When articles give different answers: an update, or reports that disagree.

The rule (the same for every corpus; chosen so that an outlet correcting itself or a
figure reported again days later reads as news moving on, while two outlets that
contradict each other about the same moment read as a disagreement):

* Two figures (answers with numbers): the later report **updates** the earlier one
  when both come from the same outlet,
  or they are dated at least `UPDATE_DAYS` days apart, or the later sentence uses
  words of change ("now", "still", "has risen to", "revised", ...). The answer is the
  newest report (up to the as-of day); the older ones are listed as earlier reports.
* Otherwise (different outlets within a day of each other, undated reports, or answers
  that are not figures: a name or a cause is not "updated" by a later story) the
  reports **disagree**: the answer lists every alternative, each with its citations.

Wire copies of one story are never alternatives to each other (index.wire).

The stage (`find`, then `settle`): the answers other articles give to the question, each a
`Reading` (pick, confidence, features), kept only when they report the same fact
(`same_fact`) with a confident read; then which one answers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.text import NUMBER_WORDS

from . import timeline
from .candidates import Candidate, Pick, Read, article_of, ranker_score
from .records import Hit, Report
from .timeline import MONTHS, days_between

if TYPE_CHECKING:
    from .answer import QA

UPDATE_DAYS = 2
CHANGE_WORDS = re.compile(
    r"\b(now|still|so far|latest|updated?|revised|corrected|has (?:risen|grown|fallen|dropped|climbed|increased|"
    r"decreased)|have (?:risen|grown|fallen|dropped|climbed|increased|decreased)|rose|risen|fell|fallen|"
    r"climbed|dropped|increased to|decreased to|up to|down to|another)\b", re.I)


_NUMBER_WORDS = re.compile(rf"\b({NUMBER_WORDS})\b", re.I)


def is_figure(answer: str) -> bool:
    """Is the answer a figure (a count, amount, rate)?"""
    return any(ch.isdigit() for ch in answer) or bool(_NUMBER_WORDS.search(answer))


def _days(a: str | None, b: str | None) -> int | None:
    return abs(days_between(a, b)) if a and b else None


def relation(a_date: str | None, a_source: str | None, b_date: str | None, b_source: str | None,
             later_sentence: str) -> str:
    """"update" or "disagreement" between two reports (see the module's rule)."""
    if a_source and b_source and a_source.lower() == b_source.lower():
        return "update"
    apart = _days(a_date, b_date)
    if apart is not None and apart >= UPDATE_DAYS:
        return "update"
    if apart is not None and CHANGE_WORDS.search(later_sentence):
        return "update"
    return "disagreement"


def same_answer(a: str, b: str) -> bool:
    """Do two short answers say the same thing: one's words inside the other's, or
    most words shared ("About 25,000" and "25,000 people": yes; "three" and "five": no)?"""
    from collections import Counter

    from common.text import STOPWORDS, words

    wa = Counter(w for w in words(a) if w not in STOPWORDS) or Counter(words(a))
    wb = Counter(w for w in words(b) if w not in STOPWORDS) or Counter(words(b))
    if not wa or not wb:
        return a.strip().lower() == b.strip().lower()
    na, nb = ({w.replace(",", "") for w in x if any(ch.isdigit() for ch in w)} for x in (wa, wb))
    if na and nb and not (na <= nb or nb <= na):
        return False  # different figures: "$3.1 million" is not "$2.4 million"
    common = sum((wa & wb).values())
    if common == min(sum(wa.values()), sum(wb.values())):
        return True
    p, r = common / sum(wa.values()), common / sum(wb.values())
    return common > 0 and 2 * p * r / (p + r) >= 0.5


# -- what an answer states, and whether two reports are of one fact --------------------

_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[^\W\d_][\w'’-]*")
_DIGITS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_DIGITS.update({"twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                "eighty": "80", "ninety": "90", "hundred": "100", "dozen": "12"})
_SAME = {"per": None, "cent": "%", "percent": "%", "pct": "%"}


def answer_tokens(text: str) -> list[str]:
    """Canonical tokens of a short answer or a sentence: numbers without commas ("25,000"
    is "25000"), number words as digits ("five" is "5"), "percent"/"%" as "%", month
    names and abbreviations as one token ("Sept." and "September" alike); other words
    lower-cased and stemmed, stop words dropped.

    >>> answer_tokens("About 25,000 on Sept. 21") == answer_tokens("about 25000 on September 21")
    True
    """
    from common.text import STOPWORDS, stem

    out = []
    for tok in _TOKEN.findall(text.replace("%", " percent ")):
        low = tok.lower().rstrip(".").replace("’", "'")
        if low.endswith("'s"):
            low = low[:-2]
        if low[:1].isdigit():
            out.append(low.replace(",", ""))
        elif low in _DIGITS:
            out.append(_DIGITS[low])
        elif low in _SAME:
            if _SAME[low]:
                out.append(_SAME[low])
        elif low in MONTHS:
            out.append(f"month-{MONTHS[low]}")
        elif low not in STOPWORDS:
            out.append(stem(low))
    return out


def states(sentence: str, answer: str, unit: str = "") -> bool:
    """Does the sentence state this answer? Every word and number of the answer is in it
    (canonical tokens, any order), and for a bare figure the word that follows it where it
    was read (`unit`): "25,000" (people) is stated by "About 25,000 people attended", not
    by "Only 18,000 people attended", and "Forty" (firefighters) not by "40 beds"."""
    want = answer_tokens(answer) + answer_tokens(unit)
    if not want:
        return False
    have = set(answer_tokens(sentence))
    return all(t in have for t in want)


def unit_after(sentence: str, end: int) -> str:
    """The word after a figure that ends at `end`, when it is a content word ("passengers")."""
    m = re.match(r"\s+([^\W\d_][\w'’-]*)", sentence[end:end + 40])
    return m.group(1) if m and answer_tokens(m.group(1)) and not m.group(1)[0].isupper() else ""


# A report of a state that lasts ("still without power", "remain closed") is a different
# fact from the event a question asks about in the past tense ("How many homes lost power?").
STATE_WORDS = re.compile(r"\b(still|remains?|remained|remaining|yet to|continues? to)\b", re.I)
# a question in the past tense asks about an event ("How many homes lost power?", "How many
# were injured?"), not about what lasts
PAST_EVENT = re.compile(r"\b(did|was|were|had|lost|won|hit|struck|took|made|began|left|\w{3,}ed)\b", re.I)
# An intention is a different fact from an outcome: the union's demand, the district's offer
# and the agreed deal are three figures of three facts.
INTENT_WORDS = re.compile(r"\b(wants?|wanted|demands?|demanded|seeks?|sought|asks? for|asked for|calls? for|"
                          r"called for|propos\w*|offers?|offered|hopes?|aims?|plans?|bids?)\b", re.I)
_QUESTION_FILLER = frozenset({"mani", "much", "long", "big", "larg", "old", "often", "far", "get", "got", "make",
                               "made", "take", "took", "happen", "say", "said", "report", "accord"})


def question_terms(question: str) -> set[str]:
    """The question's stemmed content words that say what is asked about (not its wh- and
    helper words)."""
    from common.text import terms

    return {t for t in terms(question) if t not in _QUESTION_FILLER}


_LASTING = {"still", "remai", "witho", "yet", "conti"}


def same_fact(question: str, present: bool, first: tuple[str, str], second: tuple[str, str]) -> bool:
    """Do two reports answer the same question about the same quantity, so that one can
    update or contradict the other? `first` and `second` are (sentence, title) of the
    reports, the earlier one first; `present`: the question asks about now.

    The rule: (1) every question word that either report's sentence holds, the other
    report holds too (in its sentence or its article's title): "How many passengers can the ferry *carry*?" is not
    answered by "900 passengers a day have *used* the ferry"; "When will the bridge
    *reopen*?" not by the day it *closed*. (2) A question about a past event is not
    answered by a later report of what lasts ("How many homes *lost* power?" against "1,100
    homes were *still* without power"). (3) An intention and an outcome are not one fact
    (the union *wants* 6 percent; the deal *agreed* 4.5)."""
    from common.text import terms

    # "injur" and "injuri" are one word here; "still", "remain", "without" say how long a state
    # lasts, not what the quantity is (an earlier "knocked out power to 4,200 homes" is the
    # first value of "still without power"; rule 2 keeps events and states apart)
    asked = {t[:5] for t in question_terms(question)} - _LASTING
    said = [asked & {t[:5] for t in terms(s)} for s, _ in (first, second)]
    known = [asked & {t[:5] for t in terms(f"{s} {t}")} for s, t in (first, second)]
    if not (said[0] <= known[1] and said[1] <= known[0]):
        return False  # a question word one sentence says and the other report never does
    if not present and PAST_EVENT.search(question) and STATE_WORDS.search(second[0]) \
            and not STATE_WORDS.search(first[0]):
        return False
    return bool(INTENT_WORDS.search(first[0])) == bool(INTENT_WORDS.search(second[0]))


# Another article's answer counts as a report of the same fact (an update or a disagreement)
# only when its sentence's ranker score (before time preferences) is this share of the chosen
# one's, it holds this share of the chosen sentence's question-word overlap, and the
# reader's margin on it is this share of the chosen margin (hand-set on the news fixture's
# planted pairs).
REPORT_SCORE_SHARE = 0.85
REPORT_OVERLAP = 0.5
REPORT_MARGIN = 0.6
EXTRA_REPORT_READS = 4  # sentences of other dated articles (two an article group) read for other reports of a figure
# two figures (numbers) are looser: a figure reported again is an update, and same_fact
# (the same question words, no state for an event, no intention for an outcome) guards the pairing
FIGURE_SCORE_SHARE = 0.5
FIGURE_MARGIN = 0.0  # any positive margin: the confidence and same_fact decide
FIGURE_OVERLAP = 0.35


@dataclass(frozen=True)
class Reading:
    """One article's answer to the question: what was read, its confidence and features."""

    pick: Pick
    confidence: float
    features: dict


@dataclass(frozen=True)
class Settled:
    """Which report answers: the newest when they update one another, the chosen one (with
    the others listed) when they disagree."""

    answer: Reading
    earlier: list[Reading]  # older reports an update replaced, newest first
    differ: list[Reading]  # every disagreeing report, the answer's first; empty when none


def short(qa: QA, pick: Pick) -> str:
    text = qa.data.sentence_text(pick.sentence.sentence)
    return text if pick.start is None else text[pick.start : pick.end]


def _group(qa: QA, c: Candidate) -> int:
    return qa.data.group_of(qa.data.sentence_article(c.sentence))


def find(qa: QA, question: str, qt: timeline.QuestionTime, searched: str, hits: list[Hit],
         pick: Pick, threshold: float, cands: list[Candidate] = (), as_of: str | None = None) -> list[Reading]:
    """Answers that other articles (not copies of the chosen one) give to the same
    question, each with a confidence above the threshold. Undated reports from unknown
    outlets can only disagree (`relation`). For a figure, the best sentences of other
    dated articles beyond the windows read for the answer are read too
    (EXTRA_REPORT_READS): an earlier count is often ranked below copies of the newest story."""
    if not pick.others or pick.fit != "reader":
        return []
    data = qa.data
    chosen_answer = short(qa, pick)
    seen_groups, out = {_group(qa, pick.sentence)}, []
    chosen = pick.sentence
    w = qa.settings.sentence_weights
    pool = list(pick.others)
    if is_figure(chosen_answer) and article_of(data, chosen).date:
        read_rows = {chosen.sentence} | {o.candidate.sentence for o in pool}
        per_group: dict[int, int] = {}
        more = []
        for c in cands:
            g = _group(qa, c)
            if c.sentence in read_rows or g in seen_groups or per_group.get(g, 0) == 2 \
                    or not article_of(data, c).date:
                continue
            per_group[g] = per_group.get(g, 0) + 1
            more.append(c)
            if len(more) == EXTRA_REPORT_READS:
                break
        if more:
            texts = [data.sentence_text(c.sentence) for c in more]
            for r in qa.reader.read(question, texts, qa.accept(question)):
                pool.append(Read(more[r.sentence], r.start, r.end, r.margin))
    for o in sorted(pool, key=lambda o: -o.margin):
        cand, start, end, margin = o.candidate, o.start, o.end, o.margin
        art = article_of(data, cand)
        if _group(qa, cand) in seen_groups:
            continue
        # a report of the same fact: ranked close to the chosen sentence, sharing enough
        # of the question's words, and read with a clear margin
        text = data.sentence_text(cand.sentence)
        figures = is_figure(text[start:end]) and is_figure(chosen_answer)
        share, need, overlap = ((FIGURE_SCORE_SHARE, FIGURE_MARGIN, FIGURE_OVERLAP) if figures
                                else (REPORT_SCORE_SHARE, REPORT_MARGIN, REPORT_OVERLAP))
        if (ranker_score(w, cand) < share * ranker_score(w, chosen) or cand.lex < overlap * chosen.lex
                or margin <= max(0.0, need * (pick.margin or 0.0))):
            continue
        if qt.named and timeline.prior(qt, text, art.date, None, None) <= 0:
            continue  # a question about 2025 is not contradicted by a 2026 report
        start, end = qa.whole(text, start, end, question)
        # "from $4 to $5 on Oct. 1": the figure in force on the question's day; a change from the
        # chosen figure restates it, so the two are one fact whatever words they use
        start, end, before = timeline.scheduled_change(question, qt, text, start, end, art.date, as_of)
        restates = before is not None and same_answer(text[before[0]:before[1]], chosen_answer)
        other = Pick(cand, start, end, margin, "reader")
        if same_answer(short(qa, other), chosen_answer):
            continue
        if not restates and not same_fact_of(qa, question, qt, chosen, cand):
            continue  # another figure of another thing: the ferry's capacity is not its daily riders
        if qa.judge is not None:
            judged = qa.judge.read(question, [text])
            other = Pick(cand, start, end, margin, "reader", judged[0].margin if judged else None)
        feats = qa.evidence.confidence_features(question, searched, cand, hits, other)
        conf = qa.confidence(feats, "reader")
        if conf >= threshold:
            seen_groups.add(_group(qa, cand))
            out.append(Reading(other, conf, feats))
        if len(out) == 2:
            break
    return out


def same_fact_of(qa: QA, question: str, qt: timeline.QuestionTime, a: Candidate, b: Candidate) -> bool:
    """Do the sentences of `a` and `b` report the same fact (`same_fact`, the earlier one first)?"""
    art_a, art_b = article_of(qa.data, a), article_of(qa.data, b)
    first, second = ((a, art_a), (b, art_b)) if (art_a.date or "") <= (art_b.date or "") else ((b, art_b), (a, art_a))
    return same_fact(question, qt.present, *((qa.data.sentence_text(c.sentence), art.title)
                                             for c, art in (first, second)))


def settle(qa: QA, question: str, qt: timeline.QuestionTime, chosen: Reading, others: list[Reading]) -> Settled:
    """The answer among the reports (see the module's rule): only figures and holders of a
    post ("Who is the harbour master?": a later appointment) are updated; other answers
    that differ disagree. A question naming its time is not updated."""
    if not others:
        return Settled(chosen, [], [])
    data = qa.data
    updates, differ = [], []
    office = timeline.asks_who_holds(question, qt)
    for o in others:
        a, b = article_of(data, chosen.pick.sentence), article_of(data, o.pick.sentence)
        later = o if (b.date or "") > (a.date or "") else chosen
        kind = relation(a.date, a.source, b.date, b.source, data.sentence_text(later.pick.sentence.sentence))
        if not (is_figure(short(qa, chosen.pick)) and is_figure(short(qa, o.pick))) and not (
                office and a.date and b.date and a.date[:10] != b.date[:10]):
            kind = "disagreement"
        (updates if kind == "update" else differ).append(o)
    if updates and not qt.named:
        chain = sorted([chosen] + updates, key=lambda r: article_of(data, r.pick.sentence).date or "")
        answer, earlier = chain[-1], list(reversed(chain[:-1]))
    else:
        answer, earlier = chosen, []
    return Settled(answer, earlier, [answer] + differ if differ else [])


def report(qa: QA, reading: Reading) -> Report:
    """The answer of one report: its short answer, confidence and the cited sentence."""
    from .citations import cite

    return Report(short(qa, reading.pick), round(float(reading.confidence), 4), [cite(qa.data, reading.pick.sentence)])
