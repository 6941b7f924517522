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
holding no answer of that kind (measured on SQuAD part A, docs/results.md). A count is of
what was asked: "How many goals …?" is not answered by "88th" of "the 88th minute" (a rank),
nor "How many people …?" by a length of time, a distance or a sum of money; a unit the text
gives after the number must be of a class the question counts in ("How many days …?" by "4
weeks", "How many kilometers …?" by "300 km"), a share always passes (SQuAD asks "How many
students …?" for "9.6%").

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

from common.text import STOPWORDS

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


ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.I)
_WORD = re.compile(r"[%]|[a-z]+", re.I)
_HOW_MANY = re.compile(r"\bhow\s+many\s+((?:[a-z-]+\s+){0,2}[a-z-]+)", re.I)


_UNIT_ALIAS = {"feet": "foot", "centuries": "century", "km": "kilometre", "kms": "kilometre", "kilometer": "kilometre",
               "meter": "metre", "mi": "mile", "kg": "kilogram", "kgs": "kilogram", "lbs": "pound", "lb": "pound",
               "ft": "foot", "%": "percent", "hrs": "hour", "hr": "hour", "mins": "minute", "min": "minute"}


def _unit(word: str) -> str:
    w = word.lower()
    w = w[:-1] if w.endswith("s") and (w[:-1] in UNIT_CLASS or w[:-1] in _UNIT_ALIAS) else w
    return _UNIT_ALIAS.get(w, w)


def counted_in(question: str) -> set[str] | None:
    """The unit classes "How many <noun> …?" counts in ({"time"} for "How many days …?", {} for
    "How many goals …?"); None when the question names nothing after "how many"."""
    m = _HOW_MANY.search(question)
    return {UNIT_CLASS.get(_unit(w)) for w in _WORD.findall(m.group(1))} - {None} if m else None


def count_of_what_was_asked(asked: set[str] | None, text: str, start: int, end: int) -> bool:
    """Is text[start:end] (whole words) a count of the thing "How many …?" names, whose unit
    classes are `asked` (`counted_in`): not a share, a length of time, a sum of money or a rank,
    unless the question counts in that unit?"""
    span = text[start:end]
    if ORDINAL.search(span) and not re.search(r"\d(?![\d,.]*(?:st|nd|rd|th)\b)", span):
        return False  # "88th": a rank
    if asked is None:
        return True
    got = unit_class(text, start, end)
    # a share answers "how many" (SQuAD asks "How many students …?" for "9.6%"); another unit
    # class does only when the question counts in it ("How many days …?" by "4 weeks")
    return got is None or got == "share" or got in asked


# What a question measures, by its noun or verb, and the unit classes that answer it: "What is the top
# speed …?" is not answered by "25 minutes", "What salary …?" not by "41 percent".
MEASURES = {"speed": "speed", "velocity": "speed", "weight": "weight", "mass": "weight", "weigh": "weight",
            "salary": "money", "wage": "money", "wages": "money", "cost": "money", "price": "money",
            "fare": "money", "fee": "money", "budget": "money", "earn": "money", "pay": "money",
            "height": "length", "length": "length", "distance": "length", "depth": "length", "width": "length",
            "temperature": "temperature", "population": "count", "attendance": "count", "score": "score"}
UNIT_CLASS = {"percent": "share", "per": "share", "%": "share", "second": "time", "minute": "time", "hour": "time",
              "day": "time", "week": "time", "month": "time", "year": "time", "decade": "time", "century": "time",
              "metre": "length", "meter": "length", "kilometre": "length", "kilometer": "length", "km": "length",
              "mile": "length", "foot": "length", "inch": "length", "yard": "length", "kilogram": "weight",
              "kg": "weight", "gram": "weight", "pound": "weight", "lb": "weight", "ton": "weight", "tonne": "weight",
              "ounce": "weight", "mph": "speed", "knot": "speed", "degree": "temperature", "dollar": "money",
              "litre": "volume", "liter": "volume", "gallon": "volume", "point": "score",
              "euro": "money", "cent": "money", "hectare": "area", "acre": "area"}
_MEASURE_Q = re.compile(r"\b(?:what|which)\s+(?:is|was|are|were|will\s+be)?\s*(?:the\s+|its\s+|his\s+|her\s+|their\s+)?"
                        r"(?:\w+\s+)?(speed|velocity|weight|mass|salary|wages?|cost|price|fare|fee|budget|height|length|"
                        r"distance|depth|width|temperature|population|attendance|score)"
                        r"(?=\s+(?:of|for|in|on|at|will|would|is|was|are|were|does|did|do|has|had|that|to)\b|\s*\?)"
                        r"|\bhow\s+much\b.*\b(weigh|cost|earn|pay)s?\b", re.I)
_SPEED = re.compile(r"^\s*(?:km|kilomet(?:re|er)s?|miles?)\s*(?:/|an?\s+|per\s+)h(?:our|r)?\b", re.I)


def asked_measure(question: str) -> str | None:
    """The unit class a question's answer must be in, when it names a measure ("speed", "salary")."""
    m = _MEASURE_Q.search(question)
    return MEASURES.get((m.group(1) or m.group(2)).lower()) if m else None


def unit_class(text: str, start: int, end: int) -> str | None:
    """The unit class of a figure: of the word after its last number (in the span or right
    after it: "25 minutes", "14 percent", "110 km/h") or of its currency sign; None for a
    figure without a unit (or no figure)."""
    span = text[start:end]
    if MONEY.search(span) and re.search(r"[$€£¥]", span):
        return "money"
    nums = list(re.finditer(r"\d[\d,.]*(?:st|nd|rd|th)?|\b(?:" + _NUMBER_WORDS + r")\b", span, re.I))
    if not nums:
        return None
    rest = span[nums[-1].end():] + " " + text[end:end + 40]
    if _SPEED.match(rest):
        return "speed"
    after = _WORD.findall(rest)[:1]
    return UNIT_CLASS.get(_unit(after[0])) if after else None


def measured_as_asked(want: str | None, text: str, start: int, end: int) -> bool:
    """False when the question names a measure, `want` (`asked_measure`), and the figure is
    given in another unit class (a count, such as a population, or a score may be given as a
    share): "What was the score of the final?" is not answered by "88th minute"."""
    if want == "score" and (len(text[start:end].split()) > 4 or not re.search(r"\d", text[start:end])):
        return False  # a score is its figures ("2-1"), not the sentence around them nor a word
    got = unit_class(text, start, end) if want else None
    return not (want and got and got != want and not (want in ("count", "score") and got == "share"))


# kinds whose answers must pass their test (the others only feed the confidence): chosen by
# measurement on SQuAD part A, see docs/results.md
HARD_TYPES = frozenset({"NUMBER", "MONEY", "PERCENT", "DURATION"})


def required(question: str, kinds=HARD_TYPES):
    """The test a short answer to `question` must pass, or None: a function of the span's
    text, or of (text, start, end) to see the words after it.

    >>> ok = required("How many firearms were dispensed?")
    >>> ok("2009"), ok("about 2,000"), required("Who ran it?") is None
    (False, True, True)
    >>> goals = required("How many goals did Jonah Reyes score?")
    >>> goals("He scored in the 88th minute.", 17, 19), goals("He scored 12 goals.", 10, 12)
    (False, True)
    >>> opens = required("What time does the farmers market open?")
    >>> opens("from this Saturday"), opens("at 8 a.m."), required("What time period was it?") is None
    (False, True, True)
    """
    kind = answer_type(question)
    accepts = _ACCEPTS.get(kind) if kind in kinds else None
    if kind == "DATE" and kinds and _CLOCK_Q.search(question):
        accepts = lambda t: bool(CLOCK.search(t))  # "What time does it open?": not "Saturday"
    if accepts is None and kinds and asks_person_in_role(question):
        accepts = names_a_person
    measure = asked_measure(question) if kinds else None
    if accepts is None and measure is None:
        return None
    counted = counted_in(question) if kind == "NUMBER" else None  # once a question, not once a span

    def test(text: str, start: int = 0, end: int | None = None) -> bool:
        end = len(text) if end is None else end
        while end < len(text) and text[end].isalnum():  # a span cut inside a word is the word
            end += 1
        if accepts is not None and not (accepts(text, start, end) if accepts is names_a_person
                                        else accepts(text[start:end])):
            return False
        if measure and not measured_as_asked(measure, text, start, end):
            return False
        return kind != "NUMBER" or count_of_what_was_asked(counted, text, start, end)
    return test


# "What time does the market open?": a time of day (not "What time period …", nor "At what time is the
# rivalry set aside?", which SQuAD answers "every two years")
_CLOCK_Q = re.compile(r"(?i)^\s*what\s+time\s+(?:does|do|did|will|is|was|are|were)\b")
CLOCK = re.compile(r"(?i)\b\d{1,2}(?::\d\d)?\s*(?:a\.?m\b\.?|p\.?m\b\.?)|\b\d{1,2}:\d\d\b|\bnoon\b|\bmidnight\b|"
                   r"o[’']clock|\b(?:dawn|dusk|sunrise|sunset|morning|afternoon|evening|night)\b")


# people named by their role: "Which DEA official approved the meetings?", "Who is the leader of
# the cartel?", "What was the name of the defendant?" ask for a person's name
ROLES = ("official|leader|defendant|director|mayor|president|chief|minister|designer|architect|founder|ceo|"
         "manager|spokesperson|spokesman|spokeswoman|curator|author|governor|senator|judge|captain|coach|"
         "chairman|chairwoman|secretary|commissioner|sheriff|prosecutor|attorney|inventor|composer|painter|"
         "sculptor|novelist|poet|scientist|engineer|driver|pilot|doctor|surgeon|principal|superintendent")
_ROLE_Q = re.compile(rf"(?i)^\s*(?:which|what)\s+(?:(?!(?:can|could|did|do|does|was|were|is|are|will|would|has|have|had|"
                     rf"types?|kinds?|sorts?|a|an|the|two|three|four|several)\b)[\w.’'-]+\s+){{0,2}}?(?:{ROLES})\b(?!\s+of\b)"
                     rf"|^\s*who\s+(?:is|was)\s+the\s+(?:[\w.’'-]+\s+){{0,3}}?(?:{ROLES})\b"
                     rf"|\bname\s+of\s+the\s+(?:[\w.’'-]+\s+){{0,2}}?(?:{ROLES})\b")
# words that make a capitalised phrase an organisation, a place or a group, not a person (qa.conversation
# adds its own to these)
ORGANISATION_WORDS = frozenset({
    "news", "universal", "times", "post", "daily", "gazette", "ledger", "radio", "agency", "department", "office",
    "government", "cartel", "council", "board", "company", "bank", "university", "school", "club", "party", "court",
    "house", "city", "county", "state", "states", "united", "nations", "association", "group", "inc", "ltd",
    "museum", "hospital", "station", "street", "island", "river"})
_NOT_A_PERSON = ORGANISATION_WORDS | {"corporation", "committee", "administration", "ministry", "police", "army",
                                      "navy", "church"}


def asks_person_in_role(question: str) -> bool:
    """Does the question ask for the person holding a role ("Which DEA official …?", "Who is
    the leader of …?")?

    >>> asks_person_in_role("Which DEA official approved the meetings?"), asks_person_in_role("Who won?")
    (True, False)
    """
    return bool(_ROLE_Q.search(question))


def is_person_name(text: str) -> bool:
    """A person's name, perhaps with a title: its words capitalised, none an organisation's.

    >>> is_person_name("Mayor Ines Baptiste"), is_person_name("El Universal"), is_person_name("U.S. attorneys")
    (True, False, False)
    """
    toks = re.findall(r"[\w.’'-]+", text)
    own = [t for t in toks if t.lower() not in ("the", "of", "de", "la", "le", "du", "van", "von", "der", "al", "bin",
                                                "da", "and")]
    return bool(own) and all(t[:1].isupper() or "-" in t for t in own) and \
        not any(t.lower().strip(".’'s") in _NOT_A_PERSON for t in own)


_ROLE_WORDS = set(ROLES.split("|")) | {"officer", "agent", "member", "worker", "employee", "staff"}


def names_a_person(text: str, start: int = 0, end: int | None = None) -> bool:
    """Is text[start:end] a person's name, and not an abbreviation ("U.S."), a role ("U.S
    Attorneys") or the modifier of a thing ("Sinaloa" of "Sinaloa cartel")?

    >>> t = "the leader of the Sinaloa cartel, Joaquin Guzman, and U.S. attorneys"
    >>> names_a_person(t, 18, 25), names_a_person(t, 34, 48), names_a_person(t, 54, 58)
    (False, True, False)
    """
    end = len(text) if end is None else end
    span = text[start:end]
    if not is_person_name(span):
        return False
    toks = re.findall(r"[\w.’'-]+", span)
    if any(re.fullmatch(r"[A-Z](?:\.[A-Z])+\.?|[A-Z]{2,}", t) or t.lower().rstrip("s") in _ROLE_WORDS for t in toks):
        return False
    own = [t for t in toks if t.lower() != "the"]
    if len(own) == 1 and (len(own[0].strip(".")) <= 2 or len(toks) > 1
                          or re.search(r"(?i)\bthe\s+$", text[max(0, start - 5):start])):
        return False  # "U" of "U.S."; "The Narcosphere": a publication or a place, not a person
    after = re.match(r"\s+([\w’'-]+)", text[end:])
    if after and len(toks) == 1 and after.group(1).islower() and re.search(r"(?:an|ese|ish|ic|i)$", toks[0]):
        return False  # "Mexican" of "Mexican drug trafficking organizations": a nationality
    return not (after and after.group(1).lower().rstrip("s") in _NOT_A_PERSON | _ROLE_WORDS)


def agreement(question: str, answer: str) -> float:
    kind = answer_type(question)
    accepts = _ACCEPTS.get(kind)
    if accepts is None or not answer:
        return 0.0
    return 1.0 if accepts(answer) else -1.0


# kinds a question asks for whose answer is never made of the question's own words
# ("When will the fare rise to $5?" is not answered "$5"); "What type of ideals …?" -> "Prime
# ideals" may be, so THING and the like are left alone
ECHO_KINDS = frozenset({"DATE", "NUMBER", "MONEY", "PERCENT", "DURATION", "PERSON", "PLACE"})
_ECHO_WORD = re.compile(r"[a-z0-9]+")


def echoes(question: str):
    """A test of (text, start, end): is the span only words the question already says?
    None where the question asks for another kind or offers a choice ("… or …?").

    >>> t = echoes("When will the Gull Island ferry fare rise to $5?")
    >>> text = "The fare will rise to $5 on Oct. 1."
    >>> t(text, 22, 24), t(text, 28, 34)
    (True, False)
    """
    low = question.lower()
    if answer_type(question) not in ECHO_KINDS or " or " in low:
        return None
    asked = set(_ECHO_WORD.findall(low))

    def test(text: str, start: int, end: int) -> bool:
        own = [w for w in _ECHO_WORD.findall(text[start:end].lower()) if w not in STOPWORDS]
        return bool(own) and all(w in asked for w in own)
    return test


def not_a_reason(question: str):
    """A test of (text, start, end) for a why-question: is the span a bare name or figure
    ("Why did the board cut the quota?" is not answered "Alder Bank")? None for other questions.

    >>> t = not_a_reason("Why did the board cut the quota?")
    >>> text = "The board cut the quota for the Alder Bank because stocks fell."
    >>> t(text, 32, 42), t(text, 51, 62), t(text, 0, 42)
    (True, False, True)
    """
    if answer_type(question) != "REASON":
        return None
    asked = set(_ECHO_WORD.findall(question.lower())) - STOPWORDS - {"why"}

    def test(text: str, start: int, end: int) -> bool:
        toks = re.findall(r"[\w'’$%.,-]+", text[start:end])
        own = [t for t in toks if t.lower() not in STOPWORDS]
        if asked and asked <= set(_ECHO_WORD.findall(text[start:end].lower())):
            return True  # the event asked about, restated ("The board cut the quota for the Alder Bank")
        # a name ("Alder Bank") or a figure with its unit ("by 20 percent for 2027") is no reason
        return bool(own) and all(t[:1].isupper() or not re.search(r"[a-z]", t) or _unit(t) in UNIT_CLASS
                                 or t.lower() in ("percent", "per") for t in own)
    return test


_MOVES = re.compile(r"(?i)\b(?:move[sd]?|moving|relocat\w*|go(?:es|ing)?|head(?:s|ed|ing)?|transferr?\w*|shift\w*)\b")


def an_origin(question: str):
    """A test of (text, start, end) for "Where is the market moving?": is the span the place
    it moves *from* ("will move from Elm Street to the Pier 3 terminal")? None for questions
    that are not about where something goes, or that ask where from.

    >>> t = an_origin("Where is the farmers market moving?")
    >>> text = "The market will move from Elm Street to the Pier 3 terminal."
    >>> t(text, 26, 36), t(text, 40, 59)
    (True, False)
    """
    if answer_type(question) != "PLACE" or not _MOVES.search(question) or re.search(r"(?i)\bfrom\b", question):
        return None

    def test(text: str, start: int, end: int) -> bool:
        return bool(re.search(r"(?i)\bfrom\s+(?:the\s+)?$", text[max(0, start - 12):start]))
    return test


# a question that asks who said, reported or stood behind something: its answer may be the source
_ABOUT_SAYING = re.compile(
    r"(?i)\b(?:say|says|said|tell|tells|told|announc\w*|report\w*|confirm\w*|stat(?:e|es|ed)|claim\w*|estimat\w*|"
    r"according|source\w*|den(?:y|ies|ied)|warn\w*|explain\w*|predict\w*|argu\w*|believ\w*|not(?:e|ed|es)|"
    r"quot\w*|spokes\w*|comment\w*|respon\w*|insist\w*|add(?:s|ed)?|wr(?:ite|ites|ote|itten)|describ\w*|"
    r"call(?:s|ed)?|blam\w*|accus\w*|express\w*|ask\w*|count\w*|put|give|gave|cit\w*|publish\w*|"
    r"releas\w*|disclos\w*|reveal\w*|suggest\w*|expect\w*|think|thought|feel|felt|agree\w*)\b")
# "…, the Port Alder Fire Department said." / "…, police said on Friday." / "…, police believe, …": the
# credited source (group 1)
_TRAILING_ATTRIBUTION = re.compile(
    r",\s+((?:\b(?:Sgt|Lt|Col|Gen|Capt|Det|Insp|Supt|Dr|Mr|Mrs|Ms|St|Jr|Sr|Prof|Gov|Sen|Rep|Rev|Maj|Cpl)\.|"
    r"[^,;.\n]){1,60}?)\s+(?:has\s+|have\s+|had\s+)?(?:said|says|reported|announced|confirmed|stated|"
    r"estimated|added|noted|believes?|told\s+\w+)(?:\s+(?:on|in|at|late|early|last|this)\b[^,;.\n]*)?\s*"
    r"(?=[.;,](?:\s*$|\s+\S))",
    re.MULTILINE)


def a_speaker(question: str):
    """A test of (text, start, end) for a who- or which-organisation question that is not
    about saying or reporting: is the span the source a sentence ends by crediting ("A
    fire broke out at the mill, the Port Alder Fire Department said." does not answer "Who
    owns the mill?")? None for other questions.

    >>> t = a_speaker("Who owns the Miller textile mill?")
    >>> text = "A fire broke out at the Miller textile mill, the fire department said on Friday."
    >>> t(text, 45, 64), a_speaker("Who said a fire broke out?") is None
    (True, True)
    >>> a_speaker("Who is the fire chief?")("Three were hurt, Fire Chief Dana Ortiz said.", 28, 38)
    False
    >>> a_speaker("Who was arrested?")("Arson caused it, police believe, Detective Sgt. Leon Burke said.", 48, 58)
    True
    """
    if answer_type(question) not in ("PERSON", "ORG") or _ABOUT_SAYING.search(question):
        return None

    roles = set(_ECHO_WORD.findall(question.lower())) & _ROLE_WORDS

    def test(text: str, start: int, end: int) -> bool:
        # a source credited by the role the question asks about is its answer ("Who is the fire
        # chief?": "…, Fire Chief Dana Ortiz said.")
        return any(start < m.end() and m.start(1) < end and not roles & set(_ECHO_WORD.findall(m.group(1).lower()))
                   for m in _TRAILING_ATTRIBUTION.finditer(text))
    return test


def never_right(question: str):
    """One test of (text, start, end) for spans that cannot answer `question` whatever the
    reader scores them: its own words (`echoes`), a name or figure for a reason
    (`not_a_reason`), where a thing moves from when asked where it goes (`an_origin`), the
    source a sentence credits when the question is not about what anyone said (`a_speaker`).
    None when no test applies."""
    tests = [t for t in (echoes(question), not_a_reason(question), an_origin(question), a_speaker(question))
             if t is not None]
    if not tests:
        return None
    return lambda text, start, end: any(t(text, start, end) for t in tests)

