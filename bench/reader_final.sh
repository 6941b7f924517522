#!/usr/bin/env bash
# The shipped configuration's figures (after bench/reader_runs.sh and the calibration fit):
#   bash bench/reader_final.sh OUT   (default runs/r24); log: OUT/reader_final.log
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/r24}
PY=${PY:-.venv/bin/python}
SQUAD=../shared/eval/squad-v1.1-dev-part-a.json
export HF_HUB_OFFLINE=1
mkdir -p "$OUT"
{
  echo "== part A, whole corpus"; $PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --out "$OUT/squad" --quiet
  echo "== part A, 20% held out + generated on-topic"; $PY -m evaluation --squad $SQUAD --unanswerable-share 0.2 --on-topic-unanswerable --index-dir data/eval-squad-u20 --out "$OUT/squad-u20" --quiet
  echo "== news fixture"; $PY -m evaluation eval/news_fixture/questions.jsonl --corpus eval/news_fixture/corpus --index-dir data/eval-fixture --out "$OUT/fixture" --quiet
  echo "== shipped article"; $PY -m evaluation eval/news_questions.jsonl --corpus corpus --index-dir data/eval-news --out "$OUT/news" --quiet
  echo "== follow-up chains"
  $PY -m evaluation eval/followups.jsonl --corpus corpus --index-dir data/eval-news --out "$OUT/fu-dea" --quiet
  $PY -m evaluation eval/news_fixture/followups.jsonl --corpus eval/news_fixture/corpus --index-dir data/eval-fixture --out "$OUT/fu-news" --quiet
  echo "== held-out on-topic unanswerable questions (written before training, not tuned on)"
  $PY -m evaluation eval/news_fixture/unanswerable_heldout.jsonl --corpus eval/news_fixture/corpus --index-dir data/eval-fixture --out "$OUT/heldout" --quiet
  echo "== done"
} 2>&1 | tee -a "$OUT/reader_final.log"
