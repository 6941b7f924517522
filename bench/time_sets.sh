#!/usr/bin/env bash
# Issue 26's figures: the fixture's time questions and chains, the held-out time set on new
# articles, and the fixture/shipped-article sets they must not harm.
#   bash bench/time_sets.sh OUT   (default runs/r26); log: OUT/time_sets.log
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/r26}
PY=${PY:-.venv/bin/python}
export HF_HUB_OFFLINE=1
mkdir -p "$OUT"
run() { echo "== $4"; $PY -m evaluation "$1" --corpus "$2" --index-dir "$3" --out "$OUT/$4" --quiet | tail -n +1; }
{
  run eval/news_fixture/time_questions.jsonl eval/news_fixture/corpus data/eval-fixture time
  run eval/news_fixture/followups_time.jsonl eval/news_fixture/corpus data/eval-fixture fu-time
  run eval/time_heldout/questions.jsonl eval/time_heldout/corpus data/eval-time-heldout heldout-time
  run eval/time_heldout/followups.jsonl eval/time_heldout/corpus data/eval-time-heldout heldout-time-fu
  run eval/news_fixture/questions.jsonl eval/news_fixture/corpus data/eval-fixture fixture
  run eval/news_fixture/followups.jsonl eval/news_fixture/corpus data/eval-fixture fu-news
  run eval/news_questions.jsonl corpus data/eval-news news
  run eval/followups.jsonl corpus data/eval-news fu-dea
  echo "== done"
} 2>&1 | tee "$OUT/time_sets.log"
