"""Example questions made from the corpus: what the page offers under the question box.

The examples are questions the system itself answers, with high confidence and from
different articles, so that whatever the corpus a first-time reader's click gets an
answer (the page used to offer the shipped article's questions on every corpus).

How they are made (`make_examples`): from the first sentences of the newest articles,
spaCy's parse turns a sentence that opens with its subject (a name or a noun phrase) into
a question about that subject ("Police made two arrests for public drunkenness during the
festival." -> "Who made two arrests for public drunkenness during the festival?"). Each is
asked; one is kept when it is answered (not refused) at confidence >= MIN_CONFIDENCE from
the article it was made from, with (part of) the subject as a short answer, one per
article (more from each when the corpus has fewer articles than examples), up to `n`.

They are stored in the index version they were made from (`examples.json` beside its
manifest), so they are made once per version: by the app, the first time it serves a
version without them (a second or so; the index package does not load the reader).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

FILE = "examples.json"
MIN_CONFIDENCE = 0.8
SENTENCES_PER_ARTICLE = 3
MAX_ARTICLES = 12  # the newest (or the first, undated) articles tried
MAX_WORDS = 14  # a question longer than this is cut at the subject's predicate's first comma, or skipped
_WHO = {"PERSON", "ORG", "NORP"}
_WHO_NOUNS = {"council", "police", "board", "department", "company", "union", "officials", "authorities", "mayor",
              "president", "minister", "government", "court", "judge", "committee", "team", "agency", "spokesperson"}


def questions_from(sentence: str) -> list[tuple[str, str]]:
    """(question, expected answer) pairs made from one sentence by replacing its subject.

    >>> questions_from("Police made two arrests for public drunkenness during the festival.")
    [('Who made two arrests for public drunkenness during the festival?', 'Police')]
    """
    from qa.spans import nlp

    doc = nlp()(sentence)
    out = []
    for sent in doc.sents:
        root = sent.root
        if root.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((t for t in root.children if t.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None or subj.pos_ == "PRON":
            continue
        left, right = subj.left_edge.i, subj.right_edge.i
        if left != sent.start:
            continue  # the subject must open the sentence ("Police said ..." yes, "On Monday, police ..." no)
        subject = doc[left:right + 1].text
        wh = "Who" if subj.ent_type_ in _WHO or subj.pos_ == "PROPN" or subj.lower_ in _WHO_NOUNS else "What"
        rest = doc[right + 1:sent.end].text.strip()
        rest = rest.rstrip(".!?;:").strip()
        if "," in rest:  # "... said on Monday, the fire department said": keep the clause with the verb
            rest = rest.split(",")[0].strip()
        if not rest or len(rest.split()) > MAX_WORDS or len(rest.split()) < 3 or '"' in rest or "“" in rest:
            continue
        out.append((f"{wh} {rest}?", subject))
    return out


def make_examples(qa, n: int = 4) -> list[dict]:
    """Up to `n` examples ({question, answer, article_id}) the loaded `qa` answers with
    confidence >= MIN_CONFIDENCE from the article each was made from, one per article."""
    import numpy as np

    from common.text import words

    data = qa.data
    rows = sorted(range(len(data.articles)), key=lambda r: data.articles[r].date or "", reverse=True)
    per_article = max(1, -(-n // max(len(rows), 1)))  # one each, or more when there are fewer articles than n
    tries = max(SENTENCES_PER_ARTICLE, 3 * per_article)
    out = []
    for r in rows[:MAX_ARTICLES]:
        art = data.articles[r]
        sents = np.flatnonzero(data.sentence_articles == r)[:tries]
        taken = 0
        for i in sents:
            for question, subject in questions_from(data.sentence_text(int(i))):
                try:
                    answer = qa.ask(question)
                except Exception:  # noqa: BLE001 - an example that cannot be asked is not offered
                    continue
                if answer.refused or answer.confidence < MIN_CONFIDENCE or not answer.citations:
                    continue
                if answer.citations[0].article_id != art.id:
                    continue
                said, want = set(words(answer.answer or "")), set(words(subject))
                if not said or not (said & want) or len(said - want) > 2:
                    continue  # the answer is the subject, not a clause around it
                out.append({"question": question, "answer": answer.answer, "article_id": art.id,
                            "confidence": round(float(answer.confidence), 4)})
                taken += 1
                break
            if taken == per_article or len(out) == n:
                break
        if len(out) == n:
            break
    return out


def load(version_dir: Path) -> list[dict] | None:
    """The examples stored with an index version, or None when it has none (or they cannot be read)."""
    path = Path(version_dir) / FILE
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(items, list):
        return None
    return [x for x in items if isinstance(x, dict) and isinstance(x.get("question"), str)]


def save(version_dir: Path, items: list[dict]) -> None:
    """Write the examples beside the version's manifest (atomically; not part of the manifest)."""
    path = Path(version_dir) / FILE
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps(items, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def ensure(qa, version_dir: Path, n: int = 4) -> list[dict]:
    """The version's examples, made and stored when it has none yet."""
    items = load(version_dir)
    if items is None:
        items = make_examples(qa, n)
        try:
            save(version_dir, items)
        except OSError:
            pass  # a read-only index: the examples are made again next time
    return items
