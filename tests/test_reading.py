"""How the reader is given text and what it may answer: windows around a sentence (the one
rule training and answering share), answers of the asked-for kind, yes/no questions, and
the training examples cut from SQuAD."""
from __future__ import annotations

import json

import pytest
from conftest import ROOT


def test_window_takes_neighbours_within_its_length():
    from qa.reader import window

    spans = [(0, 100), (101, 200), (201, 300), (301, 400), (401, 500)]
    assert window(spans, 2, radius=1) == (1, 3)
    assert window(spans, 2, radius=2) == (0, 4)
    assert window(spans, 0, radius=1) == (0, 1)  # nothing before the first sentence
    assert window(spans, 4, radius=1) == (3, 4)
    assert window(spans, 2, radius=0) == (2, 2)  # a sentence-level reader reads the sentence alone
    assert window(spans, 2, radius=1, max_chars=210) == (2, 3)  # the one after first, then no room
    assert window([(0, 900)], 0, radius=1) == (0, 0)  # a sentence longer than a window is still read


def test_required_kind_of_answer():
    from qa.answer_type import required

    count = required("How many firearms were dispensed under Fast and Furious?")
    assert not count("2009") and count("about 2,000") and count("more than a hundred")
    assert required("How much did the wing cost?")("$18 million")
    assert not required("How much did the wing cost?")("in 1898")
    assert required("How long did the strike last?")("six school days")
    assert required("Who won the election?") is None  # names only feed the confidence
    assert required("How many homes?", kinds=()) is None  # the ablation switch


@pytest.mark.parametrize("question, sentence, verdict", [
    ("Did the DOJ comment on the meetings?",
     "According to El Universal, DOJ and other U.S. agencies declined to comment on meeting with drug cartels.",
     "No"),
    ("Did El Universal publish excerpts of court documents?",
     "The paper published excerpts from U.S. court documents to support their claims.", "Yes"),
    ("Was the Mexican government told about the operations?",
     "El Universal alleges that the DEA operations were carried out without the knowledge of the Mexican government.",
     "No"),
    ("Is the boil-water notice still in force?",
     "The water department lifted the boil-water notice for the north side of Port Alder on Friday.", "No"),
    ("Has the library reopened?", "The Port Alder Carnegie library reopened on Saturday.", "Yes"),
])
def test_yes_no_questions_get_yes_or_no(question, sentence, verdict):
    from qa.yesno import is_yes_no, polarity

    assert is_yes_no(question)
    assert polarity(question, sentence) == verdict


def test_choice_and_wh_questions_are_not_yes_no():
    from qa.yesno import is_yes_no

    assert not is_yes_no("Is the ferry run by the town or by a company?")
    assert not is_yes_no("Who authorized the meetings?")
    assert not is_yes_no("")


def test_training_windows_hold_their_answers(tmp_path):
    """Every answerable example's offsets cut out its gold answer; unanswerable ones are
    marked -1; some answers sit in a neighbour of the window's centre sentence."""
    from training.reader import examples

    ctx = ("The museum opened in 1931 on the east bank. It was designed by Anna Roth. "
           "The building has three floors. Its collection holds 4,000 paintings. Entry is free.")
    a = ctx.index("Anna Roth")
    squad = {"data": [{"title": "Museum", "paragraphs": [{"context": ctx, "qas": [
        {"id": f"q{i}", "question": "Who designed the museum?", "answers": [{"text": "Anna Roth", "answer_start": a}]}
        for i in range(40)]}]}]}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(squad))
    made = [{"source_id": "q1", "question": "Who designed the museum in 1850?"}]
    ex = examples(str(path), seed=1, negative_share=1.0, radius=1, generated=made, unanswerable_max=5)
    pos = [e for e in ex if e[2] >= 0]
    neg = [e for e in ex if e[2] < 0]
    assert len(pos) == 40 and all(t[s:e] == "Anna Roth" for _, t, s, e in pos)
    assert {t for _, t, _, _ in pos} > {ctx[:ctx.index(" The building")]}  # windows differ in their centre
    assert neg and all("Anna Roth" not in t for q, t, _, _ in neg if q == "Who designed the museum?")
    around_gold = ctx[:ctx.index(" Its collection")]  # the gold sentence with one neighbour each side
    assert ("Who designed the museum in 1850?", around_gold, -1, -1) in ex


def test_unanswerable_generator_makes_records_for_training():
    from evaluation.unanswerable import generate

    path = ROOT.parent / "shared" / "eval" / "squad-v1.1-dev-part-a.json"
    if not path.is_file():
        pytest.skip("SQuAD dev file not here")
    data = json.loads(path.read_text())
    small = {"data": data["data"][:1]}
    tmp = ROOT / "tests" / "artifacts"
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "one-article.json").write_text(json.dumps(small))
    made = generate(tmp / "one-article.json", seed=3)
    assert len(made) > 100
    assert all(g.unanswerable == "on-topic" and g.source_id and g.question != g.source_question for g in made)


def test_a_count_is_of_what_was_asked():
    """"How many goals …?" is not answered by the 88 of "the 88th minute", nor "How many people
    …?" by a distance or a sum of money; a count in the unit class asked for, with no unit, or
    a share (SQuAD's "How many students …?" → "9.6%") is."""
    from qa.answer_type import required

    goals = required("How many goals did Jonah Reyes score this season?")
    text = "Jonah Reyes scored the winning goal in the 88th minute."
    assert not goals(text, text.index("88"), text.index("88") + 2)  # the reader's token ends inside "88th"
    people = required("How many people came?")
    assert not people("It cost $5 million.", 8, 18) and not people("They walked 12 kilometres.", 12, 14)
    assert people("About 5,000 people came.", 6, 11) and people("It was 9.6% of them.", 7, 11)
    assert required("How many paid holiday days are required?")("at least 4 weeks paid", 9, 10)
    assert required("How many kilometers is Warsaw from the mountains?")("about 300 km (190 mi)", 6, 9)
    assert required("How many years did it take?")("It took 12 years.", 8, 10)


def test_a_figure_is_in_the_unit_class_the_question_measures():
    """"What is the top speed …?" is not answered by "25 minutes", "What salary …?" not by
    "41 percent"; a figure in the right class, or one without a unit, is."""
    from qa.answer_type import asked_measure, required

    speed = required("What is the top speed of the Kittiwake ferry?")
    text = "The ferry makes the crossing in 25 minutes at up to 22 knots."
    assert not speed(text, text.index("25"), text.index("25") + 2) and speed(text, text.index("22"), text.index("22") + 2)
    salary = required("What salary will Mayor Baptiste earn?")
    assert not salary("Baptiste leads with 41 percent support.", 20, 22)
    assert salary("She will earn $95,000 a year.", 14, 21) and salary("It is not known.", 0, 2)
    assert asked_measure("What is the population density of Paris?") is None  # another measure
    assert required("What is the capital of France?") is None


def test_a_score_is_not_a_minute():
    from qa.answer_type import required

    score = required("What was the score of the regional cup final?")
    text = "Jonah Reyes scored the winning goal in the 88th minute of a 2-1 win."
    assert not score(text, text.index("88th"), text.index("88th") + 11) and score(text, text.index("2-1"), text.index("2-1") + 3)
