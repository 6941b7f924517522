#!/usr/bin/env bash
# Every follow-up chain set: the shipped article's, the fixture's (news and time), the held-out
# time set's, and eval/chains_heldout (written before the rules of 2026-12-01).
#   bash bench/chain_sets.sh OUT   (default runs/chains); log: OUT/chain_sets.log
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/chains}
PY=${PY:-.venv/bin/python}
export HF_HUB_OFFLINE=1
mkdir -p "$OUT"
run() { echo "== $4"; $PY -m evaluation "$1" --corpus "$2" --index-dir "$3" --out "$OUT/$4" --quiet; }
{
  run eval/followups.jsonl corpus data/eval-news fu-dea
  run eval/news_fixture/followups.jsonl eval/news_fixture/corpus data/eval-fixture fu-news
  run eval/news_fixture/followups_time.jsonl eval/news_fixture/corpus data/eval-fixture fu-time
  run eval/time_heldout/followups.jsonl eval/time_heldout/corpus data/eval-time-heldout heldout-time-fu
  run eval/chains_heldout/fixture.jsonl eval/news_fixture/corpus data/eval-fixture chains-fixture
  run eval/chains_heldout/time_heldout.jsonl eval/time_heldout/corpus data/eval-time-heldout chains-heldout
  echo "== done"
} 2>&1 | tee "$OUT/chain_sets.log"
