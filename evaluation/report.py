"""One question's record, a run's metrics, and the comparison of two runs.

Metrics follow ../shared/eval/README.md: gold-hit@1/5/20 and MRR@20 (gold spans
known), EM/F1 (official SQuAD normalisation), sentence-hit@1, citation exactness,
refusal and false-refusal rates, latency p50/p95 (one question at a time, after a
warm-up, index loaded).
"""
from __future__ import annotations

import sys

from common.text import unbalanced

from . import metrics as M
from .squad import Question

METRIC_KEYS = ["n_questions", "gold_hit@1", "gold_hit@5", "gold_hit@20", "mrr@20", "em", "f1",
               "sentence_hit@1", "citation_exactness", "refusal_rate", "refusal_rate_on_topic",
               "refusal_rate_off_topic", "false_refusal_rate", "broken_spans", "right_article_rate",
               "correct_with_article", "cited_after_as_of", "surfaced_expected", "disagreement_rate",
               "not_answers_given", "reports_of_other_facts", "support_stating_other",
               "copies_in_one_answer", "chain_turns_right", "chains_all_right", "passage_words_mean", "latency_p50_ms", "latency_p95_ms"]


def score_question(q: Question, answer, data, texts: dict[str, str], seconds: float) -> dict:
    """One question's record: gold, answer, rank of the first gold passage, pass/fail."""
    passages = []
    for h in answer.hits:
        passages.append((data.articles[data.chunk_article(h.chunk)].id, *data.chunk_span(h.chunk)))
    rank = M.first_hit_rank(passages, q.article_id, q.answer_spans) if q.answer_spans else None
    cites = answer.citations
    exact = [texts.get(c.article_id, "")[c.start : c.end] == c.quote for c in cites]
    rec = {"id": q.id, "question": q.question, "gold": q.answers, "unanswerable": q.unanswerable,
           "answer": answer.answer, "refused": answer.refused, "confidence": round(answer.confidence, 4),
           "broken_span": bool(answer.answer and not answer.refused and unbalanced(answer.answer)),
           "features": {k: round(v, 4) for k, v in answer.features.items()}, "fit": answer.fit,
           "sentence": answer.sentence,
           "gold_rank": rank, "citations_exact": sum(exact), "citations": len(exact),
           "latency_ms": round(seconds * 1e3, 2),
           "cited": [c.article_id for c in cites], "cited_dates": [c.date for c in cites],
           "disagreement": [r.answer for r in answer.disagreement], "earlier": [r.answer for r in answer.earlier],
           "as_of": q.as_of, "expect": q.expect}
    ids = rec["cited"]
    rec["copies_cited"] = _copies_cited(ids, data)
    if q.as_of:
        rec["after_as_of"] = sum(bool(d) and d[:10] > q.as_of for d in rec["cited_dates"])
    if q.article_ids and not q.unanswerable:
        rec["right_article"] = float(bool(ids) and ids[0] in q.article_ids)
    if q.not_answers and not answer.refused:
        rec["not_answer_given"] = float(M.exact_match(answer.answer, q.not_answers) == 1)
    if q.not_reports:
        listed = rec["earlier"] + [r for r in rec["disagreement"] if M.exact_match(r, q.answers) != 1]
        rec["other_fact_reports"] = sum(M.exact_match(r, q.not_reports) == 1 for r in listed)
    if not answer.refused and answer.answer and answer.answer_start is not None:
        # a citation listed as support that states another answer: it lacks one of the
        # answer's words (lower case, split at every non-alphanumeric, possessives and
        # articles dropped), or it holds one of the question's other answers (not_support)
        # and not this one
        gold = M.normalize_answer(answer.answer)
        rec["support_stating_other"] = sum(
            1 for c in cites if getattr(c, "role", "answer") == "support" and (
                not _plain_words(answer.answer) <= _plain_words(c.quote)
                or (gold not in M.normalize_answer(c.quote) and any(
                    M.normalize_answer(x) in M.normalize_answer(c.quote) for x in q.not_support))))
    if q.expect:
        rec["surfaced"] = float(bool(answer.disagreement if q.expect == "disagreement" else answer.earlier))
    if not q.unanswerable:
        rec["em"] = M.exact_match(answer.answer, q.answers)
        rec["f1"] = round(M.f1_score(answer.answer, q.answers), 4)
        if q.answer_spans:
            rec["sentence_hit"] = float(bool(cites) and M.contains_span(
                cites[0].article_id, cites[0].start, cites[0].end, q.article_id, q.answer_spans))
    return rec


def _plain_words(text: str) -> set[str]:
    import re

    low = re.sub(r"['’]s\b", "", text.lower())
    return set(re.sub(r"[^0-9a-z]+", " ", low).split()) - {"a", "an", "the"}


def turn_right(rec: dict) -> bool:
    """A follow-up turn is right when an answerable one is answered with EM 1 or F1 >= 0.5
    (SQuAD normalisation, best gold answer), and an unanswerable one is refused."""
    if rec["unanswerable"]:
        return bool(rec["refused"])
    return not rec["refused"] and (rec["em"] == 1 or rec["f1"] >= 0.5)


def _copies_cited(ids: list[str], data) -> int:
    """Citations of one answer beyond the first from one wire group (should be 0)."""
    by_group: dict[int, set[str]] = {}
    for i in ids:
        if i in data.article_row:
            by_group.setdefault(data.group_of(data.article_row[i]), set()).add(i)
    return sum(len(a) - 1 for a in by_group.values())


def summarize(records: list[dict]) -> dict:
    ans = [r for r in records if not r["unanswerable"]]
    spans = [r for r in ans if "sentence_hit" in r]
    una = [r for r in records if r["unanswerable"]]
    n_cites = sum(r["citations"] for r in records)
    out = {"n_questions": len(records), "n_answerable": len(ans), "n_unanswerable": len(una)}
    if spans:
        for kk in (1, 5, 20):
            out[f"gold_hit@{kk}"] = M.mean(M.hit_at(r["gold_rank"], kk) for r in spans)
        out["mrr@20"] = M.mean(M.reciprocal_rank(r["gold_rank"], 20) for r in spans)
        out["sentence_hit@1"] = M.mean(r["sentence_hit"] for r in spans)
    if ans:
        out["em"] = M.mean(r["em"] for r in ans)
        out["f1"] = M.mean(r["f1"] for r in ans)
        out["false_refusal_rate"] = M.mean(float(r["refused"]) for r in ans)
    if una:
        out["refusal_rate"] = M.mean(float(r["refused"]) for r in una)
        for kind in ("on-topic", "off-topic"):
            some = [r for r in una if r["unanswerable"] == kind]
            if some:
                out[f"refusal_rate_{kind.replace('-', '_')}"] = M.mean(float(r["refused"]) for r in some)
    out["broken_spans"] = sum(bool(r.get("broken_span")) for r in records)
    right = [r for r in ans if "right_article" in r]
    if right:
        out["right_article_rate"] = M.mean(r["right_article"] for r in right)
        out["correct_with_article"] = M.mean(float(r["em"] and r["right_article"]) for r in right)
    if any(r.get("as_of") for r in records):
        out["cited_after_as_of"] = sum(r.get("after_as_of", 0) for r in records)
    expected = [r for r in records if r.get("expect")]
    if expected:
        out["surfaced_expected"] = M.mean(r["surfaced"] for r in expected)
    unexpected = [r for r in ans if not r.get("expect")]
    if unexpected:
        out["disagreement_rate"] = M.mean(float(bool(r.get("disagreement"))) for r in unexpected)
    if any("not_answer_given" in r for r in records):
        out["not_answers_given"] = sum(r.get("not_answer_given", 0) for r in records)
    if any("other_fact_reports" in r for r in records):
        out["reports_of_other_facts"] = sum(r.get("other_fact_reports", 0) for r in records)
    out["support_stating_other"] = sum(r.get("support_stating_other", 0) for r in records)
    out["copies_in_one_answer"] = sum(r.get("copies_cited", 0) for r in records)
    chained = [r for r in records if r.get("chain") is not None]
    if chained:
        out["chain_turns_right"] = M.mean(float(turn_right(r)) for r in chained)
        chains: dict[str, bool] = {}
        for r in chained:
            chains[r["chain"]] = chains.get(r["chain"], True) and turn_right(r)
        out["chains_all_right"] = M.mean(float(v) for v in chains.values())
    out["citation_exactness"] = sum(r["citations_exact"] for r in records) / n_cites if n_cites else None
    lat = [r["latency_ms"] for r in records]
    out["latency_p50_ms"], out["latency_p95_ms"] = M.percentile(lat, 50), M.percentile(lat, 95)
    return {k_: v for k_, v in out.items() if v is not None}


def print_table(m: dict, old: dict | None = None, out=sys.stdout) -> None:
    for key in METRIC_KEYS:
        if key not in m and not (old and key in old):
            continue
        new_v = m.get(key)
        line = f"{key:<20} {_fmt(new_v):>10}"
        if old is not None:
            old_v = old.get(key)
            diff = (new_v - old_v) if isinstance(new_v, (int, float)) and isinstance(old_v, (int, float)) else None
            line += f"   was {_fmt(old_v):>10}   change {'' if diff is None else f'{diff:+.4f}'}"
        print(line, file=out)


def _fmt(v) -> str:
    return "-" if v is None else str(v) if isinstance(v, int) else f"{v:.4f}"


def worse_questions(new: list[dict], old: list[dict]) -> list[str]:
    """Questions that lost EM, lost their gold passage from the top 5, or flipped refusal the wrong way."""
    before = {r["id"]: r for r in old}
    out = []
    for r in new:
        o = before.get(r["id"])
        if o is None:
            continue
        why = []
        if o.get("em", 0) > r.get("em", 0):
            why.append(f"EM lost (was {o.get('answer')!r}, now {r.get('answer')!r})")
        if M.hit_at(o.get("gold_rank"), 5) > M.hit_at(r.get("gold_rank"), 5):
            why.append(f"gold passage rank {o.get('gold_rank')} -> {r.get('gold_rank')}")
        if r["unanswerable"] and o["refused"] and not r["refused"]:
            why.append("no longer refused")
        if not r["unanswerable"] and r["refused"] and not o["refused"]:
            why.append("now wrongly refused")
        if why:
            out.append(f"{r['id']}: {r['question']}  -- {'; '.join(why)}")
    return out
