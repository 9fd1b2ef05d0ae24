#!/usr/bin/env python3
"""CI's floor under every visible evaluation: runs each evaluation into a
temporary folder and fails when a figure falls below the one recorded in
eval/results/ (the evaluations are deterministic, so the measured noise is
nil: a floor is the recorded figure, and a bound on errors is the recorded
count). After a change that raises a figure, re-run the evaluations with
their default output paths and commit the result files, which raises the
floor.

    python3 eval/floors.py [--stemma target/release/stemma]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# (evaluation script, result file, [(path into the result, "min" | "max")]).
# "min": the figure may not fall; "max": a count of errors may not rise.
FLOORS = [
    ("seeds.py", "seeds.json", [
        (("groups", "relations", "found"), "min"),
        (("groups", "altered quotations", "found"), "min"),
        (("groups", "changed facts and attributions", "found"), "min"),
    ]),
    ("ecbplus.py", "ecbplus.json", [
        (("cross_cluster_relations",), "max"),
        (("wire_copies_found_as_duplicate_or_version",), "min"),
        (("labelled", "all", "precision"), "min"),
        (("labelled", "test", "precision"), "min"),
        (("labelled", "all", "recall"), "min"),
    ]),
    ("basil.py", "basil.json", [
        (("judged_wrong",), "max"),
        (("unjudged",), "max"),
    ]),
    ("rewrites.py", "rewrites.json", [
        (("by_split", "all", "found"), "min"),
        (("by_split", "all", "false_relations"), "max"),
        (("by_split", "all", "direction", "right"), "min"),
        (("by_split", "all", "direction", "wrong"), "max"),
        (("by_split", "all", "altered_quotes", "found"), "min"),
        (("by_split", "all", "changed_facts", "found"), "min"),
        (("by_split", "all", "meaning_shifts", "found"), "min"),
        (("by_split", "all", "dropped_attributions", "found"), "min"),
    ]),
    ("stories.py", "stories.json", [
        (("bcubed", "all", "f1"), "min"),
        (("bcubed", "test (topics 23-45)", "f1"), "min"),
        (("stories_mixing_events",), "max"),
        (("basil", "bcubed", "all", "f1"), "min"),
        (("basil", "bcubed", "test (2015-2019)", "f1"), "min"),
        (("basil", "stories_mixing_events"), "max"),
        (("conflicts_judged", "all", "precision"), "min"),
        (("conflicts_judged", "all", "not_real"), "max"),
        (("conflicts_judged", "all", "unjudged"), "max"),
    ]),
    ("extract.py", "extract.json", [
        (("by_split", "all", "text", "f1"), "min"),
        (("by_split", "test", "text", "f1"), "min"),
        (("by_split", "all", "title", "correct"), "min"),
        (("by_split", "all", "site_name", "correct"), "min"),
        (("by_split", "all", "published_date", "correct"), "min"),
        (("by_split", "all", "text", "pages_f1_below_0_8"), "max"),
    ]),
]


def get(d, path):
    for key in path:
        d = d[key]
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stemma", default=os.path.join(REPO, "target", "release", "stemma"))
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(REPO, "..", "shared", "data")):
        print("\n!!! SKIPPED: ../shared is absent; the evaluation floors need it beside the repository !!!\n")
        return 0
    passed, failed = 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for script, result, checks in FLOORS:
            out = os.path.join(tmp, result)
            proc = subprocess.run([sys.executable, os.path.join(HERE, script), "--stemma", args.stemma, "--out", out],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"FAIL {script}: exit {proc.returncode}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
                failed += 1
                continue
            recorded = json.load(open(os.path.join(HERE, "results", result), encoding="utf-8"))
            now = json.load(open(out, encoding="utf-8"))
            for path, sense in checks:
                floor, value = get(recorded, path), get(now, path)
                ok = value >= floor if sense == "min" else value <= floor
                name = f"{script} {'.'.join(path)}"
                print(f"{'ok  ' if ok else 'FAIL'} {name:<58} {value} ({'floor' if sense == 'min' else 'ceiling'} {floor})")
                passed += ok
                failed += not ok
    print(f"floors: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
