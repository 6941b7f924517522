"""Time and check wire-copy grouping (index.wire: MinHash + LSH, datasketch) at scale.

    python -m bench.wire --articles 100000 [--out runs/wire.json]

Articles are made from the SQuAD training paragraphs (../shared/eval): each joins five
paragraphs drawn at random (news length, ~600 words, no two alike); 1% of them are
reprinted as a copy with another dateline and a footer, as outlets reprint wire stories.
Reports seconds for the signatures and for the grouping, and how many planted copies
were grouped with their original (recall) and how many other articles were grouped
(false pairs).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

SQUAD_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "eval" / "squad-v1.1-train-44-articles.json"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.wire", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--squad", default=str(SQUAD_TRAIN))
    p.add_argument("--out")
    args = p.parse_args(argv)
    from index import wire

    paras = [pa["context"] for a in json.loads(Path(args.squad).read_text())["data"] for pa in a["paragraphs"]]
    rng = random.Random(0)
    n_copies = args.articles // 100
    texts = ["\n\n".join(rng.sample(paras, 5)) for _ in range(args.articles - n_copies)]
    originals = rng.sample(range(len(texts)), n_copies)
    for i in originals:
        texts.append("PORT ALDER (Coastal Wire) - " + texts[i] + "\n\nThis story was provided by Coastal Wire.")
    t0 = time.perf_counter()
    sigs = wire.signatures(texts)
    t1 = time.perf_counter()
    groups = wire.groups(sigs)
    t2 = time.perf_counter()
    base = len(texts) - n_copies
    found = sum(groups[base + k] == groups[i] for k, i in enumerate(originals))
    sizes: dict[int, int] = {}
    for g in groups:
        sizes[int(g)] = sizes.get(int(g), 0) + 1
    extra = sum(s - 1 for s in sizes.values() if s > 1) - found
    out = {"articles": len(texts), "planted_copies": n_copies, "mean_words": round(sum(len(t.split()) for t in texts[:2000]) / 2000),
           "signature_seconds": round(t1 - t0, 1), "group_seconds": round(t2 - t1, 1),
           "copies_grouped": int(found), "other_articles_grouped": int(extra), "threshold": wire.THRESHOLD,
           "num_perm": wire.NUM_PERM}
    print(json.dumps(out))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
