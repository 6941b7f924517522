"""PDF articles (pypdf): text per page with hyphenated line breaks joined, two columns in
reading order, citations that name their page, scans skipped with a message. The PDFs
are made by tests/pdfs/make.py."""
from __future__ import annotations

import shutil

import pytest
from conftest import ROOT

from index.articles import load_articles

PDFS = ROOT / "tests" / "pdfs"


@pytest.fixture(scope="module")
def report():
    return load_articles(PDFS)


def test_pdf_text_pages_and_metadata(report):
    art = {a.id: a for a in report.articles}["article"]
    assert (art.title, art.date, art.author) == ("Harbor Council Minutes", "2026-10-02", "Port Alder Council")
    assert "investigation into the old pier" in art.text and "to borrow the money" in art.text
    assert len(art.pages) == 2 and art.text[art.pages[1]:].startswith("The chair, Ruth Adler")
    cols = {a.id: a for a in report.articles}["columns"].text
    assert cols.index("retired in June") < cols.index("A museum will open")  # left column first


def test_scanned_pdf_is_skipped_with_a_message(report):
    (skip,) = [s for s in report.skipped if s.path == "scanned.pdf"]
    assert "no text" in skip.reason


def test_citation_names_its_page(tmp_path, real_embedder):
    from index.build import build
    from index.settings import BuildOptions
    from qa import open_qa

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PDFS / "article.pdf", corpus)
    build(corpus, tmp_path / "index", embedder=real_embedder, options=BuildOptions(progress=False))
    answer = open_qa(tmp_path / "index", embedder=real_embedder).ask("Who said the pier repairs would begin in March?")
    assert answer.answer and "Ruth Adler" in answer.answer
    cite = answer.to_json()["citations"][0]
    assert cite["page"] == 2 and cite["article_id"] == "article"
