#!/usr/bin/env bash
# Refit the confidence (issue 24 item 4) for the installed reader on the settled index vectors:
#   bash bench/reader_cal.sh RUN OUT   (default runs/reader-pass2 runs/r24b); log: OUT/reader_cal.log
# fitted on training-file articles the reader never saw (training.holdout over every pass of RUN),
# then the shipped configuration's figures (bench/reader_final.sh OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${1:-runs/reader-pass2}
OUT=${2:-runs/r24b}
PY=${PY:-.venv/bin/python}
CAL=runs/cal-$(basename "$RUN").json
export HF_HUB_OFFLINE=1
mkdir -p "$OUT"
{
  echo "== held-out calibration set"; [ -f "$CAL" ] || $PY -m training.holdout --train-run "$RUN" --articles 60 --out "$CAL"
  echo "== calibration run"
  $PY -m evaluation --squad "$CAL" --unanswerable-share 0.2 --on-topic-unanswerable --index-dir "data/$(basename "$CAL" .json)" --quiet --out "$OUT/cal-train"
  echo "== fit"
  $PY -m training.calibrate "$OUT/cal-train/questions.jsonl" --gates \
      --features sentence_cosine,sentence_overlap,passage_cosine,reader_margin,type_agreement,missing_names,missing_terms \
      --max-false-refusal ${MAX_FALSE_REFUSAL:-0.035} --write
  echo "== done"
} 2>&1 | tee -a "$OUT/reader_cal.log"
