"""The measured results, from the reports `bench/run_all.sh` wrote: printed, or written
as docs/results.md (the README keeps the headline figures and links there).

  python -m bench.tables runs/final                          # print the tables
  python -m bench.tables runs/final --write docs/results.md  # the results page
  python -m bench.tables --docs                              # the tables inside README.md and docs/*.md
  python -m bench.tables --docs --check                      # exit 1 if one differs from its runs

Every measured table of the README and the chapters is either in docs/results.md or a block
that names its runs (bench.doc_tables).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

QUALITY = [("n_questions", "questions"), ("gold_hit@1", "gold-hit@1"), ("gold_hit@5", "gold-hit@5"),
           ("gold_hit@20", "gold-hit@20"), ("mrr@20", "MRR@20"), ("em", "EM"), ("f1", "F1"),
           ("sentence_hit@1", "sentence-hit@1"), ("citation_exactness", "citation exactness"),
           ("refusal_rate", "refused (unanswerable, all)"), ("refusal_rate_on_topic", "refused (on-topic unanswerable)"),
           ("refusal_rate_off_topic", "refused (off-topic unanswerable)"),
           ("false_refusal_rate", "refused (answerable)"), ("broken_spans", "broken spans"),
           ("correct_with_article", "right answer (EM) from a right article"),
           ("cited_after_as_of", "citations dated after the question's as_of"),
           ("surfaced_expected", "planted updates/disagreements surfaced"),
           ("disagreement_rate", "answers with a disagreement (no planted one)"),
           ("copies_in_one_answer", "wire copies cited twice in one answer"),
           ("passage_words_mean", "mean passage words"),
           ("latency_p50_ms", "latency p50 ms"), ("latency_p95_ms", "latency p95 ms")]
QUALITY_RUNS = [("news", "news set (shipped article)"), ("fixture", "news fixture (44 dated articles)"),
                ("squad", "SQuAD part A"),
                ("squad-u20", "SQuAD part A: 20% of articles held out + generated on-topic"),
                ("squad-news2", "SQuAD part A re-cut as 2-sentence news paragraphs"),
                ("squad-news2-nopack", "the same, short paragraphs not packed")]


def fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, int):
        return str(v)
    return f"{v:.1f}" if v > 1.5 else f"{v:.3f}"


def quality(runs: Path) -> list[str]:
    cols = QUALITY_RUNS
    reports = {k: json.loads((runs / k / "report.json").read_text()) for k, _ in cols if (runs / k / "report.json").is_file()}
    out = ["| metric | " + " | ".join(t for k, t in cols if k in reports) + " |",
           "|---|" + "---|" * len(reports)]
    for key, label in QUALITY:
        out.append(f"| {label} | " + " | ".join(fmt(reports[k]["metrics"].get(key)) for k, _ in cols if k in reports) + " |")
    out.append("")
    for k, _ in cols:
        if k in reports:
            r = reports[k]
            out.append(f"- {k}: `{r['command']}` — {r['date']}, commit {str(r['git_commit'])[:10]}, "
                       f"{r['machine']['cores']} cores {r['machine']['cpu']}")
    return out


def _records(runs: Path, name: str) -> list[dict]:
    f = runs / name / "questions.jsonl"
    return [json.loads(x) for x in f.read_text().splitlines() if x.strip()] if f.is_file() else []


def refusals(runs: Path) -> list[str]:
    """The three-way refusal table: answerable, on-topic and off-topic unanswerable."""
    out = ["| question set | answerable wrongly refused | on-topic unanswerable refused | "
           "off-topic unanswerable refused |", "|---|---|---|---|"]
    found = False
    for name, label in QUALITY_RUNS:
        recs = _records(runs, name)
        if not recs:
            continue
        found = True
        cells = []
        for group in (False, "on-topic", "off-topic"):
            some = [r for r in recs if (r["unanswerable"] == group if group else not r["unanswerable"])]
            if name == "squad-u20" and group == "off-topic":  # held-out articles' questions
                some = [r for r in recs if r["unanswerable"] in ("off-topic", True)]
            refused = sum(r["refused"] for r in some)
            cells.append(f"{refused / len(some):.3f} ({refused} of {len(some)})" if some else "–")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return out if found else []


def curve(runs: Path, name: str = "squad-u20") -> list[str]:
    """Refusal trade-off of the shipped confidence: the share refused in each group
    if the threshold were t (the shipped threshold is marked)."""
    recs = _records(runs, name)
    if not recs:
        return []
    report = json.loads((runs / name / "report.json").read_text())
    fits = report["settings"]["answer"]["calibration"]
    groups = {"answerable": [r for r in recs if not r["unanswerable"]],
              "on-topic": [r for r in recs if r["unanswerable"] == "on-topic"],
              "off-topic": [r for r in recs if r["unanswerable"] in ("off-topic", True)]}
    groups = {k: v for k, v in groups.items() if v}
    out = ["| threshold | " + " | ".join(f"refused ({k})" for k in groups) + " |", "|---|" + "---|" * len(groups)]
    shipped = round(fits["reader"]["threshold"], 2)  # the fit of answers the trained reader cut
    for t in sorted({x / 20 for x in range(1, 20)} | {shipped}):
        mark = " (shipped)" if round(t, 2) == shipped else ""
        cells = [f"{sum(r['confidence'] < t for r in v) / len(v):.3f}" for v in groups.values()]
        out.append(f"| {t:.2f}{mark} | " + " | ".join(cells) + " |")
    return out


def levers(runs: Path) -> list[str]:
    """Refusal by confidence model: each fitted on part A seed 1 and applied, unchanged,
    to the report run (part A seed 0), as `training.calibrate --check` prints it."""
    f = runs / "calibration" / "levers.jsonl"
    if not f.is_file():
        return []
    rows = [json.loads(x) for x in f.read_text().splitlines() if x.strip()]
    out = ["| confidence model | answerable wrongly refused | on-topic refused | off-topic refused |",
           "|---|---|---|---|"]
    for r in rows:
        c = r.get("checked") or r["fitted"]
        cell = lambda k, c=c: f"{c[k][0]:.3f}" if k in c else "–"
        out.append(f"| {r['label']} | {cell('answerable')} | {cell('on-topic')} | {cell('off-topic')} |")
    out += [""] + [f"- {r['label']}: `{r['command']}`" for r in rows]
    return out


def peers(runs: Path, name: str = "peers") -> list[str]:
    f = runs / name / "peers.json"
    if not f.is_file():
        return []
    rep = json.loads(f.read_text())
    out = ["| system | gold-hit@1 | gold-hit@5 | gold-hit@20 | MRR@20 | query p50 ms | mean passage words |",
           "|---|---|---|---|---|---|---|"]
    for r in rep["results"]:
        out.append(f"| {r['system']} | {r['gold_hit@1']:.3f} | {r['gold_hit@5']:.3f} | {r['gold_hit@20']:.3f} | "
                   f"{r['mrr@20']:.3f} | {r['latency_p50_ms']:.1f} | {r['mean_passage_words']:.0f} |")
    out += ["", f"`{rep['command']}` — {rep['date']}, {rep['machine']['cores']} cores {rep['machine']['cpu']}"]
    return out


def news_tools(runs: Path) -> list[str]:
    """HTML cleaning (bench.html) and wire-copy grouping at scale (bench.wire)."""
    out = []
    f = runs / "html.json"
    if f.is_file():
        rep = json.loads(f.read_text())
        out += ["| HTML engine | pages | word precision | word recall | titles | dates | outlets | authors | ms/page |",
                "|---|---|---|---|---|---|---|---|---|"]
        for eng, r in rep.items():
            out.append(f"| {eng} | {r['pages']} | {r['word_precision']:.3f} | {r['word_recall']:.3f} | "
                       f"{r['titles_exact']} | {r.get('date_found', 0)} | {r.get('source_found', 0)} | "
                       f"{r.get('author_found', 0)} | {r['ms_per_page']} |")
        out += ["", "`python -m bench.html` on the news fixture's pages.", ""]
    f = runs / "wire.json"
    if f.is_file():
        r = json.loads(f.read_text())
        out += [f"Wire copies (`python -m bench.wire --articles {r['articles']}`): {r['articles']:,} articles of "
                f"~{r['mean_words']} words, {r['planted_copies']:,} planted copies; MinHash signatures "
                f"{r['signature_seconds']} s, LSH grouping {r['group_seconds']} s; {r['copies_grouped']:,} of "
                f"{r['planted_copies']:,} copies grouped with their original, {r['other_articles_grouped']} other "
                f"articles grouped.", ""]
    return out


def updates(runs: Path) -> list[str]:
    out = ["| corpus | articles | full build s | no-op s | add one article s | add / full | peak RSS full build MB |",
           "|---|---|---|---|---|---|---|"]
    found, cmds = False, []
    for name in ("update-1x", "update-2x", "update-10x"):
        f = runs / name / "update.json"
        if f.is_file():
            found = True
            r = json.loads(f.read_text())
            passages = r["full"]["summary"].split(" passages")[0].split()[-1]
            out.append(f"| {name[7:]} SQuAD part A ({passages} passages) | {r['articles']} | {r['full']['wall_s']:.1f} | "
                       f"{r['noop']['wall_s']:.1f} | {r['add_one']['wall_s']:.1f} | {r['add_one_over_full']:.3f} | "
                       f"{r['full']['peak_rss_mb']:.0f} |")
            cmds.append(f"- {name}: `{r['command']}` — {r['date']}")
    return out + [""] + cmds if found else []


def ablation(runs: Path) -> list[str]:
    rows = [("squad", "**full system** (hybrid retrieval, learned sentence ranker, trained reader reading windows "
                      "around 4 sentences, whole answers)"),
            ("ablation-no-whole", "short answers as the reader cut them (no widening to whole names, brackets, lists)"),
            ("ablation-3-sentences", "the reader reads windows around 3 sentences instead of 4"),
            ("ablation-rules", "answer-type rules (spaCy) instead of the trained reader"),
            ("ablation-no-spans", "no short answers (answer = the sentence)")]
    out = ["| system | gold-hit@1 | gold-hit@5 | sentence-hit@1 | EM | F1 | refused (answerable) | broken spans "
           "| latency p50 ms |", "|---|---|---|---|---|---|---|---|---|"]
    found, cmds = False, []
    for name, label in rows:
        f = runs / name / "report.json"
        if f.is_file():
            found = True
            rep = json.loads(f.read_text())
            m = rep["metrics"]
            out.append(f"| {label} | " + " | ".join(fmt(m.get(k)) for k in (
                "gold_hit@1", "gold_hit@5", "sentence_hit@1", "em", "f1", "false_refusal_rate", "broken_spans",
                "latency_p50_ms")) + " |")
            cmds.append(f"- {name}: `{rep['command']}` — {rep['date']}")
    return out + [""] + cmds if found else []


def _metrics(runs: Path, name: str) -> tuple[dict, dict] | None:
    f = runs / name / "report.json"
    if not f.is_file():
        return None
    rep = json.loads(f.read_text())
    return rep["metrics"], rep


def reader(runs: Path) -> list[str]:
    """The reader issue's tables (bench/reader_runs.sh, bench/reader_final.sh): the reader alone on
    gold paragraphs, the reading ablation, windows, the refusal check, the shipped figures."""
    out = []
    alone = [(n, runs / f"alone-{n}.json") for n in ("old", "new", "new-fp32")]
    if any(f.is_file() for _, f in alone):
        out += ["Each question given its gold paragraph: every window of the paragraph read, the span of highest "
                "margin (`python -m training.reader check`).", "",
                "| reader | reads | questions | EM | F1 |", "|---|---|---|---|---|"]
        for name, f in alone:
            if f.is_file():
                r = json.loads(f.read_text())
                for kind in ("int8", "fp32"):
                    if kind in r:
                        out.append(f"| {'old (44 articles, sentences)' if name == 'old' else 'new (full file, windows)'}"
                                   f" {kind} | {'sentences' if r['radius'] == 0 else 'windows of radius ' + str(r['radius'])}"
                                   f" | {r['questions']:,} | {r[kind]['em']:.3f} | {r[kind]['f1']:.3f} |")
        out.append("")
    rows = [("abl-old", "old reader (44 articles, sentence by sentence), type rules"),
            ("abl-old-notype", "old reader, no type rules"),
            ("abl-new-sent", "new reader reading sentences alone, type rules"),
            ("abl-new-sent-notype", "new reader reading sentences alone, no type rules"),
            ("abl-new-win", "**new reader reading windows (radius 1), type rules: shipped**"),
            ("abl-new-win-notype", "new reader reading windows, no type rules"),
            ("abl-new-win-r2", "new reader, windows of radius 2"),
            ("abl-new-win-s3", "new reader, 3 windows read"), ("abl-new-win-s5", "new reader, 5 windows read"),
            ("abl-new-win-s6", "new reader, 6 windows read")]
    found = [(n, label, _metrics(runs, n)) for n, label in rows if _metrics(runs, n)]
    if found:
        out += ["Part A, whole corpus searched, a sample of questions (the same for every row), nothing refused "
                "(`--no-refusal`: the reading itself, apart from the confidence fit):", "",
                "| reading | questions | sentence-hit@1 | EM | F1 | latency p50 ms |", "|---|---|---|---|---|---|"]
        for _, label, (m, _) in found:
            out.append(f"| {label} | {m['n_questions']} | {fmt(m.get('sentence_hit@1'))} | {fmt(m.get('em'))} | "
                       f"{fmt(m.get('f1'))} | {fmt(m.get('latency_p50_ms'))} |")
        out.append("")
        out += [f"- {n}: `{rep['command']}` — {rep['date']}" for n, _, (_, rep) in found] + [""]
    return out


def speed(runs: Path) -> list[str]:
    f = runs / "bench" / "bench.json"
    if not f.is_file():
        return []
    rep = json.loads(f.read_text())
    out = []
    e = rep.get("embedding")
    if e:
        a, b, r = e["torch-fp32"], e["onnx-int8"], e["ratios"]
        out += ["| embedding path | index build, texts/s | question embedding p50 ms | gold-hit@5 | EM |",
                "|---|---|---|---|---|",
                f"| torch-fp32 (sentence-transformers, reference) | {a['texts_per_s']} | {a['query_embed_ms_p50']} | "
                f"{a['gold_hit_at_5']:.3f} | {a['em']:.3f} |",
                f"| **onnx-int8** (default) | {b['texts_per_s']} | {b['query_embed_ms_p50']} | "
                f"{b['gold_hit_at_5']:.3f} | {b['em']:.3f} |",
                f"| ratio / change | **{r['build_speedup']}x** | **{r['query_speedup']}x** | "
                f"{r['gold_hit_at_5_change']:+.3f} | {r['em_change']:+.3f} |", "",
                f"Mean cosine of int8 to fp32 vectors: passages {r['mean_cosine_passages']} (lowest "
                f"{r['min_cosine_passages']}), questions {r['mean_cosine_questions']}; "
                f"{a['passages']} passages + {a['sentences']} sentences, {a['questions']} questions.", ""]
    c = rep.get("cold_start")
    if c:
        out += [f"Cold start, `python -m qa ask` from process start to printed answer on the shipped corpus: "
                f"**{c['qa_ask_s_median']} s** (median of {len(c['qa_ask_s_all'])}: {c['qa_ask_s_all']}); "
                f"app start to first page: {c.get('app_start_s')} s.", ""]
    s = rep.get("scale")
    if s:
        out += ["| passages | FAISS index | recall@10 vs exact | answer p50 ms | answer p95 ms | "
                "embed / retrieve / read p50 ms | index bytes per passage |", "|---|---|---|---|---|---|---|"]
        for row in s:
            fx = row["faiss"]
            kind = fx["kind"] + (" (" + ", ".join(f"{k} {v}" for k, v in fx["params"].items()) + ")"
                                 if fx["params"] else "")
            out.append(f"| {row['passages']:,} | {kind} | {row['recall_at_10']:.3f} | {row['latency_ms_p50']} | "
                       f"{row['latency_ms_p95']} | {row['embed_ms_p50']} / {row['retrieve_ms_p50']} / "
                       f"{row['read_ms_p50']} | {row['bytes_per_passage']:,} |")
    out += ["", f"`{rep['command']}` — {rep['date']}, {rep['machine']['cores']} cores {rep['machine']['cpu']}, "
            f"{rep['seconds']} s in all"]
    return out


SECTIONS = [
    ("Answer quality", quality,
     "Metric definitions: `../shared/eval/README.md` (gold-hit@k, EM/F1 with the official SQuAD normalisation, "
     "sentence-hit@1, citation exactness, refusal, latency one question at a time with the index loaded). "
     "*Broken spans*: answers with an unpaired bracket or quote."),
    ("Refusals: answerable, on-topic and off-topic", refusals,
     "*On-topic unanswerable*: questions about an indexed article that it does not answer (the news set's are "
     "written by hand; SQuAD's are generated from part A's own questions by `evaluation.unanswerable`: entity "
     "swap, negation, antonym, mutual exclusion, impossible condition, answer-type mismatch, attribute swap). *Off-topic*: "
     "questions about nothing indexed (the news set's by hand; SQuAD's are the questions of the held-out 20% "
     "of articles)."),
    ("Refusal trade-off (SQuAD part A, 20% held out + generated on-topic)", curve,
     "The share of each group refused if the confidence threshold were t, with the shipped confidence fits "
     "(the reader fit's threshold is marked; a gated fit's confidence is its lower gate)."),
    ("What each refusal lever gave (fitted on part A seed 1, reported on part A seed 0)", levers,
     "Each confidence model is fitted on one run (20% of the articles held out with seed 1, plus on-topic "
     "questions generated from the rest) and applied unchanged to the report run (seed 0): other held-out "
     "articles, other generated questions. Rates are over the questions that reached the reader."),
    ("Retrieval beside the stacks users would otherwise pick", peers,
     "Same corpus (SQuAD part A as one corpus), same questions, same embedding model, same metric code, same "
     "run; peers index 200-word windows as their docs suggest."),
    ("Retrieval beside the peers on news-shaped paragraphs", lambda r: peers(r, "peers-news"),
     "SQuAD part A with every paragraph re-cut into paragraphs of two sentences, as news sites print them "
     "(`--news-paragraphs 2`): our chunker packs them into passages up to 150 words; peers index 200-word "
     "windows."),
    ("News tools", news_tools, ""),
    ("Ablation (SQuAD part A, all questions, same index)", ablation, ""),
    ("Speed", speed,
     "One process on the SQuAD part-A corpus: every embedding path against plain sentence-transformers fp32 "
     "(texts are the passages plus every sentence, whose vectors rank answer sentences); the cold start of "
     "`python -m qa ask` (which imports neither torch, transformers, sentence-transformers nor spaCy) and of "
     "the app; answer latency one question at a time on synthetic corpora that repeat the real passages with "
     "noisy vectors (so an approximate index must really search), with the FAISS index the writer picks for "
     "that size (exact up to 200,000 passages, IVF above) and its recall@10 against exact search. The *read* "
     "column is the reader, which does not grow with the corpus; retrieval is what grows."),
    ("Index updates", updates, ""),
    ("Reader", reader, ""),
]


def document(runs: Path) -> str:
    parts = ["# Measured results", "",
             f"Generated by `python -m bench.tables {runs} --write docs/results.md` from the reports that "
             f"`bash bench/run_all.sh {runs}` wrote; every table names the command and machine behind it. "
             "Timings on a shared 2-core machine are noisy: compare systems within one run.", ""]
    for title, make, note in SECTIONS:
        lines = make(runs)
        if lines:
            parts += [f"## {title}", ""] + ([note, ""] if note else []) + lines + [""]
    b = runs / "browser" / "browser.json"
    if b.is_file():
        r = json.loads(b.read_text())
        parts += ["## In the browser", "",
                  f"Click on *Ask* to the rendered answer, p50 over {r['n']} questions of the news set, headless "
                  f"Chromium: **{r['p50_ms']} ms** (p95 {r['p95_ms']} ms) — `{r['command']}`, {r['date']}.", ""]
    return "\n".join(parts)


def _sections(text: str) -> list[tuple[str, str]]:
    """(title, text) of each "## " section of a page, in order (the text before the first: title "")."""
    out, title, lines = [], "", []
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            out.append((title, "".join(lines)))
            title, lines = line[3:].strip(), []
        lines.append(line)
    out.append((title, "".join(lines)))
    return out


def keep_other_sections(doc: str, old: str) -> str:
    r"""`doc` with the sections of `old` whose titles it lacks appended, in their order: the
    reader's passes and fits, measured by their own scripts, survive a rewrite of the page.

    >>> keep_other_sections("# R\n\n## A\n\nnew a\n", "# R\n\n## A\n\nold a\n## Reader\n\nkept\n")
    '# R\n\n## A\n\nnew a\n\n## Reader\n\nkept\n'
    """
    have = {t for t, _ in _sections(doc)}
    kept = [body for t, body in _sections(old) if t and t not in have]
    return doc.rstrip("\n") + "\n\n" + "".join(kept) if kept else doc


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m bench.tables", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="?", default="runs", help="folder bench/run_all.sh wrote (default: %(default)s)")
    p.add_argument("--write", help="write the results page here (e.g. docs/results.md) instead of printing")
    p.add_argument("--section", help="print only the section of this title (e.g. Reader)")
    p.add_argument("--docs", action="store_true",
                   help="rewrite the generated tables inside README.md and docs/*.md from the runs each names")
    p.add_argument("--check", action="store_true", help="with --docs: change nothing; exit 1 if a table differs")
    args = p.parse_args(argv)
    if args.docs:
        from .doc_tables import update

        root = Path(__file__).resolve().parents[1]
        updated, missing, unknown = update([root / "README.md", *sorted((root / "docs").glob("*.md"))], root,
                                           check=args.check)
        for label, items in (("differs from its runs" if args.check else "rewritten", updated),
                             ("runs not on this machine, left as they are", missing), ("unknown table", unknown)):
            for x in items:
                print(f"{label}: {x}")
        return 1 if (args.check and updated) or unknown else 0
    if args.section:
        for title, make, note in SECTIONS:
            if title.lower() == args.section.lower():
                print("\n".join([f"## {title}", ""] + ([note, ""] if note else []) + make(Path(args.runs))))
                return 0
        print(f"Error: no section {args.section!r}; sections: {', '.join(t for t, _, _ in SECTIONS)}", file=sys.stderr)
        return 2
    doc = document(Path(args.runs))
    if args.write:
        target = Path(args.write)
        if target.is_file():  # sections these runs do not make (written beside their own runs) are kept
            doc = keep_other_sections(doc, target.read_text(encoding="utf-8"))
        target.write_text(doc, encoding="utf-8")
        print(f"wrote {args.write}")
    else:
        print(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
