"""Click-to-rendered-answer time in a real browser (Debian Chromium via Playwright).

Starts the app on the shipped corpus (or uses --url), asks each question of the
news question set (20 by default) one at a time, and times from the click on "Ask"
to the reply appearing in the chat. Prints p50/p95 and saves a screenshot.

  python -m bench.browser --out runs/browser
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def start_app(port: int, index_dir: str, *args: str, root: str | Path = ROOT, log: Path | None = None) -> subprocess.Popen:
    """`python app.py` of checkout `root` on `port` with more `args`, once it serves its page;
    its output goes to `log` (quoted when it does not start) or nowhere."""
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, str(Path(root) / "app.py"), "--port", str(port), "--index-dir", str(index_dir),
                             *args], cwd=root, stdout=out, stderr=subprocess.STDOUT,
                            env=dict(os.environ, HF_HUB_OFFLINE="1"))
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except OSError:
            time.sleep(1)
    proc.kill()
    raise SystemExit("app did not start" + (": " + Path(log).read_text()[-2000:] if log else ""))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a running app (default: start one on the shipped corpus)")
    p.add_argument("--n", type=int, default=20, help="questions to ask (default: %(default)s)")
    p.add_argument("--out", help="folder for browser.json and screenshot.png")
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright
    from test_browser import ARGS, CHROMIUM, ask

    from evaluation import metrics as M
    from evaluation.squad import load_questions

    questions = [q.question for q in load_questions(ROOT / "eval" / "news_questions.jsonl")][: args.n]
    proc = None
    url = args.url
    if not url:
        proc = start_app(8931, tempfile.mkdtemp(prefix="qa-bench-browser-"))
        url = "http://127.0.0.1:8931/"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_selector("#question textarea", timeout=60_000)
            ask(page, "warm up")
            times = []
            for q in questions:
                page.click("#new-conversation")  # each question on its own, not as a follow-up
                page.wait_for_function("() => document.querySelectorAll(\"#chat .bot-row, #chat [data-testid='bot']\")"
                                       ".length == 0", timeout=10_000)
                t0 = time.perf_counter()
                ask(page, q)
                times.append((time.perf_counter() - t0) * 1e3 - 300)  # ask() waits 300 ms after the reply shows
            res = {"n": len(times), "p50_ms": round(M.percentile(times, 50), 1),
                   "p95_ms": round(M.percentile(times, 95), 1), "url": url}
            print(json.dumps(res))
            if args.out:
                from common.runinfo import machine, now_iso

                Path(args.out).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(args.out) / "screenshot.png"), full_page=True)
                (Path(args.out) / "browser.json").write_text(json.dumps(
                    {**res, "command": "python -m bench.browser " + " ".join(argv or sys.argv[1:]),
                     "machine": machine(), "date": now_iso()}, indent=1))
            browser.close()
    finally:
        if proc:
            proc.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
