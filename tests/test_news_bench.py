"""The news-shaped retrieval benchmark (eval/news_bench): recurring stories, and each
question's answer verbatim in exactly one article, at its offset."""
import json
import sys

from conftest import ROOT


def test_the_committed_benchmark_is_what_the_generator_writes_and_answers_are_unique():
    sys.path.insert(0, str(ROOT / "eval" / "news_bench"))
    from make import OUT, make

    data = make()
    assert json.loads(OUT.read_text(encoding="utf-8")) == data  # committed file = generator output
    texts = ["\n\n".join(p["context"] for p in a["paragraphs"]) for a in data["data"]]
    n = 0
    for art in data["data"]:
        for p in art["paragraphs"]:
            for q in p["qas"]:
                a = q["answers"][0]
                assert p["context"][a["answer_start"]:a["answer_start"] + len(a["text"])] == a["text"]
                assert sum(a["text"] in t for t in texts) == 1, q["question"]
                n += 1
    topics = {a["title"].split(" (")[0].split()[-1] for a in data["data"]}
    assert len(data["data"]) >= 100 and n >= 150 and len(topics) < len(data["data"]) / 3  # stories recur
    assert any("How relevant is this ad to you?" in t for t in texts) and any(" — " in t[:60] for t in texts)
