#!/usr/bin/env bash
# Every figure of docs/results.md (and the README's headline figures), in one go.
# Usage: bash bench/run_all.sh [OUT_DIR]   (default runs/); logs to OUT_DIR/run_all.log
# then:  python -m bench.tables OUT_DIR --write docs/results.md
# The peer comparison needs the peers' packages: PEERS_PY=/path/to/python with
# requirements.txt and bench/requirements.txt installed (skipped when unset).
# WITH_UPDATES=1 adds the index-update runs (1x and 2x corpus); WITH_10X=1 the 10x-corpus memory run;
# WITH_BUILD=1 the full-build benchmark (python -m bench.build --ray: about 30 minutes).
# A stopped run resumes: RESUME=1 bash bench/run_all.sh OUT keeps the index folders and skips every step
# whose output OUT already holds (the refusal levers are fitted again, in seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs}
SQUAD=../shared/eval/squad-v1.1-dev-part-a.json
PY=${PY:-.venv/bin/python}
export HF_HUB_OFFLINE=1
mkdir -p "$OUT"
if [ "${RESUME:-0}" != 1 ]; then
  rm -rf data/eval-news data/eval-squad data/eval-squad-u20 data/cal-u20-s1 data/eval-fixture data/eval-news2 \
    data/eval-news2-nopack data/eval-squad-late data/eval-u20-late
fi
rm -f "$OUT/calibration/levers.jsonl"; mkdir -p "$OUT/calibration"
CAL="$PY -m training.calibrate $OUT/cal-s1/questions.jsonl --check $OUT/squad-u20/questions.jsonl --report $OUT/calibration/levers.jsonl"
# made PATH: true (so the step is skipped) when resuming and PATH is there: a JSON file, or a folder holding
# the JSON report a step writes when it ends
made() { [ "${RESUME:-0}" = 1 ] && { [ -f "$1" ] || compgen -G "$1/*.json" > /dev/null; } && echo "(resumed: $1 is there)"; }
{
  echo "== index build of the shipped corpus"; /usr/bin/time -f "wall %e s, peak RSS %M KB" $PY -m index build --full --quiet --index-dir data/eval-news
  echo "== news question set"; made "$OUT/news" || $PY -m evaluation eval/news_questions.jsonl --index-dir data/eval-news --out "$OUT/news" --quiet
  echo "== news fixture (eval/news_fixture)"; made "$OUT/fixture" || $PY -m evaluation eval/news_fixture/questions.jsonl --corpus eval/news_fixture/corpus --index-dir data/eval-fixture --out "$OUT/fixture" --quiet
  echo "== SQuAD part A re-cut as 2-sentence news paragraphs: packed, and not"
  made "$OUT/squad-news2" || $PY -m evaluation --squad $SQUAD --news-paragraphs 2 --index-dir data/eval-news2 --out "$OUT/squad-news2" --quiet
  made "$OUT/squad-news2-nopack" || $PY -m evaluation --squad $SQUAD --news-paragraphs 2 --no-pack --index-dir data/eval-news2-nopack --out "$OUT/squad-news2-nopack" --quiet
  echo "== HTML cleaning: trafilatura vs our cleaner"; made "$OUT/html.json" || $PY -m bench.html --out "$OUT/html.json"
  echo "== wire copies at 100,000 articles"; made "$OUT/wire.json" || $PY -m bench.wire --articles 100000 --out "$OUT/wire.json"
  echo "== SQuAD part A, whole corpus (index build included)"; made "$OUT/squad" || /usr/bin/time -f "wall %e s, peak RSS %M KB" $PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --out "$OUT/squad" --quiet
  echo "== SQuAD part A, 20% of articles held out (off-topic) + generated on-topic unanswerable"; made "$OUT/squad-u20" || $PY -m evaluation --squad $SQUAD --unanswerable-share 0.2 --on-topic-unanswerable --index-dir data/eval-squad-u20 --out "$OUT/squad-u20" --quiet
  echo "== ablation: no whole-answer widening"; made "$OUT/ablation-no-whole" || $PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --no-whole-answers --out "$OUT/ablation-no-whole" --quiet
  echo "== calibration run: SQuAD part A, seed 1 (other held-out articles, other generated questions)"; made "$OUT/cal-s1" || $PY -m evaluation --squad $SQUAD --unanswerable-share 0.2 --seed 1 --on-topic-unanswerable --index-dir data/cal-u20-s1 --out "$OUT/cal-s1" --quiet
  echo "== refusal levers (fitted on seed 1, checked on the seed-0 run)"
  $CAL --label "v1: one fit, cosines + overlap + reader margin" --features sentence_cosine,sentence_overlap,passage_cosine,reader_margin
  $CAL --label "+ type agreement, missing names" --features sentence_cosine,sentence_overlap,passage_cosine,reader_margin,type_agreement,missing_names
  $CAL --label "+ one gate per kind" --gates --features sentence_cosine,sentence_overlap,passage_cosine,reader_margin,type_agreement,missing_names
  $CAL --label "+ missing terms, off-topic held at 0.95 (shipped)" --gates --min-off-topic 0.95
  $CAL --check $OUT/fixture/questions.jsonl --label "shipped fit, checked on the news fixture" --gates --min-off-topic 0.95
  echo "== ablation: 3 sentences read"; made "$OUT/ablation-3-sentences" || $PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --sentences 3 --out "$OUT/ablation-3-sentences" --quiet
  echo "== ablation: answer-type rules instead of the trained reader"; made "$OUT/ablation-rules" || $PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --reader rules --out "$OUT/ablation-rules" --quiet
  echo "== ablation: no short answers (answer = sentence)"; made "$OUT/ablation-no-spans" || $PY -m evaluation --squad $SQUAD --index-dir data/eval-squad --no-spans --out "$OUT/ablation-no-spans" --quiet
  if [ -n "${PEERS_PY:-}" ]; then
    echo "== retrieval beside peer stacks"; made "$OUT/peers" || $PEERS_PY -m bench.peers --squad $SQUAD --index-dir data/eval-squad --out "$OUT/peers" 2>/dev/null \
      || echo "peers failed: PEERS_PY needs requirements.txt and bench/requirements.txt installed"
    echo "== the same on news-shaped paragraphs"; made "$OUT/peers-news" || $PEERS_PY -m bench.peers --squad $SQUAD --news-paragraphs 2 --index-dir data/peers-news --systems ours-hybrid,ours-dense,bm25s,txtai-dense,txtai-hybrid --out "$OUT/peers-news" 2>/dev/null \
      || echo "peers failed: PEERS_PY needs requirements.txt and bench/requirements.txt installed"
  fi
  echo "== speed: embedding paths, cold start, latency at scale"; made "$OUT/bench" || $PY -m bench --squad $SQUAD --out "$OUT/bench"
  echo "== click-to-answer in the browser"; made "$OUT/browser" || $PY -m bench.browser --out "$OUT/browser"
  echo "== load: 8 clients x 50 questions, with and without 2 rebuilds; memory over 20 rebuilds"
  made "$OUT/load" || $PY -m bench.load --clients 8 --questions 50 --rebuilds 2 --out "$OUT/load"
  made "$OUT/load-long" || $PY -m bench.load --clients 8 --questions 100 --rebuilds 2 --via api --memory-rebuilds 20 --out "$OUT/load-long"
  echo "== follow-up chains: rewritten (now) and keywords (version 1)"
  for m in rewrite keywords; do
    $PY -m evaluation eval/followups.jsonl --corpus corpus --follow-ups $m --out "$OUT/fu-$m-dea" --quiet
    $PY -m evaluation eval/news_fixture/followups.jsonl --corpus eval/news_fixture/corpus --follow-ups $m --out "$OUT/fu-$m-news" --quiet
  done
  echo "== late sentence vectors (one pass over the passages) against separate ones"
  made "$OUT/late-squad" || $PY -m evaluation --squad $SQUAD --sentence-vectors late --index-dir data/eval-squad-late --out "$OUT/late-squad" --quiet
  made "$OUT/late-u20" || $PY -m evaluation --squad $SQUAD --sentence-vectors late --unanswerable-share 0.2 --on-topic-unanswerable --index-dir data/eval-u20-late --out "$OUT/late-u20" --quiet
  echo "== 20 articles added from the page while a client asks"; made "$OUT/upload" || $PY -m bench.upload --articles 20 --out "$OUT/upload"
  echo "== fuzzing: 10,500 generated inputs, timed"; made "$OUT/fuzz" || $PY -m bench.fuzz --examples 1500 --out "$OUT/fuzz"
  if [ "${WITH_UPDATES:-0}" = 1 ]; then
    echo "== index updates: full build vs one added article (1x and 2x the SQuAD corpus)"
    made "$OUT/update-1x" || $PY -m bench.update --squad $SQUAD --out "$OUT/update-1x"
    made "$OUT/update-2x" || $PY -m bench.update --squad $SQUAD --repeat 2 --out "$OUT/update-2x"
  fi
  if [ "${WITH_BUILD:-0}" = 1 ]; then
    echo "== full builds: part A now and at d644ffc, Ray 1 and 2 workers, 10,000-article archive (and 2,500, 5,000, at ccc85ff), reader processes, +100"
    made "$OUT/build" || $PY -m bench.build --ray --out "$OUT/build"
  fi
  if [ "${WITH_10X:-0}" = 1 ]; then
    echo "== peak memory at 10x the corpus"; made "$OUT/update-10x" || $PY -m bench.update --squad $SQUAD --repeat 10 --out "$OUT/update-10x"
  fi
} 2>&1 | tee $([ "${RESUME:-0}" = 1 ] && echo -a) "$OUT/run_all.log"
