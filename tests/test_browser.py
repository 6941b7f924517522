"""The chat page in a real browser: Debian's Chromium driven by Playwright.

Starts `python app.py` on a free port with a small corpus (the shipped article and
an article full of HTML/Markdown tricks), asks a question, a follow-up and an
unanswerable question, opens a citation's article, and checks that nothing from the
articles runs. Screenshots go to tests/artifacts/. Skips, with the reason, only
where Chromium or Playwright is not installed.
"""
from __future__ import annotations

from pathlib import Path

import pytest


CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Chromium not installed (apt-get install chromium); .ci/run installs it")


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module (Playwright's sync API allows one driver at a time)."""
    pytest.importorskip("playwright.sync_api", reason="playwright not installed (requirements-dev.txt)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, app_url):
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(app_url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    yield pg
    pg.close()


def ask(page, question: str) -> str:
    """Type a question, click Ask, return the text of the new bot reply."""
    bots = page.locator("#chat .bot-row, #chat [data-testid='bot']")
    before = bots.count()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        "n => document.querySelectorAll(\"#chat .bot-row, #chat [data-testid='bot']\").length > n", arg=before,
        timeout=60_000)
    page.wait_for_timeout(300)
    return bots.last.inner_text()


def test_question_follow_up_and_refusal(page):
    assert "Answers from 2 articles" in page.inner_text("#corpus-summary")  # the page names what it answers from
    reply = ask(page, "Who authorized the meetings?")
    assert "the U.S. government" in reply and "[1]" in reply
    link = page.locator("#chat a[href='#source-1']").last
    assert link.inner_text() == "[1]"
    assert page.locator("#sources #source-1").count() == 1  # the card the marker points to
    assert "Court documents show that the U.S. government knew" in page.inner_text("#sources")
    page.screenshot(path=str(ARTIFACTS / "answer.png"), full_page=True)

    reply = ask(page, "What did they result in?")
    assert "drug seizures" in reply and "Answered as: What did the meetings result in?" in reply

    reply = ask(page, "Who won the 2010 FIFA World Cup?")
    assert "Not found in the articles" in reply
    assert "nothing in them is related" in page.inner_text("#sources")
    ask(page, "How many DEA agents attended the secret meetings?")  # on-topic, not answered by the article
    assert page.locator("#sources .qa-related").count() in (1, 2) and page.locator("#sources mark").count() == 0
    page.screenshot(path=str(ARTIFACTS / "refusal.png"), full_page=True)


def test_citation_opens_article_at_highlight(page):
    ask(page, "Who authorized the meetings?")
    page.locator("#sources details.qa-article summary").first.click()
    mark = page.locator("#sources details.qa-article[open] mark").first
    mark.wait_for(timeout=10_000)
    assert mark.inner_text().startswith("Court documents show that the U.S. government knew")
    assert mark.is_visible()
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)


def test_new_conversation_clears_chat(page):
    ask(page, "Who authorized the meetings?")
    page.click("#new-conversation")
    page.wait_for_function("() => document.querySelectorAll(\"#chat .bot-row, #chat [data-testid='bot']\").length == 0",
                           timeout=10_000)
    reply = ask(page, "When did they take place?")
    assert "Answered as" not in reply  # nothing to follow up on after clearing


def test_hostile_article_renders_inert(page):
    reply = ask(page, "When did the gallery reopen?")
    sources = page.inner_text("#sources")
    assert "Friday" in reply
    assert "<img src=x onerror=alert('img')>" in sources  # shown as text
    assert page.locator("#sources img, #chat img[src='x'], #sources script").count() == 0
    assert page.dialogs == []
    page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)


def test_articles_tab_and_narrow_screen(page):
    page.get_by_role("tab", name="Articles", exact=True).click()
    page.wait_for_selector("#article-table", timeout=10_000)
    table = page.inner_text("#article-table")
    assert "dea-secret-meetings-with-cartels" in table and "museum-reopens" in table
    assert "2 articles" in page.inner_text("#index-status")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("tab", name="Ask").click()
    page.wait_for_selector("#question textarea")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling
    page.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture(scope="module")
def news_page(browser, news_app_url):
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    pg.goto(news_app_url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    yield pg
    pg.close()


def test_news_reports_differ_bylines_and_as_of(news_page):
    """The page shows outlet and date, groups wire copies, shows differing reports side
    by side, and answers as of the day set under "Dates and outlets"."""
    pg = news_page
    assert "44 articles from 5 outlets, Sep 2025 – Oct 2026" in pg.inner_text("#corpus-summary")
    reply = ask(pg, "Where was a man hurt by a falling tree?")
    assert "Cliff Road" in reply and "2026-09-19" in reply
    sources = pg.locator("#sources").inner_text()
    assert "Also reported by" in sources and sources.count("One man was hurt") == 1
    pg.locator("#scope").get_by_text("Dates and outlets").first.click()
    pg.fill("#as-of textarea, #as-of input", "2026-09-20")
    reply = ask(pg, "How many people attended the Harbor Festival?")
    assert "Reports differ" in reply and "25,000" in reply and "18,000" in reply and "as of 2026-09-20" in reply
    assert pg.locator("#sources .qa-differ").count() == 1
    pg.fill("#as-of textarea, #as-of input", "2026-09-04")
    reply = ask(pg, "How many people were injured in the mill fire?")
    assert "Three" in reply and "Port Alder Gazette, 2026-09-03" in reply
    pg.screenshot(path=str(ARTIFACTS / "news.png"), full_page=True)


def test_empty_submit_keeps_sources_and_clear_icon_forgets(page):
    """An empty Ask leaves the answer's sources; the chat's own clear icon empties the
    sources and the follow-up memory, as "New conversation" does."""
    ask(page, "Who authorized the meetings?")
    assert page.locator("#sources #source-1").count() == 1
    page.fill("#question textarea", "   ")
    page.click("#ask")
    page.wait_for_timeout(1500)
    assert page.locator("#sources #source-1").count() == 1
    page.locator("#chat button[aria-label='Clear'], #chat button[title='Clear']").first.click()
    page.wait_for_function("() => !document.querySelector('#sources #source-1')", timeout=10_000)
    reply = ask(page, "What did they result in?")
    assert "Answered as" not in reply  # nothing remembered from before the clear


def test_example_asks_at_once(page):
    bots = page.locator("#chat .bot-row, #chat [data-testid='bot']")
    before = bots.count()
    page.locator("#examples button", has_text="Which newspaper revealed the meetings?").click()
    page.wait_for_function(
        "n => document.querySelectorAll(\"#chat .bot-row, #chat [data-testid='bot']\").length > n", arg=before,
        timeout=60_000)
    page.wait_for_timeout(300)
    assert "El Universal" in bots.last.inner_text()


def test_labels_live_region_and_contrast(page):
    """The question box has a name, the Sources panel is a polite live region, and the
    source cards' metadata reads at WCAG AA contrast (≥ 4.5:1 on its background)."""
    assert page.get_by_role("textbox", name="Your question").count() == 1
    ask(page, "Who authorized the meetings?")
    assert page.locator("#sources [aria-live='polite']").count() == 1
    ratio = page.evaluate("""() => {
      const el = document.querySelector('#sources .qa-meta');
      const rgb = s => s.match(/[\\d.]+/g).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                                   .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
      let bg = null, node = el;
      while (node && !bg) { const c = getComputedStyle(node).backgroundColor; const v = rgb(c);
                             if (v.length < 4 || v[3] > 0) bg = v; node = node.parentElement; }
      const fg = rgb(getComputedStyle(el).color), op = Number(getComputedStyle(el).opacity);
      const mix = fg.slice(0, 3).map((v, i) => v * op + bg[i] * (1 - op));
      const [a, b] = [lum(mix), lum(bg.slice(0, 3))].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    }""")
    assert ratio >= 4.5, ratio


def test_evaluation_html_report_renders(browser, tmp_path):
    """`python -m evaluation ... --html` writes one self-contained page: it renders with no
    console error and no request leaving the file, shows its plots, and filters its table."""
    from conftest import ROOT

    from evaluation.__main__ import main

    fixture = ROOT / "eval" / "news_fixture"
    assert main([str(fixture / "questions.jsonl"), "--corpus", str(fixture / "corpus"), "--out", str(tmp_path),
                 "--html", "--quiet"]) == 0
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, requests = [], []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    pg.goto((tmp_path / "report.html").as_uri(), wait_until="domcontentloaded")
    pg.wait_for_selector("#questions tbody tr")
    assert pg.locator(".plots img").count() == 3
    assert all(pg.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)") for _ in [0])
    rows = pg.locator("#questions tbody tr")
    total = rows.count()
    assert total == 56 and "fail" in (rows.first.get_attribute("class") or "")  # failures first
    pg.fill("#filter", "ferry")
    visible = pg.evaluate("[...document.querySelectorAll('#questions tbody tr')].filter(t => t.style.display !== 'none').length")
    assert 0 < visible < total
    pg.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
    pg.close()
    assert errors == [] and requests == []


def test_upload_tab_off_says_how(page):
    page.get_by_role("tab", name="Add articles").click()
    note = page.locator("#upload-off")
    note.wait_for(timeout=10_000)
    assert "--allow-upload" in note.inner_text() and page.locator("#upload").count() == 0
    page.get_by_role("tab", name="Ask").click()


def test_upload_ask_and_remove(browser, upload_app_url, tmp_path):
    """Add articles from the page: one usable file and one that is not; the new article
    answers at once with a citation to it; removing it takes it out of the answers."""
    url, corpus = upload_app_url
    story = tmp_path / "Harbour Bridge Reopens.txt"
    story.write_text("Harbour bridge reopens after repairs\n\nThe Kelvin harbour bridge reopened on Monday after "
                     "eight months of repairs. The repairs cost 41 million euros, the city council said. "
                     "The engineer in charge of the works was Mirela Vantongeren.\n", encoding="utf-8")
    junk = tmp_path / "notes.exe"
    junk.write_bytes(b"MZ\x00\x01")
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    pg.goto(url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    pg.get_by_role("tab", name="Add articles").click()
    pg.set_input_files("#upload input[type=file]", [str(story), str(junk)])
    pg.wait_for_function("() => ['notes', 'Harbour'].every(w => document.querySelector('#upload').innerText.includes(w))",
                         timeout=30_000)
    pg.click("#add-articles")
    pg.wait_for_function("() => document.querySelector('#add-report').innerText.includes('Added')", timeout=120_000)
    report = pg.inner_text("#add-report")
    assert "Added 1 article" in report and "notes.exe" in report and "not read" in report
    assert (corpus / "uploads" / "harbour-bridge-reopens.txt").is_file() and not list(corpus.rglob("*.exe"))
    pg.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)

    pg.get_by_role("tab", name="Ask").click()
    assert "Answers from 2 articles" in pg.inner_text("#corpus-summary")
    reply = ask(pg, "Who was the engineer in charge of the bridge works?")
    assert "Mirela Vantongeren" in reply
    assert "Harbour bridge reopens after repairs" in pg.inner_text("#sources")

    pg.get_by_role("tab", name="Add articles").click()
    pg.click("#remove summary, #remove button.label-wrap")  # open the accordion
    pg.click("#remove-choice input")
    pg.get_by_role("option", name="Harbour bridge reopens after repairs (uploads-harbour-bridge-reopens)").click()
    pg.click("#remove-article")
    pg.wait_for_function("() => document.querySelector('#add-report').innerText.includes('Removed')", timeout=120_000)
    assert not (corpus / "uploads" / "harbour-bridge-reopens.txt").exists()
    pg.get_by_role("tab", name="Ask").click()
    reply = ask(pg, "Who was the engineer in charge of the bridge works?")
    assert "Mirela Vantongeren" not in reply
    pg.close()
