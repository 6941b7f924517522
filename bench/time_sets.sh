#!/usr/bin/env bash
# Issue 26's figures: the fixture's time questions and chains, the held-out time set on new
# articles, and the fixture/shipped-article sets they must not harm; with "chains", every
# follow-up chain set instead (those four among them, and eval/chains_heldout, written before
# the follow-up rules of 2026-12-01).
#   bash bench/time_sets.sh OUT [chains]   (default runs/r26); log: OUT/time_sets.log or OUT/chain_sets.log
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/r26}
PY=${PY:-.venv/bin/python}
export HF_HUB_OFFLINE=1
mkdir -p "$OUT"
run() { echo "== $4"; $PY -m evaluation "$1" --corpus "$2" --index-dir "$3" --out "$OUT/$4" --quiet | tail -n +1; }
F="eval/news_fixture/corpus data/eval-fixture"
H="eval/time_heldout/corpus data/eval-time-heldout"
if [ "${2:-}" = chains ]; then
  {
    run eval/followups.jsonl corpus data/eval-news fu-dea
    run eval/news_fixture/followups.jsonl $F fu-news
    run eval/news_fixture/followups_time.jsonl $F fu-time
    run eval/time_heldout/followups.jsonl $H heldout-time-fu
    run eval/chains_heldout/fixture.jsonl $F chains-fixture
    run eval/chains_heldout/time_heldout.jsonl $H chains-heldout
    echo "== done"
  } 2>&1 | tee "$OUT/chain_sets.log"
  exit 0
fi
{
  run eval/news_fixture/time_questions.jsonl $F time
  run eval/news_fixture/followups_time.jsonl $F fu-time
  run eval/time_heldout/questions.jsonl $H heldout-time
  run eval/time_heldout/followups.jsonl $H heldout-time-fu
  run eval/news_fixture/questions.jsonl $F fixture
  run eval/news_fixture/followups.jsonl $F fu-news
  run eval/news_questions.jsonl corpus data/eval-news news
  run eval/followups.jsonl corpus data/eval-news fu-dea
  echo "== done"
} 2>&1 | tee "$OUT/time_sets.log"
