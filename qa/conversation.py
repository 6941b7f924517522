"""Follow-up questions in a chat: carry the topic of the last turn into retrieval.

"Who authorized the meetings?" -> "the U.S. government", then "When did they take
place?" gets the context "authorized meetings U.S government": the content words of
the previous question and its answer, which `QA.ask` adds to what it searches when
the new question leans on them (a pronoun, or too few content words of its own).
The answer type still comes from the new question alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from common.text import STOPWORDS, raw_words, words

PRONOUNS = {"they", "them", "their", "theirs", "it", "its", "he", "him", "his", "she", "her", "hers",
            "this", "that", "these", "those", "there", "then", "such"}
WH = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how"}


@dataclass
class Turn:
    question: str
    answer: str | None


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)
    max_context_words: int = 12

    def add(self, question: str, answer: str | None) -> None:
        self.turns.append(Turn(question, answer))

    def clear(self) -> None:
        self.turns.clear()

    def context_for(self, question: str) -> str | None:
        """Words to add to the search for `question`, or None if it stands alone."""
        if not self.turns or not is_follow_up(question):
            return None
        last = self.turns[-1]
        own = set(content_words(question))
        extra = []
        for text in (last.question, last.answer or ""):
            for w in content_words(text):
                if w not in own and w not in extra:
                    extra.append(w)
        return " ".join(extra[: self.max_context_words]) or None


def content_words(text: str) -> list[str]:
    """Words of `text` as written (case kept), minus stop words, wh-words and pronouns."""
    out = []
    for w in raw_words(text):
        low = w.lower()
        if low not in STOPWORDS and low not in WH and low not in PRONOUNS and len(w) > 1:
            out.append(w)
    return out


def is_follow_up(question: str) -> bool:
    """Does the question lean on an earlier turn?

    >>> is_follow_up("When did they take place?"), is_follow_up("Who won the 2010 FIFA World Cup?")
    (True, False)
    """
    toks = words(question)
    if any(t in PRONOUNS for t in toks):
        return True
    return len(content_words(question)) <= 1
