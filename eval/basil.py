#!/usr/bin/env python3
"""Derived pairs on BASIL (../shared/data/basil/docs.jsonl): 300 dated
political articles, 100 events each reported by three outlets, meant to be
independent of one another.

Runs `stemma analyze --format json` on the corpus and lists every derived
pair it reports, with the judgement made by reading it (eval/labels/basil.json).
Precision counts pairs judged derived or partial as right; a reported pair
nobody has judged yet is printed as UNJUDGED: read it, then add it to the
labels file.

    python3 eval/basil.py [--stemma target/release/stemma] [--out eval/results/basil.json]
"""
import json
import os
import sys

from ecbplus_run import REPO, analyze, parse_args, write_result

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(REPO, "..", "shared", "data", "basil", "docs.jsonl")


def main():
    args = parse_args(__doc__, "unused", data=DATA)
    _, report, elapsed = analyze(args)
    judged = {frozenset(p["members"]): p for p in
              json.load(open(os.path.join(HERE, "labels", "basil.json"), encoding="utf-8"))["pairs"]}
    rows = []
    for r in report["relations"]:
        j = judged.get(frozenset((r["a"], r["b"])))
        rows.append({"a": r["a"], "b": r["b"], "kind": r["kind"], "judged": j["label"] if j else None})
    right = sum(1 for x in rows if x["judged"] in ("derived", "partial"))
    unjudged = [x for x in rows if x["judged"] is None]
    result = {
        "documents": len(report["documents"]),
        "seconds": round(elapsed, 2),
        "derived_pairs_reported": len(rows),
        "judged_right": right,
        "judged_wrong": sum(1 for x in rows if x["judged"] == "independent"),
        "unjudged": len(unjudged),
        "precision": round(right / len(rows), 3) if rows else None,
        "pairs": rows,
    }
    print("BASIL derived pairs")
    for k, v in result.items():
        if k != "pairs":
            print(f"  {k:<26} {v}")
    for x in rows:
        print(f"  {x['kind']:<9} {x['a']} ~ {x['b']}: {x['judged'] or 'UNJUDGED: read it and add it to eval/labels/basil.json'}")
    write_result(args.out or os.path.join(HERE, "results", "basil.json"), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
