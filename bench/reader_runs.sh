#!/usr/bin/env bash
# The reader issue's measurements (issue 24), in one go, after `python -m training.reader train` ends:
#   bash bench/reader_runs.sh RUN_DIR OUT   (default runs/reader-full runs/r24); log: OUT/reader_runs.log
# 1. export the new reader to int8 ONNX (RUN_DIR/reader-int8.onnx, its record beside it)
# 2. calibration runs with the new reader, the judge on and off: fitted on training-file articles the
#    reader never saw (training.holdout), checked on part A (20% of articles held out, generated
#    on-topic unanswerable questions); the fits themselves: python -m training.calibrate (docs/results.md)
# 3. the reader alone given the gold paragraph (part A, all questions; fp32 beside int8 on 500)
# 4. reading ablation on part A (ABL_LIMIT questions, default 1,000, whole corpus, nothing refused): old
#    reader, new reader reading sentences, new reader reading windows, each with and without the type
#    rules; windows of radius 2, and 3/5/6 windows read
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${1:-runs/reader-full}
OUT=${2:-runs/r24}
PY=${PY:-.venv/bin/python}
SQUAD=../shared/eval/squad-v1.1-dev-part-a.json
NEW=$RUN/reader-int8.onnx
OLD=$OUT/old-reader-int8.onnx
export HF_HUB_OFFLINE=1
mkdir -p "$OUT"
[ -f "$OLD" ] || { git show 45e1d49:qa/weights/reader-int8.onnx > "$OLD"; git show 45e1d49:qa/weights/reader.json > "$OUT/old-reader.json"; }
{
  echo "== export"; [ -f "$NEW" ] || $PY -m training.reader export --out "$RUN"
  echo "== calibration runs"
  [ -f runs/cal-train-40.json ] || $PY -m training.holdout --train-run "$RUN" --articles 40 --out runs/cal-train-40.json
  C="$PY -m evaluation --squad runs/cal-train-40.json --unanswerable-share 0.2 --on-topic-unanswerable --index-dir data/cal-train-40 --quiet"
  U="$PY -m evaluation --squad $SQUAD --unanswerable-share 0.2 --on-topic-unanswerable --index-dir data/eval-squad-u20 --quiet"
  $C --reader-file "$NEW" --out "$OUT/cal-train"
  $C --reader-file "$NEW" --no-judge --out "$OUT/cal-train-nojudge"
  $U --reader-file "$NEW" --out "$OUT/u20"
  $U --reader-file "$NEW" --no-judge --out "$OUT/u20-nojudge"
  echo "== reader alone, gold paragraph"
  $PY -m training.reader check --out "$RUN" --squad $SQUAD --report "$OUT/alone-new.json"
  [ -f runs/ablation/alone-old.json ] && cp runs/ablation/alone-old.json "$OUT/alone-old.json" || $PY -m training.reader check --out "$RUN" --onnx "$OLD" --squad $SQUAD --report "$OUT/alone-old.json"
  if [ -d "$RUN/final" ]; then
    $PY -m training.reader check --out "$RUN" --squad $SQUAD --limit 500 --fp32 --report "$OUT/alone-new-fp32.json"
  else echo "no $RUN/final (exported from a checkpoint): the fp32 comparison is skipped"; fi
  echo "== reading ablation (part A, 1,000 questions, nothing refused)"
  E="$PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --limit ${ABL_LIMIT:-1000} --no-refusal --quiet"
  for t in "" "--no-type-rules"; do
    tag=${t:+-notype}
    $E --reader-file "$OLD" $t --out "$OUT/abl-old$tag"
    $E --reader-file "$NEW" --radius 0 $t --out "$OUT/abl-new-sent$tag"
    $E --reader-file "$NEW" $t --out "$OUT/abl-new-win$tag"
  done
  $E --reader-file "$NEW" --radius 2 --out "$OUT/abl-new-win-r2"
  for n in 3 5 6; do $E --reader-file "$NEW" --sentences $n --out "$OUT/abl-new-win-s$n"; done
  echo "== done"
} 2>&1 | tee -a "$OUT/reader_runs.log"
