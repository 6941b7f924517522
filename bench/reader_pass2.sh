#!/usr/bin/env bash
# A further pass of the reader (issue 24), measured against the shipped reader before it is installed:
#   bash bench/reader_pass2.sh RUN OUT   (default runs/reader-pass2 runs/r24b); log: OUT/reader_pass2.log
#   NAME=pass3 bash bench/reader_pass2.sh runs/reader-pass3 runs/r24c   (outputs named alone-pass3, squad-pass3)
# 1. export RUN to int8 ONNX (RUN/reader-int8.onnx, its record beside it; not installed)
# 2. the reader alone given the gold paragraph (part A, ALONE_LIMIT questions, default 1,500, the same
#    sample for both), this one and the shipped one
# 3. part A, whole corpus, nothing refused (ANSWER_LIMIT questions, default all): EM/F1 and sentence-hit
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${1:-runs/reader-pass2}
OUT=${2:-runs/r24b}
NAME=${NAME:-pass2}
PY=${PY:-.venv/bin/python}
SQUAD=../shared/eval/squad-v1.1-dev-part-a.json
export HF_HUB_OFFLINE=1
mkdir -p "$OUT"
{
  echo "== export"; [ -f "$RUN/reader-int8.onnx" ] || $PY -m training.reader export --out "$RUN"
  echo "== reader alone, gold paragraph"
  $PY -m training.reader check --out "$RUN" --squad $SQUAD --limit ${ALONE_LIMIT:-1500} --report "$OUT/alone-$NAME.json"
  $PY -m training.reader check --out "$RUN" --onnx qa/weights/reader-int8.onnx --squad $SQUAD --limit ${ALONE_LIMIT:-1500} --report "$OUT/alone-shipped.json"
  echo "== part A, whole corpus, nothing refused"
  E="$PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --no-refusal --quiet ${ANSWER_LIMIT:+--limit $ANSWER_LIMIT}"
  $E --reader-file "$RUN/reader-int8.onnx" --out "$OUT/squad-$NAME"
  [ -f "$OUT/squad-shipped/report.json" ] || $E --reader-file qa/weights/reader-int8.onnx --out "$OUT/squad-shipped"
  echo "== done"
} 2>&1 | tee -a "$OUT/reader_pass2.log"
