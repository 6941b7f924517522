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

from .spans import answer_type

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
# "may" the verb is not May the month, nor "march" the walk March (unless a day or a year
# follows, or "in/since/until/by/early/late/last/next/this" comes before)
_SKIP_MAY = re.compile(r"\bmay\b(?!\s+\d)|(?<!\bin )(?<!\bof )(?<!since )(?<!until )(?<!\bby )(?<!early )"
                       r"(?<!\blate )(?<!\blast )(?<!\bnext )(?<!\bthis )\b(?:march|mar)\b(?!\.?\s+\d)", re.I)

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


_RELATIVE_YEAR = re.compile(r"\b(last|this|next)\s+year\b", re.I)
_YEAR_SHIFT = {"last": -1, "this": 0, "next": 1}


def question_time(question: str, as_of: str | None = None) -> QuestionTime:
    """What the question says about time. Asked as of a day, "last year" and "this year"
    name years (the day's year, one before).

    >>> question_time("How many homes are still without power?").present
    True
    >>> sorted(question_time("How many boats took part in the 2025 regatta?").years)
    [2025]
    >>> sorted(question_time("Which boat won the regatta last year?", as_of="2026-09-10").years)
    [2025]
    """
    years = frozenset(int(y) for y in _YEAR.findall(question))
    if as_of:
        years |= {int(as_of[:4]) + _YEAR_SHIFT[m.group(1).lower()] for m in _RELATIVE_YEAR.finditer(question)}
    months = frozenset(MONTHS[m.group(1).lower()] for m in _MONTH.finditer(_SKIP_MAY.sub(" ", question)))
    return QuestionTime(bool(PRESENT.search(question)) and not years, bool(THIS_WEEK.search(question)),
                        years, months)


def of_years(qt: QuestionTime, article_date: str | None) -> bool:
    """Is the article dated in a year the question names?"""
    return bool(article_date and qt.years and int(article_date[:4]) in qt.years)


def of_time_or_says(qt: QuestionTime, sentence: str, article_date: str | None) -> bool:
    """Can the sentence speak of the years the question names: its article is undated (it
    may be of any time), dated in one of them, or the sentence names one?"""
    return (not article_date or of_years(qt, article_date)
            or bool(qt.years & {int(y) for y in _YEAR.findall(sentence)}))


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


# -- offices: who holds one now ---------------------------------------------------------

_OFFICE_Q = re.compile(r"^\s*who(?:\s+is|'s|’s|\s+serves\s+as|\s+runs|\s+leads|\s+heads)\s+(?:now\s+)?"
                       r"(?:the\s+)?(?:current\s+|new\s+|acting\s+|interim\s+)?\w", re.I)
_DEPARTED = r"resigned|retired|stepped\s+down|quit|died|was\s+(?:replaced|ousted|fired|dismissed|removed)"
_LEFT_AFTER = re.compile(r"^[\s,]*(?:,?\s*who\s+)?(?:has\s+|had\s+|have\s+)?(?:since\s+|recently\s+|abruptly\s+)?"
                         rf"(?:{_DEPARTED}|left|was\s+voted\s+out|lost\s+(?:the|her|his|their)\s+(?:seat|election|job))\b",
                         re.I)
_LEFT_BEFORE = re.compile(r"(?:\bthen-|\bformer\s+|\bex-|\blate\s+|\bthe\s+previous\s+|\boutgoing\s+|"
                          r"\breplaces?\s+|\breplaced\s+|\bsucceeds?\s+|\bsucceeded\s+)(?:\w+\s+){0,2}$", re.I)


_NAME_REST = re.compile(r"(?:\s+[A-Z][\w'’-]*)+")


def _name_end(text: str, end: int) -> int:
    """The end of the name a span ends inside: "Aaron" of "Aaron Vance stepped down" -> after "Vance"."""
    rest = _NAME_REST.match(text, end)
    return rest.end() if rest else end
_LEFT_INSIDE = re.compile(rf"\b(?:{_DEPARTED})\b", re.I)  # "left" and "voted out" only after the name


def asks_who_holds(question: str, qt: QuestionTime) -> bool:
    """"Who is the mayor?", "Who is the police chief now?": who holds a post at the
    question's moment (not "Who was ...?", nor a question naming a year)."""
    m = _OFFICE_Q.search(question)
    return bool(m) and question[m.end() - 1].islower() and not qt.named  # "Who is Ruth Okafor?" asks who she is


def left_office(text: str, start: int, end: int) -> bool:
    """Does the text say the person at [start, end) no longer holds the post: "Mayor Ruth
    Okafor resigned in August", "Chief Victor Hale, who retired in June", "then-Mayor
    Ruth Okafor", "replaces Chief Victor Hale"? Such a span does not answer "Who is the
    mayor?" (the acting or new holder, often in the next sentence, does)."""
    end = _name_end(text, end)
    return bool(_LEFT_AFTER.search(text[end:end + 60]) or _LEFT_BEFORE.search(text[max(0, start - 40):start])
                or _LEFT_INSIDE.search(text[start:end]))  # "Joan Pryce retired on Friday ..." as one span


_STARTS = re.compile(r"[^.;]{0,40}?\b(?:will|is\s+to|is\s+due\s+to|is\s+set\s+to|is\s+expected\s+to)\s+"
                     r"(?:take\s+(?:up|over)|start|begin|assume|join|be\s+sworn\s+in|take\s+office|take\s+charge)"
                     r"\b[^.;]{0,40}?\b(?:on|from)\s+(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2})\b"
                     r"|[^.;]{0,40}?\b(?:starts|begins|takes\s+(?:up|over)|takes\s+office|is\s+sworn\s+in)"
                     r"\b[^.;]{0,40}?\b(?:on|from)\s+(?P<when2>[A-Z][a-z]{2,8}\.?\s+\d{1,2})\b")


def not_yet_in_office(text: str, start: int, end: int, day: str, article_date: str | None) -> bool:
    """Does the text say the person at [start, end) takes the post only after `day`:
    "Fisk will take up the post on Oct. 12" asked as of Oct. 5? Then someone else holds it
    that day (the interim holder the text names, often in the same paragraph).

    >>> t = "The board appointed Lena Fisk as harbour master. Fisk will take up the post on Oct. 12."
    >>> not_yet_in_office(t, 20, 29, "2026-10-05", "2026-09-30"), not_yet_in_office(t, 20, 29, "2026-10-20", "2026-09-30")
    (True, False)
    """
    words = text[start:_name_end(text, end)].split()
    if not words or not words[-1][:1].isupper():
        return False
    surname = re.escape(words[-1].strip(",.;:'’"))
    for m in re.finditer(rf"\b{surname}\b", text):
        found = _STARTS.match(text, m.end())
        when = _day_of(found.group("when") or found.group("when2"), article_date) if found else None
        if when is not None and when > day:
            return True
    return False


# -- a change announced for a day: "will rise from $4 to $5 on Oct. 1" ----------------------

_FIGURE = r"(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?(?:percent|%|cents?|million|billion))?"
_CHANGE = re.compile(rf"(?:from\s+)?(?P<old>{_FIGURE})\s+to\s+(?P<new>{_FIGURE})"
                     r"(?:\s+(?:on|from|starting|beginning|effective|as of|in)\s+(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b))?")
_ASKS_NEW = re.compile(r"\b(?:rise|rises|go up|increase|climb|jump|fall|drop|go down|decrease|change|cut|raised|"
                       r"lowered|new)\b", re.I)


def scheduled_change(question: str, qt: QuestionTime, text: str, start: int, end: int, article_date: str | None,
                     as_of: str | None, today: str | None = None) -> tuple[int, int, tuple[int, int] | None]:
    """A span that states a change of a figure ("from $4 to $5 on Oct. 1") narrowed to the
    figure the question asks for: the new one for "What will the fare rise to?"; for a
    question about the present, the one in force on the question's day (the as-of day,
    else today), the old one before the change's day and the new one from it, with the old
    one's offsets as the earlier figure. Other spans come back as they are.

    >>> t = "The fare will rise from $4 to $5 on Oct. 1."
    >>> a, b, earlier = scheduled_change("What is the current fare?", question_time("What is the current fare?"),
    ...                         t, 19, 35, "2026-09-24", "2026-09-28")
    >>> t[a:b], earlier
    ('$4', None)
    >>> q = "When will the fare rise to $5?"  # asked when: the day stays the answer
    >>> a, b, _ = scheduled_change(q, question_time(q), t, 36, 42, "2026-09-24", None)
    >>> t[a:b]
    'Oct. 1'
    """
    m = next((m for m in _CHANGE.finditer(text) if m.start() < end and m.end() > start), None)
    if m is None or answer_type(question) in ("DATE", "DURATION"):  # "When will the fare rise to $5?": the day
        return start, end, None
    if not qt.present:  # "What will the fare rise to?": the new figure; other questions: the span
        return (m.start("new"), m.end("new"), None) if _ASKS_NEW.search(question) else (start, end, None)
    when = _day_of(m.group("when"), article_date)
    moment = as_of or today or dt.date.today().isoformat()
    if when and moment[:10] < when:
        return m.start("old"), m.end("old"), None
    return m.start("new"), m.end("new"), (m.start("old"), m.end("old"))


def _day_of(words: str | None, article_date: str | None) -> str | None:
    """"Oct. 1" in an article of 2026-09-24 -> "2026-10-01" (the next such day)."""
    if not words or not article_date:
        return None
    name, _, num = words.replace(".", "").partition(" ")
    month = MONTHS.get(name.lower())
    if not month or not num.strip().isdigit():
        return None
    year = int(article_date[:4]) + (month < int(article_date[5:7]))
    try:
        return dt.date(year, month, int(num)).isoformat()
    except ValueError:
        return None
