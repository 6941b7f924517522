"""Split clean article text into sentences and sentence-aligned passages.

Invariant: for every sentence and passage, `text[start:end]` is exactly its text.
Sentences never cross paragraphs; passages are whole sentences, pack consecutive
short paragraphs (news paragraphs are one or two sentences) up to the word target,
and stay inside the embedding model's window.

News furniture (`ChunkSettings.furniture`) stays in the article's text, and so in the full
article view, but out of its sentences and passages, and so out of what is searched and
answered: a lede's dateline ("DENVER (Coastal Wire) —", "London CNN —"), photo captions
ending in a credit ("… (Jane Doe/Getty Images)"), and one-line paragraphs of site furniture
the loaders did not drop ("Related: …", "How relevant is this ad to you?"; the loaders'
BOILERPLATE_LINE). A passage never spans such a paragraph.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .articles import BOILERPLATE_LINE
from .records import Article, Chunk, Sentence

# Words that end with a period but rarely end a sentence (compared lower-case, no dot).
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "gov", "sen", "rep",
    "lt", "col", "sgt", "capt", "cmdr", "adm", "maj", "pres", "supt", "det", "insp", "hon", "rev",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "inc", "corp", "ltd", "co", "bros", "vs", "v", "no", "nos", "vol", "pp", "fig", "approx",
    "dept", "univ", "ave", "blvd", "rd", "est", "al", "cf", "ca", "e.g", "i.e", "a.m", "p.m",
}
# A sentence ends at . ! ? or … plus closing quotes/brackets, before white space.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_PARA = re.compile(r"\n[ \t]*\n\s*")
# "DENVER (Coastal Wire) — ", "PORTLAND, Maine (AP) - ", "LONDON — ", "London CNN — ": a city in
# capitals (a state or country after a comma), an outlet in brackets or an agency's capitals, a dash
DATELINE = re.compile(
    r"(?:[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?(?: \([^()\n]{2,40}\))?"
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2} [A-Z]{2,6})"
    r" ?[—–-]{1,2} (?=[A-Z0-9“\"‘'])")
# a caption: one line ending in a photo credit in brackets
CAPTION = re.compile(r"^[^\n]{0,400}\((?:[^()/\n]{1,60}/)?(?:getty images|ap(?: photo)?|reuters|afp|epa|bloomberg"
                     r"|[^()\n]{0,40}\b(?:photo|photograph|image)s?\b[^()\n]{0,40})\)\.?$", re.I)
FURNITURE_CHARS = 400  # a longer paragraph is story text, whatever its first words
_NOTICE = re.compile(r"copyright\s*(?:©|\(c\)|\d{4})", re.I)


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _PARA.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_boundary(text: str, m: re.Match, para_end: int) -> bool:
    """Does the punctuation run `m` end a sentence?"""
    nxt = m.end()
    while nxt < para_end and text[nxt].isspace():
        nxt += 1
    if nxt >= para_end:
        return True
    following = text[nxt]
    # Next sentence starts upper-case, with a digit, or with an opening quote/bracket.
    if not (following.isupper() or following.isdigit() or following in "\"'“‘([" ):
        return False
    if text[m.start()] != "." or m.end() - m.start() > 1:
        return True  # ! ? … or a period followed by a closing quote
    j = m.start()  # the word before the period (scanned back: a regex over the prefix is quadratic)
    while j > 0 and not text[j - 1].isspace():
        j -= 1
    if j == m.start():
        return True
    token = text[j : m.start()].lstrip("\"'“‘([").lower()
    if token in ABBREVIATIONS:
        return False
    if re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):  # U.S, U.N, e.g: dotted initialisms
        return False
    if re.fullmatch(r"[a-z]", token) and text[m.start() - 1].isupper():  # initials: J. Smith
        return False
    return True


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of `text[start:end]` (one paragraph or a whole text).

    >>> t = 'The U.S. agency met on Jan. 6 at 3.5 p.m. with Dr. Ruiz. He left.'
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['The U.S. agency met on Jan. 6 at 3.5 p.m. with Dr. Ruiz.', 'He left.']
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for ps, pe in paragraphs(text[start:end]):
        ps, pe = ps + start, pe + start
        for ls, le in _lines(text, ps, pe):
            cur = ls
            for m in _END.finditer(text, ls, le):
                if _is_boundary(text, m, le):
                    spans.append(_trim(text, cur, m.end()))
                    cur = m.end()
            if cur < le:
                spans.append(_trim(text, cur, le))
    return [(s, e) for s, e in spans if e > s]


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a paragraph at single newlines that end a line-like unit (headline,
    list item, line ending in punctuation); hard-wrapped prose stays joined."""
    out, cur = [], start
    for m in re.finditer(r"\n", text[start:end]):
        pos = start + m.start()
        line = text[cur:pos].rstrip()
        nxt = text[pos + 1 : pos + 2]
        if line and (line[-1] in ".!?:;\"”’)…" or len(line) < 60 or nxt in "-*•"):
            out.append((cur, pos))
            cur = pos + 1
    out.append((cur, end))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in out) if e > s]


def is_furniture(paragraph: str) -> bool:
    """Is this paragraph a caption or a line of site furniture, not story text?"""
    if len(paragraph) > FURNITURE_CHARS or "\n" in paragraph:
        return False
    if paragraph[:9].lower() == "copyright" and not _NOTICE.match(paragraph):
        return False  # "Copyright law in the United States …" is text; "Copyright 2026. All rights …" is not
    return bool(BOILERPLATE_LINE.match(paragraph) or CAPTION.match(paragraph))


def article_sentences(article: Article, furniture: bool = True) -> list[Sentence]:
    """The article's sentences, numbered by paragraph; with `furniture`, none of a caption
    or furniture paragraph, and the lede's dateline left out of its first sentence."""
    out = []
    text = article.text
    lede = True
    for p, (ps, pe) in enumerate(paragraphs(text)):
        if furniture:
            if is_furniture(text[ps:pe]):
                continue
            if lede and (m := DATELINE.match(text, ps, pe)):
                ps = m.end()
            lede = False
        out.extend(Sentence(article.id, s, e, p) for s, e in split_sentences(text, ps, pe))
    return out


@dataclass(frozen=True)
class ChunkSettings:
    max_words: int = 150  # a soft target: passages close near it, at sentence ends (150 measured best)
    max_tokens: int = 240  # hard limit in model word pieces, title prefix included (window 256)
    overlap: int = 1  # sentences repeated from the previous passage inside a paragraph
    min_words: int = 40  # a passage this short absorbs the next paragraph
    pack: bool = True  # whole following paragraphs join a passage while it stays within max_words
    furniture: bool = True  # datelines, captions and site furniture kept out of sentences and passages

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def word_count(text: str) -> int:
    return len(text.split())


def approx_tokens(text: str) -> int:
    """Cheap upper-ish estimate of word pieces, used when no tokenizer is given."""
    return len(re.findall(r"\w+|[^\w\s]", text)) + sum(len(w) // 8 for w in text.split())


def _split_long(article: Article, sent: Sentence, limit_words: int) -> list[Sentence]:
    """Cut an over-long sentence at word boundaries (offsets stay exact)."""
    words = [(m.start() + sent.start, m.end() + sent.start)
             for m in re.finditer(r"\S+", article.text[sent.start : sent.end])]
    return [Sentence(sent.article_id, words[i][0], words[min(i + limit_words, len(words)) - 1][1], sent.paragraph)
            for i in range(0, len(words), limit_words)]


def chunk_article(article: Article, settings: ChunkSettings = ChunkSettings(),
                  count_tokens: Callable[[str], int] = approx_tokens,
                  sentences: list[Sentence] | None = None) -> tuple[list[Sentence], list[Chunk]]:
    """Sentences of the article and passages made of them."""
    text = article.text
    prefix_tokens = count_tokens(article.title) + 1
    budget = settings.max_tokens - prefix_tokens
    sents: list[Sentence] = []
    for s in sentences if sentences is not None else article_sentences(article, settings.furniture):
        if count_tokens(text[s.start : s.end]) > budget:
            sents.extend(_split_long(article, s, max(8, settings.max_words // 2)))
        else:
            sents.append(s)
    chunks: list[Chunk] = []
    n_words = [word_count(text[s.start : s.end]) for s in sents]
    # Word pieces of a run of sentences = the sum of theirs: the tokenizer splits at the white
    # space between them ([CLS]/[SEP], counted once per text, are `special`). Counting each
    # sentence once keeps chunking linear; counting every candidate run was quadratic.
    special = count_tokens("")
    n_tokens = [count_tokens(text[s.start : s.end]) - special for s in sents]
    para_words: dict[int, int] = {}  # words of each paragraph
    for s, n in zip(sents, n_words):
        para_words[s.paragraph] = para_words.get(s.paragraph, 0) + n
    lo = 0
    while lo < len(sents):
        hi = lo + 1
        cur_words, cur_tokens = n_words[lo], special + n_tokens[lo]
        while hi < len(sents):
            if cur_tokens + n_tokens[hi] > budget or cur_words + n_words[hi] > settings.max_words:
                break
            if sents[hi].paragraph - sents[hi - 1].paragraph > 1:
                break  # never across a paragraph left out (a caption, site furniture)
            if sents[hi].paragraph != sents[hi - 1].paragraph and cur_words >= settings.min_words:
                # Pack the next paragraph only whole, and only in "pack" mode: news paragraphs
                # of one or two sentences would otherwise make passages of a few dozen words.
                if not settings.pack or cur_words + para_words[sents[hi].paragraph] > settings.max_words:
                    break
            cur_words += n_words[hi]
            cur_tokens += n_tokens[hi]
            hi += 1
        start, end = sents[lo].start, sents[hi - 1].end
        chunks.append(Chunk(article.id, start, end, text[start:end], lo, hi))
        if hi >= len(sents):
            break
        # Overlap only inside a paragraph, and always move forward.
        same_para = sents[hi].paragraph == sents[hi - 1].paragraph
        lo = max(lo + 1, hi - settings.overlap) if same_para and settings.overlap else hi
    return sents, chunks
