import json

import pytest
from conftest import ROOT, SQUAD_DEV

from evaluation.__main__ import main
from evaluation.report import summarize, worse_questions

NEWS = ROOT / "eval" / "news_questions.jsonl"
# Measured on the shipped article (docs/results.md: EM 0.714, on-topic unanswerable
# refused 10 of 30, off-topic 3 of 3, answerable refused 3 of 28); the suite fails
# if quality drops more than a small margin below it.
NEWS_EM_FLOOR = 0.65
NEWS_ON_TOPIC_REFUSAL_FLOOR = 0.25
NEWS_FALSE_REFUSAL_CEILING = 0.15


def rec(qid, **kw):
    base = {"id": qid, "question": qid, "unanswerable": False, "refused": False, "citations": 1,
            "citations_exact": 1, "latency_ms": 10.0, "gold_rank": 1, "em": 1.0, "f1": 1.0, "sentence_hit": 1.0}
    base.update(kw)
    return base


def test_summary_on_hand_made_records():
    records = [rec("a"), rec("b", gold_rank=3, em=0.0, f1=0.5, sentence_hit=0.0, latency_ms=30.0),
               rec("c", gold_rank=None, em=0.0, f1=0.0, sentence_hit=0.0, refused=True, citations=0,
                   citations_exact=0, latency_ms=20.0),
               {"id": "u", "question": "u", "unanswerable": True, "refused": True, "citations": 0,
                "citations_exact": 0, "latency_ms": 40.0, "gold_rank": None}]
    m = summarize(records)
    assert m["n_questions"] == 4 and m["n_answerable"] == 3
    assert m["gold_hit@1"] == pytest.approx(1 / 3) and m["gold_hit@5"] == pytest.approx(2 / 3)
    assert m["mrr@20"] == pytest.approx((1 + 1 / 3) / 3)
    assert m["em"] == pytest.approx(1 / 3) and m["f1"] == pytest.approx(0.5)
    assert m["false_refusal_rate"] == pytest.approx(1 / 3) and m["refusal_rate"] == 1.0
    assert m["citation_exactness"] == 1.0 and m["latency_p50_ms"] == 25.0


def test_worse_questions_are_listed():
    old = [rec("a"), rec("b"), {**rec("u"), "unanswerable": True, "refused": True}]
    new = [rec("a"), rec("b", em=0.0, answer="x", gold_rank=9), {**rec("u"), "unanswerable": True, "refused": False}]
    worse = worse_questions(new, old)
    assert len(worse) == 2 and "EM lost" in worse[0] and "rank 1 -> 9" in worse[0]
    assert "no longer refused" in worse[1]


def test_news_question_set_is_well_formed():
    from evaluation.squad import load_questions
    from index.articles import load_articles

    texts = {a.id: a.text for a in load_articles(ROOT / "corpus").articles}
    qs = load_questions(NEWS)
    assert len(qs) >= 25 and sum(bool(q.unanswerable) for q in qs) >= 5
    for q in qs:
        for s, e in q.answer_spans:
            assert texts[q.article_id][s:e] == q.answers[0]


def test_news_quality_does_not_regress(tmp_path, shipped_index, capsys):
    assert main([str(NEWS), "--index-dir", str(shipped_index), "--out", str(tmp_path / "run"), "--quiet"]) == 0
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    m = report["metrics"]
    assert m["em"] >= NEWS_EM_FLOOR, m
    assert m["refusal_rate_off_topic"] == 1.0, m
    assert m["refusal_rate_on_topic"] >= NEWS_ON_TOPIC_REFUSAL_FLOOR, m
    assert m["false_refusal_rate"] <= NEWS_FALSE_REFUSAL_CEILING, m
    assert m["broken_spans"] == 0, m
    assert m["citation_exactness"] == 1.0
    assert report["settings"]["k"] == 20 and report["machine"]["cores"]
    lines = (tmp_path / "run" / "questions.jsonl").read_text().splitlines()
    assert len(lines) == m["n_questions"]
    # --compare against itself: no question got worse
    assert main([str(NEWS), "--index-dir", str(shipped_index), "--compare", str(tmp_path / "run" / "report.json"),
                 "--quiet"]) == 0
    assert "0 questions got worse" in capsys.readouterr().out


def test_squad_held_out_split():
    if not SQUAD_DEV.is_file():
        pytest.skip(f"{SQUAD_DEV} not present")
    from evaluation.squad import load_squad

    articles, questions = load_squad(SQUAD_DEV, unanswerable_share=0.2, seed=0)
    assert len(articles) == 19 and len({q.id for q in questions}) == 4961
    held_out = {q.id for q in questions if q.unanswerable}
    assert 500 < len(held_out) < 2000
    kept = {a.id for a in articles}
    assert all(q.article_id in kept for q in questions if not q.unanswerable)


def test_squad_sample_builds_an_index_and_scores_it(tmp_path):
    """Two real SQuAD articles, one held out: the run builds the index, answers,
    and its report scores retrieval, answers and refusals."""
    if not SQUAD_DEV.is_file():
        pytest.skip(f"{SQUAD_DEV} not present")
    data = json.loads(SQUAD_DEV.read_text())
    small = tmp_path / "two-articles.json"
    small.write_text(json.dumps({"version": "1.1", "data": data["data"][:2]}))
    out = tmp_path / "run"
    assert main(["--squad", str(small), "--unanswerable-share", "0.5", "--limit", "40", "--seed", "1",
                 "--index-dir", str(tmp_path / "idx"), "--out", str(out), "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    m = report["metrics"]
    assert report["index_manifest"]["counts"]["articles"] == 1
    assert m["n_questions"] == 40 and m["n_answerable"] and m["n_unanswerable"]
    assert m["gold_hit@5"] >= 0.8 and m["em"] >= 0.3 and m["citation_exactness"] == 1.0
    assert m["refusal_rate"] >= 0.7
    recs = [json.loads(x) for x in (out / "questions.jsonl").read_text().splitlines()]
    answered = [r for r in recs if r["fit"]]
    assert answered and all(set(r["features"]) >= {"sentence_cosine", "sentence_overlap"} for r in answered)


def test_ablation_switches(tmp_path, shipped_index):
    """--no-spans answers with whole sentences; --hand-weights still answers and cites exactly."""
    assert main([str(NEWS), "--index-dir", str(shipped_index), "--out", str(tmp_path / "a"), "--no-spans",
                 "--quiet"]) == 0
    recs = [json.loads(x) for x in (tmp_path / "a" / "questions.jsonl").read_text().splitlines()]
    answered = [r for r in recs if not r["refused"]]
    assert answered and all(r["answer"] == r["sentence"] for r in answered)
    assert main([str(NEWS), "--index-dir", str(shipped_index), "--out", str(tmp_path / "b"), "--hand-weights",
                 "--quiet"]) == 0
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    assert report["settings"]["answer"]["span_weights"] == "hand"
    assert report["metrics"]["citation_exactness"] == 1.0 and report["metrics"]["em"] > 0.3


FOLLOWUPS = ROOT / "eval" / "followups.jsonl"
# Measured on the shipped article (README, Follow-up questions): 22 of 27 turns right.
FOLLOWUP_FLOOR = 0.74


def test_follow_up_chains_are_asked_as_chats(tmp_path, shipped_index):
    assert main([str(FOLLOWUPS), "--index-dir", str(shipped_index), "--out", str(tmp_path / "fu"), "--quiet"]) == 0
    m = json.loads((tmp_path / "fu" / "report.json").read_text())["metrics"]
    assert m["chain_turns_right"] >= FOLLOWUP_FLOOR, m
    recs = [json.loads(line) for line in (tmp_path / "fu" / "questions.jsonl").read_text().splitlines()]
    first = [r for r in recs if r["chain"] == "dea-authorized"]
    assert [r["turn"] for r in first] == [1, 2, 3, 4]
    assert first[0]["asked_as"] is None and first[2]["asked_as"] == "What did the meetings result in?"
    # --limit samples whole chains
    assert main([str(FOLLOWUPS), "--index-dir", str(shipped_index), "--out", str(tmp_path / "fu2"), "--quiet",
                 "--limit", "2", "--follow-ups", "keywords"]) == 0
    recs = [json.loads(line) for line in (tmp_path / "fu2" / "questions.jsonl").read_text().splitlines()]
    chains = {r["chain"] for r in recs}
    assert len(chains) == 2 and all(r["turn"] == i + 1 for c in chains
                                    for i, r in enumerate(x for x in recs if x["chain"] == c))
