#!/usr/bin/env python3
"""Story clustering on ECB+ (../shared/data/ecbplus/docs.jsonl): BCubed
precision, recall and F1 of `stemma analyze` stories against the gold
`event_cluster` (each topic holds two different events of the same kind).

Defaults were chosen on topics 1-22 ("train"); topics 23-45 ("test") are the
held-out figure. Documents in no reported story count as singletons. Also
prints what collation reported, for inspection.

    python3 eval/stories.py [--stemma target/release/stemma] [--out eval/results/stories.json] [--show N]
"""
from collections import Counter, defaultdict

from ecbplus_run import analyze, parse_args, write_result

TRAIN_TOPICS = range(1, 23)


def bcubed(gold, pred):
    """BCubed precision, recall, F1 over the items of `gold` (dicts id -> label)."""
    by_gold, by_pred = defaultdict(set), defaultdict(set)
    for i in gold:
        by_gold[gold[i]].add(i)
        by_pred[pred[i]].add(i)
    p = r = 0.0
    for i in gold:
        shared = len(by_gold[gold[i]] & by_pred[pred[i]])
        p += shared / len(by_pred[pred[i]])
        r += shared / len(by_gold[gold[i]])
    p, r = p / len(gold), r / len(gold)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main():
    args = parse_args(__doc__, "print this many conflicts for inspection")
    docs, report, elapsed = analyze(args)
    gold = {d["id"]: d["event_cluster"] for d in docs}
    topic = {d["id"]: int(d["topic"]) for d in docs}

    pred = {i: ("single", i) for i in gold}
    for s in report["stories"]:
        for d in s["documents"]:
            pred[d] = s["id"]

    rows = {}
    for name, keep in [("train (topics 1-22)", lambda t: t in TRAIN_TOPICS),
                       ("test (topics 23-45)", lambda t: t not in TRAIN_TOPICS),
                       ("all", lambda t: True)]:
        ids = [i for i in gold if keep(topic[i])]
        p, r, f = bcubed({i: gold[i] for i in ids}, {i: pred[i] for i in ids})
        rows[name] = {"documents": len(ids), "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}

    conflicts = Counter()
    for s in report["stories"]:
        for c in s["conflicts"]:
            conflicts[c["kind"]] += 1
    agreements = sum(len(s["agreements"]) for s in report["stories"])
    unique = sum(len(s["unique"]) for s in report["stories"])

    print(f"ECB+ stories: {len(docs)} documents, {len(set(gold.values()))} gold events, "
          f"{len(report['stories'])} stories reported, {elapsed:.1f} s")
    print(f"{'split':<22}{'docs':>6}{'P':>8}{'R':>8}{'F1':>8}")
    for name, row in rows.items():
        print(f"{name:<22}{row['documents']:>6}{row['precision']:>8.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}")
    print(f"collation: {agreements} agreements, {unique} unique claims, conflicts {dict(conflicts)}")

    shown = 0
    for s in report["stories"]:
        for c in s["conflicts"]:
            if shown >= args.show:
                break
            shown += 1
            print(f"\n[{s['id']}] {c['kind']} {c.get('about') or ''}")
            for st in c["statements"]:
                print(f"   {st['witness']}: \"{st['text']}\"  <- {st['citation']['text'][:160]}")

    result = {"data": "ecbplus", "documents": len(docs), "stories": len(report["stories"]),
              "seconds": round(elapsed, 2), "bcubed": rows, "agreements": agreements,
              "unique_claims": unique, "conflicts": dict(conflicts), "config": report["config"]["stories"]}
    write_result(args.out, result)


if __name__ == "__main__":
    main()
