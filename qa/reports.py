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
"""
from __future__ import annotations

import re

from common.text import NUMBER_WORDS

from .timeline import MONTHS, days_between

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
