#!/usr/bin/env python3
"""A peer's near-duplicate pipeline, as its documentation shows it, for bench/peers.py.

    python bench/peer_minhash.py {datasketch|rensa} CORPUS.jsonl PAIRS_OUT.jsonl [--threshold 0.5] [--num-perm 128]

Reads the JSONL corpus, shingles each text into word 5-grams (lowercased
\\w+ words, the same words Stemma uses), builds 128-permutation MinHash
signatures, indexes them in the peer's MinHash-LSH at the threshold, queries
every document, keeps pairs whose estimated Jaccard reaches the threshold,
and writes them as JSON lines {"a", "b", "jaccard"}.
"""
import argparse
import json
import re
import sys

WORD = re.compile(r"\w+")


def shingles(text, k=5):
    words = WORD.findall(text.lower())
    if len(words) < k:
        return [" ".join(words)] if words else []
    return [" ".join(words[i:i + k]) for i in range(len(words) - k + 1)]


def query_pairs(lsh, sigs, jaccard, threshold):
    """Every pair the index returns for each signature, kept at the threshold."""
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j > i:
                jac = jaccard(m, sigs[j])
                if jac >= threshold:
                    yield i, j, jac


def run_datasketch(docs, threshold, num_perm):
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sigs = []
    for i, (_, text) in enumerate(docs):
        m = MinHash(num_perm=num_perm)
        m.update_batch([s.encode("utf-8") for s in shingles(text)])
        lsh.insert(i, m)
        sigs.append(m)
    return query_pairs(lsh, sigs, lambda a, b: a.jaccard(b), threshold)


def run_rensa(docs, threshold, num_perm):
    from rensa import RMinHash, RMinHashLSH

    # 32 bands of 4 rows (LSH threshold ~0.42), as Stemma uses; datasketch picks
    # 25 bands of 5 rows for 0.5 itself.
    lsh = RMinHashLSH(threshold=threshold, num_perm=num_perm, num_bands=32)
    sigs = []
    for i, (_, text) in enumerate(docs):
        m = RMinHash(num_perm=num_perm, seed=42)
        m.update(shingles(text))
        lsh.insert(i, m)
        sigs.append(m)
    return query_pairs(lsh, sigs, lambda a, b: a.jaccard(b), threshold)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=["datasketch", "rensa"])
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--num-perm", type=int, default=128)
    args = ap.parse_args()
    docs = []
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs.append((d["id"], d["text"]))
    runner = run_datasketch if args.tool == "datasketch" else run_rensa
    n = 0
    with open(args.out, "w") as out:
        for i, j, jac in runner(docs, args.threshold, args.num_perm):
            out.write(json.dumps({"a": docs[i][0], "b": docs[j][0], "jaccard": round(jac, 3)}) + "\n")
            n += 1
    print(f"{args.tool}: {len(docs)} documents, {n} pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
