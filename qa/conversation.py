"""Follow-up questions in a chat, rewritten into standalone questions.

"Who authorized the meetings?" -> "the U.S. government", then "When did they take
place?" is asked as "When did the meetings take place?": the question is resolved
from the conversation, never by piling the previous answer's words into the search.

`Conversation.resolve(question)` decides from the question alone whether it leans on
the conversation (a pronoun, a "this/that + noun" phrase, "what about ...?", or too
few words of its own), and if so rewrites it by rules:

- *Antecedents* are the noun phrases of the earlier questions, as they were resolved
  (a determiner phrase cut where the words stop matching the earlier questions and the
  cited sentences, or a run of capitalised words), and the earlier answers, most
  recent turn first.
- *Agreement* picks one: they/them/their/these/those take a plural phrase; it/its a
  singular one that is not a person; he/she/him/his/her a person's name; "there" the
  answer to a where-question; "then" the answer to a when-question. The answer of a
  who- or which-question comes before the question's own phrases (it is the entity
  the reader just learned); after other questions the question's phrases come first
  (an answer like "drug seizures, arrests, ..." is not what "they" means).
- *Ellipsis*: "What about X?" / "And X?" repeats the previous question with X in the
  place of its last noun phrase (or of its year, when X is a year).
- A question too short to rewrite ("Why?", "When?") keeps the content words of the
  previous question (not its answer) as search context, as before.

The rewritten question is what is searched and read; the reply shows it ("Answered
as: When did the meetings take place?"). Measured on the follow-up chains of
eval/followups.jsonl (`python -m evaluation eval/followups.jsonl ...`, README).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from common.text import STOPWORDS, raw_words, words

from .answer_type import ORGANISATION_WORDS

PRONOUNS = {"they", "them", "their", "theirs", "it", "its", "he", "him", "his", "she", "her", "hers",
            "this", "that", "these", "those", "there", "then", "such"}
WH = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how"}
PLURAL = {"they", "them", "their", "theirs", "these", "those"}
SINGULAR = {"it", "its"}
PERSON = {"he", "him", "his", "she", "her", "hers"}
POSSESSIVE = {"their", "its", "his"}  # "her" is either; decided by what follows
DETERMINERS = {"the", "a", "an"}
DEMONSTRATIVES = {"this", "that", "these", "those"}
# words that end a noun phrase in a question although they are not stop words
PHRASE_END = STOPWORDS | WH | {"take", "result", "happen", "begin", "start", "end", "say", "said", "cost", "costs",
                                "open", "close", "reveal", "revealed", "win", "won", "lead", "led", "become",
                                "mean", "play", "hold", "held", "get", "make", "made", "come", "go", "last", "find",
                                "found", "pay", "paid", "vote", "voted", "happened", "took", "began", "started"}
_DO = {"did", "does", "do", "will", "would", "can", "could", "should", "may", "might", "must", "didn't", "doesn't"}
IRREGULAR_PARTICIPLES = {"built", "made", "held", "found", "paid", "sold", "told", "won", "led", "shut", "hit", "set",
                         "put", "cut", "run", "begun", "done", "seen", "known", "taken", "given", "written", "chosen",
                         "born", "hurt", "lost", "left", "sent", "spent", "kept", "brought", "bought", "caught", "met",
                         "read", "rebuilt", "struck", "shot", "stolen", "sunk", "sworn", "elected"}
_BE = {"was", "were", "is", "are", "has", "have", "had", "been", "be"}
_TOKEN = re.compile(r"[\w'’.\-$%]+|[^\w\s]")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_TIME_Q = re.compile(r"(?i)\b(?:what|which)\s+(?:year|month|day|date|decade|century)\b")
_PLACE_Q = re.compile(r"(?i)\b(?:what|which)\s+(?:country|city|town|state|place|region|street)\b")
_ONE = re.compile(r"(?i)\b(?:the|this|that)\s+(?:\w+\s+)?ones?\b")
# an answer below this confidence (the page's "low") is not taken as what a pronoun means
MIN_ANTECEDENT_CONFIDENCE = 0.6
# "What about the reopening date?" after "Who opposed the bridge closure?" asks for another
# attribute of the same thing, not the previous question about a new thing
ATTRIBUTE_HEADS = {"date", "day", "time", "year", "cost", "price", "fare", "name", "number", "size", "length",
                   "age", "population", "total", "figure", "count", "result", "score", "reason", "cause",
                   "location", "address", "deadline", "budget", "salary", "rate", "share", "capacity", "speed"}
_ONLY_TIME = re.compile(r"(?i)(?:in|for|during)?\s*(?:the\s+)?(?:year\s+)?(1[5-9]\d\d|20\d\d)")
_YEAR_BEFORE = re.compile(r"(?i)(?:in\s+|for\s+)?(?:last|the\s+previous|the\s+prior)\s+year|the\s+year\s+before")
# an amount or a figure, perhaps hedged: "4.9 percent", "$5", "about 4,200 homes", "more than a hundred"
_AMOUNT = re.compile(r"(?i)^(?:about|around|nearly|almost|some|only|over|under|up\s+to|(?:more|less|fewer)\s+than)?\s*"
                     r"(?:[$€£]\s*)?(?:\d|(?:a|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few)\s+"
                     r"(?:hundred|thousand|million|billion|dozen)\b)")
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
# a time named in a question: "in August", "in July 2026", "on Oct. 1", "in 2025"
_TIME_PHRASE = re.compile(rf"\b(?:(?:in|on|during|for|by)\s+)?(?:{_MONTH}(?:\s+\d{{1,2}})?(?:,?\s+(?:1[5-9]\d\d|20\d\d))?"
                          r"|(?:1[5-9]\d\d|20\d\d))\b")
# "What is burning in the hills?": the answer ("a wildfire") is the thing done; "it" is then the answer
_WHAT_DOES = re.compile(r"(?i)^what\s+(?:is|was|are|were)\s+\w+ing\b\s*(?:(?:in|on|at|near|above|below|over|under|"
                        r"across|along|around|off|inside|outside)\b|\??$)")
_BARE_WH = re.compile(r"(?i)^(?:and\s+)?(when|where|why|since\s+when|until\s+when|(?:in|on|at|by)\s+(?:which|what)\s+\w+)"
                      r"\s*\??$")
_ELLIPSIS = re.compile(r"^(?:and\s+)?(?:what|how)\s+about\s+(.+?)\s*\??$|^and\s+(.+?)\s*\?$", re.I)


@dataclass
class Turn:
    question: str
    answer: str | None
    asked_as: str | None = None  # the standalone question it was answered as
    sentence: str | None = None  # the sentence the answer came from
    genders: dict = field(default_factory=dict)  # "female"/"male" -> who she/he stood for in this turn
    confidence: float | None = None  # the answer's; a low-confidence answer is no antecedent
    context: str | None = None  # the search words it carried over, when it was not rewritten


@dataclass
class Resolved:
    question: str  # what is searched and read: the rewritten question, or the question itself
    context: str | None = None  # search words carried over, only when no rewrite was possible
    rewritten: bool = False
    genders: dict = field(default_factory=dict)  # "female"/"male" -> the name she/he was read as
    antecedents: list = field(default_factory=list)  # what the pronouns were read as

    def shown(self, original: str) -> str | None:
        """What the reply says the question was answered as, or None when it stood alone."""
        if self.rewritten:
            return self.question
        if self.context:
            return f"{original} (about: {self.context})"
        return None


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)
    max_context_words: int = 8
    mode: str = "rewrite"  # or "keywords": the version-1 way (words of the last question and answer), to compare

    def add(self, question: str, answer: str | None, asked_as: str | None = None,
            sentence: str | None = None, genders: dict | None = None, confidence: float | None = None,
            context: str | None = None) -> None:
        self.turns.append(Turn(question, answer, asked_as, sentence, dict(genders or {}), confidence, context))

    def clear(self) -> None:
        self.turns.clear()

    def resolve(self, question: str) -> Resolved:
        """The question as it is to be answered (see the module docstring)."""
        question = question.strip()
        if not self.turns or not is_follow_up(question):
            return Resolved(question)
        if self.mode == "keywords":
            return Resolved(question, self._keywords(question))
        ell = _ELLIPSIS.match(question)
        if ell:
            rewritten = self._ellipsis((ell.group(1) or ell.group(2)).strip())
            if rewritten:
                return Resolved(rewritten, rewritten=True)
        bare = self._bare_wh(question)
        if bare:
            return Resolved(bare, rewritten=True)
        genders: dict = {}
        used: list[str] = []
        rewritten = self._replace_references(question, genders, used)
        if rewritten and rewritten != question:
            return Resolved(rewritten, rewritten=True, genders=genders, antecedents=used)
        return Resolved(question, self.context_for(question))

    def context_for(self, question: str) -> str | None:
        """Content words of the previous question (as resolved, with the search words it carried
        over itself) that `question` lacks."""
        if not self.turns:
            return None
        last = self.turns[-1]
        own = {w.lower() for w in content_words(question)}
        extra = []
        for w in content_words(f"{last.asked_as or last.question} {last.context or ''}"):
            if w.lower() not in own and w not in extra:
                extra.append(w)
        return " ".join(extra[: self.max_context_words]) or None

    def _keywords(self, question: str) -> str | None:
        """Version 1: up to 12 content words of the last question and its answer."""
        own, extra = set(content_words(question)), []
        last = self.turns[-1]
        for text in (last.question, last.answer or ""):
            for w in content_words(text):
                if w not in own and w not in extra:
                    extra.append(w)
        return " ".join(extra[:12]) or None

    # -- antecedents ------------------------------------------------------------------

    def _known_text(self, leave_out: Turn | None = None) -> str:
        """What was said before (questions, answers, cited sentences), without `leave_out`'s question."""
        parts = []
        for t in self.turns:
            parts += [t.answer or "", t.sentence or ""]
            if t is not leave_out:
                parts.append(t.asked_as or t.question)
        return " ".join(parts)

    def _candidates(self, kind: str) -> list[str]:
        """Antecedents for a pronoun of `kind` (plural, singular, person, place, time),
        best first."""
        out: list[str] = []
        for turn in reversed(self.turns):
            asked = turn.asked_as or turn.question
            wh = _wh(asked)
            trusted = turn.confidence is None or turn.confidence >= MIN_ANTECEDENT_CONFIDENCE
            answer = (turn.answer or "").strip() if trusted else ""  # a shaky answer is not what "it" means
            phrases = noun_phrases(asked, self._known_text(turn))
            if kind == "place":
                if answer and (wh == "where" or _PLACE_Q.search(asked)):
                    out.append(answer if answer.lower().startswith(("in ", "at ", "on ")) else f"in {answer}")
                continue
            if kind == "time":
                if answer and (wh == "when" or _TIME_Q.search(asked)):
                    out.append(answer if answer.lower().startswith(("in ", "on ", "at ")) else f"in {answer}")
                continue
            answer_first = wh in ("who", "which", "whom") or _asks_for_thing(asked) or bool(_WHAT_DOES.match(asked))
            kind_of = re.match(r"(?i)(?:what|which)\s+(?:kind|type|sort|species|breed)s?\s+of\s+(\w+)", asked)
            if kind_of:  # "What kind of whale ...?" answers with a kind; "it" is then the whale
                phrases = ["the " + kind_of.group(1)] + phrases
                answer_first = False
            options = ([answer] if answer and answer_first else []) + phrases + \
                      ([answer] if answer and not answer_first else [])
            for p in options:
                if p and _agrees(p, kind, wh if p is answer else None) and p not in out:
                    out.append(p)
        return out

    def _person_for(self, gender: str, kind: str) -> str | None:
        """she/he: the name the same pronoun stood for last, else the best candidate that
        the other pronoun has not stood for."""
        for t in reversed(self.turns):
            if gender in t.genders:
                return t.genders[gender]
        other = {t.genders[g] for t in self.turns for g in t.genders if g != gender}
        return next((c for c in self._candidates(kind) if c not in other), None)

    def _event(self) -> str | None:
        """The event the previous question named by its verb ("What did people *march*
        against?" -> "the march"), or None."""
        prev = self.turns[-1].asked_as or self.turns[-1].question
        toks = words(prev)
        for k, w in enumerate(toks[1:], 1):
            if w in EVENT_VERBS and toks[k - 1] not in DETERMINERS:
                return EVENT_VERBS[w]
        return None

    def _bare_wh(self, question: str) -> str | None:
        """"When?" after "What will the ferry fare rise to?" (answered "$5") asks "When will
        the ferry fare rise to $5?": the previous question with the new wh-phrase and its
        answer in the place it asked about. Only when that wh-phrase was the object (an
        auxiliary follows it); "When?" after "Who cut it?" keeps the search context instead."""
        m = _BARE_WH.match(question)
        last = self.turns[-1]
        trusted = last.confidence is None or last.confidence >= MIN_ANTECEDENT_CONFIDENCE
        if not m or not last.answer or not trusted:
            return None
        prev = (last.asked_as or last.question).strip().rstrip("?").split()
        k = 2 if len(prev) > 2 and prev[0].lower() == "which" and prev[1].lower() not in _DO | _BE else 1
        if prev[0].lower() not in ("what", "which") or len(prev) <= k + 1 or prev[k].lower() not in _DO | _BE:
            return None
        wh = m.group(1)
        return f"{wh[0].upper()}{wh[1:]} {' '.join(prev[k:])} {last.answer.strip()}?"

    def _nearest_owner(self, cands: list[str], noun: str) -> list[str]:
        """"How strong were its winds?" after a question naming Port Alder and Storm Delia:
        when the last cited sentence names the noun ("Storm Delia brought winds ... homes in
        Port Alder"), the candidate it names nearest to the noun comes first."""
        sentence = (self.turns[-1].sentence or "") if self.turns else ""
        stem = noun.rstrip("s")
        at = [m.start() for m in re.finditer(rf"(?i)\b{re.escape(stem)}s?\b", sentence)] if len(stem) > 2 else []
        if not at:
            return cands
        where = {c: [m.start() for m in re.finditer(re.escape(c), sentence, re.I)] for c in cands}
        found = [c for c in cands if where[c]]
        if len(found) < 2:
            return cands
        def dist(c):
            return min(abs(p - a) for p in where[c] for a in at)
        best = min(found, key=dist)
        return [best] + [c for c in cands if c != best]

    def _replace_references(self, question: str, genders: dict, used: list) -> str | None:
        toks = _tokens(question)
        low = [t.lower() for t in toks]
        out, changed, i = [], False, 0
        while i < len(toks):
            t, lt = toks[i], low[i]
            nxt = low[i + 1] if i + 1 < len(toks) else ""
            if lt in ("this", "that") and nxt in ("year", "month", "day", "week", "time", "date"):
                when = next(iter(self._candidates("time")), None)  # "in June of that year" -> "... of 2009"
                if when:
                    when = re.sub(r"(?i)^(in|on|at)\s+", "", when)
                    out.append(when)
                    used.append(when)
                    changed, i = True, i + 2
                    continue
            if lt in DEMONSTRATIVES and _before_noun(nxt):
                # "that operation" -> an earlier phrase with the same head noun
                head = nxt
                match = next((p for p in self._candidates("plural" if lt in ("these", "those") else "singular")
                              + self._candidates("plural" if lt in ("this", "that") else "singular")
                              if p.lower().split()[-1].rstrip("s") == head.rstrip("s")), None)
                if match:
                    out.append(match)
                    used.append(match)
                    changed, i = True, i + 2
                    continue
            if lt in ("one", "ones") and i > 0 and low[i - 1] not in STOPWORDS - DETERMINERS and \
                    low[i - 1].isalpha() and (i < 2 or low[i - 2] in DETERMINERS or low[i - 1] in DETERMINERS):
                # "the old one" -> "the old park": the head noun of the thing talked about
                head = next((p.split()[-1] for p in self._candidates("plural" if lt == "ones" else "singular")
                             if p.split()[0].lower() in DETERMINERS), None)
                if head:
                    out.append(head)
                    used.append(head)
                    changed, i = True, i + 1
                    continue
            if lt == "it" and nxt in EVENT_PREDICATES:
                event = self._event()
                if event:  # "Where did it end?" after "What did people march against?": the march
                    out.append(event)
                    used.append(event)
                    changed, i = True, i + 1
                    continue
            kind = _pronoun_kind(lt, nxt, low[i - 1] if i else "")
            if kind and kind.startswith("person") and any(w in PERSON_NOUNS for w in low[:i]):
                kind = None  # "Where was a man hurt when a tree fell on his car?": the man's car
            if kind:
                if kind.startswith("person"):
                    gender = "female" if lt in ("she", "her", "hers") else "male"
                    rep = genders.get(gender) or self._person_for(gender, kind)
                    cands = [rep] if rep else []
                    if rep:
                        genders[gender] = rep
                else:
                    cands = self._candidates(kind)
                    if lt in POSSESSIVE and _before_noun(nxt):
                        cands = self._nearest_owner(cands, nxt)
                if cands:
                    rep = cands[0]
                    used.append(rep)
                    if lt in POSSESSIVE or (lt == "her" and kind == "person-possessive"):
                        rep = _possessive(rep)
                    if i == 0 or (out and out[-1] in ".?!"):
                        rep = rep[0].upper() + rep[1:]
                    elif re.match(r"(?:A|An|The) [a-z]", rep):  # an answer "A wildfire" inside the question
                        rep = rep[0].lower() + rep[1:]
                    out.append(rep)
                    changed = True
                    i += 1
                    continue
            out.append(t)
            i += 1
        return _join(out) if changed else None

    def _ellipsis(self, rest: str) -> str | None:
        """"What about X?" -> the previous question with X in place of its last phrase. A time
        alone ("And in 2025?", "And last year?") takes the latest question that named a year,
        with this year in its place ("last year": the year before the one it named)."""
        last = self.turns[-1]
        prev = (last.asked_as or last.question).strip().rstrip("?")
        if re.search(_MONTH, rest) and _TIME_PHRASE.fullmatch(rest):
            # "And in July?" after "What was the jobless rate in August?": the same question, July's
            for turn in reversed(self.turns):
                asked = (turn.asked_as or turn.question).strip().rstrip("?")
                named = _TIME_PHRASE.search(asked)
                if named and re.search(_MONTH, named.group(0)):
                    prep = re.match(r"(?i)(in|on|during|for|by)\s", named.group(0))
                    new = rest if re.match(r"(?i)(in|on|during|for|by)\s", rest) or not prep else f"{prep.group(1)} {rest}"
                    return asked[: named.start()] + new + asked[named.end():] + "?"
        year = _YEAR.search(rest)
        if year and _YEAR.search(prev):
            return _YEAR.sub(year.group(0), prev, count=1) + "?"
        if (year and _ONLY_TIME.fullmatch(rest)) or _YEAR_BEFORE.fullmatch(rest):
            for turn in reversed(self.turns):
                asked = (turn.asked_as or turn.question).strip().rstrip("?")
                named = _YEAR.search(asked)
                if named:
                    new = year.group(0) if year else str(int(named.group(0)) - 1)
                    return _YEAR.sub(new, asked, count=1) + "?"
        phrases = noun_phrases(prev, self._known_text(last))
        if not phrases:
            return None
        head = (words(rest) or [""])[-1]
        if head in ATTRIBUTE_HEADS and not any(head in words(p) for p in phrases):
            # another attribute of what the previous question was about: "What is the reopening
            # date of the bridge closure?"
            return f"What is {rest} of {phrases[0]}?"
        pos, target = max((prev.rfind(p), p) for p in phrases if p in prev) if any(p in prev for p in phrases) \
            else (-1, "")
        if pos < 0:
            return None
        return prev[:pos] + rest + prev[pos + len(target):] + "?"


def ask(qa, conv: Conversation, question: str, scope=None):
    """One chat turn: resolve `question` in `conv`, answer it with `qa`, remember the turn;
    returns (answer, resolved). When the rewritten question is refused, the question as
    typed is tried with what its pronouns were read as for search context (an article
    often says "it" or "the paper" where the rewrite names the thing), and the answer
    that is not refused is kept. A question that stood alone and is refused is tried once
    more with the previous question's words as search context: "How much is the contract
    worth?" after "Which company won the contract to dredge the harbor?" is about that
    contract, though it has no pronoun to say so."""
    resolved = conv.resolve(question)
    answer = qa.ask(resolved.question, resolved.context, scope)
    retry = None
    if answer.refused and resolved.rewritten:
        retry = Resolved(question.strip(), " ".join(resolved.antecedents), genders=resolved.genders)
    elif answer.refused and resolved.context is None and conv.turns and conv.mode == "rewrite":
        carried = conv.context_for(question)
        retry = Resolved(question.strip(), carried) if carried else None
    if retry is not None:
        second = qa.ask(retry.question, retry.context, scope)
        if not second.refused:
            answer, resolved = second, retry
    conv.add(question, answer.answer, resolved.question if resolved.rewritten else None, answer.sentence,
             resolved.genders, None if answer.refused else answer.confidence, resolved.context)
    return answer, resolved


def _wh(question: str) -> str:
    for w in words(question)[:3]:
        if w in WH:
            return w
    return ""


def _asks_for_thing(question: str) -> bool:
    """"What kind of whale ...?", "What newspaper ...?": a what-phrase whose answer is the
    thing talked about next (not "What did ...", "What is ...")."""
    toks = words(question)
    return (len(toks) > 1 and toks[0] == "what" and toks[1] not in STOPWORDS
            and toks[1] not in PHRASE_END and not _participle(toks[1]))  # "What caused the fire?" asks for a cause


def _before_noun(nxt: str) -> bool:
    """Is the next word one a determiner would stand before ("that *operation*", "her *boat*")?"""
    return bool(nxt) and nxt.isalpha() and nxt not in PHRASE_END


_BE = {"is", "are", "was", "were", "be", "been", "will", "has", "have", "had", "isn't", "aren't", "wasn't",
       "weren't"}


def _pronoun_kind(lt: str, nxt: str, prev: str = "") -> str | None:
    """What a word refers to, if it is a pronoun (`nxt`, `prev`: the words around it).

    >>> _pronoun_kind("there", "any", "were"), _pronoun_kind("there", "", "were"), _pronoun_kind("there", "were", "")
    (None, 'place', None)
    """
    if lt in PLURAL:  # "these/those" before a noun are determiners, not pronouns
        return None if lt in DEMONSTRATIVES and _before_noun(nxt) else "plural"
    if lt in SINGULAR:
        return "singular"
    if lt == "her":  # possessive before a noun ("her boat"), else the person
        return "person-possessive" if _before_noun(nxt) else "person"
    if lt in PERSON:
        return "person"
    if lt == "there":  # "Were there any arrests?", "there were": there is, not a place
        return None if nxt in _BE or (prev in _BE and nxt.isalpha()) else "place"
    if lt == "then":
        return "time"
    return None


def _plural(phrase: str) -> bool:
    toks = phrase.split()
    head = toks[-1].lower().strip(".,")
    if " and " in phrase:
        return True
    if all(t[:1].isupper() for t in toks):  # a name: "Breitbart News", "Kingsport United"
        return False
    return head.endswith("s") and not head.endswith(("ss", "us", "is", "'s", "’s"))


# verbs that name an event, and the event: "Where did it end?" after "What did people march against?"
EVENT_VERBS = {"march": "the march", "marched": "the march", "strike": "the strike", "struck": "the strike",
               "protest": "the protest", "protested": "the protest", "rally": "the rally", "rallied": "the rally",
               "parade": "the parade", "paraded": "the parade", "demonstrate": "the demonstration",
               "demonstrated": "the demonstration", "walk out": "the walkout", "riot": "the riot",
               "rioted": "the riot", "race": "the race", "raced": "the race"}
# what "it" does when it stands for an event
EVENT_PREDICATES = {"start", "started", "begin", "began", "end", "ended", "finish", "finished", "last", "lasted",
                    "happen", "happened", "take", "took", "stop", "stopped"}
# nouns for a person: a pronoun after one in the same question means that person
PERSON_NOUNS = {"man", "woman", "boy", "girl", "child", "person", "driver", "resident", "worker", "officer",
                "passenger", "student", "player", "teacher", "firefighter", "fisherman", "sailor", "swimmer", "runner",
                "cyclist", "pilot", "doctor", "nurse", "patient", "victim", "suspect", "owner", "tenant", "mother",
                "father", "son", "daughter", "husband", "wife"}
# words that make a capitalised name an organisation or a place, not a person
NOT_PERSON = ORGANISATION_WORDS | {"el", "la", "le", "los", "las", "wire", "bridge", "park", "homes", "marine",
                                   "properties", "cup"}


def _person(phrase: str) -> bool:
    toks = phrase.split()
    return (1 <= len(toks) <= 4 and toks[0].lower() not in DETERMINERS and all(t[:1].isupper() for t in toks)
            and not any(ch.isdigit() for ch in phrase)
            and not any(t.lower().strip(".,'’s") in NOT_PERSON for t in toks))


def _agrees(phrase: str, kind: str, wh: str | None) -> bool:
    """Can `phrase` stand for a pronoun of `kind`? (`wh`: the question it answered, for answers.)"""
    if kind == "person" or kind == "person-possessive":
        return _person(phrase) and wh in (None, "who", "whom")
    if wh in ("when", "how", "why") or (any(ch.isdigit() for ch in phrase) and not re.search(r"[A-Za-z]{3}", phrase)) \
            or _AMOUNT.match(phrase):
        return False  # a date, amount or reason is not a thing "it" or "they" can be ("4.9 percent", "about 4,200")
    if kind == "plural":
        return _plural(phrase)
    if kind == "singular":
        return not _plural(phrase) and not (wh in ("who", "whom") and _person(phrase))
    return False


def _possessive(phrase: str) -> str:
    return phrase + ("'" if phrase.endswith("s") else "'s")


def _join(tokens: list[str]) -> str:
    out = ""
    for t in tokens:
        if out and not (len(t) == 1 and t in ",.?!;:)'’") and not out.endswith(("(", "$")):
            out += " "
        out += t
    return out


def _participle(word: str) -> bool:
    w = word.lower()
    return w in IRREGULAR_PARTICIPLES or bool(re.search(r"..(ed|ing)$", w))


def _tokens(text: str) -> list[str]:
    """Words and punctuation; a sentence's final full stop is split from its last word
    ("papers." -> "papers", "."), an abbreviation's is not ("U.S.")."""
    out = []
    for t in _TOKEN.findall(text):
        if len(t) > 1 and t.endswith(".") and "." not in t[:-1] and not (len(t) <= 4 and t[0].isupper()):
            out += [t[:-1], "."]
        else:
            out.append(t)
    return out


def noun_phrases(question: str, known: str = "") -> list[str]:
    """Noun phrases of a question, in order: determiner phrases ("the meetings",
    "the U.S. government") cut where their words stop appearing together in `known`
    (earlier questions and cited sentences) or at a verb-like word, and runs of
    capitalised words ("Felipe Calderón") that are not the first word."""
    toks = _tokens(question)
    known_low = " " + " ".join(_tokens(known.lower())) + " "
    out, i = [], 0
    while i < len(toks):
        t = toks[i]
        if t.lower() in DETERMINERS:
            j = i + 1
            while j < len(toks) and j - i <= 5 and toks[j].lower() not in PHRASE_END and re.match(r"[\w$]", toks[j]):
                j += 1
            if j - i >= 2:
                body = toks[i + 1 : j]
                at_end = j >= len(toks) or not re.match(r"[\w$]", toks[j])
                before = toks[i - 1].lower() if i else ""
                if at_end and len(body) >= 2 and (before in _DO or (before in _BE and _participle(body[-1]))):
                    body = body[:-1]  # "did the storm hit?", "is the market moving?": the verb ends the question
                # the longest prefix of the body that appears as such in what was said before;
                # if none does, the body less a trailing participle ("the mill built")
                keep = len(body)
                while keep > 0 and f" {' '.join(body[:keep]).lower()} " not in known_low:
                    keep -= 1
                if 0 < keep < len(body) and all(f" {w.lower()} " in known_low for w in body[keep:]) \
                        and not _participle(body[-1]):
                    keep = len(body)  # "the mill fire" beside "the fire at the Miller mill": every word said
                if keep == 0:
                    keep = len(body) - (len(body) > 1 and _participle(body[-1]))
                out.append(" ".join([t.lower()] + body[:keep]))
                if keep >= 3:  # "the Alder River bridge repairs" also offers "the Alder River bridge"
                    out.append(" ".join([t.lower()] + body[: keep - 1]))
                i = i + 1 + keep
                continue
        if t[:1].isupper() and i > 0 and t.lower() not in STOPWORDS and t.lower() not in WH and t.isalpha():
            j = i
            while j < len(toks) and (toks[j][:1].isupper() or toks[j].lower() in ("of", "de", "del")) and \
                    toks[j].lower() not in WH:
                j += 1
            while j > i and toks[j - 1].lower() in ("of", "de", "del"):
                j -= 1
            if not toks[j - 1].endswith(("'s", "’s")):
                out.append(" ".join(toks[i:j]))
            else:  # "Port Alder's harbor": the name is a modifier; the thing is the phrase it begins
                k = j
                while k < len(toks) and k - j < 3 and toks[k].islower() and toks[k].isalpha() and \
                        toks[k] not in PHRASE_END and not _participle(toks[k]):
                    k += 1
                if k > j:
                    out.append(" ".join(toks[i:k]))
                    j = k
            i = j
            continue
        i += 1
    return out


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
    if _ELLIPSIS.match(question.strip()) or _ONE.search(question):
        return True
    toks = words(question)
    if any(t in PRONOUNS and not (t in PERSON and any(w in PERSON_NOUNS for w in toks[:k]))
           for k, t in enumerate(toks)):
        return True  # (a "his" after "a man" in the same question is the man's)
    return len(content_words(question)) <= 1
