"""Fit the confidence score and choose the refusal threshold from an evaluation run.

Input: questions.jsonl written by `python -m evaluation --squad ... --unanswerable-share 0.2 --out DIR`.
Each record holds the answer's named confidence features and the fit that scored it
("reader" when our trained reader cut the answer, "rules" otherwise). For the fit
asked for (`--fit`, default reader), a logistic regression on that fit's features
(qa.learned.CONFIDENCE_FEATURES) predicts "the corpus holds the answer"; the
threshold is the highest one that wrongly refuses at most `--max-false-refusal` of
the answerable questions. Prints the trade-off curve; `--write` saves the fit in
qa/weights/calibration.json (through qa.learned), leaving the other fits as they are.

  python -m training.calibrate runs/squad-u20/questions.jsonl --write

`--features` fits on a subset of the fit's features (an ablation), and `--check RUN`
applies the fit, unchanged, to another run's questions.jsonl and prints what it would
refuse there: answerable, on-topic and off-topic unanswerable questions apart.

`--gates` fits one logistic gate per kind of unanswerable question instead of one
model: an on-topic gate (answerable against on-topic unanswerable, every feature) and
an off-topic gate (answerable against off-topic, the features that say whether the
corpus is about the question at all: cosines, overlap, the two margins, missing names).
An answer is refused when either gate is below its threshold. The two thresholds are
chosen together: the highest mean of the on-topic and off-topic refusal rates (each
kind counts the same, however many questions it has) with at most
`--max-false-refusal` of answerable questions refused (and, if asked, at least
`--min-off-topic` of off-topic ones). Each gate's bias is shifted so that its
threshold falls at 0.5, the fit's threshold; the confidence is the lower gate.

  python -m training.calibrate runs/cal-s1/questions.jsonl --gates --write
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import numpy as np

from qa import learned


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 3000, lr: float = 0.5,
                 sample_weight: np.ndarray | None = None):
    """Plain batch gradient descent on standardised features (weighted log loss);
    returns (bias, weights) in raw units."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    sw = np.ones(len(y)) if sample_weight is None else sample_weight / sample_weight.mean()
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = (p - y) * sw
        w -= lr * (z.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    weights = w / sd
    return float(b - (mu * weights).sum()), weights


def tradeoff(conf: np.ndarray, answerable: np.ndarray, thresholds) -> list[tuple[float, float, float]]:
    """(threshold, refusal rate on unanswerable, false-refusal rate on answerable)."""
    out = []
    for t in thresholds:
        refused = conf < t
        out.append((float(t), float(refused[~answerable].mean()), float(refused[answerable].mean())))
    return out


def _groups(recs: list[dict]) -> dict[str, np.ndarray]:
    kinds = np.array([("answerable" if not r["unanswerable"] else
                       "on-topic" if r["unanswerable"] == "on-topic" else "off-topic") for r in recs])
    return {k: kinds == k for k in ("answerable", "on-topic", "off-topic") if (kinds == k).any()}


def _rates(conf: np.ndarray, recs: list[dict], threshold: float) -> str:
    return ", ".join(f"{k} {v:.3f} ({n})" for k, (v, n) in _rate_table(conf, recs, threshold).items())


def _rate_table(conf: np.ndarray, recs: list[dict], threshold: float) -> dict[str, tuple[float, int]]:
    refused = conf < threshold
    return {k: (round(float(refused[m].mean()), 4), int(m.sum())) for k, m in _groups(recs).items()}


def _report(args, argv, fit: dict, recs: list[dict], threshold: float) -> None:
    if not args.report:
        return
    row = {"label": args.label or "+".join(fit["features"]), "gates": bool(fit.get("gates")),
           "features": fit["features"], "fitted_on": args.questions,
           "fitted": _rate_table(_confidence(fit, recs), recs, threshold),
           "command": "python -m training.calibrate " + shlex.join(argv if argv is not None else sys.argv[1:])}
    if args.check:
        other = _load(args.check, args.fit)
        row["checked_on"] = args.check
        row["checked"] = _rate_table(_confidence(fit, other), other, threshold)
    with open(args.report, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


def _load(path: str, fit: str) -> list[dict]:
    recs = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    return [r for r in recs if r.get("fit") == fit]  # a refusal before reading has no fit


OFF_TOPIC_FEATURES = ("sentence_cosine", "sentence_overlap", "passage_cosine", "reader_margin", "missing_names",
                      "judge_margin")


def _fit_gate(x: np.ndarray, answerable: np.ndarray, against: np.ndarray) -> tuple[float, np.ndarray]:
    """Logistic fit of answerable (weight 1/2) against one kind of unanswerable (1/2)."""
    keep = answerable | against
    sw = np.where(answerable[keep], 0.5 / answerable.sum(), 0.5 / against.sum())
    return fit_logistic(x[keep], answerable[keep].astype(np.float64), sample_weight=sw)


def gates(recs: list[dict], names: tuple[str, ...], max_false_refusal: float, min_off_topic: float) -> dict:
    g = _groups(recs)
    if "on-topic" not in g or "off-topic" not in g:
        raise SystemExit("Error: --gates needs on-topic and off-topic unanswerable questions in the run")
    ans = g["answerable"]
    out, probs = [], []
    for kind, feats in (("on-topic", names), ("off-topic", tuple(f for f in OFF_TOPIC_FEATURES if f in names))):
        x = np.array([[r["features"][f] for f in feats] for r in recs], dtype=np.float64)
        bias, weights = _fit_gate(x, ans, g[kind])
        out.append({"name": kind, "features": list(feats), "bias": bias, "weights": weights,
                    "means": {f: round(float(v), 4) for f, v in zip(feats, x.mean(0))}})
        probs.append(1 / (1 + np.exp(-(x @ weights + bias))))
    grid = np.linspace(0.01, 0.99, 99)
    best = None
    for t_on in grid:
        low_on = probs[0] < t_on
        for t_off in grid:
            refused = low_on | (probs[1] < t_off)
            if refused[ans].mean() > max_false_refusal or refused[g["off-topic"]].mean() < min_off_topic:
                continue
            on, off = refused[g["on-topic"]].mean(), refused[g["off-topic"]].mean()
            key = (on + off, on)
            if best is None or key > best[0]:
                best = (key, t_on, t_off)
    if best is None:
        raise SystemExit(f"Error: no thresholds refuse {min_off_topic} of off-topic questions with at most "
                         f"{max_false_refusal} of answerable ones refused")
    _, *ts = best
    for gate, t in zip(out, ts):  # shift so the gate's threshold falls at 0.5
        gate["bias"] = round(float(gate["bias"] - np.log(t / (1 - t))), 4)
        gate["weights"] = {f: round(float(w), 4) for f, w in zip(gate["features"], gate["weights"])}
        gate["fitted_threshold"] = round(float(t), 2)
    return {"features": list(names), "gates": out, "threshold": 0.5}


def _confidence(fit: dict, recs: list[dict]) -> np.ndarray:
    """The confidence the answer path computes (`qa.learned.confidence`), for every record."""
    return np.array([learned.confidence(fit, r["features"]) for r in recs])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.calibrate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("questions", help="questions.jsonl of an evaluation run with unanswerable questions")
    p.add_argument("--fit", default="reader", choices=sorted(learned.CONFIDENCE_FEATURES),
                   help="which confidence fit to refit (default: %(default)s)")
    p.add_argument("--max-false-refusal", type=float, default=0.05,
                   help="largest share of answerable questions that may be refused (default: %(default)s)")
    p.add_argument("--features", help="comma-separated subset of the fit's features (ablation; default: all)")
    p.add_argument("--check", help="another run's questions.jsonl: print what this fit refuses there")
    p.add_argument("--gates", action="store_true", help="one gate per kind of unanswerable question (see above)")
    p.add_argument("--min-off-topic", type=float, default=0.0,
                   help="with --gates: least share of off-topic questions refused (default: %(default)s)")
    p.add_argument("--report", help="append what this fit refuses (here and on --check) to this JSONL file")
    p.add_argument("--label", default="", help="the fit's name in --report")
    p.add_argument("--write", action="store_true", help=f"save the fit to {learned.CALIBRATION_FILE}")
    args = p.parse_args(argv)
    names = learned.CONFIDENCE_FEATURES[args.fit]
    if args.features:
        names = tuple(f for f in args.features.split(",") if f)
        unknown = set(names) - set(learned.CONFIDENCE_FEATURES[args.fit])
        if unknown:
            print(f"Error: the {args.fit} fit has no features {sorted(unknown)}", file=sys.stderr)
            return 2
    recs = _load(args.questions, args.fit)
    if not recs:
        print(f"Error: no answers in {args.questions} were scored by the {args.fit!r} fit", file=sys.stderr)
        return 1
    if not args.features:  # the fit's features the run has (no judge, no judge_margin)
        names = tuple(f for f in names if all(f in r["features"] for r in recs))
    answerable = np.array([not r["unanswerable"] for r in recs])
    if args.gates:
        fit = gates(recs, names, args.max_false_refusal, args.min_off_topic)
        conf = _confidence(fit, recs)
        print(f"{args.fit} fit, gates: " + "; ".join(
            f"{gt['name']} (threshold {gt['fitted_threshold']}): bias {gt['bias']}, "
            + ", ".join(f"{k} {v}" for k, v in gt["weights"].items()) for gt in fit["gates"]))
        print(f"refused at 0.5: {_rates(conf, recs, 0.5)}")
        if args.check:
            other = _load(args.check, args.fit)
            print(f"on {args.check} ({len(other)} answers): {_rates(_confidence(fit, other), other, 0.5)}")
        _report(args, argv, fit, recs, 0.5)
        if args.write:
            (_, r, fr), = tradeoff(conf, answerable, [0.5])
            fit.update({"fitted_on": args.questions, "n_questions": len(recs), "refusal_rate": round(r, 4),
                        "false_refusal_rate": round(fr, 4), "command": "python -m training.calibrate "
                        + " ".join(argv if argv is not None else sys.argv[1:])})
            print(f"wrote the {args.fit} fit to {learned.write_calibration_fit(args.fit, fit)}")
        return 0
    x = np.array([[r["features"][f] for f in names] for r in recs], dtype=np.float64)
    if answerable.all() or not answerable.any():
        print("Error: the run needs both answerable and unanswerable questions "
              "(use --unanswerable-share with --squad)", file=sys.stderr)
        return 1
    # each kind of question weighs the same in the fit, however many there are of it:
    # half answerable, half unanswerable, split evenly between on-topic and off-topic
    groups = _groups(recs)
    una = [k for k in groups if k != "answerable"]
    sw = np.zeros(len(recs))
    for k, m in groups.items():
        sw[m] = (0.5 if k == "answerable" else 0.5 / len(una)) / m.sum()
    bias, weights = fit_logistic(x, answerable.astype(np.float64), sample_weight=sw)
    conf = 1 / (1 + np.exp(-(x @ weights + bias)))
    curve = tradeoff(conf, answerable, np.linspace(0.05, 0.95, 19))
    # Highest threshold whose false refusals stay within the limit.
    ok = [t for t, _, fr in tradeoff(conf, answerable, np.linspace(0.01, 0.99, 99)) if fr <= args.max_false_refusal]
    threshold = max(ok) if ok else 0.01
    print(f"{args.fit} fit: {len(recs)} questions ({answerable.sum()} answerable); bias {bias:.3f}, weights "
          + ", ".join(f"{n} {w:.3f}" for n, w in zip(names, weights)))
    print("threshold  refused(unanswerable)  refused(answerable)")
    for t, r, fr in curve:
        print(f"{t:9.2f}  {r:21.3f}  {fr:19.3f}")
    (_, r, fr), = tradeoff(conf, answerable, [threshold])
    print(f"chosen threshold {threshold:.2f}: refuses {r:.3f} of unanswerable, {fr:.3f} of answerable")
    print(f"  by group: {_rates(conf, recs, threshold)}")
    single = {"features": list(names), "bias": bias, "weights": dict(zip(names, weights))}
    if args.check:
        other = _load(args.check, args.fit)
        co = _confidence(single, other)
        print(f"on {args.check} ({len(other)} answers) at {threshold:.2f}: {_rates(co, other, threshold)}")
    _report(args, argv, single, recs, threshold)
    if args.write:
        fit = {"features": list(names), "bias": round(bias, 4),
               "weights": {n: round(float(w), 4) for n, w in zip(names, weights)},
               "threshold": round(threshold, 2), "fitted_on": args.questions, "n_questions": len(recs),
               "refusal_rate": round(r, 4), "false_refusal_rate": round(fr, 4),
               "command": "python -m training.calibrate " + " ".join(argv if argv is not None else sys.argv[1:])}
        print(f"wrote the {args.fit} fit to {learned.write_calibration_fit(args.fit, fit)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
