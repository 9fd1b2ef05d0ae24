#!/usr/bin/env python3
"""Query latency of `stemma serve` under a fixed request rate.

Builds an index of N generated articles with `stemma index add`, starts
`stemma serve` on it, and sends `POST /v1/query` requests, one article each,
at a fixed rate (default 100/s for 60 s). The load is open-loop: request i
is due at start + i/rate whatever became of the earlier ones, and its
latency is measured from that due time, so a slow server cannot hide its
slowness by slowing the client down (no coordinated omission). The queried
articles are held out: generated with the indexed ones (same seed) but not
added, so some of them are copies of indexed articles and most are not.

Reports p50/p90/p99/max latency, errors, the server's peak RSS (VmHWM),
the index's size on disk per article, the time from starting the server
to its first 200 on /healthz (index open time), and how long `index add`
took. One JSON object per run is appended to bench/out/serve_latency.jsonl.

    python3 bench/serve_latency.py --docs 10000
    python3 bench/serve_latency.py --docs 100000 --stemma /path/to/stemma

Standard library only. Generated corpora and indexes go under --work
(default /tmp/stemma-latency), never into the repository.
"""

import argparse
import datetime
import http.client
import json
import math
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(message):
    print(f"serve_latency: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def corpus(args):
    """The generated corpus of docs + held_out articles (cached by name)."""
    total = args.docs + args.held_out
    path = os.path.join(args.work, f"corpus-{total}-s{args.seed}.jsonl")
    truth = os.path.join(args.work, f"truth-{total}-s{args.seed}.jsonl")
    if not (os.path.exists(path) and os.path.exists(truth)):
        log(f"generating {total} articles into {path}")
        began = time.monotonic()
        subprocess.run(
            [sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"), "--docs", str(total),
             "--seed", str(args.seed), "--out", path + ".part", "--truth", truth],
            check=True)
        os.replace(path + ".part", path)
        log(f"generated in {time.monotonic() - began:.0f}s")
    return path, truth


def split(args, path, truth):
    """Writes the first N articles to the file to index; returns the
    held-out ones and how many of them copy an indexed article."""
    indexed = os.path.join(args.work, f"indexed-{args.docs}-s{args.seed}.jsonl")
    held_out = []
    ids = set()
    with open(path, encoding="utf-8") as src, open(indexed, "w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n < args.docs:
                dst.write(line)
                ids.add(json.loads(line)["id"])
            else:
                held_out.append(line.strip())
    if len(ids) != args.docs:
        sys.exit(f"serve_latency: {path} holds {len(ids)} articles, fewer than --docs {args.docs}")
    held_ids = {json.loads(line)["id"] for line in held_out}
    copies = 0
    with open(truth, encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            if t["copy"] in held_ids and t["source"] in ids:
                copies += 1
    return indexed, held_out, copies


def build_index(args, indexed, index_dir):
    """`stemma index add`: returns (seconds, peak RSS MiB, status counts)."""
    if os.path.exists(index_dir):
        shutil.rmtree(index_dir)
    log(f"index add: {args.docs} articles into {index_dir} (--batch {args.batch})")
    began = time.monotonic()
    proc = subprocess.Popen(
        [args.stemma, "index", "add", "--index", index_dir, "--batch", str(args.batch), "--format", "json", indexed],
        stdout=subprocess.PIPE, text=True)
    counts = {}
    done = 0
    for line in proc.stdout:
        status = json.loads(line).get("status", "?")
        counts[status] = counts.get(status, 0) + 1
        done += 1
        if done % 10000 == 0:
            elapsed = time.monotonic() - began
            log(f"index add: {done} stored after {elapsed:.0f}s ({done / elapsed:.0f} articles/s)")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"serve_latency: index add failed with status {proc.returncode}")
    log(f"index add: {seconds:.1f}s, {args.docs / seconds:.0f} articles/s, {counts}")
    return seconds, usage.ru_maxrss / 1024, counts


def request(conn, method, path, body=None):
    headers = {"content-type": "application/json"} if body is not None else {}
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def start_server(args, index_dir):
    """Starts the server; returns (process, port, seconds to first 200 on
    /healthz, documents it reports)."""
    port = free_port()
    began = time.monotonic()
    proc = subprocess.Popen(
        [args.stemma, "serve", "--index", index_dir, "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = began + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"serve_latency: the server exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            status, body = request(conn, "GET", "/healthz")
            conn.close()
            if status == 200:
                return proc, port, time.monotonic() - began, json.loads(body)["documents"]
        except OSError:
            pass
        time.sleep(0.005)
    proc.kill()
    sys.exit("serve_latency: the server did not answer /healthz within 600 s")


def vm(pid, field):
    """A VmXXX field of /proc/PID/status in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None


def load(args, port, articles):
    """The open-loop run: returns (latencies in s of the answered requests,
    errors by kind, requests with a relation, seconds the schedule took)."""
    total = int(args.rate * args.duration)
    due = queue.Queue()
    lock = threading.Lock()
    latencies, errors, related = [], {}, [0]

    def worker():
        conn = None
        while True:
            item = due.get()
            if item is None:
                return
            i, at = item
            body = articles[i % len(articles)].encode()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
                status, answer = request(conn, "POST", "/v1/query", body)
                done = time.monotonic()
                with lock:
                    if status == 200:
                        latencies.append(done - at)
                        if json.loads(answer)["articles"][0]["relations"]:
                            related[0] += 1
                    else:
                        errors[f"http {status}"] = errors.get(f"http {status}", 0) + 1
            except (OSError, http.client.HTTPException, ValueError, KeyError, IndexError) as err:
                with lock:
                    kind = type(err).__name__
                    errors[kind] = errors.get(kind, 0) + 1
                if conn is not None:
                    conn.close()
                conn = None

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.connections)]
    for t in threads:
        t.start()
    start = time.monotonic() + 0.1
    for i in range(total):
        at = start + i / args.rate
        pause = at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        due.put((i, at))
    for _ in threads:
        due.put(None)
    for t in threads:
        t.join()
    return latencies, errors, related[0], time.monotonic() - start


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, required=True, help="articles in the index (e.g. 10000, 100000)")
    parser.add_argument("--held-out", type=int, default=2000, help="generated articles queried, not indexed")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--rate", type=float, default=100, help="requests per second (default 100)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=64,
                        help="client connections (threads) sending the due requests (default 64)")
    parser.add_argument("--timeout", type=float, default=30, help="client time-out per request, s")
    parser.add_argument("--batch", type=int, default=1000, help="index add --batch (default 1000)")
    parser.add_argument("--stemma", default=os.path.join(ROOT, "target", "release", "stemma"),
                        help="the stemma binary (default target/release/stemma)")
    parser.add_argument("--work", default="/tmp/stemma-latency", help="corpora and indexes (default %(default)s)")
    parser.add_argument("--reuse-index", action="store_true",
                        help="serve the index built by an earlier run instead of building it again")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "serve_latency.jsonl"),
                        help="results, one JSON object per run, appended")
    args = parser.parse_args()
    args.stemma = os.path.abspath(args.stemma)
    if not os.access(args.stemma, os.X_OK):
        sys.exit(f"serve_latency: no executable {args.stemma}; build with cargo build --release or pass --stemma")
    os.makedirs(args.work, exist_ok=True)

    path, truth = corpus(args)
    indexed, held_out, copies = split(args, path, truth)
    index_dir = os.path.join(args.work, f"index-{args.docs}-s{args.seed}")
    if args.reuse_index and os.path.exists(os.path.join(index_dir, "index.redb")):
        add_seconds, add_rss, add_counts = None, None, None
        log(f"reusing {index_dir}")
    else:
        add_seconds, add_rss, add_counts = build_index(args, indexed, index_dir)
    index_bytes = sum(os.path.getsize(os.path.join(index_dir, f)) for f in os.listdir(index_dir))

    proc, port, open_seconds, documents = start_server(args, index_dir)
    log(f"serving {documents} articles on port {port}; first 200 on /healthz after {open_seconds:.3f}s")
    try:
        rss_before = vm(proc.pid, "VmRSS")
        log(f"{args.rate:g} queries/s for {args.duration:g}s from {len(held_out)} held-out articles "
            f"({copies} copy an indexed one)")
        latencies, errors, related, took = load(args, port, held_out)
        peak = vm(proc.pid, "VmHWM")
        rss_after = vm(proc.pid, "VmRSS")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()

    latencies.sort()
    ms = lambda s: None if s is None else round(s * 1000, 2)
    sent = int(args.rate * args.duration)
    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": git_commit(),
        "stemma": args.stemma,
        "docs": args.docs,
        "held": documents,
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "index_add_seconds": None if add_seconds is None else round(add_seconds, 1),
        "index_add_articles_per_s": None if add_seconds is None else round(args.docs / add_seconds),
        "index_add_peak_rss_mib": None if add_rss is None else round(add_rss),
        "index_add_statuses": add_counts,
        "index_bytes": index_bytes,
        "index_bytes_per_article": round(index_bytes / max(documents, 1)),
        "open_seconds": round(open_seconds, 3),
        "rate": args.rate,
        "duration_s": args.duration,
        "sent": sent,
        "ok": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "schedule_s": round(took, 1),
        "p50_ms": ms(percentile(latencies, 50)),
        "p90_ms": ms(percentile(latencies, 90)),
        "p99_ms": ms(percentile(latencies, 99)),
        "max_ms": ms(latencies[-1] if latencies else None),
        "mean_ms": ms(sum(latencies) / len(latencies) if latencies else None),
        "queries_with_relations": related,
        "held_out": len(held_out),
        "held_out_copies_of_indexed": copies,
        "server_rss_before_mib": None if rss_before is None else round(rss_before),
        "server_rss_after_mib": None if rss_after is None else round(rss_after),
        "server_peak_rss_mib": None if peak is None else round(peak),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "a", encoding="utf-8") as f:
        f.write(json.dumps(result) + "\n")
    print(json.dumps(result, indent=1))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
