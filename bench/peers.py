#!/usr/bin/env python3
"""Stemma against the MinHash peers on one generated corpus, in one run.

    python3 bench/peers.py --docs 10000 [--docs 100000] [--skip-datasketch-above 100000]

For each size: generates the corpus with bench/gen_corpus.py (seed 1, kept in
bench/out/), then runs, each as its own process under /usr/bin/time -v:
`stemma dedup` (near-duplicate mode), `stemma analyze` (full analysis),
rensa (RMinHashLSH) and datasketch (MinHashLSH), the peers with word 5-gram
shingles, 128 permutations and threshold 0.5, installed from PyPI into
bench/.venv (created on first use). Prints wall time, peak RSS, pairs
reported, recall of the injected duplicates, versions and rewrites, and
precision (a reported pair is right when both documents belong to one
injected family: a source and its copies), then the ratios peer/Stemma.
Writes bench/out/peers-N.json.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
VENV = os.path.join(HERE, ".venv")
PY = os.path.join(VENV, "bin", "python")
STEMMA = os.path.join(REPO, "target", "release", "stemma")


def ensure_venv():
    if not os.path.exists(PY):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    probe = subprocess.run([PY, "-c", "import datasketch, rensa"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([PY, "-m", "pip", "install", "-q", "datasketch", "rensa"], check=True)


def timed(cmd, label, n):
    log = os.path.join(OUT, f"time-{label}-{n}.txt")
    t0 = time.time()
    with open(log, "w") as err:
        proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=err)
    wall = time.time() - t0
    rss = 0
    for line in open(log):
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1]) // 1024
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}); see {log}")
    return wall, rss


def true_near_duplicates(corpus, kinds, threshold):
    """Injected duplicate/version pairs whose exact word 5-gram Jaccard
    reaches the threshold: the pairs a MinHash tool should find."""
    import re
    word = re.compile(r"\w+")
    wanted = {d for p, k in kinds.items() if k in ("duplicate", "version") for d in p}
    grams = {}
    for line in open(corpus):
        d = json.loads(line)
        if d["id"] in wanted:
            w = word.findall(d["text"].lower())
            grams[d["id"]] = {tuple(w[i:i + 5]) for i in range(max(1, len(w) - 4))}
    out = set()
    for p, k in kinds.items():
        if k in ("duplicate", "version"):
            a, b = tuple(p)
            ga, gb = grams[a], grams[b]
            if len(ga & gb) / len(ga | gb) >= threshold:
                out.add(p)
    return out


def family_of(truth_path):
    family, kinds = {}, {}
    for line in open(truth_path):
        t = json.loads(line)
        family[t["copy"]] = t["source"]
        kinds[frozenset((t["copy"], t["source"]))] = t["kind"]
    return family, kinds


def score(pairs, family, kinds, near):
    fam = lambda d: family.get(d, d)
    found = {frozenset(p) for p in pairs}
    right = sum(1 for p in found if len({fam(d) for d in p}) == 1)
    recall = {}
    for kind in ("duplicate", "version", "rewrite"):
        want = [p for p, k in kinds.items() if k == kind]
        recall[kind] = round(sum(p in found for p in want) / len(want), 4) if want else None
    recall["near_duplicate"] = round(sum(p in found for p in near) / len(near), 4) if near else None
    return {"pairs": len(found), "precision": round(right / len(found), 4) if found else None, "recall": recall}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, action="append", help="corpus size (repeatable); default 10000")
    ap.add_argument("--skip-datasketch-above", type=int, default=100000)
    ap.add_argument("--skip-analyze-above", type=int, default=10**9)
    args = ap.parse_args()
    sizes = args.docs or [10000]
    os.makedirs(OUT, exist_ok=True)
    ensure_venv()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    for n in sizes:
        corpus = os.path.join(OUT, f"corpus-{n}.jsonl")
        truth = os.path.join(OUT, f"truth-{n}.jsonl")
        if not os.path.exists(corpus):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--docs", str(n), "--seed", "1",
                            "--out", corpus, "--truth", truth], check=True, stderr=subprocess.DEVNULL)
        family, kinds = family_of(truth)
        near = true_near_duplicates(corpus, kinds, 0.5)
        rows = {}

        out = os.path.join(OUT, f"stemma-dedup-{n}.json")
        wall, rss = timed([STEMMA, "dedup", "--format", "json", "-o", out, corpus], "stemma-dedup", n)
        pairs = [(p["a"], p["b"]) for p in json.load(open(out))["pairs"]]
        rows["stemma dedup"] = dict(wall=wall, rss=rss, **score(pairs, family, kinds, near))

        if n <= args.skip_analyze_above:
            out = os.path.join(OUT, f"stemma-analyze-{n}.json")
            wall, rss = timed([STEMMA, "analyze", "--format", "json", "-o", out, corpus], "stemma-analyze", n)
            pairs = [(r["a"], r["b"]) for r in json.load(open(out))["relations"]]
            rows["stemma analyze"] = dict(wall=wall, rss=rss, **score(pairs, family, kinds, near))

        for tool in ("rensa", "datasketch"):
            if tool == "datasketch" and n > args.skip_datasketch_above:
                continue
            out = os.path.join(OUT, f"{tool}-{n}.jsonl")
            wall, rss = timed([PY, os.path.join(HERE, "peer_minhash.py"), tool, corpus, out], tool, n)
            pairs = [(json.loads(l)["a"], json.loads(l)["b"]) for l in open(out)]
            rows[tool] = dict(wall=wall, rss=rss, **score(pairs, family, kinds, near))

        print(f"\n{n} documents")
        print(f"  ({len(near)} injected copies have word 5-gram Jaccard >= 0.5: the near-duplicates)")
        print(f"  {'tool':<15} {'wall s':>8} {'peak MiB':>9} {'pairs':>8} {'prec':>7} {'rec near':>8} {'rec dup':>8} {'rec ver':>8} {'rec rew':>8}")
        for tool, r in rows.items():
            rec = r["recall"]
            print(f"  {tool:<15} {r['wall']:8.2f} {r['rss']:9} {r['pairs']:8} {r['precision'] or 0:7.3f} "
                  f"{rec['near_duplicate'] or 0:8.3f} {rec['duplicate'] or 0:8.3f} {rec['version'] or 0:8.3f} {rec['rewrite'] or 0:8.3f}")
        base = rows["stemma dedup"]["wall"]
        for tool in ("rensa", "datasketch"):
            if tool in rows:
                print(f"  {tool} / stemma dedup wall time: {rows[tool]['wall'] / base:.1f}x")
        with open(os.path.join(OUT, f"peers-{n}.json"), "w") as f:
            json.dump({"documents": n, "tools": rows}, f, indent=2)


if __name__ == "__main__":
    main()
