"""Load on the running app: N concurrent clients, a bounded number of questions each,
through `POST /api/ask`, `POST /v1/chat/completions` (the OpenAI-compatible route) and
gradio_client, with and without index rebuilds during the run.

    python -m bench.load --clients 8 --questions 50 --rebuilds 2 --out runs/load
    python -m bench.load --via api,v1 --huge-body-mb 400 --out runs/load-v1

Starts `python app.py` on a copy of the shipped corpus (own index folder, free port).
The questions are the news set's (eval/news_questions.jsonl), each client starting at
another offset. Every answer is compared with the answer the same path gave to the
same question asked alone (answer text and refusal) on an index version that was live
during the run: an answer no live version gives alone is a *wrong answer* (a torn read,
a half-switched index). Rebuilds add a new article to the corpus copy (other articles
for each run) and run `python -m index build` one after another from the start of the
run, while the clients ask; each version they make is copied aside and, after the run,
every question is asked alone on each (in this process), since a new article may
rightly change an answer: the report counts those as `changed_by_rebuilds`, and the
rebuilds that finished before the last answer. Reports
questions/s, latency p50/p95/max, errors, wrong answers and the app's peak RSS; with
several paths, each one's p50 against `/api/ask`'s.

`--huge-body-mb N` then sends N MB bodies to `/api/ask`, once with the length declared and
once chunked with none, and samples the app's RSS (every 20 ms) while it does: the app
must refuse (413) without holding the body.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.browser import start_app
from common.runinfo import git_commit, machine, now_iso
from evaluation.metrics import percentile

NEW_ARTICLE = ("Harbor ferry timetable changes\n\nThe harbor ferry will run every 20 minutes from Monday, "
               "the port authority said. Weekend crossings start at 7 a.m.\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status_mb(pid: int, field: str) -> float:
    """A memory figure of /proc/PID/status in MB: VmRSS (now) or VmHWM (peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_peak_mb(pid: int) -> float:
    return _status_mb(pid, "VmHWM")


def _rss_now_mb(pid: int) -> float:
    return _status_mb(pid, "VmRSS")


def _post(url: str, question: str) -> dict:
    req = urllib.request.Request(url + "api/ask", data=json.dumps({"question": question}).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def _post_v1(url: str, question: str) -> dict:
    """The answer object of a non-streaming /v1/chat/completions reply (message.article_qa)."""
    body = {"model": "article-qa", "messages": [{"role": "user", "content": question}]}
    req = urllib.request.Request(url + "v1/chat/completions", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())["choices"][0]["message"]["article_qa"]


class GradioAsker:
    def __init__(self, url: str):
        from gradio_client import Client

        self.client = Client(url, verbose=False)

    def __call__(self, question: str) -> dict:
        return self.client.predict(question, api_name="/ask")


def _key(out: dict) -> tuple:
    return (out.get("answer"), out.get("refused"), out.get("error"))


def answers_alone(index_dirs: list[Path], questions: list[str]) -> dict[str, set]:
    """Each question asked alone on each index version (copies of the index folder)."""
    from qa.pipeline import open_qa

    allowed: dict[str, set] = {q: set() for q in questions}
    for d in index_dirs:
        qa = open_qa(d)
        for q in questions:
            allowed[q].add(_key(qa.ask(q).to_json()))
    return allowed


def run_load(url: str, via: str, questions: list[str], clients: int, per_client: int, rebuild=None,
             also_right=None) -> dict:
    """`also_right()`, called after the run: question -> the other answers (keys) it may
    rightly get (those of the versions the rebuilds made)."""
    asker = {"api": lambda: (lambda q: _post(url, q)), "v1": lambda: (lambda q: _post_v1(url, q)),
             "gradio": lambda: GradioAsker(url)}[via]
    solo = asker()
    expected = {q: _key(solo(q)) for q in questions}
    lat, errors, outputs = [], [], []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)

    def client(c: int):
        ask = asker()
        start_gate.wait()
        for i in range(per_client):
            q = questions[(c * 7 + i) % len(questions)]
            t0 = time.perf_counter()
            try:
                out = ask(q)
                dt = time.perf_counter() - t0
                with lock:
                    lat.append(dt * 1e3)
                    if out.get("error"):
                        errors.append(f"{q}: {out['error']}")
                    else:
                        outputs.append((q, _key(out)))
            except Exception as exc:  # noqa: BLE001  counted, not raised
                with lock:
                    errors.append(f"{q}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    start_gate.wait()
    t0 = time.perf_counter()
    rebuilds = rebuild(t0) if rebuild else None
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if rebuilds is not None:
        rebuilds.join()
    later = also_right() if also_right else {}
    wrong = [f"{q}: {k} != {expected[q]}" for q, k in outputs if k != expected[q] and k not in later.get(q, ())]
    changed = sum(k != expected[q] and k in later.get(q, ()) for q, k in outputs)
    n = clients * per_client
    return {"via": via, "clients": clients, "questions": n, "seconds": round(wall, 2),
            "questions_per_s": round(n / wall, 2), "p50_ms": round(percentile(lat, 50), 1),
            "p95_ms": round(percentile(lat, 95), 1), "max_ms": round(max(lat), 1) if lat else None,
            "errors": len(errors), "wrong": len(wrong), "changed_by_rebuilds": changed, "error_examples": errors[:3],
            "wrong_examples": wrong[:3]}


def huge_bodies(url: str, pid: int, mb: int) -> list[dict]:
    """POST `mb` MB to /api/ask, declared and chunked; the app's RSS sampled meanwhile."""
    from urllib.parse import urlsplit

    u = urlsplit(url)
    results = []
    for mode in ("content-length", "chunked"):
        before = _rss_now_mb(pid)
        peak = [before]
        stop = threading.Event()

        def sample(peak=peak, stop=stop):
            while not stop.is_set():
                peak[0] = max(peak[0], _rss_now_mb(pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
        conn.putrequest("POST", "/api/ask")
        conn.putheader("Content-Type", "application/json")
        if mode == "chunked":
            conn.putheader("Transfer-Encoding", "chunked")
        else:
            conn.putheader("Content-Length", str(mb * 2**20))
        conn.endheaders()
        chunk = b" " * 2**20
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk) if mode == "chunked" else chunk
        t0, sent = time.perf_counter(), 0
        try:
            for _ in range(mb):
                conn.send(frame)
                sent += 1
        except OSError:
            pass  # the app answered and closed: the rest is never read
        try:
            resp = conn.getresponse()
            status, text = resp.status, resp.read()[:200].decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            status, text = None, f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
        conn.close()
        time.sleep(0.5)
        stop.set()
        sampler.join()
        results.append({"mode": mode, "mb": mb, "status": status, "reply": text, "mb_sent": sent,
                         "seconds": round(seconds, 2), "rss_before_mb": round(before, 1),
                         "rss_peak_mb": round(peak[0], 1), "rss_added_mb": round(peak[0] - before, 1),
                         "rss_after_mb": round(_rss_now_mb(pid), 1)})
        print(json.dumps(results[-1]), flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--questions", type=int, default=50, help="questions per client (default: %(default)s)")
    p.add_argument("--rebuilds", type=int, default=2, help="index rebuilds during the runs with rebuilds")
    p.add_argument("--via", default="api,gradio", help="paths, comma-separated: api (POST /api/ask), v1 (POST "
                   "/v1/chat/completions), gradio (gradio_client /ask) (default: %(default)s)")
    p.add_argument("--huge-body-mb", type=int, default=0, metavar="MB",
                   help="then send MB-megabyte bodies to /api/ask (declared and chunked) and record the app's RSS")
    p.add_argument("--memory-rebuilds", type=int, default=0, metavar="N",
                   help="then N back-to-back rebuilds, one question after each (the app switches to each new "
                   "version), recording the app's RSS after each")
    p.add_argument("--concurrency", type=int, help="the app's --concurrency (default: the app's)")
    p.add_argument("--app-root", default=str(ROOT), help="checkout whose app.py to start (a baseline commit's "
                   "worktree, for a before/after in one run; default: this one)")
    p.add_argument("--out", help="folder for load.json")
    args = p.parse_args(argv)
    qs = [json.loads(x)["question"] for x in (ROOT / "eval" / "news_questions.jsonl").read_text().splitlines() if x.strip()]
    work = Path(tempfile.mkdtemp(prefix="qa-load-"))
    corpus, index_dir = work / "corpus", work / "index"
    shutil.copytree(ROOT / "corpus", corpus)
    port = _free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    app = start_app(port, str(index_dir), "--corpus", str(corpus),
                    *(["--concurrency", str(args.concurrency)] if args.concurrency else []),
                    root=args.app_root, log=work / "app.log")
    url = f"http://127.0.0.1:{port}/"
    try:

        done_at: list[float] = []
        snapshots: list[Path] = []
        runs = iter(range(1000))

        def rebuild(t0: float, n: int = args.rebuilds, pause: float = 0.3):
            run = next(runs)

            def go():
                for k in range(n):
                    time.sleep(pause)
                    (corpus / f"load-extra-{run}-{k}.txt").write_text(
                        NEW_ARTICLE.replace("20", str(20 + 10 * run + k)))
                    subprocess.run([sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--index-dir",
                                    str(index_dir), "--quiet"], cwd=ROOT, env=env, check=True, capture_output=True)
                    done_at.append(time.perf_counter() - t0)
                    snapshots.append(work / f"snapshot-{run}-{k}")
                    shutil.copytree(index_dir, snapshots[-1])
            t = threading.Thread(target=go)
            t.start()
            return t

        results = []
        for via in [v.strip() for v in args.via.split(",") if v.strip()]:
            for with_rebuilds in (False, True):
                done_at.clear()
                snapshots.clear()
                r = run_load(url, via, qs, args.clients, args.questions, rebuild if with_rebuilds else None,
                             (lambda: answers_alone(list(snapshots), qs)) if with_rebuilds else None)
                r["rebuilds"] = args.rebuilds if with_rebuilds else 0
                r["rebuilds_done_during_run"] = sum(t <= r["seconds"] for t in done_at)
                results.append(r)
                print(json.dumps({k: v for k, v in r.items() if not k.endswith("examples")}), flush=True)
        memory = []
        for k in range(args.memory_rebuilds):
            (corpus / f"memory-extra-{k}.txt").write_text(NEW_ARTICLE.replace("20", str(40 + k)))
            subprocess.run([sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--index-dir",
                            str(index_dir), "--quiet"], cwd=ROOT, env=env, check=True, capture_output=True)
            _post(url, qs[0])
            memory.append(round(_rss_now_mb(app.pid), 1))
        if memory:
            print(f"app RSS after each of {len(memory)} rebuilds (MB): {memory}", flush=True)
        bodies = huge_bodies(url, app.pid, args.huge_body_mb) if args.huge_body_mb else []
        peak = _rss_peak_mb(app.pid)
    finally:
        app.terminate()
        app.wait(timeout=30)
    command = "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:])
    api = {r["rebuilds"]: r["p50_ms"] for r in results if r["via"] == "api"}
    for r in results:
        if r["via"] != "api" and api.get(r["rebuilds"]):
            r["p50_vs_api"] = round(r["p50_ms"] / api[r["rebuilds"]], 2)
            print(f"{r['via']} p50 / api p50 ({r['rebuilds']} rebuilds): {r['p50_vs_api']}")
    out = {"results": results, "app_peak_rss_mb": round(peak, 1), "rss_after_rebuilds_mb": memory,
           "huge_bodies": bodies, "command": command, "date": now_iso(), "git_commit": git_commit(),
           "machine": machine()}
    print(f"app peak RSS {peak:.0f} MB")
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "load.json").write_text(json.dumps(out, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
