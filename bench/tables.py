"""Print the README's results tables from the reports `bench/run_all.sh` wrote.

  python -m bench.tables runs/
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

QUALITY = [("n_questions", "questions"), ("gold_hit@1", "gold-hit@1"), ("gold_hit@5", "gold-hit@5"),
           ("gold_hit@20", "gold-hit@20"), ("mrr@20", "MRR@20"), ("em", "EM"), ("f1", "F1"),
           ("sentence_hit@1", "sentence-hit@1"), ("citation_exactness", "citation exactness"),
           ("refusal_rate", "refused (unanswerable)"), ("false_refusal_rate", "refused (answerable)"),
           ("latency_p50_ms", "latency p50 ms"), ("latency_p95_ms", "latency p95 ms")]


def fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, int):
        return str(v)
    return f"{v:.1f}" if v > 1.5 else f"{v:.3f}"


def quality(runs: Path) -> list[str]:
    cols = [("news", "news set (shipped article)"), ("squad", "SQuAD part A"),
            ("squad-u20", "SQuAD part A, 20% articles held out")]
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


def peers(runs: Path) -> list[str]:
    f = runs / "peers" / "peers.json"
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
    rows = [("squad", "**full system** (hybrid retrieval, learned sentence ranker, trained reader)"),
            ("ablation-rules", "answer-type rules (spaCy) instead of the trained reader"),
            ("ablation-no-spans", "no short answers (answer = the sentence)")]
    out = ["| system | gold-hit@1 | gold-hit@5 | sentence-hit@1 | EM | F1 | refused (answerable) | latency p50 ms |",
           "|---|---|---|---|---|---|---|---|"]
    found = False
    for name, label in rows:
        f = runs / name / "report.json"
        if f.is_file():
            found = True
            m = json.loads(f.read_text())["metrics"]
            out.append(f"| {label} | " + " | ".join(fmt(m.get(k)) for k in (
                "gold_hit@1", "gold_hit@5", "sentence_hit@1", "em", "f1", "false_refusal_rate",
                "latency_p50_ms")) + " |")
    return out if found else []


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


def main(argv: list[str] | None = None) -> int:
    runs = Path((argv or sys.argv[1:] or ["runs"])[0])
    for title, lines in (("quality", quality(runs)), ("peers", peers(runs)), ("ablation", ablation(runs)),
                         ("speed", speed(runs)), ("updates", updates(runs))):
        print(f"## {title}\n")
        print("\n".join(lines) + "\n")
    b = runs / "browser" / "browser.json"
    if b.is_file():
        r = json.loads(b.read_text())
        print(f"browser: click-to-answer p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms over {r['n']} questions "
              f"(`{r['command']}`, {r['date']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
