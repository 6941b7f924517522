"""A batch of articles added from the page while a client keeps asking.

    python -m bench.upload --articles 20 --out runs/upload

Starts `python app.py` (uploads on: it binds to 127.0.0.1) on a copy of the shipped
corpus, writes `--articles` SQuAD part-A articles as .txt files (title line, then the
paragraphs), and sends them in one batch through the page's own "Add to the corpus"
event (gradio_client, `/add_articles`) while a second client asks the shipped article's
question through `POST /api/ask` in a loop. Reports: the seconds from sending the batch
to the answer (all stored, index updated and switched), the seconds of the incremental
build inside it (what the app reports), the first question of each new article asked
right after (answered from that article or not), and the background client's questions,
failures and latency during the update.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.browser import start_app
from bench.load import _post
from common.runinfo import git_commit, machine, now_iso
from evaluation.metrics import percentile

SQUAD = ROOT.parent / "shared" / "eval" / "squad-v1.1-dev-part-a.json"
ASKED = "Who authorized the meetings?"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.upload", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=20, help="articles in the batch (default: %(default)s)")
    p.add_argument("--squad", default=str(SQUAD), help="SQuAD file the articles come from (default: part A)")
    p.add_argument("--port", type=int, default=8941)
    p.add_argument("--out", help="folder for upload.json")
    args = p.parse_args(argv)
    from gradio_client import Client, handle_file

    work = Path(tempfile.mkdtemp(prefix="qa-bench-upload-"))
    corpus, files = work / "corpus", work / "files"
    shutil.copytree(ROOT / "corpus", corpus)
    files.mkdir()
    data = json.loads(Path(args.squad).read_text(encoding="utf-8"))["data"][: args.articles]
    probes = []
    for art in data:
        name = art["title"]
        (files / f"{name}.txt").write_text(art["title"].replace("_", " ") + "\n\n"
                                           + "\n\n".join(p["context"] for p in art["paragraphs"]), encoding="utf-8")
        qa = art["paragraphs"][0]["qas"][0]
        probes.append((name, qa["question"]))
    words = sum(len(f.read_text(encoding="utf-8").split()) for f in files.iterdir())
    proc = start_app(args.port, work / "index", "--corpus", str(corpus), log=work / "app.log")
    url = f"http://127.0.0.1:{args.port}/"
    stop, lat, failures = threading.Event(), [], []

    def asker():
        while not stop.is_set():
            t = time.perf_counter()
            try:
                out = _post(url, ASKED)
                if out.get("answer") != "the U.S. government":
                    failures.append(f"wrong answer: {out.get('answer')!r}")
            except Exception as exc:  # noqa: BLE001  counted, the run goes on
                failures.append(repr(exc))
            lat.append(time.perf_counter() - t)

    try:
        _post(url, ASKED)  # warm
        client = Client(url, verbose=False)
        thread = threading.Thread(target=asker, daemon=True)
        thread.start()
        time.sleep(2)
        before = len(lat)
        t0 = time.perf_counter()
        report, _ = client.predict([handle_file(str(f)) for f in sorted(files.iterdir())], "",  # no operator token set
                                   api_name="/add_articles")
        total = time.perf_counter() - t0
        during = lat[before:]
        stop.set()
        thread.join()
        m = re.search(r"Added (\d+) article.*?\(([\d.]+) s, of which the index update ([\d.]+) s\)", report)
        added, _, build_s = (int(m.group(1)), float(m.group(2)), float(m.group(3))) if m else (0, 0.0, 0.0)
        answered = 0
        for name, question in probes:
            out = _post(url, question)
            ids = {c["article_id"] for c in out.get("citations", [])}
            answered += any(i.startswith("uploads-") and name.lower().replace("_", "-") in i for i in ids)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result = {
        "articles": args.articles, "words": words, "added": added, "seconds_send_to_answerable": round(total, 2),
        "seconds_incremental_build": build_s, "new_articles_cited_by_their_first_question": answered,
        "background_questions_during_update": len(during), "background_failures": len(failures),
        "failure_examples": failures[:5],
        "background_latency_p50_ms": round(1000 * percentile(during, 50), 1) if during else None,
        "background_latency_p95_ms": round(1000 * percentile(during, 95), 1) if during else None,
        "commit": git_commit(), "machine": machine(), "when": now_iso(),
    }
    print(json.dumps(result, indent=2))
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        Path(args.out, "upload.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if added == args.articles and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
