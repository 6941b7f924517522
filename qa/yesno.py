"""Yes/no questions: "Did the DOJ comment?" is answered "No" with the sentence that
says so ("DOJ and other U.S. agencies declined to comment ..."), or refused; never with a
phrase cut out of a sentence.

A question is yes/no when it opens with an auxiliary verb ("Did", "Is", "Has", "Can",
...) and offers no choice ("Is it X or Y?" is a choice, read as any other question).
The supporting sentence is found as for any question; its polarity is read by rule: a
negation or a refusal word ("not", "never", "declined", "denied", ...) within the few
words before one of the question's words (or, when the sentence uses none of them,
anywhere in the sentence) makes the answer "No". A negative question ("Didn't the DOJ
comment?") is answered about the fact, as people do: "No" when it did not. The confidence is the answer path's as usual, so a
sentence that only shares words with the question is refused like any weak answer.

    >>> is_yes_no("Did the DOJ comment on the meetings?"), is_yes_no("Who commented?")
    (True, False)
    >>> is_yes_no("Is the ferry run by the town or by a company?")
    False
    >>> polarity("Did the DOJ comment on the meetings?",
    ...          "DOJ and other U.S. agencies declined to comment on meeting with drug cartels.")
    'No'
    >>> polarity("Did the DEA meet with cartels?", "The DEA secretly met with drug traffickers.")
    'Yes'
    >>> polarity("Is the boil-water notice still in force?",
    ...          "The water department lifted the boil-water notice for the north side.")
    'No'
"""
from __future__ import annotations

import re
from functools import lru_cache

from common.text import stem

_AUX = {"is", "are", "was", "were", "am", "do", "does", "did", "has", "have", "had", "can", "could", "will",
        "would", "should", "shall", "may", "might", "must", "isn't", "aren't", "wasn't", "weren't", "don't",
        "doesn't", "didn't", "hasn't", "haven't", "hadn't", "can't", "couldn't", "won't", "wouldn't"}
_NEGATION = re.compile(
    r"\b(?:not|never|no|none|nobody|nothing|neither|nor|without|declined|declines|decline|refused|refuses|"
    r"refuse|denied|denies|deny|failed|fails|rejected|rejects|lifted|ended|cancelled|canceled|halted|"
    r"stopped|withdrew|withdrawn|no longer|unable)\b|n't\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_WINDOW = 6  # words before the question's verb in which a negation counts


def is_yes_no(question: str) -> bool:
    words = question.strip().split()
    if not words or words[0].lower().strip(",") not in _AUX:
        return False
    return not re.search(r"\bor\b", question, re.I)


@lru_cache(maxsize=1)
def _stop_stems() -> frozenset[str]:
    from common.text import STOPWORDS

    return frozenset(stem(w) for w in STOPWORDS)


def _question_stems(question: str) -> set[str]:
    return {stem(w.lower()) for w in _WORD.findall(question)[1:]} - _stop_stems()


def mentions(question: str, sentence: str) -> bool:
    """Does the sentence use one of the question's content words (its polarity can then be
    read next to that word)?

    >>> mentions("Were there any arrests?", "There were no arrests, a police spokesperson said.")
    True
    >>> mentions("Were there any arrests?", "Police put the number of marchers at 2,000.")
    False
    """
    qstems = _question_stems(question)
    return any(stem(w.lower()) in qstems for w in _WORD.findall(sentence))


def polarity(question: str, sentence: str) -> str:
    """'Yes' or 'No': what `sentence` says to the yes/no `question`."""
    qstems = _question_stems(question)
    words = _WORD.findall(sentence)
    lowered = [w.lower() for w in words]
    hits = [i for i, w in enumerate(lowered) if stem(w) in qstems]
    negative = False
    if hits:
        for i in hits:
            before = " ".join(lowered[max(0, i - _WINDOW):i + 1])
            if _NEGATION.search(before):
                negative = True
                break
    else:
        negative = bool(_NEGATION.search(sentence))
    return "No" if negative else "Yes"
