#!/bin/bash
# Passage size and packing on SQuAD part A (as published, and re-cut into 2-sentence news paragraphs).
cd "$(dirname "$0")/.."
PY=.venv/bin/python; SQUAD=../shared/eval/squad-v1.1-dev-part-a.json; OUT=${1:-runs/chunks}  # usage: bash bench/chunk_sweep.sh [OUT_DIR]
run() { name=$1; shift; [ -f $OUT/$name/report.json ] && return; echo "== $name: $*"; $PY -m evaluation --squad $SQUAD --index-dir data/sweep-$name --out $OUT/$name --quiet "$@" 2>&1 | grep -E "gold_hit|^em|sentence_hit|latency_p50"; rm -rf data/sweep-$name; }
run squad-pack150
run squad-nopack150 --no-pack
run news2-nopack150 --news-paragraphs 2 --no-pack
run news2-pack150 --news-paragraphs 2
run news2-pack200 --news-paragraphs 2 --passage-words 200
run squad-pack200 --passage-words 200
run news2-pack100 --news-paragraphs 2 --passage-words 100
