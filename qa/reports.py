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

from .timeline import days_between

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
