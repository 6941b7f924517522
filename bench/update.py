"""Cost of index updates: full build vs adding one article vs a no-op, and peak memory.

Each build runs as its own `python -m index build` process under /usr/bin/time, so
wall time and peak resident memory are those of the real command.

  python -m bench.update --squad ../shared/eval/squad-v1.1-dev-part-a.json --out runs/update
  python -m bench.update --squad ../shared/eval/squad-v1.1-dev-part-a.json --repeat 10 --out runs/update10

--repeat N makes the corpus N copies of the SQuAD articles with changed ids.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def write_corpus(squad: str, corpus: Path, repeat: int) -> None:
    from evaluation.squad import load_squad

    articles, _ = load_squad(squad)
    corpus.mkdir(parents=True, exist_ok=True)
    for r in range(repeat):
        for a in articles:
            rec = {"id": f"{a.id}-{r}" if repeat > 1 else a.id, "title": a.title, "text": a.text}
            (corpus / f"{rec['id']}.json").write_text(json.dumps(rec))


def timed_build(corpus: Path, index_dir: Path, *extra: str, cwd: Path = ROOT) -> dict:
    """`python -m index build` of the checkout at `cwd` under /usr/bin/time: wall s, peak RSS."""
    cmd = ["/usr/bin/time", "-f", "TIME %e %M", sys.executable, "-m", "index", "build", "--quiet",
           "--corpus", str(corpus), "--index-dir", str(index_dir), *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    if out.returncode != 0:
        raise SystemExit(f"build at {cwd} failed: {out.stderr[-2000:]}")
    wall, rss = re.search(r"TIME ([\d.]+) (\d+)", out.stderr).groups()
    return {"wall_s": float(wall), "peak_rss_mb": round(int(rss) / 1024, 1), "summary": out.stdout.strip()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.update", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--squad", required=True)
    p.add_argument("--repeat", type=int, default=1, help="copies of the corpus (default: %(default)s)")
    p.add_argument("--out", help="folder for update.json")
    args = p.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="qa-bench-update-"))
    try:
        corpus, idx = work / "corpus", work / "index"
        write_corpus(args.squad, corpus, args.repeat)
        res = {"articles": len(list(corpus.iterdir()))}
        res["full"] = timed_build(corpus, idx, "--full")
        res["noop"] = timed_build(corpus, idx)
        shutil.copy(ROOT / "corpus" / "dea-secret-meetings-with-cartels.txt", corpus / "added-article.txt")
        res["add_one"] = timed_build(corpus, idx)
        res["add_one_over_full"] = round(res["add_one"]["wall_s"] / res["full"]["wall_s"], 4)
        print(json.dumps(res, indent=1))
        if args.out:
            from common.runinfo import machine, now_iso

            Path(args.out).mkdir(parents=True, exist_ok=True)
            (Path(args.out) / "update.json").write_text(json.dumps(
                {**res, "command": "python -m bench.update " + " ".join(argv or sys.argv[1:]),
                 "machine": machine(), "date": now_iso()}, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
