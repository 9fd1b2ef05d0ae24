#!/usr/bin/env bash
# Crash safety, the long run: tests/crash.rs with more kills and articles.
# `stemma index add` is killed with SIGKILL at least 20 times on one index,
# `stemma serve` at least 10 times under write load; after every kill the
# index must open, pass Index::check, answer a query and hold every
# acknowledged article (a printed line, a 200). Counts (kills, articles
# acknowledged, found, stored, failures) go to bench/out/crash.txt.
#
#   bench/crash.sh [ADD_KILLS [SERVE_KILLS [SEED]]]     (defaults 20 10 1)
#
# Environment: ADD_ARTICLES (default 3000), SERVE_ARTICLES (default 6000).
# Exit status: that of the test (0: no failure).
set -u
cd "$(dirname "$0")/.."
add_kills=${1:-20} serve_kills=${2:-10} seed=${3:-1}
out=bench/out/crash.txt
mkdir -p bench/out
cargo build --release --tests --quiet || exit 2
{
  echo "# bench/crash.sh $add_kills $serve_kills $seed: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo '+changes'), $(nproc) CPUs"
  echo "# index add: ${ADD_ARTICLES:-3000} articles, --batch 20; serve: batches of 1-8 of up to ${SERVE_ARTICLES:-6000} articles"
} >> "$out"
start=$(date +%s)
STEMMA_CRASH_ADD_KILLS=$add_kills STEMMA_CRASH_SERVE_KILLS=$serve_kills STEMMA_CRASH_SEED=$seed \
  STEMMA_CRASH_ADD_ARTICLES=${ADD_ARTICLES:-3000} STEMMA_CRASH_SERVE_ARTICLES=${SERVE_ARTICLES:-6000} \
  STEMMA_CRASH_REPORT=$out \
  cargo test --release --quiet --test crash -- --test-threads=1 --nocapture 2> bench/out/crash.log
status=$?
echo "# exit status $status after $(( $(date +%s) - start ))s (details: bench/out/crash.log)" >> "$out"
tail -n 6 "$out"
exit $status
