"""The chat page's logic, without a browser: replies, sources, escaping, errors."""
import pytest

from qa.citations import answer_markdown, md_escape, sources_html
from qa.records import Answer, Citation

EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)> **bold** [link](javascript:alert(3))'


def test_markdown_and_html_are_escaped():
    out = md_escape(EVIL)
    assert "<" not in out and ">" not in out
    assert "\\*\\*bold\\*\\*" in out and "\\[link\\]" in out


def test_answer_and_sources_render_evil_text_inert():
    cite = Citation("evil", EVIL, 0, len(EVIL), EVIL)
    ans = Answer("q", EVIL, False, 0.9, EVIL, [cite])
    md = answer_markdown(ans)
    html = sources_html(ans)
    for rendered in (md, html):
        assert "<script" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;" in html and "<mark>" in html


def test_refusal_says_not_found():
    md = answer_markdown(Answer("q", None, True, 0.1))
    assert "Not found in the articles" in md


def test_service_answers_with_sources(shipped_index, real_embedder):
    import app
    from conftest import SHIPPED_CORPUS

    service = app.ChatService(str(shipped_index), str(SHIPPED_CORPUS), embedder=real_embedder)
    assert service.error is None
    history, sources, box = service.respond("Who authorized the meetings?", [])
    assert box == "" and history[0]["role"] == "user" and history[1]["role"] == "assistant"
    assert "**the U\\.S\\. government**" in history[1]["content"] and "[1]" in history[1]["content"]
    assert "<mark>Court documents show that the U.S. government knew" in sources
    assert "DEA, U.S Attorneys Secretly Met" in sources
    history, sources, _ = service.respond("Who won the 2010 FIFA World Cup?", history)
    assert "Not found in the articles" in history[-1]["content"] and len(history) == 4
    history, _, _ = service.respond("   ", history)
    assert len(history) == 4  # an empty question does nothing
    assert service.ask_json("Who authorized the meetings?")["answer"] == "the U.S. government"


def test_service_shows_load_errors_instead_of_crashing(tmp_path):
    import app

    service = app.ChatService(str(tmp_path / "no-index"), None)
    assert service.qa is None and "python -m index build" in service.error
    history, _, _ = service.respond("Who?", [])
    assert "could not be loaded" in history[-1]["content"]
    assert "error" in service.ask_json("Who?")
