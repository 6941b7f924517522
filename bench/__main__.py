"""Speed benchmark: embedding paths, cold start, and answer latency at scale.

  python -m bench --squad ../shared/eval/squad-v1.1-dev-part-a.json --out runs/bench
  python -m bench --quick --out runs/bench-quick      # under 3 minutes

Runs, in one process and side by side on the SQuAD part-A corpus:

1. embedding paths: index build (passages/s, sentences included) and question
   embedding latency for every path we ship (onnx-int8) against plain
   sentence-transformers fp32 (torch-fp32, the reference); mean cosine of the int8
   vectors to the fp32 ones; gold-hit@5 and EM of each index on the same questions.
   Ratios are printed beside the absolute figures.
2. cold start: `python -m qa ask` from process start to printed answer on the
   shipped corpus, and app start-up to a page that answers HTTP.
3. latency at scale: the part-A index tiled to 2.5k, 100k and 1M passages (copies
   of the real passages whose vectors get small random noise, so no two are equal;
   the questions stay the real SQuAD questions). The FAISS index type is the one
   `index.vectors.make_faiss_index` picks for that size; recall@10 of the dense
   search against exact search, answer latency p50/p95 one question at a time,
   and memory per passage.

Writes OUT/bench.json and prints the tables. The machine is recorded in the report.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np

from evaluation.metrics import percentile as pct

DEFAULT_SQUAD = str(ROOT.parent / "shared" / "eval" / "squad-v1.1-dev-part-a.json")


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ 1. embedding paths

def embedding_paths(articles, questions, work: Path, n_questions: int) -> dict:
    from evaluation.report import score_question
    from index.build import build
    from index.embedding import Embedder, OnnxEmbedder
    from index.settings import BuildOptions
    from qa import open_qa

    rng = random.Random(0)
    sample = rng.sample(questions, min(n_questions, len(questions)))
    texts = {a.id: a.text for a in articles}
    out: dict = {}
    vectors = {}
    for name, make in (("torch-fp32", Embedder), ("onnx-int8", OnnxEmbedder)):
        emb = make()  # the library's default threads for the build
        emb.load()  # (and for int8, export once) before timing
        index_dir = work / f"index-{name}"
        shutil.rmtree(index_dir, ignore_errors=True)
        t0 = time.perf_counter()
        summary = build(articles, index_dir, emb, options=BuildOptions(progress=False))
        build_s = time.perf_counter() - t0
        say(f"  {name}: built {summary.passages} passages + {summary.sentences} sentences in {build_s:.1f} s")
        emb = make(threads=1)  # one thread on the query path, as open_qa's own embedder
        qa = open_qa(index_dir, embedder=emb)
        qtimes, qvecs = [], []
        for q in sample[:200]:
            t = time.perf_counter()
            qvecs.append(emb.embed_query(q.question))
            qtimes.append((time.perf_counter() - t) * 1e3)
        records = []
        for q in sample:
            t = time.perf_counter()
            ans = qa.ask(q.question)
            records.append(score_question(q, ans, qa.data, texts, time.perf_counter() - t))
        m = M_summary(records)
        vectors[name] = (qa.data.passage_matrix().copy(), np.stack(qvecs))
        out[name] = {"passages": summary.passages, "sentences": summary.sentences,
                     "build_s": round(build_s, 2),
                     "texts_per_s": round((summary.passages + summary.sentences) / build_s, 1),
                     "passages_per_s": round(summary.passages / build_s, 1),
                     "query_embed_ms_p50": round(pct(qtimes, 50), 2),
                     "query_embed_ms_p95": round(pct(qtimes, 95), 2),
                     "questions": len(sample), **m}
        del qa
    pf, qf = vectors["torch-fp32"]
    pi, qi = vectors["onnx-int8"]
    ref, fast = out["torch-fp32"], out["onnx-int8"]
    out["ratios"] = {"build_speedup": round(ref["build_s"] / fast["build_s"], 2),
                     "query_speedup": round(ref["query_embed_ms_p50"] / fast["query_embed_ms_p50"], 2),
                     "mean_cosine_passages": round(float((pf * pi).sum(1).mean()), 4),
                     "min_cosine_passages": round(float((pf * pi).sum(1).min()), 4),
                     "mean_cosine_questions": round(float((qf * qi).sum(1).mean()), 4),
                     "gold_hit_at_5_change": round(fast["gold_hit_at_5"] - ref["gold_hit_at_5"], 4),
                     "em_change": round(fast["em"] - ref["em"], 4)}
    return out


def M_summary(records: list[dict]) -> dict:
    from evaluation.report import summarize

    m = summarize(records)
    return {k.replace("@", "_at_"): m.get(k) for k in ("gold_hit@1", "gold_hit@5", "em", "f1",
                                                      "sentence_hit@1", "latency_p50_ms")}


# ------------------------------------------------------------------ 2. cold start

def cold_start(work: Path, runs: int) -> dict:
    env = dict(os.environ, QA_INDEX_DIR=str(work / "index-news"))
    subprocess.run([sys.executable, "-m", "index", "build", "--quiet", "--corpus", str(ROOT / "corpus"),
                    "--index-dir", str(work / "index-news")], check=True, cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL)
    times, answer = [], ""
    for _ in range(runs):
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-m", "qa", "ask", "--index-dir", str(work / "index-news"),
                              "Who authorized the meetings?"], cwd=ROOT, env=env, capture_output=True,
                             text=True, check=True)
        times.append(time.perf_counter() - t0)
        answer = res.stdout.strip().splitlines()[0] if res.stdout.strip() else ""
    out = {"qa_ask_s_median": round(statistics.median(times), 2), "qa_ask_s_all": [round(t, 2) for t in times],
           "answer": answer}
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--index-dir",
                             str(work / "index-news")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import urllib.request

        while time.perf_counter() - t0 < 120:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read(100)
                break
            except OSError:
                time.sleep(0.1)
        out["app_start_s"] = round(time.perf_counter() - t0, 2)
    finally:
        proc.terminate()
        proc.wait(10)
    return out


# ------------------------------------------------------------------ 3. latency at scale

def tiled(data, n_target: int, noise: float, seed: int = 0):
    """`data` repeated to `n_target` passages: article ids get a copy number,
    sentence and passage rows are shifted, passage vectors get Gaussian noise
    (copy 0 keeps the real ones) and are renormalised. The lexical side is not
    tiled here (see `scale_latency`)."""
    from index.store import IndexData

    base_n = data.n_passages
    reps = math.ceil(n_target / base_n)
    n_art, n_sent = len(data.articles), len(data.sentences)
    articles = [a if r == 0 else replace(a, id=f"{a.id}~{r}") for r in range(reps) for a in data.articles]
    sent = np.tile(data.sentences, (reps, 1))
    sent[:, 0] += np.repeat(np.arange(reps, dtype=np.int32) * n_art, n_sent)
    chunks = np.tile(data.chunks, (reps, 1))
    chunks[:, 0] += np.repeat(np.arange(reps, dtype=np.int32) * n_art, base_n)
    chunks[:, 3:5] += np.repeat(np.arange(reps, dtype=np.int32) * n_sent, base_n)[:, None]
    chunks = chunks[:n_target]
    sent = sent[: int(chunks[-1, 4])]
    svec = np.tile(data.sentence_vectors, (reps, 1))[: len(sent)]
    base = data.passage_matrix().astype(np.float32)
    rng = np.random.default_rng(seed)
    pv = np.empty((n_target, base.shape[1]), np.float32)
    for lo in range(0, n_target, 100_000):
        hi = min(n_target, lo + 100_000)
        block = base[np.arange(lo, hi) % base_n].copy()
        block += rng.standard_normal(block.shape, dtype=np.float32) * (noise / math.sqrt(base.shape[1]))
        if lo < base_n:  # the first copy keeps the real vectors
            block[: min(hi, base_n) - lo] = base[lo:min(hi, base_n)]
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        pv[lo:hi] = block
    return IndexData(articles=articles, sentences=sent, chunks=chunks, passage_vectors=pv, sentence_vectors=svec,
                     manifest=dict(data.manifest)), reps


def scale_latency(index_dir: Path, questions, sizes: list[int], n_questions: int, embedder) -> list[dict]:
    from index import lexical, store
    from index.vectors import make_faiss_index
    from qa import QA, Retriever

    base = store.load_version(store.current_version_dir(index_dir))
    base_terms = lexical.passage_terms(base, base.manifest.get("embed_title", True))
    n_base_sent = len(base.sentences)
    rng = random.Random(1)
    sample = rng.sample(questions, min(n_questions, len(questions)))
    qvecs = np.stack([embedder.embed_query(q.question) for q in sample]).astype(np.float32)
    text_bytes = sum(len(base.chunk_text(i).encode()) for i in range(base.n_passages)) / base.n_passages
    rows = []
    for n in sizes:
        say(f"  {n:,} passages: building")
        before = rss_mb()
        data, reps = tiled(base, n, noise=0.35)
        t0 = time.perf_counter()
        index, info = make_faiss_index(data.passage_vectors, "auto")
        faiss_s = time.perf_counter() - t0
        exact_vectors = data.passage_vectors
        t0 = time.perf_counter()
        bm = lexical.build_bm25([base_terms[i % base.n_passages] for i in range(n)])
        bm25_s = time.perf_counter() - t0
        # sentence counts over the tiled sentences: every term's count times the copies
        r = len(data.sentences) / n_base_sent
        df = {t: c * r for t, c in base.sentence_df.items()}
        data = replace(data, passage_vectors=None, faiss_index=index, bm25=bm, sentence_df=df)
        retriever = Retriever(data, embedder)
        qa = QA(retriever)
        _ = retriever.passage_vectors  # the exact matrix (flat index only), as a loaded index has it
        after = rss_mb()
        import faiss

        parts = {"faiss": faiss.serialize_index(index).nbytes,
                 "sentence_vectors": data.sentence_vectors.nbytes,
                 "tables": data.sentences.nbytes + data.chunks.nbytes,
                 "bm25": sum(v.nbytes for v in bm.scores.values() if hasattr(v, "nbytes"))}
        # recall@10 of the dense search against exact search
        exact = np.stack([np.argpartition(-(exact_vectors @ q), 10)[:10] for q in qvecs])
        _, approx = index.search(qvecs, 10)
        recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))
        del exact_vectors
        qa.ask("warm up")
        times, stage = [], {"embed": [], "retrieve": [], "read": []}
        for q in sample:
            t = time.perf_counter()
            ans = qa.ask(q.question)
            times.append((time.perf_counter() - t) * 1e3)
            for k in stage:
                stage[k].append(ans.timings_ms.get(k, 0.0))
        row = {"passages": n, "copies": reps, "faiss": info, "faiss_build_s": round(faiss_s, 1),
               "bm25_build_s": round(bm25_s, 1), "recall_at_10": round(recall, 4),
               "latency_ms_p50": round(pct(times, 50), 1), "latency_ms_p95": round(pct(times, 95), 1),
               **{f"{k}_ms_p50": round(pct(v, 50), 1) for k, v in stage.items()},
               "rss_growth_mb": round(after - before), "index_bytes": parts,
               "bytes_per_passage": round(sum(parts.values()) / n + text_bytes),
               "text_bytes_per_passage": round(text_bytes), "questions": len(sample)}
        say(f"  {n:,}: p50 {row['latency_ms_p50']} ms, p95 {row['latency_ms_p95']} ms, "
            f"recall@10 {row['recall_at_10']}, {row['bytes_per_passage']} B/passage")
        rows.append(row)
        del qa, retriever, data, index, bm
    return rows


# ------------------------------------------------------------------ main

def print_tables(rep: dict) -> None:
    e = rep.get("embedding")
    if e:
        print("\nembedding paths (SQuAD part A)      torch-fp32   onnx-int8   ratio")
        f, i, r = e["torch-fp32"], e["onnx-int8"], e["ratios"]
        print(f"index build, texts/s               {f['texts_per_s']:>10}  {i['texts_per_s']:>10}   "
              f"{r['build_speedup']}x")
        print(f"question embedding p50, ms         {f['query_embed_ms_p50']:>10}  {i['query_embed_ms_p50']:>10}   "
              f"{r['query_speedup']}x")
        print(f"gold-hit@5                         {f['gold_hit_at_5']:>10.4f}  {i['gold_hit_at_5']:>10.4f}   "
              f"{r['gold_hit_at_5_change']:+.4f}")
        print(f"EM                                 {f['em']:>10.4f}  {i['em']:>10.4f}   {r['em_change']:+.4f}")
        print(f"mean cosine int8 vs fp32: passages {r['mean_cosine_passages']} (min "
              f"{r['min_cosine_passages']}), questions {r['mean_cosine_questions']}")
    c = rep.get("cold_start")
    if c:
        print(f"\ncold start: python -m qa ask {c['qa_ask_s_median']} s (median of {len(c['qa_ask_s_all'])}); "
              f"app to first page {c.get('app_start_s')} s")
    s = rep.get("scale")
    if s:
        print("\npassages    FAISS   recall@10  p50 ms  p95 ms  embed/retrieve/read p50 ms  bytes/passage")
        for row in s:
            print(f"{row['passages']:>9,}  {row['faiss']['kind']:>5}  {row['recall_at_10']:>9.3f}  "
                  f"{row['latency_ms_p50']:>6}  {row['latency_ms_p95']:>6}  "
                  f"{row['embed_ms_p50']:>6} / {row['retrieve_ms_p50']} / {row['read_ms_p50']:<10}"
                  f"{row['bytes_per_passage']:>10}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--squad", default=DEFAULT_SQUAD, help="SQuAD file for corpus and questions "
                   "(default: %(default)s)")
    p.add_argument("--quick", action="store_true", help="2 articles, 2.5k and 100k passages only, "
                   "fewer questions: under 3 minutes")
    p.add_argument("--sizes", help="comma-separated passage counts for the scale test "
                   "(default: 2500,100000,1000000; --quick: 2500,100000)")
    p.add_argument("--skip", default="", help="comma-separated parts to skip: embedding,cold,scale")
    p.add_argument("--out", default="runs/bench", help="folder for bench.json (default: %(default)s)")
    args = p.parse_args(argv)
    from common.runinfo import machine, now_iso
    from evaluation.squad import load_squad
    from index.embedding import OnnxEmbedder

    if not Path(args.squad).is_file():
        print(f"Error: {args.squad} not found (give --squad FILE)", file=sys.stderr)
        return 2
    skip = set(filter(None, args.skip.split(",")))
    articles, questions = load_squad(args.squad)
    if args.quick:
        keep = {a.id for a in articles[:2]}
        articles = [a for a in articles if a.id in keep]
        questions = [q for q in questions if q.article_id in keep]
    sizes = [int(x) for x in (args.sizes or ("2500,100000" if args.quick else "2500,100000,1000000")).split(",")]
    work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    rep: dict = {"date": now_iso(), "machine": machine(), "command": "python -m bench " + " ".join(argv or sys.argv[1:]),
                 "squad": args.squad, "articles": len(articles), "questions_available": len(questions)}
    t_all = time.perf_counter()
    try:
        if "embedding" not in skip:
            say("embedding paths ...")
            rep["embedding"] = embedding_paths(articles, questions, work, 150 if args.quick else 1000)
        if "cold" not in skip:
            say("cold start ...")
            rep["cold_start"] = cold_start(work, 3)
        if "scale" not in skip:
            say("latency at scale ...")
            index_dir = work / "index-onnx-int8"
            if not (index_dir / "CURRENT").exists():
                from index.build import build
                from index.settings import BuildOptions
                build(articles, index_dir, OnnxEmbedder(), options=BuildOptions(progress=False))
            emb = OnnxEmbedder(threads=1)
            rep["scale"] = scale_latency(index_dir, questions, sizes, 100 if args.quick else 300, emb)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rep["seconds"] = round(time.perf_counter() - t_all, 1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(rep, indent=1))
    print_tables(rep)
    print(f"\n{rep['seconds']} s; wrote {out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
