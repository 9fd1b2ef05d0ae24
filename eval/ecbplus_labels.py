"""The ECB+ copy labels (eval/labels/ecbplus/*.json, made by reading; see
eval/labels/README.md) as pairs, and Stemma's derived relations scored
against them. Used by eval/ecbplus.py."""
import glob
import json
import os
from itertools import combinations

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = os.path.join(HERE, "labels", "ecbplus")

# Settings are chosen on topics 1-22 and reported on 23-45, as for stories.
TRAIN_TOPICS = range(1, 23)


def load():
    """{frozenset(pair): "derived" | "partial"} for every labelled pair, and
    the set of event clusters labelled. Unlisted pairs in a labelled cluster
    are independent."""
    labels, clusters = {}, set()
    for path in sorted(glob.glob(os.path.join(LABELS, "*.json"))):
        for cluster, entry in json.load(open(path, encoding="utf-8"))["clusters"].items():
            clusters.add(cluster)
            for group in entry["groups"]:
                for a, b in combinations(sorted(set(group["members"])), 2):
                    labels[frozenset((a, b))] = "derived"
            for partial in entry["partial"]:
                labels.setdefault(frozenset(partial["members"]), "partial")
    return labels, clusters


def score(docs, relations):
    """Precision and recall of derived relations against the labels, for the
    train topics, the test topics and all. A relation on a pair labelled
    partial (one or two shared sentences) is no false accusation, but a
    partial pair need not be found. Returns (result, false relations)."""
    labels, clusters = load()
    topic = {d["id"]: d["topic"] for d in docs}
    cluster = {d["id"]: d["event_cluster"] for d in docs}
    found = {frozenset((r["a"], r["b"])): r for r in relations}
    result, false = {}, []
    for split, keep in (("train", lambda t: t in TRAIN_TOPICS), ("test", lambda t: t not in TRAIN_TOPICS), ("all", lambda t: True)):
        in_split = lambda p: keep(topic[next(iter(p))]) and cluster[next(iter(p))] in clusters
        reported = [p for p in found if in_split(p)]
        right = [p for p in reported if labels.get(p) in ("derived", "partial")]
        strict = [p for p in reported if labels.get(p) == "derived"]
        derived = [p for p, l in labels.items() if l == "derived" and in_split(p)]
        hit = [p for p in derived if p in found]
        result[split] = {
            "reported": len(reported),
            "labelled_derived": len(derived),
            "labelled_partial": sum(1 for p, l in labels.items() if l == "partial" and in_split(p)),
            "precision": round(len(right) / len(reported), 3) if reported else None,
            "precision_strict": round(len(strict) / len(reported), 3) if reported else None,
            "recall": round(len(hit) / len(derived), 3) if derived else None,
        }
        if split == "all":
            false = [found[p] for p in reported if p not in right]
    return result, false
