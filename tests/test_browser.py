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
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        # For the DNS-rebinding test: evil.example resolves to 127.0.0.1, and Chromium's own Local
        # Network Access block (Chromium 14x; other browsers lack it) is off, so the app's guard is tested.
        "--host-resolver-rules=MAP evil.example 127.0.0.1",
        "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults,"
        "BlockInsecurePrivateNetworkRequests"]

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


BOTS = "#chat .bot-row, #chat [data-testid='bot']"  # the chat's replies


def wait_for_reply(page, before: int, timeout_ms: int) -> None:
    """Until the chat holds more than `before` replies."""
    page.wait_for_function(f"n => document.querySelectorAll({BOTS!r}).length > n", arg=before, timeout=timeout_ms)


def ask(page, question: str) -> str:
    """Type a question, click Ask, return the text of the new bot reply."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    bots = page.locator(BOTS)
    before = bots.count()
    page.fill("#question textarea", question)
    page.click("#ask")
    try:
        wait_for_reply(page, before, 90_000)
    except PlaywrightTimeout:
        # Late in the full suite on the 2-core CI machine a first question has (three times in 20 runs) had no
        # reply at all, with nothing in the server's log, while it passes alone: a click lost before the page
        # was wired up is the suspect. Ask once more if the question still waits in the box; a server that is
        # really stuck still fails here.
        if page.input_value("#question textarea") == question:
            page.click("#ask")
        wait_for_reply(page, before, 150_000)
    page.wait_for_timeout(300)
    return bots.last.inner_text()


def test_question_follow_up_and_refusal(page):
    assert "Answers from 2 articles" in page.inner_text("#corpus-summary")  # the page names what it answers from
    reply = ask(page, "Who authorized the meetings?")
    assert "the U.S. government" in reply and "[1]" in reply
    link = page.locator("#chat a[href$='-source-1']").last
    assert link.inner_text() == "[1]"
    card = link.get_attribute("href")[1:]
    assert page.locator(f"#sources #{card}").count() == 1  # the card the marker points to
    assert "Court documents show that the U.S. government knew" in page.inner_text("#sources")
    page.screenshot(path=str(ARTIFACTS / "answer.png"), full_page=True)

    reply = ask(page, "What did they result in?")
    assert "drug seizures" in reply and "Answered as: What did the meetings result in?" in reply

    reply = ask(page, "Who won the 2010 FIFA World Cup?")
    assert "Not found in the articles" in reply
    assert "nothing in them is related" in page.inner_text("#sources section.qa-turn")
    ask(page, "How many DEA agents attended the secret meetings?")  # on-topic, not answered by the article
    latest = "#sources section.qa-turn"  # the latest answer's sources (earlier ones are folded below)
    assert page.locator(f"{latest} .qa-related").count() in (1, 2) and page.locator(f"{latest} mark").count() == 0
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
    page.wait_for_function(f"() => document.querySelectorAll({BOTS!r}).length == 0",
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


def test_articles_tab_for_readers(page):
    """Titles, outlets, dates and passages with readable headers; a chosen article opens in a
    reader view (its text inert); a search with no match says so; operator details folded."""
    page.get_by_role("tab", name="Articles", exact=True).click()
    page.wait_for_selector("#article-table", timeout=10_000)
    table = page.inner_text("#article-table")
    assert "DEA, U.S Attorneys Secretly Met" in table and "Museum Reopens" in table and "undated" in table
    heads = page.locator("#article-table thead th, #article-table [role='columnheader']").all_inner_texts()
    assert {"Title", "Outlet", "Date", "Passages"} <= {h.strip() for h in heads}  # not squashed into "Dat e"
    assert "2 articles" in page.inner_text("#article-found")
    page.locator("#article-table").get_by_text("Museum Reopens").first.click()
    page.wait_for_function("() => document.querySelector('#article-reader').innerText.includes('renovation cost')",
                           timeout=10_000)
    assert page.locator("#article-reader h2").inner_text().startswith("Museum Reopens <script>")
    assert page.locator("#article-reader script, #article-reader img").count() == 0 and page.dialogs == []
    page.screenshot(path=str(ARTIFACTS / "articles.png"), full_page=True)
    page.fill("#article-search textarea, #article-search input", "no such words anywhere")
    page.wait_for_function("() => document.querySelector('#article-found').innerText.includes('No article matches')",
                           timeout=10_000)
    assert not page.locator("#index-status").is_visible()  # operator details are folded away
    page.locator("#index-details").get_by_text("Index details (for operators)").click()
    page.wait_for_function("() => (document.querySelector('#index-status') || {innerText: ''})"
                           ".innerText.includes('2 articles')", timeout=10_000)
    page.fill("#article-search textarea, #article-search input", "")
    page.get_by_role("tab", name="Ask").click()


def test_phone_layout(browser, app_url):
    """390 px wide: no sideways scrolling, and after an answer the question box and the
    answer are on screen without scrolling past the sources."""
    pg = browser.new_page(viewport={"width": 390, "height": 844})
    pg.goto(app_url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    ask(pg, "Who authorized the meetings?")
    pg.evaluate("window.scrollTo(0, 0)")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 400
    box = pg.locator("#question textarea").bounding_box()
    answer = pg.locator(BOTS).last.bounding_box()
    sources = pg.locator("#sources").bounding_box()
    assert box["y"] + box["height"] <= 844 and answer["y"] < 844 and answer["y"] + 40 < sources["y"]
    pg.screenshot(path=str(ARTIFACTS / "phone.png"))
    pg.close()


def test_each_answer_keeps_its_sources_and_the_chat_survives_refresh(browser, app_url):
    """After a follow-up, [1] of the first answer opens the first answer's passage (not the
    latest one's); a marker previews its sentence on focus; copying an answer copies its
    sources; a refresh keeps the conversation; clearing forgets it."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = ctx.new_page()
    pg.goto(app_url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    ask(pg, "Who authorized the meetings?")
    ask(pg, "What did they result in?")
    first = pg.locator("#chat a[href='#t1-source-1']")
    assert first.count() == 1 and pg.locator("#chat a[href='#t2-source-1']").count() == 1
    assert not pg.evaluate("document.getElementById('turn-1').open")  # folded under the latest answer
    first.click()
    pg.wait_for_function("() => document.getElementById('turn-1').open", timeout=10_000)
    card = pg.locator("#t1-source-1")
    assert card.is_visible() and "Court documents show that the U.S. government knew" in card.inner_text()
    pg.locator("#chat a[href='#t2-source-1']").focus()
    tip = pg.locator("#qa-preview[role='tooltip']")
    tip.wait_for(timeout=5_000)
    assert "drug seizures" in tip.inner_text()
    pg.locator("#chat .message-buttons-left button[aria-label='Copy message']").first.click()  # the first answer
    copied = pg.evaluate("navigator.clipboard.readText()")
    assert "the U.S. government" in copied and "Sources:" in copied and "chars 433–607" in copied
    pg.reload(wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    pg.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length == 2", timeout=15_000)
    assert pg.locator("#sources #t2-source-1").count() == 1
    reply = ask(pg, "Who revealed them?")  # the follow-up memory came back too
    assert "Answered as: Who revealed the meetings?" in reply
    pg.click("#new-conversation")
    pg.wait_for_function("() => !document.querySelector('#sources .qa-source')", timeout=10_000)
    pg.reload(wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    pg.wait_for_timeout(1500)
    assert pg.locator("#chat .bot-row").count() == 0
    ctx.close()


def test_counter_near_the_length_limit(page):
    page.fill("#question textarea", "x" * 899)
    page.type("#question textarea", "y")
    page.wait_for_selector("#qa-counter", timeout=5_000)
    assert page.inner_text("#qa-counter") == "900 / 1000 characters"
    page.fill("#question textarea", "")


def test_accessibility_axe(browser, app_url):
    """axe-core (the copy inside axe-playwright-python) on the Ask tab after an answer and a
    refusal, on the Articles tab and on the Add articles tab: no violation of any impact."""
    from axe_playwright_python.sync_playwright import Axe

    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    pg.goto(app_url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    ask(pg, "Who authorized the meetings?")
    ask(pg, "How many DEA agents attended the secret meetings?")
    found = {}
    for tab in ("Ask", "Articles", "Add articles"):
        pg.get_by_role("tab", name=tab, exact=True).click()
        pg.wait_for_timeout(500)
        bad = [f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])})"
               for v in Axe().run(pg).response["violations"]]
        found[tab] = bad
    pg.close()
    assert found == {"Ask": [], "Articles": [], "Add articles": []}


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
    cards = "#sources .qa-source[id$='-source-1']"
    assert page.locator(cards).count() >= 1
    before = page.inner_html("#sources")
    page.fill("#question textarea", "   ")
    page.click("#ask")
    page.wait_for_timeout(1500)
    assert page.inner_html("#sources") == before
    page.locator("#chat button[aria-label='Clear'], #chat button[title='Clear']").first.click()
    page.wait_for_function("() => !document.querySelector(\"#sources .qa-source\")", timeout=10_000)
    reply = ask(page, "What did they result in?")
    assert "Answered as" not in reply  # nothing remembered from before the clear


def test_example_asks_at_once(page):
    """The examples are made from the corpus (qa.examples): each is a question it answers."""
    bots = page.locator(BOTS)
    before = bots.count()
    button = page.locator("#examples button").first
    button.wait_for(state="visible", timeout=60_000)
    question = button.inner_text()
    assert question.endswith("?")
    button.click()
    # a server's first answer may wait for its reader's ONNX session and the page's examples (made once per
    # index version), which on the 2-core CI machine, late in the full suite, has taken over a minute
    wait_for_reply(page, before, 180_000)
    page.wait_for_timeout(300)
    assert "Not found" not in bots.last.inner_text()


def test_labels_live_region_and_contrast(page):
    """The question box has a name and a clear focus ring, the Sources panel is a polite live
    region, and the source cards' metadata reads at WCAG AA contrast (≥ 4.5:1 on its background)."""
    assert page.get_by_role("textbox", name="Your question").count() == 1
    page.focus("#question textarea")
    ring = page.evaluate("(() => { const s = getComputedStyle(document.querySelector('#question textarea'));"
                         " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; })()")
    assert ring == ["solid", 3.0, "rgb(37, 99, 235)"], ring
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
    console = []
    pg.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.goto(url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    pg.get_by_role("tab", name="Add articles").click()
    pg.wait_for_timeout(500)
    assert console == [], console  # the Add tab once logged "Method not implemented." twice
    pg.set_input_files("#upload input[type=file]", [str(story), str(junk)])
    pg.wait_for_function("() => ['notes', 'Harbour'].every(w => document.querySelector('#upload').innerText.includes(w))",
                         timeout=30_000)
    pg.click("#add-articles")
    # while the batch is added: Add is off (no second click) and the report says what is under way
    pg.wait_for_function("() => document.querySelector('#add-articles').disabled", timeout=10_000)
    assert "Adding 2 files" in pg.inner_text("#add-report")
    pg.wait_for_function("() => document.querySelector('#add-report').innerText.includes('Added')", timeout=120_000)
    pg.wait_for_function("() => !document.querySelector('#add-articles').disabled", timeout=30_000)
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
    # nothing is chosen at first, so the button removes nothing
    assert pg.input_value("#remove-choice input") == ""
    pg.click("#remove-article")
    pg.wait_for_function("() => document.querySelector('#add-report').innerText.includes('Choose an article')",
                         timeout=30_000)
    assert (corpus / "uploads" / "harbour-bridge-reopens.txt").is_file()
    pg.click("#remove-choice input")
    pg.get_by_role("option", name="Harbour bridge reopens after repairs (uploads-harbour-bridge-reopens)").click()
    pg.click("#remove-article")  # asks first, naming the article; Cancel keeps it
    pg.wait_for_selector("#remove-confirm", state="visible", timeout=30_000)
    assert "Harbour bridge reopens after repairs" in pg.inner_text("#remove-question")
    pg.click("#remove-cancel")
    pg.wait_for_selector("#remove-confirm", state="hidden", timeout=30_000)
    assert (corpus / "uploads" / "harbour-bridge-reopens.txt").is_file()
    pg.click("#remove-article")
    pg.click("#remove-yes")
    pg.wait_for_function("() => document.querySelector('#add-report').innerText.includes('Removed')", timeout=120_000)
    assert not (corpus / "uploads" / "harbour-bridge-reopens.txt").exists()
    pg.get_by_role("tab", name="Ask").click()
    reply = ask(pg, "Who was the engineer in charge of the bridge works?")
    assert "Mirela Vantongeren" not in reply
    # Undo puts exactly that file back, and it answers again
    pg.get_by_role("tab", name="Add articles").click()
    pg.click("#remove-undo")
    pg.wait_for_function("() => document.querySelector('#add-report').innerText.includes('Restored')", timeout=120_000)
    assert (corpus / "uploads" / "harbour-bridge-reopens.txt").is_file()
    pg.get_by_role("tab", name="Ask").click()
    assert "Mirela Vantongeren" in ask(pg, "Who was the engineer in charge of the bridge works?")
    # a freshly loaded page lists what the corpus holds now
    fresh = browser.new_page(viewport={"width": 1280, "height": 900})
    fresh.goto(url, wait_until="domcontentloaded")
    fresh.wait_for_selector("#question textarea", timeout=60_000)
    fresh.get_by_role("tab", name="Add articles").click()
    fresh.click("#remove summary, #remove button.label-wrap")
    fresh.click("#remove-choice input")
    fresh.get_by_role("option", name="Harbour bridge reopens after repairs (uploads-harbour-bridge-reopens)").wait_for(
        timeout=30_000)
    fresh.close()
    pg.close()


REBINDING_ATTACK = """<!doctype html><title>loading</title><script>
(async () => {
  const out = {};
  async function step(name, url, init) {
    try { const r = await fetch(url, init); out[name] = r.status; return r.ok ? await r.json() : null; }
    catch (e) { out[name] = "blocked: " + e.message; return null; }
  }
  const fd = new FormData();
  fd.append("files", new Blob(["Planted story\\n\\nThe Lighthouse Choir authorized the meetings."],
                              {type: "text/plain"}), "planted.txt");
  const paths = await step("upload", "/gradio_api/upload", {method: "POST", body: fd});
  const path = paths ? paths[0] : "/tmp/x";
  const call = await step("add", "/gradio_api/call/add_articles", {method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({data: [[{path: path, orig_name: "planted.txt", meta: {_type: "gradio.FileData"}}], ""]})});
  if (call) { await step("result", "/gradio_api/call/add_articles/" + call.event_id, {}); }
  await step("ask", "/api/ask", {method: "POST", headers: {"Content-Type": "application/json"},
                                 body: JSON.stringify({question: "Who authorized the meetings?"})});
  await step("page", "/", {});
  document.title = JSON.stringify(out);
})();
</script>"""


def test_dns_rebinding_page_adds_nothing(browser, upload_app_url):
    """A page of evil.example whose name now resolves to 127.0.0.1 (Chromium's resolver is
    told so) runs same-origin requests against the app, uploads on: upload, call the Add
    event, ask, read the page. Each is refused (421: the Host is not the app's), the corpus
    is unchanged, and the question still answers from the real article."""
    import json as _json
    from urllib.parse import urlsplit

    url, corpus = upload_app_url
    port = urlsplit(url).port
    before = sorted(p.name for p in corpus.iterdir())
    evil = f"http://evil.example:{port}"
    context = browser.new_context()
    pg = context.new_page()
    # The first load comes from the attacker's server (here: Playwright), the rest from 127.0.0.1.
    pg.route(evil + "/attack.html", lambda route: route.fulfill(status=200, content_type="text/html",
                                                                body=REBINDING_ATTACK))
    pg.goto(evil + "/attack.html", wait_until="domcontentloaded")
    pg.wait_for_function("document.title.startsWith('{')", timeout=60_000)
    statuses = _json.loads(pg.title())
    opened = pg.goto(evil + "/", wait_until="domcontentloaded")  # the page itself, by its new name
    assert opened.status == 421 and "does not answer" in pg.inner_text("body")
    context.close()
    assert statuses["upload"] == 421 and statuses["add"] == 421, statuses
    assert statuses["ask"] == 421 and statuses["page"] == 421, statuses
    assert sorted(p.name for p in corpus.iterdir()) == before
    import httpx

    reply = httpx.post(url + "api/ask", json={"question": "Who authorized the meetings?"}, timeout=60).json()
    assert "U.S. government" in reply["answer"]


def _latest_answer_in_view(pg) -> bool:
    """The latest reply's first line is inside the chat's visible area and the window."""
    return pg.evaluate("""() => {
      const bots = document.querySelectorAll("#chat [data-testid='bot']");
      const top = bots[bots.length - 1].getBoundingClientRect().top;
      const box = document.querySelector('#chat .bubble-wrap').getBoundingClientRect();
      return top >= box.top && top + 20 <= box.bottom && top >= 0 && top + 20 <= window.innerHeight;
    }""")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_the_newest_answer_stays_in_view(browser, news_app_url, viewport):
    """Long answers (differing reports, sources) do not push the newest answer's start out of
    sight, nor does a citation click leave the next answer below the fold; on a desktop a
    marker click scrolls the sources column, not the page, and the chat label covers no reply."""
    pg = browser.new_page(viewport=viewport)
    pg.goto(news_app_url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    ask(pg, "How many people attended the Harbor Festival?")
    ask(pg, "Who is the mayor of Port Alder?")
    assert _latest_answer_in_view(pg)
    scroll = pg.evaluate("window.scrollY")
    pg.locator("#chat a[href$='-source-2']").last.click()
    pg.wait_for_timeout(400)
    card = pg.locator("#sources .qa-flash").bounding_box()
    assert card and card["y"] < viewport["height"]  # the card the marker names is on screen
    if viewport["width"] > 640:
        assert pg.evaluate("window.scrollY") == scroll and _latest_answer_in_view(pg)
        label = pg.locator("#chat [data-testid='block-label']").bounding_box()
        first = pg.locator("#chat [data-testid='bot']").first.bounding_box()
        pg.evaluate("document.querySelector('#chat .bubble-wrap').scrollTop = 0")
        first = pg.locator("#chat [data-testid='user']").first.bounding_box()
        assert first["y"] >= label["y"] + label["height"]
    ask(pg, "Where was a man hurt by a falling tree?")
    assert _latest_answer_in_view(pg)
    pg.close()


def test_copy_gives_clean_text_with_whole_titles_and_addresses(browser, news_app_url):
    """The chat's copy button copies what the reader sees, not Markdown: [n] markers, no
    backslashes or link syntax, the quote in quotation marks, whole titles, outlets, dates and
    the original article's address."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.goto(news_app_url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    ask(pg, "Who is the mayor of Port Alder?")
    assert "coastalwire\\.example" not in pg.inner_text("#chat")  # the address shows as written
    pg.locator("#chat button[aria-label='Copy message']").last.click()
    pg.wait_for_timeout(300)
    text = pg.evaluate("navigator.clipboard.readText()")
    context.close()
    assert "\\" not in text and "](" not in text and "**" not in text and "&#" not in text, text
    assert text.startswith("Ines Baptiste — Alder Valley Radio, 2026-10-19")
    assert '"Ines Baptiste was sworn in as mayor of Port Alder on Monday in a ceremony at the town hall." [1]' in text
    assert "[2] Baptiste elected mayor of Port Alder (Coastal Wire, 2026-10-12), baptiste-elected chars 0–107, " \
           "https://coastalwire.example/2026/10/baptiste-elected" in text


def test_articles_tab_on_a_phone(browser, news_app_url):
    """390 px: headers and dates are not cut inside a word, the passage count gives way, no
    spreadsheet handles; a chosen article is scrolled into view with its heading focused."""
    pg = browser.new_page(viewport={"width": 390, "height": 844})
    pg.goto(news_app_url, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    pg.get_by_role("tab", name="Articles", exact=True).click()
    pg.wait_for_selector("#article-table [role=gridcell]", timeout=10_000)
    broken = pg.evaluate("""() => [...document.querySelectorAll(
        '#article-table th span, #article-table [role=gridcell][data-col="1"] span, '
        + '#article-table [role=gridcell][data-col="2"] span')]
      .filter(s => s.offsetParent !== null && s.textContent.trim())
      .filter(s => { const r = document.createRange(); r.selectNodeContents(s);
                     const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
                     const words = s.textContent.trim().split(/\\s+/).length;
                     return lines.size > words || s.scrollWidth > s.parentElement.clientWidth + 1; })
      .map(s => s.textContent.trim())""")
    assert broken == [], broken  # "Outlet", "Date", outlets and dates: no word cut or clipped
    assert pg.locator("#article-table .selection-button").first.is_hidden()
    assert pg.evaluate("getComputedStyle(document.querySelector('#article-table [role=gridcell] span')).fontFamily") \
        .find("Mono") < 0
    pg.locator("#article-table").get_by_text("Cod quota cut").first.click()
    pg.wait_for_function("() => (document.querySelector('#article-reader h2') || {}).textContent === "
                         "'Cod quota cut by 20 percent'", timeout=10_000)
    pg.wait_for_timeout(300)
    top = pg.locator("#article-reader h2").bounding_box()["y"]
    assert 0 <= top < 844 and pg.evaluate("document.activeElement.tagName") == "H2"
    pg.screenshot(path=str(ARTIFACTS / "articles-phone.png"))
    pg.close()
