"""Fine-tune the packaged all-MiniLM-L6-v2 as an extractive window reader.

Trained on ../shared/eval/squad-v1.1-train-full.json (442 articles, 87,599 questions, none
of them in the dev file). Each example is one question and one window of its paragraph,
cut by `qa.reader.window` (a sentence with its neighbours, at most WINDOW_CHARS), as the
answering code cuts them (see `examples`):

- a window holding the gold answer (sometimes centred on a neighbour of its sentence):
  the targets are the answer's first and last tokens;
- hard negatives, windows of the same article without the answer, and on-topic
  unanswerable questions from `evaluation.unanswerable`: the target is [CLS], "no answer
  here" (the SQuAD 2.0 recipe: the null score against the best span's).

`transformers`' `AutoModelForQuestionAnswering` on the model folder adds an untrained span
head (384 -> 2); everything else starts from the packaged weights, or with `--init` from a
reader trained before (a second pass; its record is kept in the new run's train.json).

Training checkpoints every `--save-every` steps to OUT/checkpoint.pt and resumes from it,
so a stopped run loses at most those steps (the commands of the shipped reader are in
qa/weights/reader.json):

  python -m training.reader train --squad ../shared/eval/squad-v1.1-train-full.json \
      --out runs/reader-full --epochs 1 --unanswerable runs/unanswerable-train-full.jsonl \
      --unanswerable-max 25000 --limit 96000 > runs/reader-full.log 2>&1 &

Then export the trained model to int8 ONNX, the artifact the product ships
(qa/weights/reader-int8.onnx and reader.json, written through qa.learned):

  python -m training.reader export --out runs/reader-full --write
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

from common import runtime
from common.hashing import sha256_file
from common.text import terms
from qa import learned
from qa.learned import READER_MAX_LEN as MAX_LEN
from qa.reader import WINDOW_CHARS


def _words(text: str) -> set[str]:
    return set(terms(text))


def examples(squad_path: str, seed: int = 13, negative_share: float = 0.2, radius: int = 1,
             generated: list[dict] | None = None, unanswerable_max: int = 0,
             skip_titles: frozenset[str] = frozenset()) -> list[tuple[str, str, int, int]]:
    """(question, window text, answer start, answer end) with start=end=-1 for a window
    without the answer. Windows are cut by `qa.reader.window` (a sentence with up to
    `radius` neighbours each side), as the answering code cuts them. Per question:

    - one window holding the answer: around its sentence, or (a quarter of the time each)
      around the sentence before or after it, so the reader learns that an answer may sit
      in a neighbour of the sentence the ranker picked;
    - for `negative_share` of the questions, a window of the same article without the
      answer, the one sharing most words with the question (a hard negative);
    - up to `unanswerable_max` generated on-topic unanswerable questions
      (evaluation.unanswerable records from the same file), each against the window
      around its source question's answer: "not here" on the very text that answers the
      original question.
    """
    from index.chunking import split_sentences
    from qa.reader import window

    rng = random.Random(seed)
    data = [a for a in json.loads(Path(squad_path).read_text())["data"] if a["title"] not in skip_titles]
    out: list[tuple[str, str, int, int]] = []
    gold_window: dict[str, str] = {}

    def cut(ctx, sents, lo, hi):
        return ctx[sents[lo][0]:sents[hi][1]], sents[lo][0]

    for art in data:
        paras = [(p["context"], split_sentences(p["context"])) for p in art["paragraphs"]]
        for pi, para in enumerate(art["paragraphs"]):
            ctx, sents = paras[pi]
            if not sents:
                continue
            for qa in para["qas"]:
                ans = qa["answers"][0]
                a0, a1 = ans["answer_start"], ans["answer_start"] + len(ans["text"])
                first = next((i for i, (s, e) in enumerate(sents) if s <= a0 < e), None)
                if first is None:
                    continue
                last = first
                while last + 1 < len(sents) and sents[last][1] < a1:
                    last += 1
                r = rng.random()
                centre = first - 1 if r < 0.25 else last + 1 if r < 0.5 else first
                centre = min(max(centre, 0), len(sents) - 1)
                lo, hi = window(sents, centre, radius)
                if lo > first or hi < last:
                    lo, hi = window(sents, first, radius)
                    lo, hi = min(lo, first), max(hi, last)
                text, off = cut(ctx, sents, lo, hi)
                out.append((qa["question"], text, a0 - off, a1 - off))
                gold_window[qa["id"]] = cut(ctx, sents, *window(sents, first, radius))[0]
                if rng.random() >= negative_share:
                    continue
                qw = _words(qa["question"])
                options = []
                for pj in (pi - 1, pi, pi + 1):
                    if not 0 <= pj < len(paras):
                        continue
                    pctx, psents = paras[pj]
                    for c in range(len(psents)):
                        wlo, whi = window(psents, c, radius)
                        if pj == pi and not (whi < first or wlo > last):
                            continue
                        t, _ = cut(pctx, psents, wlo, whi)
                        if ans["text"] in t:
                            continue
                        options.append((len(qw & _words(t)), rng.random(), t))
                if options:
                    out.append((qa["question"], max(options)[2], -1, -1))
    made = [g for g in (generated or []) if g["source_id"] in gold_window]
    rng.shuffle(made)
    for g in made[:unanswerable_max]:
        out.append((g["question"], gold_window[g["source_id"]], -1, -1))
    return out


def generated_questions(path: str) -> tuple[list[dict], dict[str, int]]:
    """On-topic unanswerable questions written by `python -m evaluation.unanswerable`
    from the training file, and how many of each kind."""
    from collections import Counter

    made = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    return made, dict(Counter(g["kind"] for g in made))


def encode(tokenizer, batch: list[tuple[str, str, int, int]]):
    """Token ids plus start/end targets; None for an answer cut off by truncation."""
    import torch

    enc = tokenizer([b[0] for b in batch], [b[1] for b in batch], truncation="only_second",
                    max_length=MAX_LEN, padding=True, return_offsets_mapping=True,
                    return_tensors="pt")
    starts, ends, keep = [], [], []
    for i, (_, _, a0, a1) in enumerate(batch):
        if a0 < 0:
            starts.append(0), ends.append(0), keep.append(i)
            continue
        seq = enc.sequence_ids(i)
        offs = enc["offset_mapping"][i].tolist()
        ts = te = None
        for t, (sid, (o0, o1)) in enumerate(zip(seq, offs)):
            if sid != 1:
                continue
            if ts is None and o1 > a0:
                ts = t
            if o0 < a1:
                te = t
        if ts is None or te is None or te < ts or offs[te][1] < a1 - 1:
            continue
        starts.append(ts), ends.append(te), keep.append(i)
    idx = torch.tensor(keep)
    inputs = {k: enc[k][idx] for k in ("input_ids", "attention_mask", "token_type_ids")}
    return inputs, torch.tensor(starts), torch.tensor(ends)


def epoch_batches(data, size: int, seed: int) -> list[list[int]]:
    """Shuffled batches of similar lengths (less padding), the same for a seed."""
    rng = random.Random(seed)
    order = list(range(len(data)))
    rng.shuffle(order)
    batches = []
    for lo in range(0, len(order), size * 50):
        chunk = sorted(order[lo:lo + size * 50], key=lambda i: len(data[i][0]) + len(data[i][1]))
        batches += [chunk[j:j + size] for j in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def skipped_titles(path: str) -> frozenset[str]:
    """The article titles of a SQuAD-format file (`--skip-articles`), none for an empty path."""
    if not path:
        return frozenset()
    return frozenset(a["title"] for a in json.loads(Path(path).read_text())["data"])


def init_record(init: str) -> dict:
    """The training record of the model a pass starts from (INIT is RUN/final)."""
    rec = Path(init).parent / "train.json"
    if not rec.is_file():
        raise SystemExit(f"--init {init}: no training record at {rec} (start from a run's final/ folder)")
    return json.loads(rec.read_text())


def train(args) -> None:
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer, get_linear_schedule_with_warmup

    from index.embedding import model_path, verify_model

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads or os.cpu_count())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = model_path()
    verify_model(path)
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForQuestionAnswering.from_pretrained(args.init or path, local_files_only=True)
    generated, kinds = generated_questions(args.unanswerable) if args.unanswerable else ([], {})
    skip = skipped_titles(args.skip_articles)
    data = examples(args.squad, args.seed, args.negative_share, args.radius, generated, args.unanswerable_max,
                    skip)
    if args.limit:
        data = random.Random(args.seed).sample(data, min(args.limit, len(data)))
    steps_per_epoch = math.ceil(len(data) / args.batch)
    total = steps_per_epoch * args.epochs
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * total), total)
    ckpt = out / "checkpoint.pt"
    step = 0
    if ckpt.is_file():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        print(f"resumed at step {step}/{total}", flush=True)
    digest = sha256_file(args.squad)
    used = sum(1 for q in data if q[2] < 0)
    meta = {"data": Path(args.squad).name, "data_sha256": digest, "examples": len(data),
            "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "max_len": MAX_LEN,
            "seed": args.seed, "steps": total, "radius": args.radius, "window_chars": WINDOW_CHARS,
            "negative_share": args.negative_share, "no_answer_examples": used,
            "unanswerable_file": Path(args.unanswerable).name if args.unanswerable else None,
            "unanswerable_sha256": sha256_file(args.unanswerable) if args.unanswerable else None,
            "unanswerable_max": args.unanswerable_max, "limit": args.limit, "generated_unanswerable": kinds}
    if args.skip_articles:
        meta["skip_articles"] = str(args.skip_articles)
        meta["skip_articles_sha256"] = sha256_file(args.skip_articles)
    if args.init:  # a second pass: the run it continues, so the record names everything the reader saw
        meta["init"] = str(args.init)
        meta["init_record"] = init_record(args.init)
    (out / "train.json").write_text(json.dumps(meta, indent=1))
    print(f"{len(data)} examples, {steps_per_epoch} steps an epoch, {total} steps", flush=True)
    model.train()
    t0, seen_loss, n, plan = time.time(), 0.0, 0, {}
    while step < total:
        epoch, pos = divmod(step, steps_per_epoch)
        if epoch not in plan:
            plan = {epoch: epoch_batches(data, args.batch, args.seed * 1000 + epoch)}
        batch = [data[i] for i in plan[epoch][pos]]
        inputs, st, en = encode(tok, batch)
        res = model(**inputs, start_positions=st, end_positions=en)
        res.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(), sched.step(), opt.zero_grad()
        step += 1
        seen_loss, n = seen_loss + res.loss.item(), n + 1
        if step % 20 == 0 or step == total:
            rate = n / (time.time() - t0)
            print(f"step {step}/{total} epoch {epoch + 1} loss {seen_loss / n:.3f} "
                  f"{rate:.2f} steps/s eta {(total - step) / rate / 60:.0f} min", flush=True)
            t0, seen_loss, n = time.time(), 0.0, 0
        if step % args.save_every == 0 or step == total:
            tmp = ckpt.with_suffix(".tmp")
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(),
                        "sched": sched.state_dict(), "step": step}, tmp)
            os.replace(tmp, ckpt)
    model.save_pretrained(out / "final")
    print("done", flush=True)


def train_command(meta: dict, out: str) -> str:
    """The `training.reader train` command a training record was made by."""
    return ("python -m training.reader train --squad ../shared/eval/"
            f"{meta['data']} --out {out} --epochs {meta['epochs']} "
            f"--radius {meta.get('radius', 0)} --negative-share {meta.get('negative_share')}"
            + (f" --unanswerable runs/{meta['unanswerable_file']} --unanswerable-max "
               f"{meta['unanswerable_max']}" if meta.get("unanswerable_file") else "")
            + (f" --limit {meta['limit']}" if meta.get("limit") else "")
            + (f" --lr {meta['lr']} --seed {meta['seed']}" if meta.get("init") else "")
            + (f" --skip-articles {meta['skip_articles']}" if meta.get("skip_articles") else "")
            + (f" --init {meta['init']}" if meta.get("init") else ""))


def export(args) -> None:
    """Fused, dynamically int8-quantised ONNX of the trained model (OUT/final, or the
    last checkpoint when training stopped early)."""
    import torch
    from transformers import AutoModelForQuestionAnswering

    from index.embedding import export_int8, model_path

    out = Path(args.out)
    src = out / "final" if (out / "final").is_dir() else model_path()
    model = AutoModelForQuestionAnswering.from_pretrained(src, attn_implementation="eager",
                                                          local_files_only=True).eval()
    steps_run = None
    if not (out / "final").is_dir():
        state = torch.load(out / "checkpoint.pt", weights_only=False)
        model.load_state_dict(state["model"])
        steps_run = state["step"]
        print(f"exporting the checkpoint at step {steps_run}")

    int8 = out / "reader-int8.onnx"
    export_int8(model, {"start_logits": "start_logits", "end_logits": "end_logits"}, int8, {"source": str(src)})
    print(f"{int8}: {int8.stat().st_size / 1e6:.1f} MB")
    meta = json.loads((out / "train.json").read_text())
    if steps_run is not None and steps_run < meta["steps"]:
        meta["steps_run"] = steps_run  # exported before the schedule's end (resume the run to finish it)
    # a soup's own command is its averaging; the record it copied names the last ingredient's training
    meta["command"] = meta["soup_command"] if meta.get("soup") else train_command(meta, args.out)
    if meta.get("init_record"):  # the pass it continued, so the whole recipe is in one record
        meta["init_command"] = train_command(meta["init_record"], str(Path(meta["init"]).parent))
    meta["export"] = f"python -m training.reader export --out {args.out} --write --as {args.role}"
    if meta.get("unanswerable_file"):  # how the generated questions were made (the file is not shipped)
        meta["unanswerable_command"] = (f"python -m evaluation.unanswerable ../shared/eval/{meta['data']} "
                                        f"--out runs/{meta['unanswerable_file']} --seed {meta['seed']}")
    # the record beside the file, so `qa.reader.Reader(OUT/reader-int8.onnx)` reads it as it was trained
    (out / "reader.json").write_text(json.dumps({**meta, "onnx_sha256": sha256_file(int8)}, indent=1) + "\n")
    if args.write:
        target = learned.write_reader(int8, meta, args.role)
        print(f"wrote {target} and its record")


def soup(args) -> None:
    """OUT/final as the element-wise mean of the weights of trained readers (runs of the same
    lineage: each pass started from the one before), a "model soup" that reads no slower than
    one of them; its train.json is the last run's record with the ingredients named and hashed."""
    import torch
    from safetensors.torch import load_file, save_file

    runs = [Path(r) for r in args.runs]
    states = [load_file(str(r / "final" / "model.safetensors")) for r in runs]
    if any(s.keys() != states[0].keys() for s in states):
        raise SystemExit("Error: the readers differ in their layers; a soup needs readers of one architecture")
    mean = {k: (sum(s[k].to(torch.float64) for s in states) / len(states)).to(states[0][k].dtype)
            for k in states[0]}
    out = Path(args.out)
    (out / "final").mkdir(parents=True, exist_ok=True)
    save_file(mean, str(out / "final" / "model.safetensors"), metadata={"format": "pt"})
    (out / "final" / "config.json").write_text((runs[-1] / "final" / "config.json").read_text())
    meta = json.loads((runs[-1] / "train.json").read_text())
    meta["soup"] = [{"run": str(r), "model_sha256": sha256_file(r / "final" / "model.safetensors")} for r in runs]
    meta["soup_command"] = f"python -m training.reader soup --out {args.out} " + " ".join(map(str, runs))
    (out / "train.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"{out / 'final'}: the mean of {len(runs)} readers")


def read_paragraph(reader, question: str, ctx: str, radius: int) -> str:
    """The reader alone on a gold paragraph: every window of it (`qa.reader.window` around
    each sentence, or each sentence alone for a sentence reader), the span of highest margin."""
    from index.chunking import split_sentences
    from qa.reader import window

    sents = split_sentences(ctx)
    bounds = sorted({window(sents, i, radius) for i in range(len(sents))})
    texts = [ctx[sents[a][0]:sents[b][1]] for a, b in bounds]
    read = reader.read(question, texts)
    if not read:
        return ""
    best = max(read, key=lambda x: x.margin)
    return texts[best.sentence][best.start:best.end]


def check(args) -> None:
    """The reader alone, given each question's gold paragraph (windows as it reads them):
    EM and F1 of the int8 ONNX file, and with --fp32 of the torch model it was exported
    from (OUT/final) on the same questions, and how often the two agree."""
    from evaluation import metrics as M
    from qa.reader import Reader

    out = Path(args.out)
    onnx = Path(args.onnx) if args.onnx else out / "reader-int8.onnx"
    readers = {"int8": Reader(onnx, threads=0)}
    radius = int(readers["int8"].meta.get("radius", 0))
    if args.fp32:
        import torch
        from transformers import AutoModelForQuestionAnswering

        fp32 = AutoModelForQuestionAnswering.from_pretrained(out / "final", local_files_only=True).eval()
        torch.set_num_threads(os.cpu_count() or 1)

        class TorchSession:
            """The fp32 model behind ONNX Runtime's `run(outputs, feeds)`."""

            def run(self, _, feeds):
                with torch.no_grad():
                    r = fp32(**{k: torch.from_numpy(v) for k, v in feeds.items()})
                return [r.start_logits.numpy(), r.end_logits.numpy()]

        readers["fp32"] = Reader(onnx, session=TorchSession())
    data = json.loads(Path(args.squad).read_text())["data"]
    items = [(p["context"], q) for a in data for p in a["paragraphs"] for q in p["qas"]]
    if args.limit:
        items = random.Random(0).sample(items, min(args.limit, len(items)))
    scores = {name: [0.0, 0.0] for name in readers}
    same = 0
    for ctx, q in items:
        golds = [a["text"] for a in q["answers"]]
        picks = {name: read_paragraph(r, q["question"], ctx, radius) for name, r in readers.items()}
        for name, pred in picks.items():
            scores[name][0] += M.exact_match(pred, golds)
            scores[name][1] += M.f1_score(pred, golds)
        same += len(set(picks.values())) == 1
    n = len(items)
    result = {"onnx": str(onnx), "radius": radius, "questions": n, "file": Path(args.squad).name}
    for name, (em, f1) in scores.items():
        result[name] = {"em": round(em / n, 4), "f1": round(f1 / n, 4)}
        print(f"{name}: EM {em / n:.3f} F1 {f1 / n:.3f} ({n} questions of {Path(args.squad).name}, gold paragraph given)")
    if len(readers) > 1:
        result["same_answer"] = round(same / n, 4)
        print(f"same answer from both: {same / n:.3f}")
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(json.dumps(result, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.reader", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="fine-tune (resumes from OUT/checkpoint.pt)")
    t.add_argument("--squad", required=True, help="SQuAD-format training file")
    t.add_argument("--out", default="runs/reader")
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--lr", type=float, default=1e-4)
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--threads", type=int, default=0)
    t.add_argument("--save-every", type=int, default=25)
    t.add_argument("--radius", type=int, default=1,
                   help="neighbour sentences each side of the window read (qa.reader.window; default: %(default)s)")
    t.add_argument("--negative-share", type=float, default=0.2,
                   help="share of questions that also get a window of their article without the answer "
                   "(default: %(default)s)")
    t.add_argument("--unanswerable", default="",
                   help="JSONL of on-topic unanswerable questions made from the training file by "
                   "python -m evaluation.unanswerable (default: none)")
    t.add_argument("--unanswerable-max", type=int, default=15000,
                   help="at most this many of them, drawn by the seed (default: %(default)s)")
    t.add_argument("--limit", type=int, default=0, help="train on a sample of this many examples (0: all)")
    t.add_argument("--skip-articles", default="",
                   help="a SQuAD-format file (a calibration set of training.holdout) whose articles this run "
                        "leaves out, so that the set stays unseen by every pass (default: none)")
    t.add_argument("--init", default="",
                   help="start from this trained reader (a run's final/ folder) instead of the packaged "
                        "MiniLM: a second pass; its record is kept in this run's train.json")
    e = sub.add_parser("export", help="int8 ONNX from OUT/final")
    e.add_argument("--out", default="runs/reader")
    e.add_argument("--write", action="store_true", help="install it in qa/weights")
    e.add_argument("--as", dest="role", choices=("reader", "judge"), default="reader",
                   help=f"install as the span reader ({learned.READER_FILE.name}) or as the judge whose margin "
                   f"feeds the confidence ({learned.JUDGE_FILE.name}) (default: %(default)s)")
    s = sub.add_parser("soup", help="OUT/final as the mean of the weights of trained readers (then export)")
    s.add_argument("--out", required=True)
    s.add_argument("runs", nargs="+", help="runs whose final/ folders are averaged (one lineage)")
    c = sub.add_parser("check", help="fp32 against int8 on SQuAD questions given their paragraph")
    c.add_argument("--out", default="runs/reader")
    c.add_argument("--squad", required=True, help="SQuAD-format file to check on (the dev file)")
    c.add_argument("--limit", type=int, default=0, help="a sample of this many questions (0: all)")
    c.add_argument("--onnx", default="", help="check this ONNX reader (its .json record beside it) instead of OUT's")
    c.add_argument("--fp32", action="store_true", help="also the torch model OUT/final, and how often they agree")
    c.add_argument("--report", default="", help="write the figures to this JSON file")
    args = p.parse_args(argv)
    runtime.offline()
    {"train": train, "export": export, "soup": soup, "check": check}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
