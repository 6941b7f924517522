"""Our trained span reader (qa/reader.py, qa/weights): the shipped artifact, its answers, and a
query path that stays free of torch and spaCy."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from conftest import ROOT, SHIPPED_CORPUS

TRAIN = ROOT.parent / "shared" / "eval" / "squad-v1.1-train-full.json"


def test_reader_artifact_matches_its_record():
    """The shipped reader: trained on the whole SQuAD training file, reading windows (a
    sentence and its neighbours), taught "not here" by windows without the answer and by
    generated on-topic unanswerable questions; its record names the data and the commands."""
    from qa import learned

    assert learned.reader_available()
    meta = learned.reader_meta()
    assert hashlib.sha256(learned.READER_FILE.read_bytes()).hexdigest() == meta["onnx_sha256"]
    assert meta["data"] == TRAIN.name and "python -m training.reader train" in meta["command"]
    assert meta["radius"] >= 1 and meta["max_len"] >= 160 and meta["negative_share"] > 0
    assert meta["unanswerable_max"] > 0 and meta["unanswerable_sha256"] and meta["no_answer_examples"] > 20_000
    passes = [meta] + ([meta["init_record"]] if meta.get("init_record") else [])
    assert sum(m["examples"] for m in passes) > 80_000
    if meta.get("init_record"):  # a second pass: both commands are in the record
        assert "--init" in meta["command"] and "python -m training.reader train" in meta["init_command"]
    assert learned.READER_FILE.stat().st_size < 30e6
    if TRAIN.is_file():  # trained on that file and nothing else
        assert hashlib.sha256(TRAIN.read_bytes()).hexdigest() == meta["data_sha256"]


def test_the_reader_itself_says_not_here_for_an_on_topic_unanswerable_question():
    """Trained on generated on-topic unanswerable questions, the reader's own margin says
    "no answer here" for a question made unanswerable by swapping in a name and a year, on
    the very window that answers the original (the separate judge model is gone: it added
    nothing measured, docs/results.md)."""
    from qa import learned
    from qa.reader import Reader

    assert not learned.judge_available()
    r = Reader()
    s = ["The paper published excerpts from U.S. court documents. Court documents show that the U.S. government "
         "knew and authorized those meetings. Breitbart News confirmed the validity of the court papers."]
    yes = r.read("Who authorized the meetings?", s)[0].margin
    no = r.read("Who authorized the meetings in Australia in 1850?", s)[0].margin
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
    assert qa.reader is not None and a.fit == "reader"
    assert set(a.features) == set(CONFIDENCE_FEATURES["reader"]) - {"judge_margin"}  # no judge shipped
    assert set(qa.fit("reader")["features"]) <= set(a.features)
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


def test_a_soup_is_the_mean_of_its_readers_and_names_them(tmp_path):
    """`training.reader soup`: element-wise mean of the runs' weights, the last run's
    record with every ingredient hashed, and the averaging as the command."""
    import json

    import torch
    from safetensors.torch import load_file, save_file

    from training.reader import main

    runs = []
    for k, value in enumerate((1.0, 3.0)):
        run = tmp_path / f"pass{k}"
        (run / "final").mkdir(parents=True)
        save_file({"w": torch.full((2, 3), value), "b": torch.tensor([value, -value])},
                  str(run / "final" / "model.safetensors"))
        (run / "final" / "config.json").write_text("{}")
        (run / "train.json").write_text(json.dumps({"seed": k, "steps": 10}))
        runs.append(run)
    out = tmp_path / "soup"
    assert main(["soup", "--out", str(out), *map(str, runs)]) == 0
    mean = load_file(str(out / "final" / "model.safetensors"))
    assert torch.equal(mean["w"], torch.full((2, 3), 2.0)) and torch.equal(mean["b"], torch.tensor([2.0, -2.0]))
    record = json.loads((out / "train.json").read_text())
    assert record["seed"] == 1 and [s["run"] for s in record["soup"]] == [str(r) for r in runs]
    assert all(len(s["model_sha256"]) == 64 for s in record["soup"]) and "soup" in record["soup_command"]
