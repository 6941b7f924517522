"""The long fuzz campaign: tests/test_fuzz.py with many inputs, timed per input.

    python -m bench.fuzz --examples 1500 --out runs/fuzz

Runs the property-based tests (any bytes under every article suffix, any JSON, file
names of any text and any bytes, YAML front matter of any structure with alias chains,
HTML nested to any depth, any question) with `--examples` inputs each, every load or
question logging its input size and seconds (QA_FUZZ_LOG). Reports the inputs run per
test, the pytest failures (a traceback or a broken promise is a failure), and the
slowest input of each test; `over_10s_under_1mb` counts inputs under 1 MB that took
over 10 s to read (the issue's bound for bombs). Writes OUT/fuzz.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.runinfo import git_commit, machine, now_iso


def summarise(log: Path) -> dict:
    per: dict[str, list[dict]] = defaultdict(list)
    for line in log.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        per[row["test"]].append(row)
    tests = {}
    for name, rows in sorted(per.items()):
        slowest = max(rows, key=lambda r: r["seconds"])
        tests[name] = {"inputs": len(rows), "max_seconds": slowest["seconds"], "max_seconds_bytes": slowest["bytes"],
                       "slowest_input": slowest.get("input", ""),
                       "largest_bytes": max(r["bytes"] for r in rows),
                       "over_10s_under_1mb": sum(r["seconds"] > 10 and r["bytes"] < 1_000_000 for r in rows)}
    return tests


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--examples", type=int, default=1500, help="inputs per test (default: %(default)s; 7 tests)")
    p.add_argument("--out", default="runs/fuzz", help="folder for fuzz.json and fuzz-log.jsonl (default: %(default)s)")
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = out / "fuzz-log.jsonl"
    log.unlink(missing_ok=True)
    env = dict(os.environ, QA_FUZZ_EXAMPLES=str(args.examples), QA_FUZZ_LOG=str(log.resolve()), HF_HUB_OFFLINE="1")
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.time() - t0
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-500:]
    tests = summarise(log) if log.exists() else {}
    report = {"commit": git_commit(), "machine": machine(), "finished": now_iso(), "examples_per_test": args.examples,
              "pytest_rc": proc.returncode, "pytest_summary": tail, "seconds": round(seconds, 1),
              "inputs": sum(t["inputs"] for t in tests.values()),
              "over_10s_under_1mb": sum(t["over_10s_under_1mb"] for t in tests.values()), "tests": tests}
    (out / "fuzz.json").write_text(json.dumps(report, indent=2) + "\n")
    if proc.returncode:
        print(proc.stdout[-4000:], file=sys.stderr)
    print(f"{report['inputs']} inputs in {seconds:.0f} s; pytest: {tail}; over 10 s under 1 MB: "
          f"{report['over_10s_under_1mb']}")
    print("| test | inputs | slowest s | its bytes | largest bytes |\n|---|---|---|---|---|")
    for name, t in tests.items():
        print(f"| {name} | {t['inputs']} | {t['max_seconds']:.3f} | {t['max_seconds_bytes']} | {t['largest_bytes']} |")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
