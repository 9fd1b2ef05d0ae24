#!/usr/bin/env python3
"""Copies in a realistic corpus: ECB+ (../shared/data/ecbplus/docs.jsonl).

Runs `stemma analyze --format json` on the corpus and scores it against what
the corpus offers: gold event clusters (a derived pair across two clusters is
an error), the wire copies measured in it (pairs with word 5-gram Jaccard
>= 0.5, all inside one cluster), which must be found as duplicate/version,
and the copy labels made by reading every cluster (eval/labels/ecbplus):
precision and recall of derived relations on topics 1-22 (train) and 23-45
(test). `--show N` prints N false relations against the labels.

    python3 eval/ecbplus.py [--stemma target/release/stemma] [--out eval/results/ecbplus.json]
"""
import re
import sys
from collections import Counter
from itertools import combinations

from ecbplus_labels import score as score_labels
from ecbplus_run import analyze, parse_args, write_result


def shingles(text, k=5):
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}


def main():
    args = parse_args(__doc__, "print this many within-cluster rewrites for inspection")
    docs, report, elapsed = analyze(args)
    cluster = {d["id"]: d["event_cluster"] for d in docs}
    texts = {d["id"]: d["text"] for d in docs}

    relations = report["relations"]

    # Wire copies measured in the corpus: 5-gram Jaccard >= 0.5 within a topic.
    sh = {i: shingles(t) for i, t in texts.items()}
    by_topic = {}
    for d in docs:
        by_topic.setdefault(d["topic"], []).append(d["id"])
    copies = set()
    for ids in by_topic.values():
        for a, b in combinations(ids, 2):
            inter = len(sh[a] & sh[b])
            if inter and inter / len(sh[a] | sh[b]) >= 0.5:
                copies.add(frozenset((a, b)))

    found = {frozenset((r["a"], r["b"])): r for r in relations}
    kinds = Counter(r["kind"] for r in relations)
    cross = [r for r in relations if cluster[r["a"]] != cluster[r["b"]]]
    copies_found = [p for p in copies if p in found and found[p]["kind"] in ("duplicate", "version")]
    copies_any = [p for p in copies if p in found]
    result = {
        "documents": len(docs),
        "seconds": round(elapsed, 2),
        "relations": len(relations),
        "by_kind": dict(kinds),
        "cross_cluster_relations": len(cross),
        "wire_copies_measured": len(copies),
        "wire_copies_found_as_duplicate_or_version": len(copies_found),
        "wire_copies_found_any_kind": len(copies_any),
        "wire_copy_recall": round(len(copies_found) / len(copies), 3) if copies else None,
        "relations_beyond_wire_copies": len([p for p in found if p not in copies]),
    }
    labelled, false = score_labels(docs, relations)
    result["labelled"] = labelled
    print("ECB+ copies")
    for k, v in result.items():
        print(f"  {k:<44} {v}")
    for r in cross:
        print(f"  CROSS-CLUSTER: {r['kind']} {r['a']} {r['b']} cov {r['coverage_a']}/{r['coverage_b']}")
    for p in sorted(copies - set(map(frozenset, copies_found)), key=sorted):
        a, b = sorted(p)
        got = found.get(p)
        print(f"  missed wire copy: {a} {b} ({got['kind'] if got else 'no relation'})")
    for r in false[:args.show]:
        print(f"\n  {r['kind']} {r['a']} ~ {r['b']} cov {r['coverage_a']}/{r['coverage_b']} verbatim {r['verbatim_share']}")
        for line in (texts[r["a"]].split("\n")[:4]):
            print("     A:", line[:120])
        for line in (texts[r["b"]].split("\n")[:4]):
            print("     B:", line[:120])
    write_result(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
