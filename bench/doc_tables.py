"""Tables inside the docs, generated from run reports: each is a block

    <!-- bench.tables NAME RUN [RUN ...] -->
    | ... the table ... |
    <!-- /bench.tables -->

in README.md or docs/*.md, rewritten by `python -m bench.tables --docs` from the named run
folders (what the command in the text around it wrote). A block whose runs are not on this
machine is left as it is and listed; `--check` changes nothing and exits 1 when a block
differs from what its runs give.

NAME is one of GENERATORS: headline (the README's), metrics (python -m evaluation runs), reader-passes (bench/reader_pass2.sh),
peers (bench.peers), refusals
(bench/reader_final.sh), fuzz (bench.fuzz), load (bench.load), builds (bench.build),
time-sets (bench/time_sets.sh), chains (the follow-up sets of bench/time_sets.sh).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .tables import _records

BLOCK = re.compile(r"(<!-- bench\.tables ([\w-]+)((?: [^\s>]+)+) -->\n)(.*?)(<!-- /bench\.tables -->)", re.S)


def _report(run: Path, name: str) -> dict | None:
    f = run / name / "report.json"
    return json.loads(f.read_text()) if f.is_file() else None


def _num(v, digits=3) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _right(r: dict) -> bool:
    """A question answered right: answerable and EM 1, or unanswerable and refused."""
    return bool(r["refused"]) if r.get("unanswerable") else r.get("em") == 1.0


def _count(records, keep, test) -> str:
    group = [r for r in records if keep(r)]
    return f"{sum(map(test, group))} of {len(group)}" if group else "–"


def headline(runs: list[Path]) -> list[str]:
    """The README's headline table: the news set, the fixture and SQuAD part A of a
    `bench/reader_final.sh` run (RUN/news, RUN/fixture, RUN/squad, RUN/squad-u20); a second
    run's figures, where given, follow each in brackets (the previous round)."""
    now = _headline_cells(runs[0])
    if now is None:
        return []
    before = _headline_cells(runs[1]) if len(runs) > 1 else None
    header, rows, source = now
    out = header + [f"| {label} | " + " | ".join(
        c if before is None or before[1][i][1][j] == c else f"{c} ({before[1][i][1][j]})"
        for j, c in enumerate(cells)) + " |" for i, (label, cells) in enumerate(rows)]
    out.append(f"\n{source}" + (f"; in brackets: {before[2]}" if before else ""))
    return out


def _headline_cells(run: Path):
    cols = [("news", "news set (shipped article)"), ("fixture", "news fixture (44 dated articles)"),
            ("squad", "SQuAD part A (4,961 questions, whole corpus searched)")]
    reps = {k: _report(run, k) for k, _ in cols}
    if not all(reps.values()):
        return None
    u20 = _report(run, "squad-u20")
    m = {k: r["metrics"] for k, r in reps.items()}
    recs = {k: _records(run, k) for k in ("news", "fixture")}

    def unanswerable(k, kind):
        if k == "squad":
            key = "refusal_rate_on_topic" if kind == "on-topic" else "refusal_rate_off_topic"
            v = u20["metrics"].get(key) if u20 else None
            return f"{_num(v)} generated, 20% of articles held out" if kind == "on-topic" else _num(v)
        # a record's "unanswerable" is its kind ("on-topic", "off-topic"; true: on-topic)
        return _count(recs[k], lambda r: (r.get("unanswerable") is True and kind == "on-topic")
                      or r.get("unanswerable") == kind, lambda r: r["refused"])

    rows = [("gold-hit@1 / @5", lambda k: f"{_num(m[k].get('gold_hit@1'))} / {_num(m[k].get('gold_hit@5'))}"),
            ("EM / F1", lambda k: f"{_num(m[k]['em'])} / {_num(m[k]['f1'])}"),
            ("sentence-hit@1", lambda k: _num(m[k].get("sentence_hit@1"))),
            ("citation exactness / broken spans", lambda k: f"{_num(m[k]['citation_exactness'])} / {m[k]['broken_spans']}"),
            ("answerable wrongly refused", lambda k: _num(m[k]["false_refusal_rate"])),
            ("on-topic unanswerable refused", lambda k: unanswerable(k, "on-topic")),
            ("off-topic unanswerable refused", lambda k: unanswerable(k, "off-topic")),
            ("answer latency p50 / p95, index loaded",
             lambda k: f"{m[k]['latency_p50_ms']:.0f} / {m[k]['latency_p95_ms']:.0f} ms")]
    header = ["| | " + " | ".join(t for _, t in cols) + " |", "|---|" + "---|" * len(cols)]
    cells = [(label, [cell(k) for k, _ in cols]) for label, cell in rows]
    return header, cells, f"`{run}`, commit {str(reps['squad']['git_commit'])[:7]}, {reps['squad']['date'][:10]}"


FUZZ_LABELS = {"any_bytes": "any bytes, every suffix", "any_file_name": "file names, text",
               "any_file_name_bytes": "file names, any bytes", "any_front_matter": "YAML front matter with alias chains",
               "any_html_nesting": "HTML nested 0-3,000 deep", "any_json": "any JSON",
               "any_large_file": "1 MB of repeated structure (load + passages)",
               "any_question": "any question (answered on the shipped index)"}


def fuzz(runs: list[Path]) -> list[str]:
    """`python -m bench.fuzz --out RUN`: inputs and the slowest input of each test."""
    f = runs[0] / "fuzz.json"
    if not f.is_file():
        return []
    r = json.loads(f.read_text())
    out = ["| test | inputs | slowest input s |", "|---|---|---|"]
    out += [f"| {FUZZ_LABELS.get(k, k)} | {t['inputs']:,} | {t['max_seconds']:.3f} |" for k, t in r["tests"].items()]
    out.append(f"\n**{r['inputs']:,} inputs, {0 if r['pytest_rc'] == 0 else 'some'} failures, "
               f"{r['over_10s_under_1mb']} inputs under 1 MB over 10 s** ({r['seconds']} s in all; commit "
               f"{r['commit'][:7]}, {r['finished'][:10]}, {r['machine']['cores']} cores)")
    return out


def load(runs: list[Path]) -> list[str]:
    """`python -m bench.load --out RUN`: each path with and without rebuilds."""
    f = runs[0] / "load.json"
    if not f.is_file():
        return []
    r = json.loads(f.read_text())
    paths = {"api": "`POST /api/ask`", "v1": "`POST /v1/chat/completions`", "gradio": "gradio_client `/ask`"}
    out = ["| path | rebuilds during the run | questions/s | p50 / p95 / max ms | errors | wrong | changed |",
           "|---|---|---|---|---|---|---|"]
    for x in r["results"]:
        ratio = f" (p50 {x['p50_vs_api']:.2f}x `/api/ask`)" if "p50_vs_api" in x else ""
        out.append(f"| {paths.get(x['via'], x['via'])} | {x['rebuilds_done_during_run']} of {x['rebuilds']} | "
                   f"{x['questions_per_s']:.1f} | {x['p50_ms']:.0f} / {x['p95_ms']:.0f} / {x['max_ms']:.0f}{ratio} | "
                   f"{x['errors']} | {x['wrong']} | {x['changed_by_rebuilds']} |")
    out.append(f"\n`{r['command']}`, commit {r['git_commit'][:7]}, {r['date'][:10]}; app peak RSS "
               f"{r['app_peak_rss_mb']:.0f} MB")
    return out


def _chain_turns(records: list[dict]) -> str:
    """Turns right out of the chained turns, by the evaluation's own rule (evaluation.report.turn_right)."""
    from evaluation.report import turn_right

    chained = [r for r in records if r.get("chain") is not None]
    return f"{sum(map(turn_right, chained))} of {len(chained)}"


def time_sets(runs: list[Path]) -> list[str]:
    """Issue 26's figures from `bash bench/time_sets.sh RUN`, one column per run."""
    runs = [r for r in runs if (r / "time" / "questions.jsonl").is_file()]
    if not runs:
        return []

    def col(run):
        t, h = _records(run, "time"), _records(run, "heldout-time")
        tm, hm = _report(run, "time")["metrics"], _report(run, "heldout-time")["metrics"]
        ans = lambda r: not r.get("unanswerable")
        una = lambda r: r.get("unanswerable")
        return [_count(t, ans, _right), _count(t, una, _right), _count(t, lambda r: True, _right),
                _num(tm.get("surfaced_expected")), str(tm.get("support_stating_other")),
                str(tm.get("reports_of_other_facts")), _chain_turns(_records(run, "fu-time")),
                _count(h, ans, _right), _count(h, una, _right), _num(hm.get("surfaced_expected")),
                f"{hm.get('reports_of_other_facts')} / {hm.get('support_stating_other')}",
                _chain_turns(_records(run, "heldout-time-fu"))]

    labels = ["fixture time questions, answerable right (EM)", "fixture time questions, unanswerable refused",
              "overall right (answerable right + unanswerable refused)", "planted updates and disagreements surfaced",
              "\"also supported by\" stating another answer", "reports pairing different quantities",
              "fixture time chains, turns right", "held out (`eval/time_heldout`), answerable right",
              "held out, unanswerable refused", "held out, planted updates and disagreements surfaced",
              "held out, other-quantity reports / support stating another answer", "held out, chain turns right"]
    cols = [col(r) for r in runs]
    out = ["| set | " + " | ".join(f"`{r}`" for r in runs) + " |", "|---|" + "---|" * len(runs)]
    out += [f"| {label} | " + " | ".join(c[i] for c in cols) + " |" for i, label in enumerate(labels)]
    return out


def chains(runs: list[Path]) -> list[str]:
    """Follow-up chains of `bash bench/time_sets.sh RUN chains` (or `bash bench/time_sets.sh RUN`, which
    runs the first four sets): turns right per set."""
    run = runs[0]
    sets = [("fu-dea", "shipped article"), ("fu-news", "news fixture"), ("fu-time", "fixture time chains"),
            ("heldout-time-fu", "held-out time chains"),
            ("chains-fixture", "written before the 2026-12-01 rules, fixture"),
            ("chains-heldout", "written before the 2026-12-01 rules, held-out articles")]
    # the sets written before the 2026-12-01 rules are shown only by the runs that have them
    got = [(t, r) for k, t in sets if (r := _records(run, k)) or not k.startswith("chains-")]
    if not any(r for _, r in got):
        return []
    out = ["| chains | turns right | chains all right |", "|---|---|---|"]
    for title, recs in got:
        m = (_report(run, dict((b, a) for a, b in sets)[title]) or {}).get("metrics", {})
        out.append(f"| {title} | {_chain_turns(recs)} ({_num(m.get('chain_turns_right'))}) | "
                   f"{_num(m.get('chains_all_right'))} |")
    return out


def refusals(runs: list[Path]) -> list[str]:
    """Refusal by question group on a `bench/reader_final.sh` run: SQuAD part A with 20% of
    its articles held out plus generated on-topic questions (RUN/squad-u20), the news set and
    the fixture (hand-written)."""
    run = runs[0]
    sets = [("squad-u20", "SQuAD part A: 20% of articles held out + generated on-topic"),
            ("news", "news set, shipped article (hand-written)"), ("fixture", "news fixture (hand-written, 44 dated articles)")]
    got = [(t, _records(run, k)) for k, t in sets]
    if not all(r for _, r in got):
        return []

    def share(recs, keep):
        group = [r for r in recs if keep(r)]
        n = sum(1 for r in group if r["refused"])
        return f"{n / len(group):.3f} ({n:,} of {len(group):,})" if group else "–"

    out = ["| question set | answerable wrongly refused | on-topic unanswerable refused | off-topic unanswerable refused |",
           "|---|---|---|---|"]
    for title, recs in got:
        out.append(f"| {title} | {share(recs, lambda r: not r.get('unanswerable'))} | "
                   f"{share(recs, lambda r: r.get('unanswerable') in (True, 'on-topic'))} | "
                   f"{share(recs, lambda r: r.get('unanswerable') == 'off-topic')} |")
    rep = _report(run, "squad-u20")
    out.append(f"\n`{run}`, commit {str(rep['git_commit'])[:7]}, {rep['date'][:10]}")
    return out


def builds(runs: list[Path]) -> list[str]:
    """`python -m bench.build --out RUN`: every full build it timed, the part-A speed-ups
    against its baseline commit."""
    f = runs[0] / "build.json"
    if not f.is_file():
        return []
    r = json.loads(f.read_text())
    base = r.get("part_a_baseline")
    rows = [("part_a_baseline", f"part A at `{base['commit']}` (baseline)" if base else ""),
            ("part_a_separate", "part A now, separate sentence vectors"), ("part_a_late", "part A now, late sentence vectors"),
            ("part_a_pooled", "part A now, pooled passage vectors (sentences only)"),
            ("part_a_ray_1", "part A, late, Ray 1 worker"), ("part_a_ray_2", "part A, late, Ray 2 workers"),
            ("archive_baseline", "archive, late, at `{commit}`"), ("archive", "{articles:,}-article archive, late"),
            ("archive_add", "+ {articles:,} articles to it, late")]
    out = ["| build (2 cores) | wall s | texts embedded | articles/s | peak RSS MB |", "|---|---|---|---|---|"]
    for key, label in rows:
        x = r.get(key)
        if not x:
            continue
        speed = f" ({base['wall_s'] / x['wall_s']:.2f}x)" if base and key.startswith("part_a_") and key != "part_a_baseline" \
            else ""
        out.append(f"| {label.format(**x)} | {x['wall_s']:.2f}{speed} | {x['texts']:,} | {x['articles_per_s']:.2f} | "
                   f"{x['peak_rss_mb']:.0f} |")
    out.append(f"\n`{r['command']}`, commit {str(r['commit'])[:7]}, {r['date'][:10]}, {r['machine']['cores']} cores")
    return out


def peers(runs: list[Path]) -> list[str]:
    """`python -m bench.peers --out RUN`: retrieval of every system on one corpus, one column
    block per run given (RUN/peers.json)."""
    out = ["| system | gold-hit@1 | gold-hit@5 | gold-hit@20 | MRR@20 | query p50 ms | mean passage words |",
           "|---|---|---|---|---|---|---|"]
    notes = []
    for run in runs:
        f = run / "peers.json"
        if not f.is_file():
            return []
        rep = json.loads(f.read_text())
        for r in rep["results"]:
            out.append(f"| {r['system']} | {r['gold_hit@1']:.3f} | {r['gold_hit@5']:.3f} | {r['gold_hit@20']:.3f} | "
                       f"{r['mrr@20']:.3f} | {r['latency_p50_ms']:.1f} | {r['mean_passage_words']:.0f} |")
        notes.append(f"`{rep['command']}`, {rep['date'][:10]}, {rep['machine']['cores']} cores")
    return out + [""] + notes


def reader_passes(runs: list[Path]) -> list[str]:
    """`bench/reader_pass2.sh RUN OUT` of each pass (OUT/alone-NAME.json, OUT/squad-NAME): the
    reader alone on gold paragraphs and part A with nothing refused, for the reader measured
    (NAME) and the one shipped then ("shipped"), in the order the runs are given."""
    out = ["| reader (int8) | alone on the gold paragraph: questions, EM / F1 | part A, whole corpus, nothing refused: "
           "EM / F1 / sentence-hit@1 | measured in |", "|---|---|---|---|"]
    for run in runs:
        for alone in sorted(run.glob("alone-*.json"), key=lambda f: f.name != "alone-shipped.json"):
            name = alone.stem.split("-", 1)[1]
            a = json.loads(alone.read_text())
            if name == "shipped" and run != runs[0]:
                continue  # the one shipped then is the previous run's measured pass
            rep = _report(run, f"squad-{name}")
            m = rep["metrics"] if rep else {}
            part_a = f"{_num(m.get('em'))} / {_num(m.get('f1'))} / {_num(m.get('sentence_hit@1'))}" if m else "–"
            label = a["onnx"] if name != "shipped" else f"{a['onnx']} (shipped then)"
            out.append(f"| `{label}` | {a['questions']:,}, {a['int8']['em']:.3f} / {a['int8']['f1']:.3f} | {part_a} | "
                       f"`{run}` |")
    return out if len(out) > 2 else []


def metrics(runs: list[Path]) -> list[str]:
    """One row per `python -m evaluation --out RUN` folder given: its command's sentence-vector
    setting and the main metrics (RUN/report.json)."""
    reps = []
    for run in runs:
        f = run / "report.json"
        if not f.is_file():
            return []
        reps.append((run, json.loads(f.read_text())))
    cols = [("gold_hit@5", "gold-hit@5"), ("sentence_hit@1", "sentence-hit@1"), ("em", "EM"), ("f1", "F1"),
            ("false_refusal_rate", "false refusal"), ("refusal_rate_on_topic", "on-topic refused"),
            ("latency_p50_ms", "p50 ms")]
    out = ["| run | sentence vectors | " + " | ".join(t for _, t in cols) + " |", "|---|---|" + "---|" * len(cols)]
    for run, rep in reps:
        m = rep["metrics"]
        vectors = (rep.get("index_manifest") or {}).get("sentence_vectors", "–")
        out.append(f"| `{run}` | {vectors} | " + " | ".join(_num(m.get(k), 4 if k != "latency_p50_ms" else 1)
                                                            for k, _ in cols) + " |")
    return out


GENERATORS = {"headline": headline, "metrics": metrics, "reader-passes": reader_passes, "peers": peers, "builds": builds,
              "refusals": refusals, "fuzz": fuzz, "load": load, "time-sets": time_sets, "chains": chains}


def update(paths: list[Path], root: Path, check: bool = False) -> tuple[list[str], list[str], list[str]]:
    """Rewrite every block in `paths` from its runs (relative to `root`). Returns (updated,
    missing runs, unknown names), each as 'file: NAME RUN...'."""
    import os

    updated, missing, unknown = [], [], []
    here = os.getcwd()
    os.chdir(root)  # the runs are named relative to the repository, and shown so
    try:
        for path in paths:
            _update_file(path, root, check, updated, missing, unknown)
    finally:
        os.chdir(here)
    return updated, missing, unknown


def _update_file(path: Path, root: Path, check: bool, updated: list, missing: list, unknown: list) -> None:
    text = path.read_text(encoding="utf-8")

    def redo(m):
        name, runs = m.group(2), m.group(3).split()
        where = f"{path.relative_to(root)}: {name} {' '.join(runs)}"
        make = GENERATORS.get(name)
        if make is None:
            unknown.append(where)
            return m.group(0)
        lines = make([Path(r) for r in runs])
        if not lines:
            missing.append(where)
            return m.group(0)
        body = "\n".join(lines) + "\n"
        if body != m.group(4):
            updated.append(where)
        return m.group(1) + body + m.group(5)

    new = BLOCK.sub(redo, text)
    if new != text and not check:
        path.write_text(new, encoding="utf-8")
