"""Write the news fixture: `corpus/` (42 articles in every supported file form) and
`questions.jsonl` (answers with gold spans, `as_of` days, unanswerable questions).

    python eval/news_fixture/make.py      # rewrites both; the files are committed

Gold spans are found in the articles as our loader cleans them (index.articles), so
they index the same text citations quote. `expect` marks the questions whose answer
must surface a planted update or disagreement.
"""
from __future__ import annotations

import html
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from articles import ARTICLES, SITES

CORPUS = HERE / "corpus"

# (id, question, answers, evidence (text around the first answer in the gold article), gold article ids,
#  as_of or None, expect or None)
QUESTIONS = [
    ("injured-early", "How many people were injured in the mill fire?", ["Three", "Three people"],
     "Three people were taken", ["mill-fire"], "2026-09-04", None),
    ("injured-later", "How many people were injured in the mill fire?", ["five"],
     "has risen to five", ["mill-fire-injuries-rise"], "2026-09-12", "update"),
    ("fire-cause", "What caused the mill fire?", ["An electrical fault", "electrical fault", "Arson"],
     "An electrical fault", ["mill-fire-electrical", "mill-fire-arson"], "2026-09-10", "disagreement"),
    ("mill-built", "When was the Miller mill built?", ["1898", "in 1898"], "built in 1898", ["mill-fire"], None, None),
    ("fire-chief", "Who is the fire chief?", ["Dana Ortiz", "Fire Chief Dana Ortiz"], "Dana Ortiz",
     ["mill-fire", "mill-fire-injuries-rise"], "2026-09-10", None),
    ("bridge-cost-early", "How much will the bridge repairs cost?", ["$2.4 million"], "$2.4 million",
     ["bridge-closure"], "2026-09-15", None),
    ("bridge-cost-later", "How much will the bridge repairs cost?", ["$3.1 million"], "$3.1 million after",
     ["bridge-cost-rises"], "2026-10-10", "update"),
    ("bridge-reopen", "When will the Alder River bridge reopen?", ["Nov. 30", "on Nov. 30"], "Nov. 30",
     ["bridge-cost-rises"], "2026-10-10", None),
    ("bridge-against", "Who voted against the bridge closure?", ["Gareth Wynn", "Council member Gareth Wynn"],
     "Gareth Wynn voted", ["bridge-closure"], None, None),
    ("ferry-fare-now", "How much does a one-way ferry ticket cost now?", ["$5"], "$5 on Oct. 1",
     ["ferry-fare-rise"], "2026-10-05", "update"),
    ("ferry-name", "What is the name of the Gull Island ferry?", ["Kittiwake"], "Kittiwake", ["ferry-launch"],
     None, None),
    ("storm-outages", "How many homes lost power when Storm Delia hit?", ["about 4,200", "4,200", "about 4,200 homes"],
     "about 4,200", ["storm-delia", "ledger-storm-delia", "radio-storm-delia"], "2026-09-20", None),
    ("outages-still", "How many homes are still without power?", ["About 1,100", "1,100", "About 1,100 homes"],
     "About 1,100", ["storm-outages-remain"], "2026-09-23", "update"),
    ("tree-hurt", "Where was a man hurt by a falling tree?", ["Cliff Road", "on Cliff Road"], "Cliff Road",
     ["storm-delia", "ledger-storm-delia", "radio-storm-delia"], None, None),
    ("festival-crowd", "How many people attended the Harbor Festival?", ["About 25,000", "25,000", "18,000", "Only 18,000"],
     "About 25,000", ["festival-record", "festival-police-count"], "2026-09-20", "disagreement"),
    ("festival-director", "Who is the festival director?", ["Owen Blake"], "Owen Blake", ["festival-record"],
     None, None),
    ("strike-size", "How many teachers joined the strike?", ["About 412", "412", "380", "Only 380"], "About 412",
     ["teachers-strike-union", "teachers-strike-district"], "2026-10-03", "disagreement"),
    ("pay-rise", "What pay rise did the teachers get?", ["4.5 percent", "4.5 percent over two years",
                                                         "a pay rise of 4.5 percent over two years"],
     "4.5 percent", ["teachers-deal"], "2026-10-12", None),
    ("election-winner", "Who won the mayoral election?", ["Ines Baptiste", "Businesswoman Ines Baptiste", "Baptiste"],
     "Ines Baptiste won", ["baptiste-elected", "gazette-baptiste-elected", "northshore-baptiste-elected"],
     "2026-10-15", None),
    ("baptiste-share", "What share of the vote did Baptiste win?", ["52 percent"], "52 percent",
     ["baptiste-elected", "gazette-baptiste-elected", "northshore-baptiste-elected"], "2026-10-15", None),
    ("acting-mayor", "Who is currently the acting mayor?", ["Alan Price", "Deputy Mayor Alan Price"],
     "Alan Price has", ["mayor-race"], "2026-09-20", None),
    ("okafor-why", "Why did Ruth Okafor resign as mayor?", ["to lead the state port authority",
                                                             "lead the state port authority"],
     "to lead the state port authority", ["mayor-race"], None, None),
    ("poll-baptiste", "What support did Baptiste have in the poll?", ["41 percent", "41 percent support"],
     "41 percent", ["mayor-poll"], "2026-10-05", None),
    ("wing-beds", "How many beds does the new cancer wing have?", ["40", "40 beds"], "40 beds",
     ["cancer-wing", "northshore-cancer-wing"], None, None),
    ("wing-cost", "How much did the cancer wing cost?", ["$18 million"], "$18 million",
     ["cancer-wing", "northshore-cancer-wing"], None, None),
    ("jobless-now", "What is the county's unemployment rate now?", ["4.9 percent"], "4.9 percent",
     ["jobless-september"], "2026-10-15", "update"),
    ("jobless-then", "What is the county's unemployment rate now?", ["5.2 percent"], "5.2 percent",
     ["jobless-august"], "2026-09-30", None),
    ("cup-goal", "Who scored the winning goal in the cup final?", ["Jonah Reyes"], "Jonah Reyes", ["mariners-cup"],
     None, None),
    ("cup-score", "What was the score of the regional cup final?", ["2-1"], "2-1", ["mariners-cup"], None, None),
    ("police-chief", "Who is the new police chief?", ["Carla Mendes", "Inspector Carla Mendes"], "Carla Mendes as",
     ["police-chief"], "2026-10-05", None),
    ("boil-residents", "How many residents were affected by the boil-water notice?", ["about 6,000", "6,000"],
     "about 6,000", ["boil-water-notice"], None, None),
    ("whale-length", "How long was the whale?", ["about 11 metres", "11 metres", "about 11 metres long", "11 metres long"],
     "about 11 metres", ["whale-in-harbor"], None, None),
    ("cod-cut", "By how much was the cod quota cut?", ["20 percent", "by 20 percent"], "20 percent for 2027",
     ["cod-quota-cut"], None, None),
    ("homes-builder", "Who will build the affordable homes?", ["Coastline Homes"], "Coastline Homes",
     ["affordable-homes"], None, None),
    ("skate-park", "Who opened the skate park this week?", ["Ines Baptiste", "Mayor Ines Baptiste"],
     "Mayor Ines Baptiste opened", ["skate-park-opens"], "2026-10-24", None),
    ("regatta-2025", "How many boats took part in the 2025 regatta?", ["64", "64 boats"], "64 boats on Saturday despite",
     ["regatta-2025", "regatta-2026"], "2026-09-10", None),
    ("regatta-latest", "How many boats took part in the latest regatta?", ["80", "80 boats"], "80 boats",
     ["regatta-2026"], "2026-09-10", None),
    ("bell-ship", "Which ship did the museum's bell come from?", ["the schooner Margaret Rose", "Margaret Rose",
                                                                  "schooner Margaret Rose"],
     "Margaret Rose", ["shipwreck-bell"], None, None),
    ("dredging-cost", "How much is the harbor dredging contract worth?", ["$4.8 million"], "$4.8 million",
     ["harbor-dredging"], None, None),
    ("homes-start", "When will construction of the affordable homes begin?", ["spring 2027", "in spring 2027"],
     "spring 2027", ["affordable-homes"], None, None),
    ("lowe-wing", "What is named after Beatrice Lowe?", ["Its new children's wing", "new children's wing",
                                                          "children's wing", "the library's new children's wing"],
     "new children's wing", ["library-reopens"], None, None),
    ("cliff-trail", "How long is the Cliff Path?", ["four kilometres"], "four kilometres", ["walking-trails"], None, None),
]
# On-topic questions the articles do not answer (ids, question, as_of).
UNANSWERABLE = [
    ("u-before-fire", "How many people were injured in the mill fire?", "2026-09-01"),
    ("u-ferry-speed", "What is the top speed of the Kittiwake ferry?", None),
    ("u-hendry-votes", "How many votes did Paul Hendry receive?", None),
    ("u-whale-weight", "How much did the whale weigh?", None),
    ("u-skate-designer", "Who designed the new skate park?", None),
    ("u-harlow-gift", "How much money did the Harlow family donate to the cancer wing?", None),
    ("u-ortiz-salary", "What is Fire Chief Dana Ortiz's salary?", None),
    ("u-library-books", "How many books does the Carnegie library hold?", None),
    ("u-arrest", "Who was arrested for starting the mill fire?", None),
    ("u-market-hours", "What time does the farmers market open?", None),
    ("u-reyes-season", "How many goals did Jonah Reyes score this season?", None),
    ("u-mayor-salary", "What salary will Mayor Baptiste earn?", None),
]
OFF_TOPIC = [("o-world-cup", "Who won the 2010 FIFA World Cup?"), ("o-capital", "What is the capital of Australia?")]


def _paragraphs(rec: dict) -> list[str]:
    if "wire_of" not in rec:
        return list(rec["paragraphs"])
    original = next(a for a in ARTICLES if a["id"] == rec["wire_of"])
    paras = list(original["paragraphs"])
    if rec.get("dateline"):
        paras[0] = rec["dateline"] + paras[0]
    return paras + ([rec["footer"]] if rec.get("footer") else [])


def _url(rec: dict) -> str:
    return f"https://{SITES[rec['source']]}/{(rec['date'] or '2026')[:7].replace('-', '/')}/{rec['id']}"


def _html(rec: dict, paras: list[str]) -> str:
    e = html.escape
    head = [f"<title>{e(rec['title'])} | {e(rec['source'])}</title>", '<meta charset="utf-8">']
    form = rec["form"]
    if form == "html-meta":
        head += [f'<meta property="og:site_name" content="{e(rec["source"])}">',
                 f'<meta property="article:published_time" content="{rec["date"]}">',
                 f'<meta name="author" content="{e(rec["author"])}">', f'<link rel="canonical" href="{_url(rec)}">']
    elif form == "html-jsonld":
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": rec["title"],
              "datePublished": rec["date"], "author": {"@type": "Person", "name": rec["author"]},
              "publisher": {"@type": "Organization", "name": rec["source"]}, "url": _url(rec)}
        head.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    elif form == "html-time":
        head.append(f'<meta property="og:site_name" content="{e(rec["source"])}">')
    byline = (f'<p class="byline">By <span class="author">{e(rec["author"])}</span> · '
              f'<time datetime="{rec["date"]}">{rec["date"]}</time></p>' if form == "html-time" else "")
    body = "\n".join(f"<p>{e(p)}</p>" for p in paras)
    return f"""<!doctype html>
<html lang="en"><head>{''.join(head)}
<style>body {{ font-family: serif; }}</style><script>window.analytics = [];</script></head>
<body>
<header><a href="/">{e(rec['source'])}</a><nav><a href="/news">News</a> | <a href="/sport">Sport</a> | <a href="/weather">Weather</a> | <a href="/subscribe">Subscribe</a></nav></header>
<main><article>
<h1>{e(rec['title'])}</h1>
{byline}
{body}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Council meeting moved to Thursday</a></li><li><a href="/b">Tide tables for the week</a></li><li><a href="/c">Letters to the editor</a></li></ul></aside>
<section class="comments"><h2>Comments</h2><p>Please log in to comment.</p></section>
</main>
<footer><p>Copyright 2026 {e(rec['source'])}. All rights reserved.</p><p><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a></p></footer>
</body></html>
"""


def _record(rec: dict, paras: list[str]) -> dict:
    """A JSON record, with the field names varied as real exports vary them."""
    out = {"id": rec["id"], "title": rec["title"], "text": "\n\n".join(paras)}
    if rec["id"].startswith(("n", "h")):
        out.update(published=rec["date"], outlet=rec["source"], byline=rec["author"], link=_url(rec))
    else:
        out.update(date=rec["date"], source=rec["source"], author=rec["author"], url=_url(rec))
    return out


def write_corpus() -> None:
    if CORPUS.exists():
        for p in CORPUS.iterdir():
            p.unlink()
    CORPUS.mkdir(parents=True, exist_ok=True)
    grouped: dict[str, list[dict]] = {}
    for rec in ARTICLES:
        paras, form = _paragraphs(rec), rec["form"]
        if form == "txt":
            head = [f"Date: {rec['date']}", f"Source: {rec['source']}", f"Author: {rec['author']}", f"URL: {_url(rec)}"]
            (CORPUS / f"{rec['id']}.txt").write_text("\n".join(head) + "\n\n" + rec["title"] + "\n\n"
                                                     + "\n\n".join(paras) + "\n", encoding="utf-8")
        elif form.startswith("md"):
            fm = [f"title: \"{rec['title']}\""] + ([f"date: {rec['date']}"] if rec["date"] else []) + [
                f"outlet: {rec['source']}"] + ([f"author: {rec['author']}"] if rec["author"] else []) + [
                f"url: {_url(rec)}"]
            (CORPUS / f"{rec['id']}.md").write_text("---\n" + "\n".join(fm) + "\n---\n\n# " + rec["title"] + "\n\n"
                                                    + "\n\n".join(paras) + "\n", encoding="utf-8")
        elif form.startswith("html"):
            (CORPUS / f"{rec['id']}.html").write_text(_html(rec, paras), encoding="utf-8")
        elif form == "json":
            (CORPUS / f"{rec['id']}.json").write_text(json.dumps(_record(rec, paras), indent=1) + "\n", encoding="utf-8")
        else:  # json-list, jsonl: several articles in one file
            grouped.setdefault(rec["file"], []).append(_record(rec, paras))
    for name, recs in grouped.items():
        if name.endswith(".jsonl"):
            text = "".join(json.dumps(r) + "\n" for r in recs)
        else:
            text = json.dumps(recs, indent=1) + "\n"
        (CORPUS / name).write_text(text, encoding="utf-8")


def write_questions() -> None:
    from index.articles import load_articles

    report = load_articles(CORPUS)
    assert not report.skipped, report.skipped
    texts = {a.id: a.text for a in report.articles}
    assert len(texts) == len(ARTICLES), (len(texts), len(ARTICLES))
    out = []
    for qid, question, answers, evidence, gold, as_of, expect in QUESTIONS:
        spans = []
        for aid in gold:
            text = texts[aid]
            at = text.find(evidence)
            for answer in answers:
                pos = text.find(answer, at if at >= 0 else 0)
                if at >= 0 and 0 <= pos < at + len(evidence) + 40:
                    spans.append([pos, pos + len(answer)])
                    break
        if not spans:
            raise SystemExit(f"{qid}: no gold span found")
        rec = {"id": qid, "question": question, "answers": answers, "article_id": gold[0], "article_ids": gold,
               "answer_spans": spans if len(gold) == 1 else [],
               "gold_spans": [[aid, s, e] for aid, (s, e) in zip(gold, spans)] if len(gold) > 1 else []}
        if len(gold) == 1:
            rec.pop("gold_spans")
        if as_of:
            rec["as_of"] = as_of
        if expect:
            rec["expect"] = expect
        out.append(rec)
    for qid, question, as_of in UNANSWERABLE:
        out.append({"id": qid, "question": question, "answers": [], "unanswerable": "on-topic",
                    **({"as_of": as_of} if as_of else {})})
    for qid, question in OFF_TOPIC:
        out.append({"id": qid, "question": question, "answers": [], "unanswerable": "off-topic"})
    with open(HERE / "questions.jsonl", "w", encoding="utf-8") as fh:
        for rec in out:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{len(texts)} articles in {CORPUS}, {len(out)} questions in {HERE / 'questions.jsonl'}")


if __name__ == "__main__":
    write_corpus()
    write_questions()
