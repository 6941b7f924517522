"""Time and outlets: which articles a question may use, and which it should prefer.

A `Scope` (as-of day, since/until days, outlets) filters articles before retrieval:
as of a day, only articles dated on or before it count (undated ones stay in, marked
undated); `since`/`until` keep dated articles inside the range (undated ones cannot be
placed, so they drop out); `sources` keeps the named outlets.

`QuestionTime` reads what a question says about time. A question about the present
("now", "currently", "latest", "so far", "still", "this week", "recently", ...) prefers
the newest supporting article up to the as-of day ("this week": the seven days before
it), and not a sentence that only recalls older events ("then-Mayor ... in 2015",
"in August" in an October story). A question that names a year, a month or a date
prefers articles and sentences of that time. `prior` turns that into an addition to a
sentence's ranker score (whose scale is a few points between good and poor sentences).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from index.metadata import day, normalize_date

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
PRESENT = re.compile(r"\b(now|currently|current|latest|so far|still|this week|recently|recent|today|"
                     r"at the moment|at present|presently|as of|these days|yet|newest|most recent)\b", re.I)
THIS_WEEK = re.compile(r"\b(this week|past week|last few days|this weekend)\b", re.I)
_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")
_MONTH = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?", re.I)
_RECALL = re.compile(r"\b(then-|former|formerly|last year|years ago|previously|used to|at the time)", re.I)
_SKIP_MAY = re.compile(r"\bmay\b(?!\s+\d)", re.I)  # "may" the verb is not May the month

# Additions to a sentence's ranker score (hand-set; the ranker's weights put a few points
# between a good and a poor sentence, so these move the choice only among close ones).
OLDER_PER_30_DAYS = 2.0  # present questions: per 30 days older than the newest candidate (capped at one)
RECALLS_PAST = 2.0  # present questions: the sentence only recalls older events
OUTSIDE_WEEK = 3.0  # "this week": article older than the seven days before the as-of day
NAMED_TIME = 2.0  # the question names a year/month; the article or sentence is of that time


@dataclass(frozen=True)
class Scope:
    """Which articles may answer: dated on or before `as_of`, inside [since, until],
    from one of `sources` (case-insensitive; empty: all)."""

    as_of: str | None = None
    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()

    @classmethod
    def make(cls, as_of=None, since=None, until=None, sources=()) -> Scope:
        """A scope from user input. A date that cannot be read, or a `since` after `until`,
        raises BadScopeError naming the field."""
        from common.errors import BadScopeError

        out = {}
        for name, value in (("as_of", as_of), ("since", since), ("until", until)):
            if value in (None, ""):
                out[name] = None
                continue
            iso = normalize_date(value) if isinstance(value, str) else None
            if iso is None:
                raise BadScopeError(name, f"{name} {value!r} is not a date (use YYYY-MM-DD)")
            out[name] = day(iso)
        if out["since"] and out["until"] and out["since"] > out["until"]:
            raise BadScopeError("since", f"since {out['since']} is after until {out['until']}: no article can be "
                                         "in that range")
        srcs = tuple(s.strip() for s in (sources or ()) if s and s.strip())
        return cls(out["as_of"], out["since"], out["until"], srcs)

    def __bool__(self) -> bool:
        return bool(self.as_of or self.since or self.until or self.sources)

    def allows(self, date: str | None, source: str | None) -> bool:
        d = day(date)
        if self.as_of and d and d > self.as_of:
            return False
        if (self.since or self.until) and not d:
            return False
        if self.since and d < self.since:
            return False
        if self.until and d > self.until:
            return False
        if self.sources and (source or "").lower() not in {s.lower() for s in self.sources}:
            return False
        return True

    def to_json(self) -> dict:
        return {"as_of": self.as_of, "since": self.since, "until": self.until, "sources": list(self.sources)}


@dataclass(frozen=True)
class QuestionTime:
    present: bool = False
    this_week: bool = False
    years: frozenset[int] = field(default_factory=frozenset)
    months: frozenset[int] = field(default_factory=frozenset)

    @property
    def named(self) -> bool:
        return bool(self.years or self.months)


def question_time(question: str) -> QuestionTime:
    """What the question says about time.

    >>> question_time("How many homes are still without power?").present
    True
    >>> sorted(question_time("How many boats took part in the 2025 regatta?").years)
    [2025]
    """
    years = frozenset(int(y) for y in _YEAR.findall(question))
    months = frozenset(MONTHS[m.group(1).lower()] for m in _MONTH.finditer(_SKIP_MAY.sub(" ", question)))
    return QuestionTime(bool(PRESENT.search(question)) and not years, bool(THIS_WEEK.search(question)),
                        years, months)


def recalls_past(sentence: str, article_date: str | None) -> bool:
    """Does the sentence recall events older than its article: "then-", "former",
    "last year", a year before the article's, or a month before the article's?"""
    if _RECALL.search(sentence):
        return True
    if not article_date:
        return False
    year, month = int(article_date[:4]), int(article_date[5:7])
    if any(int(y) < year for y in _YEAR.findall(sentence)):
        return True
    for m in _MONTH.finditer(_SKIP_MAY.sub(" ", sentence)):
        named = MONTHS[m.group(1).lower()]
        if named < month and month - named <= 6:  # "in August" in an October story
            return True
    return False


def days_between(a: str, b: str) -> int:
    """Days from date `b` to date `a` (their calendar days)."""
    return (dt.date.fromisoformat(a[:10]) - dt.date.fromisoformat(b[:10])).days


def prior(qt: QuestionTime, sentence: str, article_date: str | None, newest: str | None,
          as_of: str | None) -> float:
    """What to add to a candidate sentence's score for the question's time."""
    out = 0.0
    if qt.named:
        of_time = False
        if article_date:
            y, m = int(article_date[:4]), int(article_date[5:7])
            of_time = (not qt.years or y in qt.years) and (not qt.months or m in qt.months)
        said = set(int(y) for y in _YEAR.findall(sentence))
        if of_time or (qt.years & said):
            out += NAMED_TIME
        return out
    if not qt.present:
        return out
    if article_date and newest:
        out -= OLDER_PER_30_DAYS * min(max(days_between(newest, article_date), 0) / 30.0, 1.0)
    if article_date and recalls_past(sentence, article_date):  # undated text: older than what?
        out -= RECALLS_PAST
    if qt.this_week and as_of and article_date and days_between(as_of, article_date) > 7:
        out -= OUTSIDE_WEEK
    return out
