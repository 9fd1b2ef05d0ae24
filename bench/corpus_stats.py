#!/usr/bin/env python3
"""Sanity statistics for a corpus written by gen_corpus.py.

    python3 bench/corpus_stats.py --corpus corpus.jsonl --truth truth.jsonl [--sample 10000]

Checks that every line is valid JSON with the expected fields, ids are unique
and copies are published after their sources; then reports, per copy kind,
word 5-gram Jaccard and containment against the source, exact-sentence
containment, and for rewrites whether names and numbers survived. Finally it
counts identical sentences shared by different base articles in a random
sample. Standard library only.
"""

import argparse
import datetime
import json
import random
import re
import sys
from collections import defaultdict

WORD = re.compile(r"\w+")
SENT_SPLIT = re.compile(r'(?<=[.!?])["\u201d]?\s+(?=["\u201c]?[A-Z0-9])')
NAME = re.compile(r"(?<![.!?\"] )(?<!^)\b[A-Z][a-z]{2,}\b")
NUM = re.compile(r"\d[\d.,]*\d|\d")


def shingles(text, n=5):
    w = WORD.findall(text.lower())
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


ABBREV = set("""mr mrs ms dr jr sr st rep sen gov gen lt col sgt capt prof rev inc co corp
ltd jan feb mar apr jun jul aug sep sept oct nov dec no vs u.s u.n u.k p.m a.m""".split())


def sentences(text):
    """Split on . ! ? followed by a capital, except after abbreviations and initials."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        toks = para.split()
        cur = []
        for i, t in enumerate(toks):
            cur.append(t)
            end = t.rstrip('"\u201d\')')
            if not end or end[-1] not in ".!?" or i + 1 == len(toks):
                continue
            stem = end[:-1].lstrip('"\u201c(').lower()
            if end[-1] == "." and (stem in ABBREV or re.fullmatch(r"[a-z]|([a-z]\.)+[a-z]", stem)):
                continue
            if toks[i + 1].lstrip('"\u201c(')[:1].isupper() or toks[i + 1][:1].isdigit():
                out.append(" ".join(cur))
                cur = []
        if cur:
            out.append(" ".join(cur))
    return out


def quantiles(xs):
    if not xs:
        return "n=0"
    xs = sorted(xs)
    q = lambda p: xs[min(len(xs) - 1, int(p * len(xs)))]
    return "n=%d min=%.3f p10=%.3f p50=%.3f p90=%.3f max=%.3f mean=%.3f" % (
        len(xs), xs[0], q(0.1), q(0.5), q(0.9), xs[-1], sum(xs) / len(xs))


def parse_time(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--sample", type=int, default=10000, help="base docs for the shared-sentence check")
    ap.add_argument("--pairs", type=int, default=3000, help="max pairs per kind to measure")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    truth = [json.loads(l) for l in open(args.truth, encoding="utf-8")]
    by_kind = defaultdict(list)
    for t in truth:
        by_kind[t["kind"]].append(t)
    pairs = []
    for k, ts in sorted(by_kind.items()):
        pairs.extend(rng.sample(ts, min(args.pairs, len(ts))))
    need = {t["copy"] for t in pairs} | {t["source"] for t in pairs}
    copies = {t["copy"] for t in truth}

    docs = {}
    times = {}
    base_sample = []   # reservoir of base docs
    n_base = 0
    n = 0
    ids = set()
    with open(args.corpus, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            d = json.loads(line)
            for key in ("id", "title", "text", "outlet", "published"):
                if not isinstance(d.get(key), str):
                    sys.exit("line %d: missing or non-string field %r" % (lineno, key))
            if d["id"] in ids:
                sys.exit("line %d: duplicate id %s" % (lineno, d["id"]))
            ids.add(d["id"])
            times[d["id"]] = parse_time(d["published"])
            n += 1
            if d["id"] in need:
                docs[d["id"]] = d["text"]
            if d["id"] not in copies:
                n_base += 1
                if len(base_sample) < args.sample:
                    base_sample.append((d["id"], d["text"]))
                else:
                    j = rng.randrange(n_base)
                    if j < args.sample:
                        base_sample[j] = (d["id"], d["text"])
    bad_time = sum(1 for t in truth if not times[t["copy"]] > times[t["source"]])
    missing = sum(1 for t in truth if t["source"] not in ids or t["source"] in copies)
    print("docs=%d base=%d copies=%d (%s); all lines valid JSON; ids unique; "
          "copies not after source: %d; sources missing or not base: %d"
          % (n, n_base, len(truth), ", ".join("%s=%d" % (k, len(v)) for k, v in sorted(by_kind.items())),
             bad_time, missing))

    for kind in sorted(by_kind):
        jac, cont, sent_cont, names_kept, nums_kept, nums_new = [], [], [], [], [], []
        for t in pairs:
            if t["kind"] != kind:
                continue
            a, b = docs[t["source"]], docs[t["copy"]]
            sa, sb = shingles(a), shingles(b)
            inter = len(sa & sb)
            jac.append(inter / max(1, len(sa | sb)))
            cont.append(inter / max(1, len(sb)))
            src_sents = set(" ".join(s.split()) for s in sentences(a))
            cs = sentences(b)
            sent_cont.append(sum(1 for s in cs if " ".join(s.split()) in src_sents) / max(1, len(cs)))
            if kind == "rewrite":
                na, nb = set(NAME.findall(a)), set(NAME.findall(b))
                if na:
                    names_kept.append(len(na & nb) / len(na))
                ma, mb = set(NUM.findall(a)), set(NUM.findall(b))
                if ma:
                    nums_kept.append(len(ma & mb) / len(ma))
                if mb:
                    nums_new.append(len(mb - ma) / len(mb))
        print("%-9s 5-gram Jaccard      %s" % (kind, quantiles(jac)))
        print("%-9s 5-gram containment  %s" % (kind, quantiles(cont)))
        print("%-9s exact-sentence cont %s" % (kind, quantiles(sent_cont)))
        if kind == "rewrite":
            print("%-9s source names kept   %s" % (kind, quantiles(names_kept)))
            print("%-9s source numbers kept %s" % (kind, quantiles(nums_kept)))
            print("%-9s numbers not in src  %s" % (kind, quantiles(nums_new)))

    # identical sentences shared by different base docs
    where = defaultdict(set)
    total = 0
    for doc_id, text in base_sample:
        for s in sentences(text):
            total += 1
            where[" ".join(s.split())].add(doc_id)
    shared = {s: d for s, d in where.items() if len(d) > 1}
    long_shared = {s: d for s, d in shared.items() if len(s.split()) >= 5}
    docs_touched = set()
    for d in shared.values():
        docs_touched |= d
    long_touched = set()
    for d in long_shared.values():
        long_touched |= d
    print("base sample: %d docs, %d sentences; sentences in >1 doc: %d (docs involved: %d); "
          "of them with >= 5 words: %d (docs involved: %d)"
          % (len(base_sample), total, len(shared), len(docs_touched),
             len(long_shared), len(long_touched)))
    for s, d in sorted(shared.items(), key=lambda x: (-len(x[1]), x[0]))[:5]:
        print("   %d docs: %s" % (len(d), s[:120]))
    # 5-gram Jaccard of random base pairs
    js = []
    for _ in range(min(20000, len(base_sample) * 2)):
        (x, a), (y, b) = rng.sample(base_sample, 2)
        sa, sb = shingles(a), shingles(b)
        js.append(len(sa & sb) / max(1, len(sa | sb)))
    print("random base pairs 5-gram Jaccard %s" % quantiles(js))


if __name__ == "__main__":
    main()
