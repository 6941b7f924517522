"""The learned files that ship with the answering code: read here, written here.

    qa/weights/fusion_weights.json    retrieval's second stage, a weight per feature (python -m training.fusion;
                                      not shipped: the hand-set weights gave more right answers)
    qa/weights/sentence_weights.json  sentence ranker, a weight per named feature   (python -m training.ranker)
    qa/weights/span_weights.json      the rules reader's span features               (python -m training.ranker)
    qa/weights/calibration.json       one confidence fit per answer path ("reader",
                                      "rules"), each naming its features            (python -m training.calibrate)
    qa/weights/reader-int8.onnx       our trained span reader, reading windows, with reader.json
                                      (python -m training.reader)
    qa/weights/judge-int8.onnx        optional, not shipped: a second reader whose margin on the chosen
                                      sentence feeds the confidence (... export --as judge); the windowed
                                      reader learned "not here" itself and the judge added nothing measured

Every weight is stored beside the name of the feature it multiplies, so a reader of
the file (or of a calibration run) never has to count positions; the answering code
asks for a fit by name and computes the features that fit names.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

WEIGHTS_DIR = Path(__file__).with_name("weights")
FUSION_WEIGHTS_FILE = WEIGHTS_DIR / "fusion_weights.json"
SENTENCE_WEIGHTS_FILE = WEIGHTS_DIR / "sentence_weights.json"
SPAN_WEIGHTS_FILE = WEIGHTS_DIR / "span_weights.json"
CALIBRATION_FILE = WEIGHTS_DIR / "calibration.json"
READER_FILE = WEIGHTS_DIR / "reader-int8.onnx"
READER_META_FILE = WEIGHTS_DIR / "reader.json"
JUDGE_FILE = WEIGHTS_DIR / "judge-int8.onnx"
JUDGE_META_FILE = WEIGHTS_DIR / "judge.json"
READER_MAX_LEN = 192  # word pieces of question + window the reader is trained and run on (its record may say otherwise)

# Retrieval's second stage (qa.retrieval): features of each of the best passages of the first
#   dense                 the question's cosine with the passage vector
#   lexical               the passage's BM25 score over the question's best
#   best_sentence_cosine  the question's best cosine with one of the passage's sentences
#   best_sentence_overlap the best idf-weighted share of the question's words in one of its sentences
FUSION_FEATURES = ("dense", "lexical", "best_sentence_cosine", "best_sentence_overlap")
# the hand-set form: the first stage's 0.6 / 0.4 sum plus 0.75 x the best sentence cosine
HAND_FUSION_WEIGHTS = dict(zip(FUSION_FEATURES, (0.6, 0.4, 0.75, 0.0)))

# The sentence ranker's features, in the order `qa.answer` computes them.
SENTENCE_FEATURES = ("cosine", "overlap", "neighbour_overlap", "passage_score", "passage_cosine",
                     "passage_bm25", "inverse_rank")
HAND_SENTENCE_WEIGHTS = dict(zip(SENTENCE_FEATURES, (1.0, 1.0, 0.25, 0.5, 0.0, 0.0, 0.0)))

# The confidence fits and the features each one uses.
#   sentence_cosine   cosine of the question with the answer's best-ranked sentence
#   sentence_overlap  idf-weighted share of the question's words in that sentence
#   passage_cosine    cosine of the question with the top passage
#   reader_margin     the reader's span score over its "no answer here" score
#   judge_margin      the judge's (see above) best span score over "no answer here" in the chosen sentence
#   type_agreement    +1 the short answer has the kind the question asks for, -1 not, 0 no kind asked
#   missing_names     share of the question's names and numbers the answer's article never uses
CONFIDENCE_FEATURES = {
    "rules": ("sentence_cosine", "sentence_overlap", "passage_cosine", "type_agreement", "missing_names"),
    "reader": ("sentence_cosine", "sentence_overlap", "passage_cosine", "reader_margin", "type_agreement",
               "missing_names", "judge_margin", "missing_terms"),
}
DEFAULT_FIT = {"bias": -6.0, "weights": {"sentence_cosine": 6.0, "sentence_overlap": 4.0, "passage_cosine": 3.0},
               "threshold": 0.5}


def _read(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _write(path: Path, obj: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")
    tmp.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


# ---------------------------------------------------------------- named linear weights

def _named_weights(path: Path, features: tuple[str, ...], hand: dict[str, float], source: str) -> tuple[float, ...]:
    """Weights in `features` order: learned (the file at `path`) when it exists, else `hand`."""
    rec = _read(path) if source == "learned" else None
    named = rec["weights"] if rec else hand
    return tuple(float(named[f]) for f in features)


def _write_named_weights(path: Path, features: tuple[str, ...], weights, meta: dict) -> Path:
    _write(path, {"features": list(features),
                  "weights": {f: round(float(w), 5) for f, w in zip(features, weights)}, **meta})
    return path


def sentence_weights(source: str = "learned") -> tuple[float, ...]:
    """The sentence ranker's weights in SENTENCE_FEATURES order: learned when the file exists, else hand-set."""
    return _named_weights(SENTENCE_WEIGHTS_FILE, SENTENCE_FEATURES, HAND_SENTENCE_WEIGHTS, source)


def write_sentence_weights(weights, meta: dict) -> Path:
    return _write_named_weights(SENTENCE_WEIGHTS_FILE, SENTENCE_FEATURES, weights, meta)


def fusion_weights(source: str = "learned") -> tuple[float, ...]:
    """Retrieval's second stage in FUSION_FEATURES order: learned when the file exists, else hand-set."""
    return _named_weights(FUSION_WEIGHTS_FILE, FUSION_FEATURES, HAND_FUSION_WEIGHTS, source)


def write_fusion_weights(weights, meta: dict) -> Path:
    return _write_named_weights(FUSION_WEIGHTS_FILE, FUSION_FEATURES, weights, meta)


# ---------------------------------------------------------------- rules reader

def span_weights() -> tuple[dict[str, float], float] | None:
    """(weight per span feature, minimum score), or None when not trained."""
    rec = _read(SPAN_WEIGHTS_FILE)
    return (rec["weights"], rec["min_score"]) if rec else None


def write_span_weights(weights: dict[str, float], min_score: float, meta: dict) -> Path:
    _write(SPAN_WEIGHTS_FILE, {"weights": weights, "min_score": round(min_score, 4), **meta})
    return SPAN_WEIGHTS_FILE


# ---------------------------------------------------------------- confidence

def calibration() -> dict[str, dict]:
    """Fits by name; each has `features`, `bias`, `weights` (by feature) and `threshold`."""
    rec = _read(CALIBRATION_FILE)
    fits = dict(rec["fits"]) if rec else {}
    for name in CONFIDENCE_FEATURES:
        fits.setdefault(name, {**DEFAULT_FIT, "features": list(DEFAULT_FIT["weights"])})
    return fits


def confidence(fit: dict, features: dict[str, float]) -> float:
    """A fit's logistic score of named features. A fit made of gates (one per kind of
    unanswerable question, each shifted so its own threshold falls on the fit's)
    scores the lowest of its gates, so any one gate can refuse. A feature the answer
    lacks (the judge switched off, say) counts at its mean over the data the gate was
    fitted on."""
    return min(_logistic(g, features) for g in fit.get("gates") or [fit])


def _logistic(fit: dict, features: dict[str, float]) -> float:
    means = fit.get("means", {})
    z = fit["bias"] + sum(fit["weights"][f] * features.get(f, means.get(f, 0.0)) for f in fit["features"])
    return 1.0 / (1.0 + math.exp(-max(-700.0, min(700.0, z))))


def write_calibration_fit(name: str, fit: dict) -> Path:
    if name not in CONFIDENCE_FEATURES:
        raise ValueError(f"unknown confidence fit {name!r}; known: {', '.join(CONFIDENCE_FEATURES)}")
    if not set(fit["features"]) <= set(CONFIDENCE_FEATURES[name]):
        raise ValueError(f"the {name} fit can use {CONFIDENCE_FEATURES[name]}, not {fit['features']}")
    rec = _read(CALIBRATION_FILE) or {"fits": {}}
    rec["fits"][name] = fit
    _write(CALIBRATION_FILE, rec)
    return CALIBRATION_FILE


# ---------------------------------------------------------------- trained reader

def reader_available() -> bool:
    return READER_FILE.is_file()


def reader_meta() -> dict:
    return _read(READER_META_FILE) or {}


def judge_available() -> bool:
    return JUDGE_FILE.is_file()


def write_reader(onnx_file: Path, meta: dict, role: str = "reader") -> Path:
    """Install a trained reader model as the span reader ("reader") or the judge
    ("judge"): the ONNX file and its record (with the file's sha256)."""
    from common.hashing import sha256_file

    target, record = (READER_FILE, READER_META_FILE) if role == "reader" else (JUDGE_FILE, JUDGE_META_FILE)
    WEIGHTS_DIR.mkdir(exist_ok=True)
    tmp = target.with_name(f".tmp-{target.name}")
    tmp.write_bytes(Path(onnx_file).read_bytes())
    tmp.replace(target)
    _write(record, {**meta, "onnx_sha256": sha256_file(target)})
    return target
