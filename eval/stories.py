#!/usr/bin/env python3
"""Story clustering against gold events, on two sets, each split in a train
half (where settings were chosen) and a held-out test half:

- ECB+ (../shared/data/ecbplus/docs.jsonl): no dates, two events of one kind
  per topic; gold `event_cluster`. Train: topics 1-22; test: topics 23-45.
- BASIL (../shared/data/basil/docs.jsonl): 100 dated political events,
  three outlets each; gold `event`. Train: published 2010-2014; test:
  2015-2019.

For each split: BCubed and pairwise precision, recall and F1 of the stories
of one `stemma analyze` run over the whole set (documents in no story are
singletons), beside a baseline: TF-IDF cosine with average linkage, its
threshold tuned on train and applied to test ("baseline"), and tuned on the
split itself ("baseline tuned here", a ceiling for the baseline, not a fair
figure). Also prints what collation reported, and the precision of its
conflicts on ECB+, BASIL and the seeds against the judgments in
eval/labels/conflicts.json (each conflict read and judged a real
disagreement or not; a conflict not judged there is counted apart).

    python3 eval/stories.py [--stemma target/release/stemma] [--out eval/results/stories.json] [--show N]
"""
import heapq
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

from ecbplus_run import REPO, parse_args, write_result

BASIL = os.path.join(REPO, "..", "shared", "data", "basil", "docs.jsonl")
SEEDS = os.path.join(REPO, "..", "shared", "seeds")
CONFLICT_LABELS = os.path.join(REPO, "eval", "labels", "conflicts.json")


def conflict_key(c):
    """What identifies a reported conflict in eval/labels/conflicts.json."""
    return c["kind"] + "|" + "|".join(sorted(f"{st['citation']['document']}#{st['citation']['sentence']}:{st['text']}"
                                             for st in c["statements"]))


def conflict_precision(reports):
    """Judged conflicts of each set: real, not real, unjudged, precision."""
    labels = {}
    if os.path.exists(CONFLICT_LABELS):
        labels = {l["key"]: l["label"] for l in json.load(open(CONFLICT_LABELS, encoding="utf-8"))["labels"]}
    out = {}
    for name, report in reports.items():
        got = Counter(labels.get(conflict_key(c), "unjudged") for s in report["stories"] for c in s["conflicts"])
        judged = got["real"] + got["not_real"]
        out[name] = {"conflicts": sum(got.values()), "real": got["real"], "not_real": got["not_real"],
                     "unjudged": got["unjudged"], "precision": round(got["real"] / judged, 3) if judged else None}
    total = {k: sum(v[k] for v in out.values()) for k in ("conflicts", "real", "not_real", "unjudged")}
    judged = total["real"] + total["not_real"]
    out["all"] = {**total, "precision": round(total["real"] / judged, 3) if judged else None}
    return out
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


def pairwise(gold, pred):
    """Pairwise precision, recall, F1: pairs put together vs pairs of one gold event."""
    def pairs(labels):
        groups = defaultdict(list)
        for i, l in labels.items():
            groups[l].append(i)
        return {(a, b) for g in groups.values() for a in g for b in g if a < b}
    g, p = pairs(gold), pairs(pred)
    tp = len(g & p)
    prec = tp / len(p) if p else 1.0
    rec = tp / len(g) if g else 1.0
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def scores(gold, pred):
    bp, br, bf = bcubed(gold, pred)
    pp, pr, pf = pairwise(gold, pred)
    r4 = lambda x: round(x, 4)
    return {"documents": len(gold), "precision": r4(bp), "recall": r4(br), "f1": r4(bf),
            "pairwise": {"precision": r4(pp), "recall": r4(pr), "f1": r4(pf)}}


# The baseline: TF-IDF cosine and average linkage, standard library only.

STOP = set("""a about after again against all also an and any are as at be because been before being
between both but by can could did do does during each few for from further had has have having he her
here hers him his how i if in into is it its itself just me more most my no nor not now of off on once
only or other our out over own said same says she should so some such than that the their them then
there these they this those through to too under until up very was we were what when where which while
who whom why will with would you your""".split())


def tfidf(texts):
    """Unit TF-IDF vectors (sublinear tf, smoothed idf) of lowercase words less stopwords."""
    bags = [Counter(w for w in re.findall(r"[a-z0-9]+", t.lower()) if w not in STOP) for t in texts]
    df = Counter(w for b in bags for w in b)
    n = len(texts)
    out = []
    for b in bags:
        v = {w: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1) for w, c in b.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({w: x / norm for w, x in v.items()})
    return out


def dendrogram(vectors):
    """Average-linkage merges `(height, a, b)` over cosine, highest first (average
    linkage has no inversions, so cutting at a threshold applies a prefix)."""
    n = len(vectors)
    index = defaultdict(list)
    for i, v in enumerate(vectors):
        for w, x in v.items():
            index[w].append((i, x))
    sums = [defaultdict(float) for _ in range(n)]
    for i, v in enumerate(vectors):
        for w, x in v.items():
            for j, y in index[w]:
                if j > i:
                    sums[i][j] += x * y
    for i in range(n):
        for j, s in list(sums[i].items()):
            sums[j][i] = s
    size, alive, gen = [1] * n, [True] * n, [0] * n
    heap = [(-s, i, j, 0, 0) for i in range(n) for j, s in sums[i].items() if i < j]
    heapq.heapify(heap)
    merges = []
    while heap:
        neg, i, j, gi, gj = heapq.heappop(heap)
        if not (alive[i] and alive[j]) or (gen[i], gen[j]) != (gi, gj):
            continue
        merges.append((-neg, i, j))
        alive[j] = False
        size[i] += size[j]
        gen[i] += 1
        for k, s in sums[j].items():
            if k != i and alive[k]:
                sums[i][k] = sums[i].get(k, 0.0) + s
                sums[k][i] = sums[i][k]
            sums[k].pop(j, None)
        sums[i].pop(j, None)
        sums[j] = {}
        for k, s in sums[i].items():
            if alive[k]:
                a, b = min(i, k), max(i, k)
                heapq.heappush(heap, (-s / (size[i] * size[k]), a, b, gen[a], gen[b]))
    return merges


def cut(n, merges, threshold):
    parent = list(range(n))
    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for h, a, b in merges:
        if h < threshold:
            break
        parent[find(b)] = find(a)
    return [find(i) for i in range(n)]


THRESHOLDS = [round(0.02 * k, 2) for k in range(1, 40)]


def baseline(docs, gold_key, splits):
    """Per split: the baseline tuned on train and on the split itself."""
    out, best_train = {}, None
    for name, keep in splits:
        part = [d for d in docs if keep(d)]
        merges = dendrogram(tfidf([(d.get("title") or "") + "\n" + d["text"] for d in part]))
        gold = {d["id"]: d[gold_key] for d in part}
        def at(t):
            labels = cut(len(part), merges, t)
            return scores(gold, {d["id"]: labels[k] for k, d in enumerate(part)})
        tuned_t = max(THRESHOLDS, key=lambda t: at(t)["f1"])
        if name.startswith("train"):
            best_train = tuned_t
        out[name] = {"baseline": {"threshold": best_train, **at(best_train)} if best_train is not None else None,
                     "baseline_tuned_here": {"threshold": tuned_t, **at(tuned_t)}}
    return out


def run_stemma(stemma, data):
    t0 = time.time()
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        proc = subprocess.run([stemma, "analyze", "--format", "json", "-o", tmp.name, data], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"stemma failed ({proc.returncode}): {proc.stderr[-2000:]}")
        return json.load(open(tmp.name, encoding="utf-8")), time.time() - t0


def evaluate(name, docs, report, gold_key, splits):
    gold = {d["id"]: d[gold_key] for d in docs}
    pred = {i: ("single", i) for i in gold}
    for s in report["stories"]:
        for d in s["documents"]:
            pred[d] = s["id"]
    mixed = [s["id"] for s in report["stories"] if len({gold[d] for d in s["documents"]}) > 1]
    rows = {}
    base = baseline(docs, gold_key, splits)
    for split, keep in splits:
        ids = [d["id"] for d in docs if keep(d)]
        rows[split] = {**scores({i: gold[i] for i in ids}, {i: pred[i] for i in ids}), **base[split]}
    conflicts = Counter(c["kind"] for s in report["stories"] for c in s["conflicts"])
    print(f"\n{name} stories: {len(docs)} documents, {len(set(gold.values()))} gold events, "
          f"{len(report['stories'])} stories reported, {len(mixed)} of them mixing gold events")
    print(f"{'split':<24}{'docs':>5}  {'BCubed P':>8}{'R':>7}{'F1':>7}   {'pairs P':>7}{'R':>7}{'F1':>7}"
          f"   {'baseline F1':>11} {'(tuned here)':>12}")
    for split, row in rows.items():
        pw, b, bt = row["pairwise"], row["baseline"], row["baseline_tuned_here"]
        print(f"{split:<24}{row['documents']:>5}  {row['precision']:>8.3f}{row['recall']:>7.3f}{row['f1']:>7.3f}"
              f"   {pw['precision']:>7.3f}{pw['recall']:>7.3f}{pw['f1']:>7.3f}"
              f"   {b['f1'] if b else float('nan'):>11.3f} {bt['f1']:>12.3f}")
    print(f"collation: {sum(len(s['agreements']) for s in report['stories'])} agreements, "
          f"{sum(len(s['unique']) for s in report['stories'])} unique claims, conflicts {dict(conflicts)}")
    return {"documents": len(docs), "stories": len(report["stories"]), "stories_mixing_events": len(mixed),
            "bcubed": rows, "conflicts": dict(conflicts)}, gold


def show_conflicts(report, n):
    shown = 0
    for s in report["stories"]:
        for c in s["conflicts"]:
            if shown >= n:
                return
            shown += 1
            print(f"\n[{s['id']}] {c['kind']} {c.get('about') or ''}")
            for st in c["statements"]:
                print(f"   {st['witness']}: \"{st['text']}\"  <- {st['citation']['text'][:160]}")


def main():
    args = parse_args(__doc__, "print this many conflicts of each set for inspection")
    if not os.path.exists(BASIL):
        sys.exit(f"data not found at {BASIL}: this evaluation needs ../shared beside the repository")
    ecb_docs = [json.loads(line) for line in open(args.data, encoding="utf-8")]
    basil_docs = [json.loads(line) for line in open(BASIL, encoding="utf-8")]
    ecb_report, ecb_seconds = run_stemma(args.stemma, args.data)
    basil_report, basil_seconds = run_stemma(args.stemma, BASIL)

    topic = lambda d: int(d["topic"])
    ecb, _ = evaluate("ECB+", ecb_docs, ecb_report, "event_cluster", [
        ("train (topics 1-22)", lambda d: topic(d) in TRAIN_TOPICS),
        ("test (topics 23-45)", lambda d: topic(d) not in TRAIN_TOPICS),
        ("all", lambda d: True)])
    year = lambda d: int(d["published"][:4])
    basil, _ = evaluate("BASIL", basil_docs, basil_report, "event", [
        ("train (2010-2014)", lambda d: year(d) <= 2014),
        ("test (2015-2019)", lambda d: year(d) >= 2015),
        ("all", lambda d: True)])
    show_conflicts(ecb_report, args.show)
    show_conflicts(basil_report, args.show)
    reports = {"ecbplus": ecb_report, "basil": basil_report}
    if os.path.isdir(SEEDS):
        reports["seeds"] = run_stemma(args.stemma, SEEDS)[0]
    judged = conflict_precision(reports)
    print("\nConflicts judged by reading (eval/labels/conflicts.json):")
    for name, row in judged.items():
        print(f"  {name:<8} {row['conflicts']:>3} reported, {row['real']:>3} real, {row['not_real']:>3} not real, "
              f"{row['unjudged']:>3} unjudged, precision {row['precision']}")

    # The ECB+ figures stay at the top level, where floors and earlier
    # result files have them.
    result = {"data": "ecbplus", "documents": ecb["documents"], "stories": ecb["stories"],
              "seconds": round(ecb_seconds, 2), "bcubed": ecb["bcubed"],
              "stories_mixing_events": ecb["stories_mixing_events"], "conflicts": ecb["conflicts"],
              "basil": {**basil, "seconds": round(basil_seconds, 2)},
              "conflicts_judged": judged,
              "config": ecb_report["config"]["stories"]}
    write_result(args.out, result)


if __name__ == "__main__":
    main()
