import json

from index.articles import clean_plain, load_articles, normalize_text, slugify


def test_loads_every_format_with_titles_and_ids(tiny_corpus):
    report = load_articles(tiny_corpus)
    by_id = {a.id: a for a in report.articles}
    assert set(by_id) == {"volcano-report", "harbor-festival", "mining", "wire-001", "wire-2"}
    assert by_id["volcano-report"].title == "Volcano Erupts Near Coastal Town"
    assert by_id["harbor-festival"].title == "Harbor Festival Draws Record Crowds"
    assert by_id["mining"].title == "Copper Mine Expansion Approved"
    assert by_id["wire-001"].date == "2026-03-14" and by_id["wire-001"].source == "Example Wire"
    assert report.skipped == []


def test_txt_drops_repeated_title_and_comment_footer(tiny_corpus):
    art = {a.id: a for a in load_articles(tiny_corpus).articles}["volcano-report"]
    assert art.text.startswith("Mount Kerava erupted")
    assert "COMMENTS" not in art.text and "commenting" not in art.text and "Share this" not in art.text
    assert art.text.endswith("closed the airport for two days.")


def test_shipped_article_is_cleaned():
    from conftest import SHIPPED_CORPUS

    (art,) = load_articles(SHIPPED_CORPUS).articles
    assert art.title.startswith("DEA, U.S Attorneys Secretly Met")
    assert art.text.startswith("U.S. Drug Enforcement Agency (DEA)")
    assert "Please let us know" not in art.text and "COMMENTS" not in art.text


def test_html_keeps_text_only(tiny_corpus):
    art = {a.id: a for a in load_articles(tiny_corpus).articles}["mining"]
    assert "alert" not in art.text and "color" not in art.text and "Home | World" not in art.text
    assert "All rights reserved" not in art.text
    assert "$1.2 billion" in art.text


def test_markdown_syntax_removed(tiny_corpus):
    art = {a.id: a for a in load_articles(tiny_corpus).articles}["harbor-festival"]
    assert "**" not in art.text and "boat races" in art.text and "Read more" not in art.text


def test_json_text_used_as_is(tiny_corpus):
    art = {a.id: a for a in load_articles(tiny_corpus).articles}["wire-001"]
    raw = json.loads((tiny_corpus / "wire.jsonl").read_text().splitlines()[0])["text"]
    assert art.text == raw


def test_bad_files_are_skipped_with_reasons(tiny_corpus):
    (tiny_corpus / "empty.txt").write_text("")
    (tiny_corpus / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 10)
    (tiny_corpus / "latin1.txt").write_bytes("Caf\xe9 title\n\nbody".encode("latin-1"))
    (tiny_corpus / "broken.json").write_text('{"title": "x", "text": ')
    (tiny_corpus / "mixed.jsonl").write_text('{"title": "Ok", "text": "Fine text."}\nnot json\n{"title": "No text"}\n')
    report = load_articles(tiny_corpus)
    reasons = {s.path: s.reason for s in report.skipped}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "broken JSON" in reasons["broken.json"]
    assert any("mixed.jsonl" in p and "line 2" in r for p, r in reasons.items())
    assert any("mixed.jsonl" in p and "text" in r for p, r in reasons.items())
    assert "mixed-1" in {a.id for a in report.articles}  # the good line still loads
    assert len(report.articles) == 6


def test_odd_unicode_is_normalised():
    text = normalize_text("Cafe\u0301\u200b news\r\nline\u00a0two\x07\n\n\n\nend")
    assert text == "Café news\nline two\n\nend"


def test_clean_plain_handles_title_only():
    assert clean_plain("Just a title\n") == ("Just a title", "")


def test_slugify_is_stable():
    assert slugify("DEA Meetings (2)") == "dea-meetings-2"
    assert slugify("Ünïcödé/Title") == "unicode-title"
