"""Our trained span reader (qa/reader.py, qa/weights): the shipped artifact, its answers, and a
query path that stays free of torch and spaCy."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

from conftest import ROOT, SHIPPED_CORPUS

TRAIN = ROOT.parent / "shared" / "eval" / "squad-v1.1-train-44-articles.json"


def test_reader_artifact_matches_its_record():
    from qa import learned

    assert learned.reader_available()
    meta = learned.reader_meta()
    assert hashlib.sha256(learned.READER_FILE.read_bytes()).hexdigest() == meta["onnx_sha256"]
    assert meta["data"] == TRAIN.name and "python -m training.reader train" in meta["command"]
    assert learned.READER_FILE.stat().st_size < 40e6
    if TRAIN.is_file():  # trained on that file and nothing else
        assert hashlib.sha256(TRAIN.read_bytes()).hexdigest() == meta["data_sha256"]


def test_judge_artifact_matches_its_record_and_was_taught_unanswerable_questions():
    from qa import learned

    assert learned.judge_available()
    meta = json.loads(learned.JUDGE_META_FILE.read_text())
    assert hashlib.sha256(learned.JUDGE_FILE.read_bytes()).hexdigest() == meta["onnx_sha256"]
    assert meta["data"] == TRAIN.name and "--as judge" in meta["export"]
    assert sum(meta["generated_unanswerable"].values()) > 5000 and meta["negatives"] == 2


def test_judge_margin_separates_an_answer_from_an_on_topic_unanswerable_question():
    """The judge says 'no answer here' for a question made unanswerable by swapping a
    name, on the very sentence that answers the original."""
    from qa import learned
    from qa.reader import Reader

    judge = Reader(learned.JUDGE_FILE)
    s = ["Court documents show that the U.S. government knew and authorized those meetings."]
    yes = judge.read("Who authorized the meetings?", s)[0].margin
    no = judge.read("Who authorized the meetings in Australia in 1850?", s)[0].margin
    assert yes > 0 > no


def test_reader_finds_the_span_and_knows_when_a_sentence_has_none():
    from qa.reader import Reader

    sentences = ["The museum opened in 1931 on the east bank.",
                 "Court documents show that the U.S. government knew and authorized those meetings.",
                 "It rained."]
    spans = Reader().read("Who authorized the meetings?", sentences)
    assert [s.sentence for s in spans] == [0, 1, 2]
    best = max(spans, key=lambda s: s.margin)
    assert best.sentence == 1
    assert sentences[1][best.start:best.end] == "the U.S. government"
    when = max(Reader().read("When did the museum open?", sentences), key=lambda s: s.margin)
    assert sentences[when.sentence][when.start:when.end] == "1931"
    assert Reader().read("Who?", ["", "  "]) == []


def test_answers_come_from_the_reader_and_quote_the_article(shipped_qa):
    assert shipped_qa.reader is not None
    a = shipped_qa.ask("Who authorized the meetings?")
    assert a.fit == "reader" and a.features["reader_margin"] > 0  # the reader's margin feeds the confidence
    assert a.features["judge_margin"] > 0  # and the judge's, on the chosen sentence
    art = shipped_qa.data.articles[shipped_qa.data.article_row[a.citations[0].article_id]]
    assert art.text[a.answer_start:a.answer_end] == a.answer == "the U.S. government"


def test_query_path_imports_neither_torch_nor_spacy(shipped_index):
    code = ("import sys, runpy; sys.argv = ['qa', 'ask', '--index-dir', sys.argv[1], 'Who authorized the meetings?'];"
            "\ntry:\n    runpy.run_module('qa', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in ('torch', 'spacy', 'sentence_transformers', 'transformers') "
            "if m in sys.modules))")
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code, str(shipped_index)], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "Answer: the U.S. government" in out.stdout
    assert "HEAVY []" in out.stdout, out.stdout


def test_rules_remain_as_a_fallback_with_their_own_confidence_fit(shipped_index, real_embedder):
    from dataclasses import replace

    from qa import AnswerSettings, open_qa
    from qa.learned import CONFIDENCE_FEATURES

    qa = open_qa(shipped_index, SHIPPED_CORPUS, embedder=real_embedder, answer=AnswerSettings(reader="rules"))
    assert qa.reader is None
    a = qa.ask("Who authorized the meetings?")
    assert a.answer == "the U.S. government" and a.fit == "rules"
    assert set(a.features) >= set(CONFIDENCE_FEATURES["rules"])
    # the setting also takes effect on an object already loaded (as `evaluation --reader` does)
    qa.settings = replace(qa.settings, reader="model")
    a = qa.ask("Who authorized the meetings?")
    assert qa.reader is not None and a.fit == "reader" and set(a.features) == set(CONFIDENCE_FEATURES["reader"])
    # the two fits are different functions of their features
    assert qa.confidence(a.features, "reader") != qa.confidence(a.features, "rules")
    qa.settings = replace(qa.settings, reader="rules")
    assert qa.reader is None and qa.ask("Who authorized the meetings?").fit == "rules"


def test_a_question_longer_than_the_reader_window_is_read_not_crashed():
    from qa.reader import MAX_QUESTION_TOKENS, Reader

    r = Reader()
    long_q = "x " * 130 + "Who authorized the meetings?"
    assert len(r.clip_question(long_q).split()) <= MAX_QUESTION_TOKENS
    spans = r.read(long_q, ["Court documents show that the U.S. government knew and authorized those meetings."])
    assert len(spans) == 1 and spans[0].end > spans[0].start
