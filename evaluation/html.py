"""A report to look at: `python -m evaluation ... --out DIR --html` writes DIR/report.html.

One self-contained file (plots embedded as PNG, no external script or style): the
metrics table, the refusal trade-off (the share of each group refused at every
threshold), a reliability diagram (confidence of the answers given against how often
they were right), gold-hit@k against k, and every question in a table with the
failures first and a filter box. Plots by matplotlib (Agg, no display needed).
"""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from . import metrics as M
from .report import METRIC_KEYS


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _groups(records: list[dict]) -> dict[str, list[dict]]:
    out = {"answerable": [r for r in records if not r["unanswerable"]]}
    for kind in ("on-topic", "off-topic"):
        some = [r for r in records if r["unanswerable"] == kind]
        if some:
            out[kind] = some
    other = [r for r in records if r["unanswerable"] and r["unanswerable"] not in ("on-topic", "off-topic")]
    if other:
        out["unanswerable"] = other
    return out


def _finish(fig, ax, xlabel: str, ylabel: str, title: str, legend: bool = False) -> str:
    """Labels, title, legend and grid of a plot, then its PNG (data: URI)."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend:
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _png(fig)


def tradeoff_plot(records: list[dict], threshold: float | None) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    ts = [i / 100 for i in range(101)]
    for name, rs in _groups(records).items():
        ax.plot(ts, [sum(r["confidence"] < t for r in rs) / len(rs) for t in ts], label=f"{name} ({len(rs)})")
    if threshold is not None:
        ax.axvline(threshold, color="grey", linestyle="--", linewidth=1, label=f"threshold {threshold:.2f}")
    return _finish(fig, ax, "confidence threshold", "share refused", "Refusal trade-off", legend=True)


def reliability_plot(records: list[dict], bins: int = 10) -> str:
    """Answers given (not refused): mean confidence per bin against the share right
    (an answerable question with EM 1; an unanswerable one answered is wrong)."""
    import matplotlib.pyplot as plt

    given = [r for r in records if not r["refused"]]
    xs, ys, ns = [], [], []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        rs = [r for r in given if lo <= r["confidence"] < hi or (b == bins - 1 and r["confidence"] == 1.0)]
        if rs:
            xs.append(sum(r["confidence"] for r in rs) / len(rs))
            ys.append(sum(float(r.get("em", 0.0)) for r in rs) / len(rs))
            ns.append(len(rs))
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfectly calibrated")
    ax.plot(xs, ys, marker="o", label="answers given")
    for x, y, n in zip(xs, ys, ns):
        ax.annotate(str(n), (x, y), fontsize=7, textcoords="offset points", xytext=(3, 3))
    return _finish(fig, ax, "confidence (bin mean)", "share right (EM)", "Reliability of the confidence", legend=True)


def hit_at_k_plot(records: list[dict]) -> str | None:
    import matplotlib.pyplot as plt

    spans = [r for r in records if not r["unanswerable"] and "sentence_hit" in r]
    if not spans:
        return None
    ks = list(range(1, 21))
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    ax.plot(ks, [M.mean(M.hit_at(r["gold_rank"], k) for r in spans) for k in ks], marker=".")
    ax.set_xticks([1, 5, 10, 15, 20])
    return _finish(fig, ax, "k (passages retrieved)", "gold-hit@k", f"Gold passage in the top k ({len(spans)} questions)")


def failure(r: dict) -> str:
    """Why a question failed, or "" when it did not."""
    if r["unanswerable"]:
        return "" if r["refused"] else "answered an unanswerable question"
    if r["refused"]:
        return "refused an answerable question"
    if not r.get("em"):
        return "answer differs from the gold" + ("" if M.hit_at(r.get("gold_rank"), 5) else "; gold passage not in top 5")
    return ""


FILTER_JS = """
document.getElementById('filter').addEventListener('input', function () {
  const q = this.value.toLowerCase();
  let shown = 0;
  document.querySelectorAll('#questions tbody tr').forEach(function (tr) {
    const ok = !q || tr.textContent.toLowerCase().includes(q);
    tr.style.display = ok ? '' : 'none';
    if (ok) shown += 1;
  });
  document.getElementById('shown').textContent = shown;
});
"""
CSS = """
body { font-family: system-ui, sans-serif; margin: 24px; color: #111; max-width: 1200px; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 28px; }
table { border-collapse: collapse; font-size: 0.85rem; }
td, th { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
.plots img { margin: 6px 12px 6px 0; border: 1px solid #ddd; }
tr.fail td:first-child { border-left: 4px solid #b91c1c; }
.meta { color: #333; font-size: 0.85rem; }
input#filter { font-size: 0.95rem; padding: 4px 8px; width: 320px; }
"""


def write_html(report: dict, records: list[dict], path: str | Path) -> Path:
    """Write the report page; returns its path."""
    import matplotlib

    matplotlib.use("Agg")
    m = report["metrics"]
    threshold = None
    fit = report.get("settings", {}).get("answer", {}).get("calibration", {}).get("reader", {})
    if isinstance(fit, dict):
        threshold = fit.get("threshold")
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{_fmt(m[k])}</td></tr>" for k in METRIC_KEYS if k in m)
    plots = [tradeoff_plot(records, threshold), reliability_plot(records), hit_at_k_plot(records)]
    imgs = "".join(f'<img src="{p}" alt="plot">' for p in plots if p)
    ordered = sorted(records, key=lambda r: (failure(r) == "", r["id"]))
    qrows = []
    for r in ordered:
        why = failure(r)
        gold = "unanswerable" + (f" ({r['unanswerable']})" if isinstance(r["unanswerable"], str) else "") \
            if r["unanswerable"] else " | ".join(r["gold"])
        qrows.append(
            f'<tr class="{"fail" if why else "ok"}"><td>{html.escape(str(r["id"]))}</td>'
            f"<td>{html.escape(r['question'])}</td><td>{html.escape(gold)}</td>"
            f"<td>{html.escape(str(r['answer'])) if not r['refused'] else '<i>refused</i>'}</td>"
            f"<td>{r['confidence']:.2f}</td><td>{'' if r.get('gold_rank') is None else r['gold_rank']}</td>"
            f"<td>{html.escape(why) or 'ok'}</td></tr>")
    n_fail = sum(1 for r in records if failure(r))
    doc = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation report</title><style>{CSS}</style></head>
<body>
<h1>Evaluation report</h1>
<p class="meta">{html.escape(report.get("command", ""))}<br>{html.escape(str(report.get("date", "")))} · commit
{html.escape(str(report.get("git_commit", "")))} · {len(records)} questions, {n_fail} failed</p>
<h2>Metrics</h2>
<table>{rows}</table>
<h2>Plots</h2>
<div class="plots">{imgs}</div>
<h2>Questions (failures first)</h2>
<p><label for="filter">Filter: </label><input id="filter" type="search" placeholder="words in any column">
<span class="meta"><span id="shown">{len(records)}</span> shown</span></p>
<table id="questions"><thead><tr><th>id</th><th>question</th><th>gold</th><th>answer</th><th>confidence</th>
<th>gold rank</th><th>result</th></tr></thead><tbody>{"".join(qrows)}</tbody></table>
<script>{FILTER_JS}</script>
</body></html>
"""
    path = Path(path)
    path.write_text(doc, encoding="utf-8")
    return path


def _fmt(v) -> str:
    return str(v) if isinstance(v, int) else f"{v:.4f}" if isinstance(v, float) else html.escape(str(v))
