"""Real model, real shipped article: the answers users see."""
import json
import os
import socket
import subprocess
import sys

import pytest
from conftest import ROOT, SHIPPED_CORPUS


def test_who_authorized_the_meetings(shipped_qa):
    a = shipped_qa.ask("Who authorized the meetings?")
    assert not a.refused
    assert a.answer == "the U.S. government"
    assert a.sentence.startswith("Court documents show that the U.S. government knew and authorized those meetings")
    c = a.citations[0]
    article = shipped_qa.data.articles[shipped_qa.data.article_row[c.article_id]]
    assert article.text[c.start:c.end] == c.quote == a.sentence
    assert article.text[a.answer_start:a.answer_end] == a.answer


def test_unanswerable_question_is_refused(shipped_qa):
    a = shipped_qa.ask("Who won the 2010 FIFA World Cup?")
    assert a.refused and a.answer is None and a.citations == []


@pytest.mark.parametrize("question, expected", [
    ("Which newspaper revealed the secret meetings?", "El Universal"),
    ("How many officials did the newspaper interview?", "more than a hundred"),
    ("In which country did the DEA meet traffickers to get information on Pablo Escobar?", "Colombia"),
])
def test_more_real_questions(shipped_qa, question, expected):
    a = shipped_qa.ask(question)
    assert a.answer == expected


def test_every_citation_quotes_the_article(shipped_qa):
    texts = {a.id: a.text for a in shipped_qa.data.articles}
    for q in ["Who authorized the meetings?", "What did the meetings result in?", "When was the report published?",
              "Why did the DEA meet cartel leaders?", "Which agency ran Fast and Furious?"]:
        for c in shipped_qa.ask(q).citations:
            assert texts[c.article_id][c.start:c.end] == c.quote


def test_empty_and_huge_questions_are_clear_errors(shipped_qa):
    from common.errors import BadQuestionError

    with pytest.raises(BadQuestionError):
        shipped_qa.ask("   ")
    with pytest.raises(BadQuestionError):
        shipped_qa.ask("why " * 1000)
    odd = "¿Quién autorizó las reuniones? 🤔 \u200b"  # odd Unicode: answered or refused, no crash
    a = shipped_qa.ask(odd)
    assert a.question == odd.strip()
    if a.refused:
        assert a.answer is None and not a.citations
    else:
        text = shipped_qa.data.articles[0].text
        assert a.answer and a.citations and all(text[c.start:c.end] == c.quote for c in a.citations)


def _run_cli(*args, stdin=None):
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "qa", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def test_cli_json_and_stdin(shipped_index):
    out = _run_cli("ask", "--json", "--index-dir", str(shipped_index), "Who authorized the meetings?")
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert set(obj) >= {"question", "answer", "refused", "confidence", "sentence", "citations"}
    assert obj["answer"] == "the U.S. government" and obj["refused"] is False
    assert set(obj["citations"][0]) >= {"article_id", "title", "start", "end", "quote"}

    out = _run_cli("ask", "--json", "-", "--index-dir", str(shipped_index),
                   stdin="Who authorized the meetings?\n\nWho won the 2010 FIFA World Cup?\n")
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["refused"] for x in lines] == [False, True] and lines[1]["answer"] is None


def test_cli_plain_text_and_errors(shipped_index, tmp_path):
    out = _run_cli("ask", "--index-dir", str(shipped_index), "Who authorized the meetings?")
    assert "Answer: the U.S. government" in out.stdout and "[1]" in out.stdout
    out = _run_cli("ask", "--index-dir", str(tmp_path / "none"), "Who?")
    assert out.returncode == 1 and "python -m index build" in out.stderr and "Traceback" not in out.stderr
    out = _run_cli("ask", "--index-dir", str(shipped_index), "  ")
    assert out.returncode == 2 and "empty" in out.stderr


def test_whole_pipeline_runs_with_the_network_unreachable(tmp_path, real_embedder, monkeypatch):
    """Build and answer with every non-loopback connection refused."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("/"):
            raise OSError(f"network disabled in tests: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: (_ for _ in ()).throw(OSError("no DNS in tests")))
    from index.build import build
    from index.embedding import Embedder, OnnxEmbedder
    from index.settings import BuildOptions
    from qa import open_qa

    for fresh in (OnnxEmbedder(), Embedder()):  # new model loads, not the session's, under the block
        build(SHIPPED_CORPUS, tmp_path / fresh.backend, embedder=fresh, options=BuildOptions(progress=False))
        qa = open_qa(tmp_path / fresh.backend, SHIPPED_CORPUS, embedder=fresh)
        assert qa.ask("Who authorized the meetings?").answer == "the U.S. government"
