"""The one word tokeniser: lower-case words, stop words removed, Snowball stems.

BM25 (built with the index), the sentence scorer, the follow-up detector and the
reader's training all use these tokens, so "authorized" in a question matches
"authorize" and "authorization" in an article.

>>> terms("Who authorized the meetings?")
['author', 'meet']
"""
from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"(?u)\b\w[\w'’.]*\w\b|\b\w\b")
STOPWORDS = frozenset("""a about above after again against all am an and any are as at be because been
before being below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself just me
more most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those through to
too under until up very was we were what when where which while who whom whose why will with would you your
yours yourself yourselves s t don didn doesn isn wasn weren also many much one""".split())


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def raw_words(text: str) -> list[str]:
    """Word tokens as written (case kept): "U.S.", "O'Neil", "Calderón"."""
    return _WORD.findall(text)


_ACRONYM = re.compile(r"(?:[a-z]\.)+[a-z]\.?")


def words(text: str) -> list[str]:
    """Lower-case word tokens; inner dots/apostrophes kept ("u.s", "o'neil"), then stripped."""
    out = []
    for w in raw_words(text.lower()):
        if "’" in w:
            w = w.replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if "." in w and _ACRONYM.fullmatch(w):  # "u.s." -> "us"; a word without a dot never matches
            w = w.replace(".", "")
        out.append(w)
    return out


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """Stemmed content words, in order, with repeats."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


# number words that make an answer a figure (qa.reports) or a measurement's number (qa.whole)
NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
                "hundred|thousand|million|billion|dozen|half")

PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "«": "»"}
_CLOSERS = {v: k for k, v in PAIRS.items()}


def unbalanced(text: str) -> list[int]:
    """Positions of brackets and quotes in `text` that have no partner inside it:
    ( ) [ ] { } “ ” « » and straight double quotes (paired by count).

    >>> unbalanced("Vicente Fox (2000-2006) and Felipe Calderón (2006-2012")
    [44]
    >>> unbalanced('2000-2006) and "Felipe')
    [9, 15]
    """
    stack: list[int] = []
    bad: list[int] = []
    straight: list[int] = []
    for i, ch in enumerate(text):
        if ch in PAIRS:
            stack.append(i)
        elif ch in _CLOSERS:
            if stack and text[stack[-1]] == _CLOSERS[ch]:
                stack.pop()
            else:
                bad.append(i)
        elif ch == '"':
            if straight:
                straight.pop()
            else:
                straight.append(i)
    return sorted(bad + stack + straight)


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value):
    """A decoded JSON value with every lone surrogate (JSON allows "\\ud800"; UTF-8 does
    not) replaced by U+FFFD, in strings and keys at any depth.

    >>> clean_text({"question": "a\\ud800b", "sources": ["x\\udfff"]})
    {'question': 'a\ufffdb', 'sources': ['x\ufffd']}
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    return value
