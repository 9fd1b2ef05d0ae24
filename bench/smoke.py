#!/usr/bin/env python3
"""CI smoke benchmark: the full analysis and near-duplicate mode on a
generated 10,000-document corpus; fails when quality drops below the targets.

    python3 bench/smoke.py [--docs 10000]

Targets: injected rewrites found with recall >= 0.95 and precision >= 0.98
(precision over all derived pairs: right when both documents belong to one
injected family); near-duplicate mode finds >= 0.95 of the injected copies
whose word 5-gram Jaccard is at least 0.5, with precision >= 0.98. Timings
are printed for information only; performance claims live in RESULTS.md.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import OUT, REPO, STEMMA, family_of, score, true_near_duplicates  # noqa: E402

SHARED = os.path.join(REPO, "..", "shared", "data")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10000)
    args = ap.parse_args()
    if not os.path.isdir(SHARED):
        print(f"\n!!! SKIPPED bench/smoke.py: {SHARED} is absent; the generator learns from it !!!\n")
        return 0
    os.makedirs(OUT, exist_ok=True)
    n = args.docs
    corpus = os.path.join(OUT, f"corpus-{n}.jsonl")
    truth = os.path.join(OUT, f"truth-{n}.jsonl")
    if not os.path.exists(corpus):
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "gen_corpus.py"), "--docs", str(n),
                        "--seed", "1", "--out", corpus, "--truth", truth], check=True, stderr=subprocess.DEVNULL)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    family, kinds = family_of(truth)
    near = true_near_duplicates(corpus, kinds, 0.5)

    failures = []
    results = {}
    for mode, listing in (("analyze", "relations"), ("dedup", "pairs")):
        t0 = time.time()
        report = os.path.join(OUT, f"smoke-{mode}-{n}.json")
        subprocess.run([STEMMA, mode, "--format", "json", "-o", report, corpus], check=True)
        seconds = time.time() - t0
        found = score([(p["a"], p["b"]) for p in json.load(open(report))[listing]], family, kinds, near)
        results[mode] = found
        print(f"smoke {n} documents: {mode} {seconds:.1f}s precision {found['precision']} recall {found['recall']}")
        if found["precision"] < 0.98:
            failures.append(f"{mode}: precision {found['precision']} < 0.98")
    # The full analysis must find rewrites; near-duplicate mode, near-duplicates.
    for mode, kind in (("analyze", "rewrite"), ("dedup", "near_duplicate")):
        if results[mode]["recall"][kind] < 0.95:
            failures.append(f"{mode}: {kind} recall {results[mode]['recall'][kind]} < 0.95")
    checks = 4
    print(f"smoke: {checks - len(failures)} passed, {len(failures)} failed")
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
