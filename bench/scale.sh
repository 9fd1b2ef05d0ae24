#!/usr/bin/env bash
# Time and peak memory of `stemma analyze` on generated corpora of given sizes.
#
#   bench/scale.sh 10000 [100000 ...]
#
# Generates each corpus (bench/gen_corpus.py, seed 1) under bench/out/, runs the
# full analysis with JSON output under /usr/bin/time -v, and prints one line per
# size: documents, wall seconds, peak RSS, relations found, and the recall of
# the injected copies (any derived kind) from the truth file.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 10000
cargo build --release --quiet
mkdir -p bench/out
printf '%-9s %9s %10s %10s %8s\n' docs wall_s peak_MiB relations recall
for n in "$@"; do
  corpus=bench/out/corpus-$n.jsonl truth=bench/out/truth-$n.jsonl
  [ -s "$corpus" ] || python3 bench/gen_corpus.py --docs "$n" --seed 1 --out "$corpus" --truth "$truth" 2>/dev/null
  /usr/bin/time -v ./target/release/stemma analyze "$corpus" --format json -o bench/out/report-$n.json 2> bench/out/time-$n.txt
  wall=$(awk -F': ' '/Elapsed/ {print $2}' bench/out/time-$n.txt | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' bench/out/time-$n.txt)
  python3 - "$n" "$wall" "$rss" bench/out/report-$n.json "$truth" <<'PY'
import json, sys
n, wall, rss, report, truth = sys.argv[1:]
r = json.load(open(report))
found = {frozenset((x["a"], x["b"])) for x in r["relations"]}
t = [json.loads(l) for l in open(truth)]
hit = sum(frozenset((x["copy"], x["source"])) in found for x in t)
print(f"{n:<9} {float(wall):9.1f} {rss:>10} {len(found):10} {hit / len(t):8.3f}")
PY
done
