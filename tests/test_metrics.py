import pytest

from evaluation import metrics as M


@pytest.mark.parametrize("raw, norm", [
    ("The U.S. Government!", "us government"),
    ("  a   cat,  an apple and THE dog ", "cat apple and dog"),
    ("Theory of the Atom", "theory of atom"),  # 'the' inside words is kept, the word dropped
    ("there", "there"),
    ("1,000.5", "10005"),
    ("", ""),
    ("“quoted”", "“quoted”"),  # curly quotes are not ASCII punctuation: kept, as in the official script
])
def test_official_normalisation(raw, norm):
    assert M.normalize_answer(raw) == norm


def test_exact_match_takes_best_gold():
    assert M.exact_match("the U.S. government", ["U.S. government", "Washington"]) == 1.0
    assert M.exact_match("government", ["U.S. government"]) == 0.0
    assert M.exact_match(None, ["x"]) == 0.0


def test_f1_partial_overlap():
    # pred tokens: us government knew; gold: us government -> P=2/3, R=1, F1=0.8
    assert M.f1_score("U.S. government knew", ["the U.S. government"]) == pytest.approx(0.8)
    assert M.f1_score("a", ["the"]) == 0.0  # both normalise to nothing
    assert M.f1_score("Denver Broncos", ["Broncos", "Denver Broncos"]) == 1.0


def test_gold_hit_rank_requires_whole_span_in_gold_article():
    passages = [("other", 0, 100), ("gold", 0, 49), ("gold", 40, 120)]
    assert M.first_hit_rank(passages, "gold", [[45, 60]]) == 3  # passage 2 cuts the span
    assert M.first_hit_rank(passages, "gold", [[200, 210]]) is None
    assert M.hit_at(3, 1) == 0.0 and M.hit_at(3, 5) == 1.0 and M.hit_at(None, 20) == 0.0
    assert M.reciprocal_rank(4) == 0.25 and M.reciprocal_rank(25) == 0.0


def test_percentile_interpolates():
    assert M.percentile([10, 20, 30, 40], 50) == 25
    assert M.percentile([5], 95) == 5
    assert M.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
