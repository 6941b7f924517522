"""Our trained span reader: int8 ONNX, run by ONNX Runtime on a few sentences.

The model is all-MiniLM-L6-v2 fine-tuned on the SQuAD training file by
`python -m training.reader` (qa/weights/reader.json records the data hash and
command). It reads (question, sentence) pairs and gives, per sentence, the best
answer span (start and end token scores) and a "no answer here" score ([CLS]).
No torch: the tokenizer is the packaged model's tokenizer.json.

`session` may be any object with ONNX Runtime's `run(outputs, feeds)`: the
training check passes the fp32 torch model that way, to read with the same code.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from common.errors import ModelError
from common.hashing import sha256_file

from .learned import READER_FILE, READER_MAX_LEN, READER_META_FILE

MAX_ANSWER_TOKENS = 30
MAX_QUESTION_TOKENS = 64  # a longer question is read up to here, so the sentence always fits
# A window is the sentence read with up to `radius` neighbours on each side, no longer
# than this many characters (about 170 word pieces: it fits the reader's 192 with the question).
WINDOW_CHARS = 700
TYPE_TRIES = 20  # spans tried, best first, for one that has the asked-for type


def window(spans: list[tuple[int, int]], i: int, radius: int = 1, max_chars: int = WINDOW_CHARS) -> tuple[int, int]:
    """First and last index into `spans` (sentence (start, end) offsets, in text order) of
    the window read around sentence i: a neighbour after it, then one before it, per step,
    each only while the window stays within `max_chars`. Training (training.reader) and the
    answering code (qa.answer) cut their windows with this one rule.

    >>> window([(0, 10), (11, 20), (21, 30)], 1)
    (0, 2)
    >>> window([(0, 10), (11, 20), (21, 900)], 1)
    (0, 1)
    """
    lo = hi = i
    for _ in range(radius):
        grew = False
        if hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= max_chars:
            hi, grew = hi + 1, True
        if lo > 0 and spans[hi][1] - spans[lo - 1][0] <= max_chars:
            lo, grew = lo - 1, True
        if not grew:
            break
    return lo, hi


@dataclass(frozen=True)
class ReadSpan:
    sentence: int  # index into the sentences given
    start: int  # character offsets inside that sentence
    end: int
    score: float  # start + end logits of the span
    null: float  # start + end logits of [CLS]: "no answer in this sentence"
    typed: bool | None = None  # read with a type check: the span passed it (False: none of the best did)
    rejected: bool = False  # every one of the best spans was one `reject` ruled out (the best is kept)

    @property
    def margin(self) -> float:
        return self.score - self.null


class Reader:
    def __init__(self, file: Path = READER_FILE, threads: int = 2, session=None):
        # two threads: reading 3 sentences is the costliest step of an answer
        # (measured p50 45 ms on one thread, 30 ms on two, on the 2-core machine)
        self.file = Path(file)
        self.threads = threads
        if session is not None:
            self.__dict__["session"] = session

    @cached_property
    def meta(self) -> dict:
        side = self.file.with_name(self.file.name.replace("-int8.onnx", ".json"))
        if not side.is_file():
            side = self.file.with_name(READER_META_FILE.name)
        return json.loads(side.read_text()) if side.is_file() else {}

    @cached_property
    def session(self):
        if not self.file.is_file():
            raise ModelError(f"the reader model {self.file} is missing (it ships with the code)")
        want = self.meta.get("onnx_sha256")
        if want and sha256_file(self.file) != want:
            raise ModelError(f"the reader model {self.file} does not match its checksum in reader.json")
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        # no busy-waiting between runs: the reader and the judge take turns on the
        # same cores, and a spinning pool of one starves the other
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(self.file), opts, providers=["CPUExecutionProvider"])

    @cached_property
    def tokenizer(self):
        from index.embedding import tokenizer

        return tokenizer(max_length=int(self.meta.get("max_len", READER_MAX_LEN)), strategy="only_second", padding=True)

    @cached_property
    def _plain_tokenizer(self):
        from index.embedding import tokenizer

        return tokenizer()

    def clip_question(self, question: str) -> str:
        """The question cut to MAX_QUESTION_TOKENS word pieces (truncation of the pair
        takes only from the sentence, which a very long question would not leave room for)."""
        enc = self._plain_tokenizer.encode(question, add_special_tokens=False)
        if len(enc.ids) <= MAX_QUESTION_TOKENS:
            return question
        return question[:enc.offsets[MAX_QUESTION_TOKENS][0]].rstrip()

    def read(self, question: str, sentences: list[str], accept=None, tries: int = TYPE_TRIES,
             reject=None) -> list[ReadSpan]:
        """The best span of each text (same order); an empty text gets none. With
        `accept` (a test of (text, start, end), say "is a count of what was asked"), the best of the `tries`
        highest-scoring spans that passes it; when none does, the best span, marked
        `typed=False`. With `reject` (a test of (text, start, end), say "names someone
        who has left the office asked about"), spans it rejects are passed over among
        the `tries` best (when every one is rejected, the best stays, `rejected=True`)."""
        keep = [i for i, s in enumerate(sentences) if s.strip()]
        if not keep:
            return []
        question = self.clip_question(question)
        encs = self.tokenizer.encode_batch([(question, sentences[i]) for i in keep])
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        types = np.array([e.type_ids for e in encs], dtype=np.int64)
        start, end = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": types})
        out = []
        for row, (i, enc) in enumerate(zip(keep, encs)):
            ctx = np.array([t == 1 and not sp for t, sp in zip(enc.type_ids, enc.special_tokens_mask)])
            if not ctx.any():
                continue
            s = np.where(ctx, start[row], -np.inf)
            e = np.where(ctx, end[row], -np.inf)
            # best (a, b) with a <= b < a + MAX_ANSWER_TOKENS
            pair = s[:, None] + e[None, :]
            n = len(s)
            a_idx, b_idx = np.triu_indices(n)
            ok = (b_idx - a_idx) < MAX_ANSWER_TOKENS
            flat = pair[a_idx[ok], b_idx[ok]]
            null = float(start[row][0] + end[row][0])
            best, typed, rejected = int(np.argmax(flat)), None, False
            if accept is not None or reject is not None:
                typed = False if accept is not None else None
                first_kept, found = None, False
                for cand in np.argsort(-flat)[:tries]:
                    if not np.isfinite(flat[cand]):
                        break
                    a, b = int(a_idx[ok][cand]), int(b_idx[ok][cand])
                    c0, c1 = enc.offsets[a][0], enc.offsets[b][1]
                    if reject is not None and reject(sentences[i], c0, c1):
                        continue
                    first_kept = int(cand) if first_kept is None else first_kept
                    if accept is None or accept(sentences[i], c0, c1):
                        best, typed, found = int(cand), (True if accept is not None else None), True
                        break
                if not found and first_kept is not None:
                    best = first_kept  # nothing of the asked-for kind: the best span not rejected
                rejected = reject is not None and first_kept is None
            a, b = int(a_idx[ok][best]), int(b_idx[ok][best])
            c0, c1 = enc.offsets[a][0], enc.offsets[b][1]
            out.append(ReadSpan(i, c0, c1, float(flat[best]), null, typed, rejected))
        return out
