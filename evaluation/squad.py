"""A SQuAD v1.1 file as a corpus plus a question set (../shared/eval/README.md).

One article per SQuAD article: title with '_' as spaces, paragraphs joined by a
blank line; a gold span is [paragraph offset + answer_start, + len(text)) and is
checked against the article text. With `unanswerable_share`, that share of the
articles (chosen by `seed`) is left out of the corpus and its questions are asked
as unanswerable ones.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from index.articles import slugify
from index.records import Article


@dataclass
class Question:
    id: str
    question: str
    answers: list[str]
    # False, or why the corpus holds no answer: "on-topic" (about an indexed article,
    # which does not answer it), "off-topic" (about nothing indexed), or True (not said)
    unanswerable: bool | str = False
    article_id: str | None = None
    answer_spans: list[list[int]] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)  # every article that answers it (copies, reports)
    as_of: str | None = None  # the day the question is asked: later articles do not count
    expect: str | None = None  # "update" or "disagreement": the answer must surface it
    chain: str | None = None  # follow-up chains: turns with one chain id are asked in order, as one chat
    turn: int | None = None
    # answers the articles give to other questions (a lookalike figure, a former office holder):
    # `not_answers` must not be the answer, `not_reports` must not be listed as an earlier or a
    # differing report, `not_support` must not be stated by a citation listed as support
    not_answers: list[str] = field(default_factory=list)
    not_reports: list[str] = field(default_factory=list)
    not_support: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        out = {"id": self.id, "question": self.question, "answers": self.answers}
        if self.unanswerable:
            out["unanswerable"] = True
        if self.article_id is not None:
            out["article_id"] = self.article_id
            out["answer_spans"] = self.answer_spans
        return out


def news_style(context: str, per_paragraph: int) -> tuple[str, list[tuple[int, int, int]]]:
    """A SQuAD paragraph re-cut as news paragraphs of `per_paragraph` sentences (one
    blank line between them), and [(old start, old end, new start)] to move offsets."""
    from index.chunking import split_sentences

    sents = split_sentences(context)
    groups = [(sents[i][0], sents[min(i + per_paragraph, len(sents)) - 1][1])
              for i in range(0, len(sents), per_paragraph)]
    parts, moves, pos = [], [], 0
    for s, e in groups:
        moves.append((s, e, pos))
        parts.append(context[s:e])
        pos += e - s + 2
    return "\n\n".join(parts), moves


def load_squad(path: str | Path, unanswerable_share: float = 0.0, seed: int = 0,
               news_paragraphs: int | None = None) -> tuple[list[Article], list[Question]]:
    """Articles and questions of a SQuAD file. `news_paragraphs` re-cuts every
    paragraph into paragraphs of that many sentences, as news sites print them (a
    question whose answer would cross a cut is left out)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    if news_paragraphs:
        data = [_news_article(a, news_paragraphs) for a in data]
    articles, questions = [], []
    held_out: set[str] = set()
    if unanswerable_share > 0:
        titles = sorted(a["title"] for a in data)
        n = max(1, round(len(titles) * unanswerable_share))
        held_out = set(random.Random(seed).sample(titles, n))
    for art in data:
        paras = [p["context"] for p in art["paragraphs"]]
        text = "\n\n".join(paras)
        aid = slugify(art["title"])
        out = art["title"] in held_out
        if not out:
            articles.append(Article(aid, art["title"].replace("_", " "), text, path=f"squad:{art['title']}"))
        offset = 0
        for para in art["paragraphs"]:
            for qa in para["qas"]:
                spans, answers = [], []
                for a in qa["answers"]:
                    s = offset + a["answer_start"]
                    e = s + len(a["text"])
                    if text[s:e] != a["text"]:
                        raise ValueError(f"gold span of question {qa['id']} does not match the article text")
                    if [s, e] not in spans:
                        spans.append([s, e])
                    answers.append(a["text"])
                if out:
                    questions.append(Question(qa["id"], qa["question"], [], "off-topic"))
                else:
                    questions.append(Question(qa["id"], qa["question"], answers, False, aid, spans))
            offset += len(para["context"]) + 2
    return articles, questions


UNANSWERABLE_VALUES = (True, False, "on-topic", "off-topic")


def load_questions(path: str | Path) -> list[Question]:
    """A JSONL question set; a broken line raises ValueError naming it."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            answers = list(obj.get("answers", []))
            una = obj.get("unanswerable", not answers)
            if una not in UNANSWERABLE_VALUES:
                raise TypeError(f"unanswerable must be true, false, \"on-topic\" or \"off-topic\", not {una!r}")
            out.append(Question(str(obj["id"]), obj["question"], answers, una, obj.get("article_id"),
                                [list(s) for s in obj.get("answer_spans", [])],
                                list(obj.get("article_ids") or ([obj["article_id"]] if obj.get("article_id") else [])),
                                obj.get("as_of"), obj.get("expect"),
                                None if obj.get("chain") is None else str(obj["chain"]), obj.get("turn"),
                                list(obj.get("not_answers", [])), list(obj.get("not_reports", [])),
                                list(obj.get("not_support", []))))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a valid question record ({exc})") from None
    return out


def _news_article(art: dict, per_paragraph: int) -> dict:
    paragraphs = []
    for para in art["paragraphs"]:
        text, moves = news_style(para["context"], per_paragraph)
        qas = []
        for qa in para["qas"]:
            answers = []
            for a in qa["answers"]:
                s, e = a["answer_start"], a["answer_start"] + len(a["text"])
                for os_, oe, ns in moves:
                    if os_ <= s and e <= oe:
                        answers.append({"text": a["text"], "answer_start": ns + s - os_})
                        break
            if len(answers) == len(qa["answers"]):
                qas.append({**qa, "answers": answers})
        paragraphs.append({"context": text, "qas": qas})
    return {"title": art["title"], "paragraphs": paragraphs}
