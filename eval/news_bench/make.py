"""Write the news-shaped retrieval benchmark (issue 25 item 1): `news-bench.json`, a SQuAD-format
file of recurring weekly stories where each question's passage competes with near-copies of
itself from other weeks.

    python eval/news_bench/make.py      # rewrites news-bench.json (committed; seed fixed)
    python -m bench.peers --squad eval/news_bench/news-bench.json --out runs/peers-newsbench

What real archives have and SQuAD lacks, all written here by templates (no outside text; the
same licence as this repository):
- the same story every week: six recurring beats (weekend box office, the weekly virus-variant
  update, a launch postponed again and again, the monthly jobs report, named storms, league
  matches), 26 weeks, so the right article shares its topic words with 10-20 others;
- datelines ("DENVER (Coastal Wire) —"), photo captions with credits, "Related:" lists naming
  other weeks' stories, ad-survey prompts and newsletter prompts as paragraphs;
- questions written the way news quizzes ask them: by what is distinctive in that week's
  story (a film's title, a storm's name, the fault that delayed a launch), never by its date,
  with the answer verbatim in one article only (checked when written).
"""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "news-bench.json"
WEEKS = 26
START = dt.date(2026, 3, 2)

OUTLETS = ["Coastal Wire", "Harbor Ledger", "Valley Times", "Metro Daily"]
CITIES = ["DENVER", "ATLANTA", "SEATTLE", "MIAMI", "CHICAGO", "BOSTON", "PHOENIX", "PORTLAND, Maine",
          "AUSTIN, Texas", "SACRAMENTO, Calif."]
ADJ = ["Silver", "Midnight", "Hollow", "Crimson", "Quiet", "Broken", "Golden", "Last", "Hidden", "Burning",
       "Frozen", "Distant", "Electric", "Wild", "Paper", "Iron", "Velvet", "Lonely", "Bright", "Sunken",
       "Scarlet", "Restless", "Endless", "Northern", "Secret", "Amber"]
NOUN = ["Harbor", "Orchard", "Signal", "Kingdom", "Lantern", "Frontier", "Garden", "Compass", "Echo", "Tide",
        "Meridian", "Canyon", "Letter", "Station", "Summit", "Voyage", "Mirror", "Circuit", "Prairie", "Citadel",
        "Island", "River", "Horizon", "Crown", "Shadow", "Bridge"]
STUDIOS = ["Northlight Pictures", "Bluewater Studios", "Granite Films", "Paramount Hill", "Sable Entertainment",
           "Redwood Features"]
FIRST = ["Maya", "Daniel", "Priya", "Tomas", "Grace", "Kofi", "Elena", "Marcus", "Hana", "Luis", "Ingrid", "Samir",
         "Nora", "Felix", "Aisha", "Jonah", "Rosa", "Victor", "Leah", "Omar"]
LAST = ["Alvarez", "Brennan", "Chowdhury", "Dubois", "Eriksen", "Fontaine", "Gallagher", "Haddad", "Ivanova",
        "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Sato",
        "Tanaka"]
STATES = ["Oregon", "Ohio", "Georgia", "Nevada", "Vermont", "Kansas", "Utah", "Maine", "Idaho", "Iowa", "Texas",
          "Montana"]
STORMS = ["Alma", "Boris", "Celia", "Darby", "Estelle", "Frank", "Georgette", "Howard", "Isis", "Javier",
          "Kay", "Lester", "Madeline", "Newton", "Orlene", "Paine", "Roslyn", "Seymour", "Tina", "Virgil",
          "Winifred", "Xavier", "Yolanda", "Zeke", "Agatha", "Blas"]
TEAMS = ["Harbor City FC", "Ridgeview United", "Lakeside Rovers", "Northgate Athletic", "Pine Valley SC",
         "Redcliff Town", "Summit County FC", "Westbrook Wanderers"]
FAULTS = [("a faulty fuel valve", "fuel valve"), ("high winds over the launch site", "high winds"),
          ("a software error in the guidance computer", "software error"),
          ("a cracked heat-shield tile", "heat-shield tile"), ("a leak in a helium line", "helium line"),
          ("a fire alarm at the control center", "fire alarm")]
BOILER = ["How relevant is this ad to you?", "Sign up for our daily newsletter to get the top stories in your inbox.",
          "Advertisement", "This story has been updated with additional details.",
          "Copyright 2026. All rights reserved. This material may not be published, broadcast or rewritten."]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def dateline(rng: random.Random, outlet: str) -> str:
    return f"{rng.choice(CITIES)} ({outlet}) —"


def caption(rng: random.Random, what: str) -> str:
    return f"Photo: {what}. ({person(rng)}/{rng.choice(['Getty Images', 'AP', 'Reuters', 'Coastal Wire'])})"


def millions(rng: random.Random, lo: float, hi: float) -> str:
    return f"${rng.uniform(lo, hi):.1f} million"


def page(rng: random.Random, lede: str, body: str, photo: str, closing: str, related: str) -> list[str]:
    """A story page's paragraphs: lede, body, a captioned photo, a closing line, a Related list
    and a line of site furniture."""
    return [lede, body, caption(rng, photo), closing, related, rng.choice(BOILER)]


class Story:
    def __init__(self, title: str, paragraphs: list[str], questions: list[tuple[str, str]]):
        self.title, self.paragraphs, self.questions = title, paragraphs, questions


def box_office(week: int, rng: random.Random, films: list[str], state: dict) -> Story:
    new = films[week]
    prev = state.get("top")
    studio, director = rng.choice(STUDIOS), person(rng)
    opening, second = millions(rng, 40, 160), millions(rng, 12, 39)
    total = millions(rng, 80, 300)
    out = dateline(rng, rng.choice(OUTLETS))
    paras = [f"{out} “{new}” opened at No. 1 at the weekend box office, taking in {opening} in North America, "
             f"according to studio estimates released Sunday.",
             f"The {studio} release, directed by {director}, beat industry forecasts. Analysts said the weekend's "
             "results reflected a strong spring for theaters after a slow winter.",
             caption(rng, f"Moviegoers line up outside a theater for “{new}”")]
    if prev:
        paras.append(f"Last weekend's champion, “{prev}”, fell to second place with {second}, bringing its "
                     f"domestic total to {total}.")
    paras.append("Ticket sales for the weekend were up from the same weekend last year, according to the data firm "
                 "that tracks box office receipts.")
    paras.append(rng.choice(BOILER))
    qs = [(f"How much did “{new}” take in during its opening weekend?", opening),
          (f"Who directed “{new}”, which opened at No. 1 at the box office?", director),
          (f"Which studio released the box-office debut “{new}”?", studio)]
    if prev:
        qs.append((f"How much did “{prev}” make in its second weekend, when it fell to second place?", second))
    state["top"] = new
    return Story(f"“{new}” tops the weekend box office", paras, qs)


def variant(week: int, rng: random.Random, names: list[str], state: dict) -> Story:
    name = names[week]
    share, where = rng.randint(12, 61), rng.choice(STATES)
    expert = person(rng)
    paras = page(rng, f"{dateline(rng, rng.choice(OUTLETS))} A new coronavirus variant, {name}, now accounts for an "
                 f"estimated {share} percent of new cases, health officials said in their weekly update.",
                 f"The variant was first detected in {where}, officials said. {expert}, an epidemiologist, said "
                 "there was no sign yet that it causes more severe illness than earlier variants.",
                 "A nurse prepares a vaccine dose at a clinic",
                 "Officials urged people to stay up to date with vaccines and to test if they have symptoms.",
                 "Related: Weekly virus update: what to know; Where to get a free test; Vaccines for the new season")
    qs = [(f"Which coronavirus variant, first detected in {where}, now accounts for {share} percent of new cases?",
           name),
          (f"In which state was the {name} variant first detected?", where),
          (f"What share of new cases does the {name} variant account for?", f"{share} percent")]
    return Story(f"Variant {name} spreads as weekly cases shift", paras, qs)


def launch(week: int, rng: random.Random, state: dict) -> Story:
    mission = state.setdefault("mission", f"Aurora-{rng.randint(3, 9)}")
    tries = state.setdefault("tries", 0) + 1
    state["tries"] = tries
    fault, short = FAULTS[(tries - 1) % len(FAULTS)]
    new_day = (START + dt.timedelta(days=7 * week + rng.randint(3, 12))).strftime("%B %-d")
    spokes = state.setdefault("spokes", person(rng))
    nth = ["first", "second", "third", "fourth", "fifth", "sixth"][min(tries, 6) - 1]
    paras = [f"{dateline(rng, 'Coastal Wire')} The launch of the {mission} satellite mission was postponed for the "
             f"{nth} time on Tuesday because of {fault}.",
             f"The launch is now set for {new_day}, said agency spokeswoman {spokes}. Engineers will inspect the "
             "rocket on the pad before a new countdown begins.",
             caption(rng, f"The {mission} rocket on the launch pad"),
             f"The mission, which will study the upper atmosphere, has faced a series of delays. {spokes} said the "
             "team would not rush the launch.",
             rng.choice(BOILER)]
    qs = [(f"What postponed the {mission} launch because of {short.split()[-1]} trouble for the {nth} time?",
           fault.split(" ", 1)[1] if fault.startswith("a ") else fault),
          (f"To what date was the {mission} launch moved after the delay caused by {fault}?", new_day)]
    return Story(f"{mission} launch postponed again", paras, qs)


def jobs(week: int, rng: random.Random, state: dict) -> Story:
    month = (START + dt.timedelta(days=7 * week - 20)).strftime("%B")
    added = f"{rng.randint(90, 320)},000"
    rate = f"{rng.uniform(3.6, 4.6):.1f} percent"
    sector = rng.choice(["health care", "construction", "leisure and hospitality", "manufacturing", "retail"])
    economist = person(rng)
    paras = page(rng, f"{dateline(rng, rng.choice(OUTLETS))} Employers added {added} jobs in {month}, the Labor "
                 f"Department said Friday, and the unemployment rate was {rate}.",
                 f"Hiring was led by {sector}. {economist}, chief economist at a research firm, said the report "
                 "showed a labor market that is cooling slowly.",
                 "A help-wanted sign in a shop window", "Wage growth held steady, and revisions to earlier months were small.",
                 "Related: What the jobs report means for interest rates; The best and worst sectors for hiring")
    qs = [(f"How many jobs did employers add in {month}?", added),
          (f"Which sector led hiring in the {month} jobs report?", sector),
          (f"What was the unemployment rate in the {month} jobs report?", rate)]
    return Story(f"Employers add {added} jobs in {month}", paras, qs)


def storm(week: int, rng: random.Random, names: list[str], state: dict) -> Story:
    name = names[week]
    city = rng.choice(CITIES).split(",")[0].title()
    rain, homes = f"{rng.randint(3, 14)} inches", f"{rng.randint(4, 95)},000"
    chief = person(rng)
    paras = [f"{dateline(rng, rng.choice(OUTLETS))} Storm {name} dumped {rain} of rain on {city} overnight, flooding "
             f"streets and knocking out power to {homes} homes.",
             f"Emergency management director {chief} said crews were working to restore power and asked residents "
             "to stay off flooded roads.",
             caption(rng, f"A car drives through a flooded street in {city}"),
             "Forecasters said the storm would weaken as it moved inland over the next two days.",
             rng.choice(BOILER)]
    qs = [(f"How much rain did Storm {name} bring to {city}?", rain),
          (f"How many homes lost power when Storm {name} hit {city}?", homes),
          (f"Who is the emergency management director who spoke after Storm {name}?", chief)]
    return Story(f"Storm {name} floods {city}", paras, qs)


def match(week: int, rng: random.Random, state: dict) -> Story:
    a, b = rng.sample(TEAMS, 2)
    ga, gb = rng.randint(2, 5), rng.randint(0, 1)
    scorer, keeper = person(rng), person(rng)
    crowd = f"{rng.randint(8, 41)},{rng.randint(100, 999)}"
    paras = [f"{dateline(rng, rng.choice(OUTLETS))} {a} beat {b} {ga}-{gb} on Saturday, with two goals from {scorer}.",
             f"{b} goalkeeper {keeper} made several saves but could not stop {scorer}'s second, a header in the "
             f"second half. The crowd of {crowd} was the largest of the season at the ground.",
             caption(rng, f"{scorer} celebrates a goal"),
             "The win moves the home side up the league table with ten matches left in the season.",
             "Related: League table; Fixtures and results; Transfer news",
             rng.choice(BOILER)]
    qs = [(f"Who scored twice when {a} beat {b} {ga}-{gb}?", scorer),
          (f"How many fans watched {a} beat {b} {ga}-{gb}?", crowd)]
    return Story(f"{a} beat {b} {ga}-{gb}", paras, qs)


def make(seed: int = 2026) -> dict:
    rng = random.Random(seed)
    films = [f"The {a} {n}" for a, n in zip(rng.sample(ADJ, WEEKS), rng.sample(NOUN, WEEKS))]
    variants = [f"{rng.choice('XKJBL')}{rng.choice('BPQNR')}.{rng.randint(1, 9)}.{rng.randint(1, 19)}"
                for _ in range(WEEKS)]
    storms = list(STORMS)
    states: dict[str, dict] = {k: {} for k in ("box", "variant", "launch", "jobs", "storm", "match")}
    stories: list[tuple[str, Story]] = []
    for week in range(WEEKS):
        day = (START + dt.timedelta(days=7 * week)).isoformat()
        stories.append((day, box_office(week, rng, films, states["box"])))
        stories.append((day, variant(week, rng, variants, states["variant"])))
        if week % 3 == 1:
            stories.append((day, launch(week, rng, states["launch"])))
        if week % 4 == 0:
            stories.append((day, jobs(week, rng, states["jobs"])))
        if week % 2 == 0:
            stories.append((day, storm(week, rng, storms, states["storm"])))
        stories.append((day, match(week, rng, states["match"])))
        stories.append((day, match(week, rng, states["match"])))
    # "Related:" lists name other weeks' stories, as archive pages do
    titles = [s.title for _, s in stories]
    pages = []
    for _, s in stories:
        related = "Related: " + "; ".join(rng.sample([t for t in titles if t != s.title], 3))
        pages.append(s.paragraphs[:-1] + [related, s.paragraphs[-1]])
    texts = ["\n".join(p) for p in pages]
    data, n_q = [], 0
    for i, ((day, s), paras) in enumerate(zip(stories, pages)):
        text_paras = [{"context": p, "qas": []} for p in paras]
        for q, answer in s.questions:
            holders = [j for j, p in enumerate(paras) if answer in p]
            # the answer verbatim in one paragraph of this article and in no other article
            if len(holders) != 1 or any(answer in t for k, t in enumerate(texts) if k != i):
                continue
            p = paras[holders[0]]
            text_paras[holders[0]]["qas"].append({"id": f"nb-{n_q}", "question": q,
                                                  "answers": [{"text": answer, "answer_start": p.index(answer)}]})
            n_q += 1
        data.append({"title": f"{s.title} ({day})", "paragraphs": text_paras})
    return {"version": "news-bench-1", "seed": seed, "data": data}


def main() -> int:
    out = make()
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    n_q = sum(len(p["qas"]) for a in out["data"] for p in a["paragraphs"])
    print(f"wrote {OUT}: {len(out['data'])} articles, {n_q} questions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
