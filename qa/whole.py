"""Whole short answers: the reader's span, widened so that it never cuts through a
word, a bracket or quote pair, or a name, and widened to the whole coordinated list
when the question asks for several things.

    >>> s = "during the Mexican presidencies of Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)."
    >>> a = s.index("2000-2006)"); b = s.index("(2006-2012") + len("(2006-2012")
    >>> s[slice(*whole_span(s, a, b, "When did they take place?"))]
    'Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)'
    >>> a = s.index("Vicente"); b = a + len("Vicente Fox")
    >>> s[slice(*whole_span(s, a, b, "Which presidents were in office?"))]
    'Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)'
    >>> s = "The library reopened after a two-year renovation that cost $6.5 million."
    >>> s[slice(*whole_span(s, s.index("two"), len(s) - 1, "How long did the renovation take?"))]
    'two-year'

Offsets are character offsets into `sentence`; the result is always inside it.
"""
from __future__ import annotations

import re

from common.text import NUMBER_WORDS, PAIRS, STOPWORDS, unbalanced

from .answer_type import asked_measure

_CLOSERS = {v: k for k, v in PAIRS.items()}
_MAX_WIDEN = 80  # characters a bracket or name may add on one side
_NAME = re.compile(r"[A-Z][\w.’'-]*$")
_PLURAL_Q = re.compile(
    r"\b(?:(?:which|what)\s+(?:\w+(?:an|ese|ish|al|ic|ern|ive|ous|ful|ar|ary|ior|or|est|er)\s+)?(?!(?:is|was|does|has|class|process|business|status|access|"
    r"press|loss|gas|mass|success|address|this|means|series|species|news|politics|physics|mathematics|"
    r"economics|ethics|genus|corpus|status|bus|virus|campus|census|thesis|basis|analysis|crisis|axis)\b)"
    r"\w+[^s\W]s\b|who\s+(?:were|are)\b|"
    r"(?:what|which)\s+(?:two|three|four|five|several|other)\b|name\s+(?:two|three|the)\b)", re.I)
_LIST_SEP = re.compile(r",\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_TITLES = {"president", "general", "commissioner", "king", "queen", "prince", "princess", "sir", "saint", "st",
           "dr", "mr", "mrs", "ms", "lord", "lady", "pope", "emperor", "governor", "senator", "judge", "justice",
           "professor", "major", "captain", "colonel", "admiral", "chancellor", "minister", "mayor", "bishop",
           "cardinal", "duke", "count", "the", "a", "an", "in", "of"}
_STOP_ITEM = re.compile(r"^(?:which|who|whom|that|where|when|while|because|although|but|as|if|since|e\.g|i\.e|"
                        r"such|including|especially|like|etc)\b", re.I)


def asks_for_several(question: str) -> bool:
    """'Which presidents ...', 'Who were ...', 'What two ...' ask for a list.

    >>> asks_for_several("Which presidents held office?"), asks_for_several("Which agency ran it?")
    (True, False)
    """
    return bool(_PLURAL_Q.search(question))


def whole_span(sentence: str, start: int, end: int, question: str = "") -> tuple[int, int]:
    start, end = _words(sentence, start, end)
    start, end = _balance(sentence, start, end)
    if question and _WHEN_Q.search(question):
        start, end = _annotated(sentence, start, end, question)
        end = _dated_of(sentence, end)
    start, end = _names(sentence, start, end, question)
    if question and _MEASURE_Q.search(question):
        start, end = _unit(sentence, start, end)
    if question and asked_measure(question) == "score":
        m = _SCORE.search(sentence, start, end)
        if m:  # "What was the score?": the score, not the team before it ("Kingsport United 2-1")
            start, end = m.span()
    if question and _HOW_LONG.search(question):
        m = _DURATION_LEAD.match(sentence, start, end)
        if m and len(sentence[m.end():end].split()) >= 2:
            end = m.end()  # "How long did it take?": "two-year", not "two-year renovation that cost $6.5 million"
    if question and _HOW_MUCH.search(question) and not _YEAR_ASKED.search(question):
        m = _TRAILING_PERIOD.search(sentence, start, end)
        if m and m.end() == end and re.search(r"\d", sentence[start:m.start()]):
            end = m.start()  # "By how much was the quota cut?": "20 percent", not "20 percent for 2027"
    if question and asks_for_several(question):
        start, end = _list(sentence, start, end, question)
        start, end = _balance(sentence, start, end)
    return _trim(sentence, start, end)


_WHEN_Q = re.compile(r"^\s*when\b", re.I)
_HOW_MUCH = re.compile(r"\bhow\s+(?:much|many)\b", re.I)
_YEAR_ASKED = re.compile(r"\b(?:year|when|period|season)\b", re.I)
# an amount's trailing period: "20 percent for 2027", "$4.8 million in 2026"
_TRAILING_PERIOD = re.compile(r"\s+(?:for|in)\s+(?:the\s+)?(?:(?:fiscal|financial|calendar)\s+)?(?:year\s+)?"
                              r"(?:1[5-9]\d\d|20\d\d)(?:[-–/]\d{2,4})?")
_HOW_LONG = re.compile(r"\bhow\s+long\b", re.I)
# a span that begins with a duration: "two-year", "about 30 minutes", "six and a half weeks"
_DURATION_LEAD = re.compile(r"(?i)(?:(?:about|around|nearly|almost|some|over|under|(?:more|less)\s+than)\s+)?"
                            r"(?:\d[\d,.]*|(?:" + NUMBER_WORDS + r"))"
                            r"(?:\s+and\s+a\s+half)?[\s-]+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|"
                            r"decades?|centuries|century)\b")
_SCORE = re.compile(r"\b\d{1,3}\s*[-–]\s*\d{1,3}\b")
# " of Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)": names, each with its dates in brackets
_DATED_OF = re.compile(r"\s+of\s+(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*\s*\([^()]*\d[^()]*\)"
                       r"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*\s*\([^()]*\d[^()]*\))*")


def _dated_of(s: str, end: int) -> int:
    """Asked "when", a span that stops before "of" and names given with their dates ("during
    the Mexican presidencies" of "… presidencies of Vicente Fox (2000-2006) and Felipe Calderón
    (2006-2012)") takes them in: the dates are the answer.

    >>> s = "It took place during the presidencies of Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)."
    >>> s[s.index("during"):_dated_of(s, s.index(" of "))]
    'during the presidencies of Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)'
    """
    m = _DATED_OF.match(s, end)
    return m.end() if m and m.end() - end <= 2 * _MAX_WIDEN else end


def _annotated(s: str, start: int, end: int, question: str) -> tuple[int, int]:
    """A date in brackets after a name, in a list of such items ("during the presidencies of
    Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)"): asked "when", the answer is
    the whole list, not the first bracket.

    >>> s = "It happened under Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)."
    >>> a = s.index("2000"); s[slice(*_annotated(s, a, a + 9, "When did it happen?"))]
    'Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)'
    """
    if start == 0 or s[start - 1] != "(" or s[end:end + 1] != ")" or not re.search(r"\d", s[start:end]):
        return start, end
    name = re.search(r"(?:[A-Z][\w.’'-]*\s+)*[A-Z][\w.’'-]*\s*$", s[:start - 1])
    if not name or set(name.group(0).lower().split()) & set(question.lower().replace("?", " ").split()):
        return start, end  # the question names the item: its own bracket is the answer
    after = re.match(r"\)\s*(?:,\s*|\s+)(?:and\s+|or\s+)?[A-Z][^()]{0,60}\([^()]*\d[^()]*\)", s[end:])
    before = re.search(r"\([^()]*\d[^()]*\)\s*(?:,\s*(?:and\s+)?|\s+and\s+)$", s[:name.start()])
    if not (after or before):
        return start, end
    return _list(s, name.start(), end + 1, question)


_MEASURE_Q = re.compile(r"\bhow (long|far|tall|high|big|heavy|wide|deep|large|old|fast)\b", re.I)
_NUMBER_END = re.compile(rf"(\d|\b({NUMBER_WORDS}))$", re.I)
_UNIT = re.compile(r"\s*(?:square |cubic )?(?:kilo|centi|milli)?(?:met(?:re|er)s?|km|cm|mm|m|miles?|feet|foot|ft|"
                   r"inch(?:es)?|yards?|grams?|g|kg|tonnes?|tons?|pounds?|lbs?|ounces?|litres?|liters?|gallons?|"
                   r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century|acres?|"
                   r"hectares?|knots|mph|km/h|degrees?|storeys?|stories|floors?|percent|per cent)\b", re.I)


def _unit(s: str, start: int, end: int) -> tuple[int, int]:
    """A measurement is its number and its unit: "four" -> "four kilometres" for "How long ...?"."""
    if _NUMBER_END.search(s[start:end]):
        m = _UNIT.match(s, end)
        if m:
            return start, m.end()
    return start, end


def _words(s: str, start: int, end: int) -> tuple[int, int]:
    """Never start or end inside a word."""
    while 0 < start < len(s) and s[start - 1].isalnum() and s[start].isalnum():
        start -= 1
    while 0 < end < len(s) and s[end - 1].isalnum() and s[end].isalnum():
        end += 1
    return start, end


def _partner(s: str, i: int) -> int | None:
    """Position of the bracket or quote that pairs with the one at `i`, in `s`."""
    ch = s[i]
    if ch in PAIRS:
        return _match(s, ch, PAIRS[ch], range(i, min(len(s), i + _MAX_WIDEN * 2)))
    if ch in _CLOSERS:
        return _match(s, ch, _CLOSERS[ch], range(i, max(-1, i - _MAX_WIDEN * 2), -1))
    if ch == '"':
        before = s.count('"', 0, i)
        j = s.find('"', i + 1) if before % 2 == 0 else s.rfind('"', 0, i)
        return j if j >= 0 else None
    return None


def _match(s: str, ch: str, mate: str, positions: range) -> int | None:
    """Walking `positions` from a `ch`, where its `mate` closes the nesting."""
    depth = 0
    for j in positions:
        if s[j] == ch:
            depth += 1
        elif s[j] == mate:
            depth -= 1
            if depth == 0:
                return j
    return None


def _balance(s: str, start: int, end: int) -> tuple[int, int]:
    """Take in the partner of every bracket or quote the span holds alone; when
    the partner is not in the sentence, cut the lone one off instead."""
    for _ in range(6):
        bad = _lone(s, start, end)
        if not bad:
            break
        i = bad[0]
        j = _partner(s, i)
        if j is not None and j >= end and j + 1 - end <= _MAX_WIDEN:
            end = j + 1
        elif j is not None and j < start and start - j <= _MAX_WIDEN:
            start = j
        elif i - start < end - i - 1:  # drop the lone mark and what lies on its short side
            start = i + 1
        else:
            end = i
        start, end = _trim(s, start, end)
        if start >= end:
            break
    if s[start:end].startswith(tuple(PAIRS)):  # "(2000-2006) ..." belongs to the name before it
        start = _name_before(s, start)
    return start, end


def _lone(s: str, start: int, end: int) -> list[int]:
    """Positions in s[start:end] of marks without their partner there. Straight
    quotes pair by their count in the whole sentence, not in the span."""
    out = [start + k for k in unbalanced(s[start:end]) if s[start + k] != '"']
    for k in range(start, end):
        if s[k] == '"':
            j = _partner(s, k)
            if j is None or not start <= j < end:
                out.append(k)
    return sorted(out)


def _name_before(s: str, i: int) -> int:
    """Start of the capitalised words right before position `i` (or `i`)."""
    j = i
    while True:
        m = re.search(r"([A-Z][\w.’'-]*)\s+$", s[max(0, j - _MAX_WIDEN):j])
        if not m or (i - (j - len(m.group(0)))) > _MAX_WIDEN:
            return j
        j -= len(m.group(0))


def _names(s: str, start: int, end: int, question: str = "") -> tuple[int, int]:
    """A span that starts or ends inside a run of capitalised words takes the rest of
    the run, word by word, but never a word the question itself uses (the answer is
    what the question does not already say)."""
    asked = {w.lower() for w in re.findall(r"[\w’'-]+", question)}
    if start < end and s[start].isupper() and " " not in s[start:end].strip():
        # a lone capitalised word takes the one before it ("Calderón" -> "Felipe Calderón"),
        # unless that is a title, an acronym or a function word ("President", "NFL", "Since")
        m = re.search(r"([A-Z][\w’'-]*)\s+$", s[max(0, start - _MAX_WIDEN):start])
        if m and not _sentence_start(s, start - len(m.group(0))) and not m.group(1).isupper() \
                and m.group(1).lower() not in _TITLES | STOPWORDS | asked:
            start -= len(m.group(0))
    if start < end and re.search(r"[A-Z][\w.’'-]*$", s[start:end]):
        for _ in range(6):
            m = re.match(r"[ \t]+([A-Z][\w’'-]*(?:\.(?=\w))?)", s[end:end + _MAX_WIDEN])
            if not m or m.group(1).lower() in asked:
                break
            end += len(m.group(0))
    return start, end


def _sentence_start(s: str, i: int) -> bool:
    """Is position `i` the first word of the sentence (where capitals say nothing)?"""
    return not s[:i].strip()


def _list(s: str, start: int, end: int, question: str = "") -> tuple[int, int]:
    """Widen to the items coordinated with the span: 'A, B, and C'. A list already
    closed by "and"/"or" is not continued; a widening to the right must reach the
    item after "and"/"or"; items the question names are not answers."""
    m = re.match(r"\s*\([^()\s]*(?:\s[^()\s]*){0,2}\)", s[end:])
    if m:  # "Vicente Fox (2000-2006)": a short bracket belongs to the item
        end += len(m.group(0))
    asked = question.lower()
    if not re.search(r"(?:,\s+|\s)(?:and|or)\s", s[start:end]):
        new_end, closed = end, False
        for _ in range(8):  # to the right
            sep = _LIST_SEP.match(s, new_end)
            if not sep:
                break
            item = re.match(r"[^,;:.!?()]+?(?:\s*\([^()]*\))?(?=,|;|:|\.(?:\s|$)|\s+(?:and|or)\s|$)",
                            s[sep.end():])
            if not item or _STOP_ITEM.match(item.group(0)) or len(item.group(0).split()) > 6 \
                    or item.group(0).lower() in asked or not _looks_like(item.group(0), s[start:end]):
                break
            new_end = sep.end() + len(item.group(0))
            if re.search(r"\b(?:and|or)\s+$", sep.group(0)):
                closed = True
                break
        if closed:
            end = new_end
    for _ in range(8):  # to the left
        sep = re.search(r"(?:,\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$", s[:start])
        if not sep:
            break
        prev = s[:sep.start()]
        bracket = re.search(r"\s*\([^()]*\)$", prev)  # "Vicente Fox (2000-2006)"
        head = prev[:bracket.start()] if bracket else prev
        cut = max(head.rfind(c) for c in ",;:(")
        item = head[cut + 1:].lstrip()
        if s[start:start + 1].isupper():  # a list of names: the capitalised words before the separator
            names = re.search(r"(?:[A-Z][\w.’'-]*\s+)*[A-Z][\w.’'-]*$", head)
            item = names.group(0) if names else ""
        elif len(item.split()) > 3:  # lower-case items: short ones only ("arrests, seizures")
            item = ""
        if item and bracket:
            item += bracket.group(0)
        if not item or _STOP_ITEM.match(item) or not _looks_like(item, s[start:end]) or item.lower() in asked:
            break
        start = sep.start() - len(item)
    return start, end


def _looks_like(item: str, span: str) -> bool:
    """A left neighbour joins the list only if it is a name like the span's items."""
    return bool(item[:1].isupper()) == bool(span[:1].isupper())


def _trim(s: str, start: int, end: int) -> tuple[int, int]:
    while start < end and s[start] in " \t\n,;:":
        start += 1
    while end > start and s[end - 1] in " \t\n,;:":
        end -= 1
    if end > start and s[end - 1] == "." and not re.search(r"\b[A-Z]\.$|\b(?:[A-Za-z]\.){2,}$", s[start:end]):
        end -= 1
    return start, end
