#!/usr/bin/env python3
"""Stemma against the MinHash peers on one generated corpus, in one run.

    python3 bench/peers.py --docs 10000 [--docs 100000] [--shape flat] [--runs 3] [--skip-datasketch-above 100000]

For each size: generates the corpus with bench/gen_corpus.py (seed 1, kept in
bench/out/); `--shape flat` (repeatable with `--shape paragraphs`) also
measures its paragraph-less variant with stray quotation marks
(bench/reshape.py). Then runs, each as its own process under /usr/bin/time -v:
`stemma dedup` (near-duplicate mode), `stemma analyze` (full analysis),
rensa (RMinHashLSH) and datasketch (MinHashLSH), the peers with word 5-gram
shingles, 128 permutations and threshold 0.5, installed from PyPI into
bench/.venv (created on first use). Prints wall time, peak RSS, pairs
reported, recall of the injected duplicates, versions and rewrites, and
precision (a reported pair is right when both documents belong to one
injected family: a source and its copies), then the ratios of wall times:
each peer against `stemma dedup` and against `stemma analyze`. With
`--runs R` every tool runs R times, one after another in each round, and
the ratios of every round are printed with their spread (quality is scored
on the first round; it does not change). Writes bench/out/peers-N[-flat].json.
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
    ap.add_argument("--shape", action="append", choices=["paragraphs", "flat"],
                    help="text shape (repeatable); default paragraphs")
    ap.add_argument("--runs", type=int, default=1, help="rounds of timing (default 1)")
    ap.add_argument("--skip-datasketch-above", type=int, default=100000)
    ap.add_argument("--skip-analyze-above", type=int, default=10**9)
    args = ap.parse_args()
    sizes = args.docs or [10000]
    shapes = args.shape or ["paragraphs"]
    os.makedirs(OUT, exist_ok=True)
    ensure_venv()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    for n in sizes:
        corpus = os.path.join(OUT, f"corpus-{n}.jsonl")
        truth = os.path.join(OUT, f"truth-{n}.jsonl")
        if not os.path.exists(corpus) or not os.path.exists(truth):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--docs", str(n), "--seed", "1",
                            "--out", corpus, "--truth", truth], check=True, stderr=subprocess.DEVNULL)
        for shape in shapes:
            measure(n, shape, corpus, truth, args)


def pairs_in(key):
    """Reader of the pairs under `key` of a Stemma JSON report."""
    return lambda out: [(x["a"], x["b"]) for x in json.load(open(out))[key]]


def pairs_of_lines(out):
    """The pairs of a peer's JSON lines."""
    return [(json.loads(l)["a"], json.loads(l)["b"]) for l in open(out)]


def measure(n, shape, corpus, truth, args):
    label = f"{n}" if shape == "paragraphs" else f"{n}-{shape}"
    if shape != "paragraphs":
        shaped = os.path.join(OUT, f"corpus-{label}.jsonl")
        if not os.path.exists(shaped):
            subprocess.run([sys.executable, os.path.join(HERE, "reshape.py"), shape, corpus, shaped], check=True)
        corpus = shaped
    family, kinds = family_of(truth)
    near = true_near_duplicates(corpus, kinds, 0.5)
    # (name, command, output, reader of the pairs it reported), in the order they run.
    tools = []
    out = os.path.join(OUT, f"stemma-dedup-{label}.json")
    tools.append(("stemma dedup", [STEMMA, "dedup", "--format", "json", "-o", out, corpus], out,
                  pairs_in("pairs")))
    if n <= args.skip_analyze_above:
        out = os.path.join(OUT, f"stemma-analyze-{label}.json")
        tools.append(("stemma analyze", [STEMMA, "analyze", "--format", "json", "-o", out, corpus], out,
                      pairs_in("relations")))
    for tool in ("rensa", "datasketch"):
        if tool == "datasketch" and n > args.skip_datasketch_above:
            continue
        out = os.path.join(OUT, f"{tool}-{label}.jsonl")
        tools.append((tool, [PY, os.path.join(HERE, "peer_minhash.py"), tool, corpus, out], out, pairs_of_lines))
    rounds = []
    for r in range(args.runs):
        rows = {}
        for name, command, out, pairs in tools:
            wall, rss = timed(command, name.replace(" ", "-"), label)
            rows[name] = dict(wall=wall, rss=rss)
            if r == 0:
                rows[name].update(score(pairs(out), family, kinds, near))
        rounds.append(rows)

    first = rounds[0]
    print(f"\n{n} documents, {shape}")
    print(f"  ({len(near)} injected copies have word 5-gram Jaccard >= 0.5: the near-duplicates)")
    print(f"  {'tool':<15} {'wall s':>8} {'peak MiB':>9} {'pairs':>8} {'prec':>7} {'rec near':>8} {'rec dup':>8} {'rec ver':>8} {'rec rew':>8}")
    for tool, r in first.items():
        rec = r["recall"]
        print(f"  {tool:<15} {r['wall']:8.2f} {r['rss']:9} {r['pairs']:8} {r['precision'] or 0:7.3f} "
              f"{rec['near_duplicate'] or 0:8.3f} {rec['duplicate'] or 0:8.3f} {rec['version'] or 0:8.3f} {rec['rewrite'] or 0:8.3f}")
    ratios = {}
    for base in ("stemma dedup", "stemma analyze"):
        for tool in ("rensa", "datasketch"):
            if base in first and tool in first:
                ratios[f"{tool} / {base}"] = [round(r[tool]["wall"] / r[base]["wall"], 2) for r in rounds]
    for name, values in ratios.items():
        spread = f"min {min(values):.2f}, median {sorted(values)[len(values) // 2]:.2f}, max {max(values):.2f}"
        print(f"  {name} wall time: {', '.join(f'{v:.2f}x' for v in values)} ({len(values)} runs; {spread})")
    with open(os.path.join(OUT, f"peers-{label}.json"), "w") as f:
        json.dump({"documents": n, "shape": shape, "runs": len(rounds), "tools": first, "rounds": rounds,
                   "ratios": ratios}, f, indent=2)


if __name__ == "__main__":
    main()
