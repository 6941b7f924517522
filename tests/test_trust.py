"""Trust: whole answers, answer-type agreement, generated on-topic unanswerable
questions and the refusal metrics that report them."""
from __future__ import annotations

import json

import pytest
from conftest import ROOT

FOX = ("El Universal mentions that the meetings between U.S. officials and drug cartel members in Mexico took "
       "place during the Mexican presidencies of Vicente Fox (2000-2006) and Felipe Calderón (2006-2012).")


def _cut(sentence: str, piece: str, question: str, offset: int = 0) -> str:
    from qa.whole import whole_span

    a = sentence.index(piece, offset)
    s, e = whole_span(sentence, a, a + len(piece), question)
    return sentence[s:e]


@pytest.mark.parametrize("piece, question, want", [
    ("2000-2006) and Felipe Calderón (2006-2012", "When did they take place?",
     "Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)"),
    ("Vicente Fox", "Which presidents were in office then?",
     "Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)"),
    ("Calderón", "Who was president?", "Felipe Calderón"),
    ("icente Fo", "Who was president?", "Vicente Fox"),
    ("U.S. officials", "Who met with cartel members?", "U.S. officials"),
])
def test_whole_answers_never_cut_brackets_names_or_words(piece, question, want):
    assert _cut(FOX, piece, question) == want


def test_lists_widen_only_when_several_are_asked_for():
    s = "The U.S. has been carrying out investigative operations to fight drug cartels in Thailand, Cambodia, and Afghanistan."
    assert _cut(s, "Cambodia", "In which Asian countries has the U.S. run operations?") == \
        "Thailand, Cambodia, and Afghanistan"
    assert _cut(s, "Cambodia", "Which country lies between the others?") == "Cambodia"


def test_an_amount_is_cut_before_its_period_unless_the_period_is_asked():
    s = "The state fisheries board cut the cod quota for the Alder Bank by 20 percent for 2027."
    assert _cut(s, "20 percent for 2027", "By how much was the cod quota cut?") == "20 percent"
    assert _cut(s, "20 percent for 2027", "By how much was the quota cut, and for which year?") == \
        "20 percent for 2027"
    assert _cut(s, "20 percent for 2027", "What did the board do?") == "20 percent for 2027"


def test_a_lone_quote_with_no_partner_is_dropped():
    s = 'He called it "the deal of the century and left.'
    out = _cut(s, '"the deal', "What did he call it?")
    assert '"' not in out and out == "the deal"


def test_type_agreement():
    from qa.answer_type import agreement

    assert agreement("How many DEA agents attended the secret meetings?",
                     "drug trafficking organizations, especially the Sinaloa cartel") == -1.0
    assert agreement("How many firearms were dispensed?", "2009") == -1.0  # a year is not a count
    assert agreement("How many firearms were dispensed?", "2,000 guns") == 1.0
    assert agreement("When did Breitbart News confirm the court papers?", "the course of a year") == -1.0
    assert agreement("When did CNSNews.com report it?", "December 2011") == 1.0
    assert agreement("When was it published?", "the paper") == -1.0
    assert agreement("Who revealed the meetings?", "El Universal") == 1.0
    assert agreement("Why did they meet?", "to obtain information") == 0.0


def test_unbalanced_marks():
    from common.text import unbalanced

    assert unbalanced("Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)") == []
    assert unbalanced("2000-2006) and Felipe Calderón (2006-2012") == [9, 31]
    assert unbalanced("“Fast and Furious") == [0]
    assert unbalanced('a "b" c') == []


def test_generated_unanswerable_questions_pass_their_checks(tmp_path):
    """Each kind on a small hand-made SQuAD file: the change is made and its check holds."""
    from evaluation.unanswerable import generate

    para_a = ("The Harbor Festival was first held in 1987 by the Fishermen's Union. It drew 48,000 visitors "
              "this year, the largest crowd in its history.")
    para_b = ("Mayor Elena Ruiz opened the new library in Brookfield. The library holds old maps of the "
              "river valley.")
    para_c = "Oslo hosted the Winter Games. Norway built a new stadium for the event."
    data = {"data": [
        {"title": "Harbor", "paragraphs": [{"context": para_a, "qas": [
            {"id": "q1", "question": "Who first held the Harbor Festival?",
             "answers": [{"answer_start": para_a.index("the Fishermen"), "text": "the Fishermen's Union"}]},
            {"id": "q2", "question": "What was the largest crowd in the festival's history?",
             "answers": [{"answer_start": para_a.index("48,000"), "text": "48,000 visitors"}]}]}]},
        {"title": "Library", "paragraphs": [{"context": para_b, "qas": [
            {"id": "q3", "question": "Who opened the new library?",
             "answers": [{"answer_start": para_b.index("Mayor"), "text": "Mayor Elena Ruiz"}]},
            {"id": "q4", "question": "What map does the library hold?",
             "answers": [{"answer_start": para_b.index("old maps"), "text": "old maps"}]}]}]},
        {"title": "Games", "paragraphs": [{"context": para_c, "qas": [
            {"id": "q5", "question": "Which city hosted the Winter Games?",
             "answers": [{"answer_start": 0, "text": "Oslo"}]}]}]},
    ]}
    f = tmp_path / "tiny.json"
    f.write_text(json.dumps(data))
    made = generate(f, seed=0, per_question=10)
    kinds = {g.kind for g in made}
    assert {"entity-swap", "antonym", "type-mismatch", "negation", "impossible-condition"} <= kinds, kinds
    texts = {"harbor": para_a, "library": para_b, "games": para_c}
    for g in made:
        assert g.unanswerable == "on-topic" and g.question != g.source_question
        para = texts[g.article_id]
        assert para[g.answer_start - g.paragraph_start:g.answer_end - g.paragraph_start]
        new = set(g.question.rstrip("?").split()) - set(g.source_question.rstrip("?").split())
        if g.kind == "antonym":  # the opposite word is not in the paragraph
            from evaluation.unanswerable import ANTONYMS

            assert len(new) == 1 and new.pop().lower() in ANTONYMS
            assert not any(f" {w} " in f" {para.lower()} " for w in new)
        if g.kind == "negation":
            assert " not " in g.question
        if g.kind == "type-mismatch":
            from evaluation.unanswerable import NUMBER

            assert g.question.startswith("How many ") and not NUMBER.search(para)
        if g.kind == "impossible-condition":
            year = g.question.rsplit(" ", 1)[1].rstrip("?")
            assert year.isdigit() and year not in para
        if g.kind == "entity-swap":  # the words swapped in occur nowhere in the question's article
            assert new and not any(w in para for w in new), (g.question, new)


def test_refusals_are_reported_by_kind_and_broken_spans_counted():
    from evaluation.report import summarize

    def rec(qid, una, refused, answer="x"):
        return {"id": qid, "question": qid, "unanswerable": una, "refused": refused, "answer": answer,
                "citations": 0, "citations_exact": 0, "latency_ms": 1.0, "gold_rank": None,
                "broken_span": answer.count("(") != answer.count(")"), "em": 1.0, "f1": 1.0}

    m = summarize([rec("a", False, False, "Fox (2000"), rec("b", "on-topic", True), rec("c", "on-topic", False),
                   rec("d", "off-topic", True), rec("e", True, False)])
    assert m["refusal_rate_on_topic"] == 0.5 and m["refusal_rate_off_topic"] == 1.0
    assert m["refusal_rate"] == 0.5 and m["broken_spans"] == 1


def test_question_sets_say_why_a_question_is_unanswerable(tmp_path):
    from evaluation.squad import load_questions

    qs = load_questions(ROOT / "eval" / "news_questions.jsonl")
    on_topic = [q for q in qs if q.unanswerable == "on-topic"]
    assert len(on_topic) >= 25 and any(q.unanswerable == "off-topic" for q in qs)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "question": "Q?", "unanswerable": "maybe"}\n')
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        load_questions(bad)


def test_calibration_fits_named_features_and_checks_another_run(tmp_path, capsys, monkeypatch):
    """training.calibrate on a run where a feature separates answerable from
    on-topic unanswerable questions: the fit names its features, refuses the
    unanswerable ones at <= 5% false refusals, and --check reports by kind."""
    import random

    from qa import learned
    from training import calibrate

    rng = random.Random(0)
    names = learned.CONFIDENCE_FEATURES["reader"]

    def run(path, n):
        with open(path, "w") as fh:
            for i in range(n):
                kind = [False, "on-topic", "off-topic"][i % 3]
                f = {k: rng.random() for k in names}
                f["reader_margin"] = (4.0 if not kind else -4.0) + rng.gauss(0, 1)
                fh.write(json.dumps({"id": str(i), "unanswerable": kind, "fit": "reader", "features": f}) + "\n")

    run(tmp_path / "a.jsonl", 600)
    run(tmp_path / "b.jsonl", 300)
    target = tmp_path / "calibration.json"
    monkeypatch.setattr(learned, "CALIBRATION_FILE", target)
    assert calibrate.main([str(tmp_path / "a.jsonl"), "--check", str(tmp_path / "b.jsonl"), "--write"]) == 0
    out = capsys.readouterr().out
    assert "on-topic" in out and f"on {tmp_path / 'b.jsonl'}" in out
    fit = json.loads(target.read_text())["fits"]["reader"]
    assert fit["features"] == list(names) and set(fit["weights"]) == set(names)
    assert fit["weights"]["reader_margin"] > 0 and fit["false_refusal_rate"] <= 0.05 and fit["refusal_rate"] > 0.9
    assert calibrate.main([str(tmp_path / "a.jsonl"), "--features", "sentence_cosine,nonsense"]) == 2


def test_straight_quotes_pair_by_the_sentence_not_the_span():
    s = ('Other Geordie words with Anglo-Saxon origins include: "larn" (from the Anglo-Saxon "laeran", '
         'meaning "teach"), "burn" ("stream") and "gan" ("go").')
    from common.text import unbalanced

    out = _cut(s, 'larn" (from the Anglo-Saxon "laeran", meaning "teach"), "burn" ("stream', "Which word means stream?")
    assert out == '"larn" (from the Anglo-Saxon "laeran", meaning "teach"), "burn" ("stream")'
    assert unbalanced(out) == []


def test_without_a_calibration_file_the_default_fit_scores(tmp_path, monkeypatch):
    from qa import learned

    monkeypatch.setattr(learned, "CALIBRATION_FILE", tmp_path / "none.json")
    fits = learned.calibration()
    features = {"sentence_cosine": 0.8, "sentence_overlap": 0.5, "passage_cosine": 0.7, "reader_margin": 3.0,
                "type_agreement": 1.0, "missing_names": 0.0}
    for name in ("reader", "rules"):
        assert 0.0 < learned.confidence(fits[name], features) < 1.0


def test_a_mode_typo_is_an_error_not_the_default():
    """Issue 23: an unknown mode string raises, naming the allowed values, instead of
    quietly answering (or measuring an ablation) with the default."""
    import pytest

    from qa.answer import AnswerSettings
    from qa.retrieval import RetrievalSettings

    with pytest.raises(ValueError, match="hybrid, dense, bm25, rrf"):
        RetrievalSettings(mode="bm52")
    with pytest.raises(ValueError, match="auto, model, rules"):
        AnswerSettings(reader="modle")
    assert AnswerSettings(reader="rules").reader == "rules" and RetrievalSettings(mode="rrf").mode == "rrf"
