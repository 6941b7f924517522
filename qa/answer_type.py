"""Does the short answer have the type the question asks for?

The question's type comes from its wh-phrase (`qa.spans.answer_type`: how many ->
NUMBER, when -> DATE, who -> PERSON, where -> PLACE, ...); the answer's kind from its
own text, by patterns that need no model (so the query path stays free of spaCy):
digits and number words, dates (years, months, days), names (capitalised words).

`agreement` is a feature of the calibrated confidence: +1 the answer has the asked-for
kind, -1 it has not, 0 the question asks for no particular kind. `required` is the
rule: for the kinds in HARD_TYPES (counts and amounts, dates, durations) the reader
takes its best span of that kind (qa.reader: the best of its 20 best spans that passes),
so "How many firearms ...?" is never answered "2009"; a window without one is read as
holding no answer of that kind (measured on SQuAD part A, docs/results.md).

    >>> agreement("How many agents attended?", "drug trafficking organizations")
    -1.0
    >>> agreement("How many officials were interviewed?", "more than a hundred")
    1.0
    >>> agreement("When was the report published?", "Jan. 6")
    1.0
    >>> agreement("What did the meetings result in?", "drug seizures")
    0.0
    >>> agreement("How many firearms were dispensed?", "2009"), agreement("When did it end?", "years")
    (-1.0, -1.0)
"""
from __future__ import annotations

import re

from .spans import answer_type

_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                 r"hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|dozens|"
                 r"half|once|twice|single|double|triple|several|few|many|no|none|zero")
NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
# a point in time: a year, a month, a weekday, a century, a decade ("the 1990s")
DATE = re.compile(rf"\b(?:1\d{{3}}|20\d{{2}}|\d{{2,4}}s|{_MONTHS}|monday|tuesday|wednesday|thursday|friday|"
                  r"saturday|sunday|today|yesterday|tomorrow|century|centuries|spring|summer|autumn|winter|"
                  r"bc|ad|bce|ce)\b|\d{1,2}(?:st|nd|rd|th)\b", re.I)
YEAR_ONLY = re.compile(r"^\s*(?:in\s+)?(?:1\d{3}|20\d{2})\s*$", re.I)
DURATION = re.compile(r"\b(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century)\b",
                      re.I)
MONEY = re.compile(r"[$€£¥]|\b(?:dollars?|euros?|pounds?|cents?|yen|usd)\b", re.I)
PERCENT = re.compile(r"%|\bper ?cent\b", re.I)
NAME = re.compile(r"(?:^|\s|[“\"(])[A-Z][\w.’'-]*")

# what each expected type accepts
_ACCEPTS = {
    "NUMBER": lambda t: bool(NUMBER.search(t)) and not YEAR_ONLY.match(t),  # a year is not a count
    "MONEY": lambda t: bool(NUMBER.search(t)) and not YEAR_ONLY.match(t),
    "PERCENT": lambda t: bool(NUMBER.search(t)),
    "DATE": lambda t: bool(DATE.search(t)),
    "DURATION": lambda t: bool(NUMBER.search(t) or DURATION.search(t)),
    "PERSON": lambda t: bool(NAME.search(t)),
    "PLACE": lambda t: bool(NAME.search(t)),
    "ORG": lambda t: bool(NAME.search(t)),
}


# kinds whose answers must pass their test (the others only feed the confidence): chosen by
# measurement on SQuAD part A, see docs/results.md
HARD_TYPES = frozenset({"NUMBER", "MONEY", "PERCENT", "DURATION"})


def required(question: str, kinds=HARD_TYPES):
    """The test a short answer to `question` must pass, or None.

    >>> ok = required("How many firearms were dispensed?")
    >>> ok("2009"), ok("about 2,000"), required("Who ran it?") is None
    (False, True, True)
    """
    kind = answer_type(question)
    return _ACCEPTS.get(kind) if kind in kinds else None


def agreement(question: str, answer: str) -> float:
    kind = answer_type(question)
    accepts = _ACCEPTS.get(kind)
    if accepts is None or not answer:
        return 0.0
    return 1.0 if accepts(answer) else -1.0
