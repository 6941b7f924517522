#!/usr/bin/env bash
# Every figure in the README's results tables, in one go (about 45 minutes on 2 cores).
# Usage: bash bench/run_all.sh [OUT_DIR]   (default runs/); logs to OUT_DIR/run_all.log
# WITH_UPDATES=1 adds the index-update runs (1x and 2x corpus, about 10 minutes more);
# WITH_10X=1 adds the 10x-corpus memory run (about 25 minutes more).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs}
SQUAD=../shared/eval/squad-v1.1-dev-part-a.json
PY=${PY:-.venv/bin/python}
export HF_HUB_OFFLINE=1
mkdir -p "$OUT"
rm -rf data/eval-news data/eval-squad data/eval-squad-u20
{
  echo "== index build of the shipped corpus"; /usr/bin/time -f "wall %e s, peak RSS %M KB" $PY -m index build --full --quiet --index-dir data/eval-news
  echo "== news question set"; $PY -m evaluation eval/news_questions.jsonl --index-dir data/eval-news --out "$OUT/news" --quiet
  echo "== SQuAD part A, whole corpus (index build included)"; /usr/bin/time -f "wall %e s, peak RSS %M KB" $PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --out "$OUT/squad" --quiet
  echo "== SQuAD part A, 20% of articles held out (unanswerable)"; $PY -m evaluation --squad $SQUAD --unanswerable-share 0.2 --index-dir data/eval-squad-u20 --out "$OUT/squad-u20" --quiet
  echo "== ablation: answer-type rules instead of the trained reader"; $PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --reader rules --out "$OUT/ablation-rules" --quiet
  echo "== ablation: no short answers (answer = sentence)"; $PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --no-spans --out "$OUT/ablation-no-spans" --quiet
  echo "== retrieval beside peer stacks"; $PY -m bench.peers --squad $SQUAD --index-dir data/eval-squad --out "$OUT/peers" 2>/dev/null
  echo "== speed: embedding paths, cold start, latency at scale"; $PY -m bench --squad $SQUAD --out "$OUT/bench"
  echo "== click-to-answer in the browser"; $PY -m bench.browser --out "$OUT/browser"
  if [ "${WITH_UPDATES:-0}" = 1 ]; then
    echo "== index updates: full build vs one added article (1x and 2x the SQuAD corpus)"
    $PY -m bench.update --squad $SQUAD --out "$OUT/update-1x"
    $PY -m bench.update --squad $SQUAD --repeat 2 --out "$OUT/update-2x"
  fi
  if [ "${WITH_10X:-0}" = 1 ]; then
    echo "== peak memory at 10x the corpus"; $PY -m bench.update --squad $SQUAD --repeat 10 --out "$OUT/update-10x"
  fi
} 2>&1 | tee "$OUT/run_all.log"
