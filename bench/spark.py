#!/usr/bin/env python3
"""The Spark job at scale, next to the command line and to text-dedup's
Spark MinHash job, in one run on one generated corpus per size.

    python3 bench/spark.py --docs 10000 --docs 100000 [--skip-analyze-above N]

Needs target/py-venv (made by .ci/run) with the stemma package built into
it, and text-dedup 0.3.1 for the peer:
``target/py-venv/bin/pip install --no-deps text-dedup==0.3.1 && target/py-venv/bin/pip install 'xxhash<4' scipy``.

Per size, each in ``local[2]`` (two cores, like this machine):

* ``stemma analyze --no-stories`` (the command line) and
  ``python -m stemma.spark analyze``: wall time, peak memory of the whole
  process tree (driver, JVM, Python workers), relations found and whether
  they are the same;
* ``stemma dedup``, ``python -m stemma.spark dedup`` and text-dedup's job
  (bench/textdedup_spark.py), all at Jaccard 0.5 with 128 permutations:
  wall time, peak memory, recall of the injected near-copies (pairs whose
  word 5-gram Jaccard is at least 0.5 ending in one cluster) and precision
  (clustered pairs from one injected family).

Appends one JSON line per tool and size to bench/out/spark.jsonl.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import OUT, REPO, STEMMA, family_of, true_near_duplicates  # noqa: E402

PYTHON = os.path.join(REPO, "target", "py-venv", "bin", "python")


def tree_rss(pid):
    """Resident memory of a process and all its descendants, in MB."""
    children = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = open(stat).read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.split("/")[2]))
        except (OSError, IndexError, ValueError):
            pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
        todo.extend(children.get(p, []))
    return total // 1024


def run(cmd, label):
    """Runs ``cmd``; (seconds, peak MB of its process tree): the larger of
    the sampled sum and the largest single process's peak (``time -v``),
    which catches a run shorter than one sample."""
    path = os.path.join(OUT, f"spark-{label}.log")
    log = open(path, "w")
    t0 = time.time()
    proc = subprocess.Popen(["/usr/bin/time", "-v", *cmd], stdout=log, stderr=subprocess.STDOUT)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    proc.wait()
    sampler.join()
    wall = time.time() - t0
    log.close()
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}); see {path}")
    for line in open(path, errors="replace"):
        if "Maximum resident set size" in line:
            peak[0] = max(peak[0], int(line.split(":")[1]) // 1024)
    return round(wall, 1), peak[0]


def jsonl_dir(path):
    return [json.loads(line) for part in sorted(glob.glob(os.path.join(path, "part-*"))) for line in open(part)]


def cluster_pairs(assignments):
    """(member, keep) pairs of clusters."""
    return {frozenset((m, k)) for m, k in assignments if m != k}


def score(clustered, family, near):
    """Recall of the injected near-copies: both in one cluster; precision:
    clustered pairs whose two documents are of one injected family."""
    keep = {}
    for m, k in clustered:
        keep[m] = k
    root = lambda d: keep.get(d, d)  # noqa: E731
    found = sum(1 for p in near if len({root(d) for d in p}) == 1)
    fam = lambda d: family.get(d, d)  # noqa: E731
    pairs = cluster_pairs(clustered)
    right = sum(1 for p in pairs if len({fam(d) for d in p}) == 1)
    return {"recall": round(found / len(near), 4) if near else None,
            "precision": round(right / len(pairs), 4) if pairs else None, "clustered": len(pairs)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, action="append", help="corpus size (repeatable); default 10000")
    ap.add_argument("--skip-analyze-above", type=int, default=10**9)
    ap.add_argument("--skip-peer-above", type=int, default=10**9)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    results = open(os.path.join(OUT, "spark.jsonl"), "a")
    for n in args.docs or [10000]:
        corpus = os.path.join(OUT, f"corpus-{n}.jsonl")
        truth = os.path.join(OUT, f"truth-{n}.jsonl")
        if not os.path.exists(corpus):
            subprocess.run([sys.executable, os.path.join(REPO, "bench", "gen_corpus.py"), "--docs", str(n), "--seed",
                            "1", "--out", corpus, "--truth", truth], check=True, stderr=subprocess.DEVNULL)
        family, kinds = family_of(truth)
        near = true_near_duplicates(corpus, kinds, 0.5)
        rows = []

        def row(tool, mode, wall, rss, **extra):
            r = {"docs": n, "tool": tool, "mode": mode, "seconds": wall, "peak_mb": rss, "cores": 2, **extra,
                 "date": time.strftime("%Y-%m-%d")}
            rows.append(r)
            results.write(json.dumps(r) + "\n")
            results.flush()
            print(json.dumps(r), flush=True)

        if n <= args.skip_analyze_above:
            out = os.path.join(OUT, f"spark-cli-analyze-{n}.json")
            wall, rss = run([STEMMA, "analyze", "--no-stories", "--format", "json", "-o", out, corpus],
                            f"cli-analyze-{n}")
            cli = {(r["a"], r["b"], r["kind"]) for r in json.load(open(out))["relations"]}
            row("stemma (command line)", "analyze --no-stories", wall, rss, relations=len(cli))
            out = os.path.join(OUT, f"spark-analyze-{n}")
            wall, rss = run([PYTHON, "-m", "stemma.spark", "analyze", corpus, "-o", out, "--format", "jsonl",
                             "--master", "local[2]"], f"spark-analyze-{n}")
            found = {(r["a"], r["b"], r["kind"]) for r in jsonl_dir(os.path.join(out, "relations.jsonl"))}
            row("stemma.spark local[2]", "analyze", wall, rss, relations=len(found), same_as_cli=found == cli)

        out = os.path.join(OUT, f"spark-cli-dedup-{n}.json")
        wall, rss = run([STEMMA, "dedup", "--format", "json", "-o", out, corpus], f"cli-dedup-{n}")
        clusters = json.load(open(out))["clusters"]
        row("stemma (command line)", "dedup", wall, rss,
            **score([(d, c["keep"]) for c in clusters for d in c["duplicates"]], family, near))

        out = os.path.join(OUT, f"spark-dedup-{n}")
        wall, rss = run([PYTHON, "-m", "stemma.spark", "dedup", corpus, "-o", out, "--format", "jsonl",
                         "--master", "local[2]"], f"spark-dedup-{n}")
        clusters = jsonl_dir(os.path.join(out, "clusters.jsonl"))
        row("stemma.spark local[2]", "dedup", wall, rss,
            **score([(d, c["keep"]) for c in clusters for d in c["duplicates"]], family, near))

        if n <= args.skip_peer_above:
            parquet = os.path.join(OUT, f"corpus-{n}.parquet")
            if not os.path.exists(parquet):
                subprocess.run([PYTHON, "-c", "import pyarrow.json as j, pyarrow.parquet as p, sys; "
                                "t = j.read_json(sys.argv[1]).select(['id', 'text']); p.write_table(t, sys.argv[2])",
                                corpus, parquet], check=True)
            out = os.path.join(OUT, f"spark-textdedup-{n}.parquet")
            wall, rss = run([PYTHON, os.path.join(REPO, "bench", "textdedup_spark.py"), "--input", parquet,
                             "--output", out, "--threshold", "0.5", "--num_perm", "128", "--master", "local[2]"],
                            f"textdedup-{n}")
            import_rows = subprocess.run([PYTHON, "-c", "import pyarrow.parquet as p, sys, json; "
                                          "print(json.dumps(p.read_table(sys.argv[1]).to_pylist()))", out],
                                         check=True, capture_output=True, text=True).stdout
            assigned = [(r["id"], r["keep"]) for r in json.loads(import_rows)]
            row("text-dedup 0.3.1 minhash_spark local[2]", "dedup", wall, rss, **score(assigned, family, near))


if __name__ == "__main__":
    main()
