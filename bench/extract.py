#!/usr/bin/env python3
"""Speed of HTML and WARC reading: `stemma extract` against Python trafilatura
and warcio, in one run.

    python3 bench/extract.py                      # 2000 pages, ~200 MB WARC, 3 repetitions
    python3 bench/extract.py --pages 500 --reps 1 --warc-mb 50
    python3 bench/extract.py --python-only        # the peers alone (no stemma binary needed)

Pages: the 129 Readability test pages (<shared>/data/html/readability/*/source.html)
hard-linked under different names into <work>/pages-N/ until there are N
(default 2000). Timed, each as a whole process (start-up and imports
included): `stemma extract DIR -o FILE --format jsonl` (its own threads), and
trafilatura (PyPI, pinned) with a multiprocessing pool of --jobs (default 2)
processes, `trafilatura.bare_extraction(page bytes, with_metadata=True)` per
page, written as JSON lines like ours (id, url, title, published, outlet,
language, author, text, origin).

WARC: tests/web/make_warc.py --repeat K --no-broken builds a gzip-per-record
WARC of about --warc-mb MB (default 200) from the same pages (cached in
<work>). Timed: `stemma extract WARC` (MB/s of compressed WARC, pages/s, peak
RSS), warcio's ArchiveIterator merely reading every record's content (the
peer's floor: no extraction), and warcio + trafilatura (pool of --jobs) on the
first --warc-subset HTML responses.

Every measurement is repeated --reps times (default 3; tools alternate within
a repetition); each run appends one JSON line to bench/out/extract.jsonl and
the table gives the median and the range. Peak RSS is the largest single
process (for a pool: the largest of parent and workers, not their sum).

The peers live in target/bench-venv (created on first use: trafilatura 2.3.1,
lxml_html_clean 0.4.6, warcio 1.8.1). The stemma side needs a release build
with the `extract` subcommand (--stemma, default target/release/stemma); the
script stops with a clear message when it has none.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
VENV = os.path.join(REPO, "target", "bench-venv")
PY = os.path.join(VENV, "bin", "python")
PINNED = ["trafilatura==2.3.1", "lxml_html_clean==0.4.6", "warcio==1.8.1"]
MAKE_WARC = os.path.join(REPO, "tests", "web", "make_warc.py")


# --- The peers' side (runs inside the venv) ------------------------------------

def _traf_record(doc, ident, origin):
    if doc is None:
        return None
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return json.dumps({"id": ident, "url": d.get("url"), "title": d.get("title"), "published": d.get("date"),
                       "outlet": d.get("sitename"), "language": d.get("language"),
                       "author": d.get("author"), "text": d.get("text") or "", "origin": origin},
                      ensure_ascii=False)


def _traf_file(path):
    import trafilatura
    with open(path, "rb") as f:
        data = f.read()
    stem = os.path.splitext(os.path.basename(path))[0]
    return _traf_record(trafilatura.bare_extraction(data, with_metadata=True), stem, path)


def _traf_bytes(item):
    import trafilatura
    url, origin, data = item
    return _traf_record(trafilatura.bare_extraction(data, url=url, with_metadata=True), url, origin)


def _pool_write(func, items, out, jobs):
    import multiprocessing
    n = 0
    with multiprocessing.get_context("fork").Pool(jobs) as pool, open(out, "w", encoding="utf-8") as f:
        for line in pool.imap(func, items, chunksize=4):
            if line:
                f.write(line + "\n")
                n += 1
    return n


def peer_pages(directory, out, jobs):
    import trafilatura  # noqa: F401  (imported before the fork, as a user would)
    files = sorted(os.path.join(directory, n) for n in os.listdir(directory) if n.endswith(".html"))
    n = _pool_write(_traf_file, files, out, jobs)
    print(json.dumps({"items": len(files), "articles": n}))


def _warc_responses(path):
    """(url, origin, HTML body) of the HTML 200 responses, decoded of transfer
    and content encodings, as warcio gives them."""
    from warcio.archiveiterator import ArchiveIterator
    with open(path, "rb") as f:
        it = ArchiveIterator(f)
        for rec in it:
            if rec.rec_type != "response" or rec.http_headers is None:
                continue
            if rec.http_headers.get_statuscode() != "200":
                continue
            if "html" not in (rec.http_headers.get_header("Content-Type") or "").lower():
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            body = rec.content_stream().read()  # before get_record_offset(), which skips the rest
            yield url, "%s@%d" % (path, it.get_record_offset()), body


def peer_warc_iterate(path):
    from warcio.archiveiterator import ArchiveIterator
    records = responses = body = 0
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f):
            records += 1
            data = rec.content_stream().read()
            if rec.rec_type == "response":
                responses += 1
                body += len(data)
    print(json.dumps({"items": records, "responses": responses, "body_bytes": body}))


def peer_warc_trafilatura(path, out, jobs, limit):
    import itertools
    import trafilatura  # noqa: F401
    items = itertools.islice(_warc_responses(path), limit)
    n = _pool_write(_traf_bytes, items, out, jobs)
    print(json.dumps({"items": limit, "articles": n}))


# --- The driver (any python3) -------------------------------------------------

def ensure_venv():
    if not os.path.exists(PY):
        print("creating %s (%s)" % (VENV, ", ".join(PINNED)), file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    probe = subprocess.run([PY, "-c", "import trafilatura, warcio, lxml_html_clean; "
                            "assert trafilatura.__version__ == '2.3.1'"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + PINNED, check=True)


def check_stemma(stemma):
    if not os.access(stemma, os.X_OK):
        sys.exit("bench/extract.py: no stemma binary at %s (cargo build --release, or --stemma PATH; "
                 "--python-only measures the peers alone)" % stemma)
    probe = subprocess.run([stemma, "extract", "--help"], capture_output=True)
    if probe.returncode != 0:
        sys.exit("bench/extract.py: %s has no `extract` subcommand (exit %d: %s); build the code of issue 13 "
                 "(cargo build --release), or use --python-only" % (
                     stemma, probe.returncode, probe.stderr.decode(errors="replace").strip()[:200]))


def run(cmd, env=None):
    """Wall seconds, peak RSS (MiB) of the largest process, stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (proc.returncode, " ".join(cmd), err.decode(errors="replace")[-3000:]))
    return wall, out.decode(errors="replace"), err.decode(errors="replace")


def timed(cmd):
    """(wall seconds, peak RSS MiB, stdout): under /usr/bin/time -v when there
    (its peak is the largest of the process and its reaped children)."""
    if os.path.exists("/usr/bin/time"):
        wall, out, err = run(["/usr/bin/time", "-v"] + cmd)
        rss = 0.0
        for line in err.splitlines():
            if "Maximum resident set size" in line:
                rss = int(line.split(":")[1]) / 1024
        return wall, rss, out
    wall, out, _ = run(cmd)
    return wall, float("nan"), out


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def make_pages(shared, n, work):
    root = os.path.join(shared, "data", "html", "readability")
    sources = sorted(os.path.join(root, d, "source.html") for d in os.listdir(root)
                     if os.path.isfile(os.path.join(root, d, "source.html")))
    if not sources:
        sys.exit("bench/extract.py: no pages under %s (it needs ../shared)" % root)
    directory = os.path.join(work, "pages-%d" % n)
    if os.path.isdir(directory) and len(os.listdir(directory)) == n:
        return directory, sum(os.path.getsize(os.path.join(directory, x)) for x in os.listdir(directory))
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        os.remove(os.path.join(directory, name))
    size = 0
    for i in range(n):
        src = sources[i % len(sources)]
        dst = os.path.join(directory, "%s-%d.html" % (os.path.basename(os.path.dirname(src)), i // len(sources)))
        try:
            os.link(src, dst)
        except OSError:
            with open(src, "rb") as a, open(dst, "wb") as b:
                b.write(a.read())
        size += os.path.getsize(dst)
    return directory, size


def make_big_warc(work, mb, shared):
    probe = os.path.join(work, "probe.warc.gz")
    subprocess.run([PY, MAKE_WARC, probe, "--no-broken", "--shared", shared], check=True, capture_output=True)
    one = os.path.getsize(probe) / 1e6
    k = max(1, round(mb / one))
    path = os.path.join(work, "cc-news-like-r%d.warc.gz" % k)
    manifest = os.path.join(work, "cc-news-like-r%d.manifest.json" % k)
    if not (os.path.exists(path) and os.path.exists(manifest)):
        print("building %s (--repeat %d, ~%.0f MB)..." % (path, k, k * one), file=sys.stderr)
        t0 = time.time()
        subprocess.run([PY, MAKE_WARC, path, "--repeat", str(k), "--no-broken", "--manifest", manifest,
                        "--shared", shared], check=True)
        print("  built in %.0f s" % (time.time() - t0), file=sys.stderr)
    with open(manifest) as f:
        pages = len(json.load(f)["pages"])
    return path, pages


def git_commit():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return None


def record(rows, log, **row):
    row.update(time=time.strftime("%Y-%m-%dT%H:%M:%S"), commit=git_commit(), cpus=os.cpu_count(),
               load=[round(x, 2) for x in os.getloadavg()])
    rows.append(row)
    with open(log, "a") as f:
        f.write(json.dumps(row) + "\n")
    rate = "%.1f pages/s" % row["pages_per_s"] if row.get("pages_per_s") else ""
    mbs = "%.1f MB/s" % row["mb_per_s"] if row.get("mb_per_s") else ""
    print("  %-22s %-10s rep %d: %7.2f s  %s  %s  peak %.0f MiB  (%s articles)" % (
        row["tool"], row["bench"], row["rep"], row["seconds"], rate, mbs, row["peak_rss_mib"],
        row.get("articles")), file=sys.stderr)


def summarise(rows):
    groups = {}
    for r in rows:
        groups.setdefault((r["bench"], r["tool"]), []).append(r)
    print()
    print("| bench | tool | runs | items | seconds (median, range) | pages/s (median, range) | MB/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    med = {}
    for (bench, tool), rs in groups.items():
        secs = [r["seconds"] for r in rs]
        pps = [r["pages_per_s"] for r in rs if r.get("pages_per_s")]
        mbs = [r["mb_per_s"] for r in rs if r.get("mb_per_s")]
        med[(bench, tool)] = statistics.median(pps) if pps else None
        fmt = lambda xs, p: ("%.*f (%.*f-%.*f)" % (p, statistics.median(xs), p, min(xs), p, max(xs))) if xs else ""
        print("| %s | %s | %d | %s | %s | %s | %s | %.0f |" % (
            bench, tool, len(rs), rs[0].get("items"), fmt(secs, 2), fmt(pps, 1), fmt(mbs, 1),
            max(r["peak_rss_mib"] for r in rs)))
    for bench, peer in (("pages", "trafilatura"), ("warc", "warcio+trafilatura")):
        s, p = med.get((bench, "stemma")), med.get((bench, peer))
        if s and p:
            print("\n%s: stemma %.1f pages/s, %s %.1f pages/s: stemma/peer = %.1fx" % (bench, s, peer, p, s / p))
    reads = {tool: statistics.median([r["mb_per_s"] for r in rs])
             for (bench, tool), rs in groups.items() if bench == "warc" and tool in ("stemma-read", "warcio-iterate")}
    if len(reads) == 2:
        print("\nWARC reading alone: stemma %.1f MB/s, warcio %.1f MB/s: stemma/peer = %.1fx" % (
            reads["stemma-read"], reads["warcio-iterate"], reads["stemma-read"] / reads["warcio-iterate"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000, help="pages in the directory benchmark (default 2000)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each measurement (default 3)")
    ap.add_argument("--jobs", type=int, default=2, help="processes in the Python pools (default 2)")
    ap.add_argument("--warc-mb", type=float, default=200, help="size of the WARC (default ~200 MB; 0: no WARC part)")
    ap.add_argument("--warc-subset", type=int, default=300,
                    help="HTML responses warcio + trafilatura extract (default 300; 0: skip)")
    ap.add_argument("--stemma", default=os.path.join(REPO, "target", "release", "stemma"))
    ap.add_argument("--python-only", action="store_true", help="only the Python peers (no stemma binary needed)")
    ap.add_argument("--work", default="/tmp/stemma-extract-bench", help="pages, WARC and outputs (not kept)")
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(OUT, "extract.jsonl"))
    # Internal: the peer runs, inside the venv.
    ap.add_argument("--peer", choices=["pages", "warc-iterate", "warc-trafilatura"], help=argparse.SUPPRESS)
    ap.add_argument("--peer-args", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.peer == "pages":
        return peer_pages(args.peer_args[0], args.peer_args[1], args.jobs)
    if args.peer == "warc-iterate":
        return peer_warc_iterate(args.peer_args[0])
    if args.peer == "warc-trafilatura":
        return peer_warc_trafilatura(args.peer_args[0], args.peer_args[1], args.jobs, int(args.peer_args[2]))

    if not args.python_only:
        check_stemma(args.stemma)
    ensure_venv()
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    me = os.path.abspath(__file__)
    rows = []

    pages_dir, pages_bytes = make_pages(args.shared, args.pages, args.work)
    print("pages: %d files, %.0f MB in %s; %d CPUs, load %s" % (
        args.pages, pages_bytes / 1e6, pages_dir, os.cpu_count(), os.getloadavg()), file=sys.stderr)
    warc = None
    if args.warc_mb > 0:
        warc, warc_pages = make_big_warc(args.work, args.warc_mb, args.shared)
        warc_mb = os.path.getsize(warc) / 1e6

    for rep in range(1, args.reps + 1):
        tools = ["stemma", "trafilatura"] if not args.python_only else ["trafilatura"]
        if rep % 2 == 0:
            tools.reverse()
        for tool in tools:
            out = os.path.join(args.work, "pages-%s.jsonl" % tool)
            if tool == "stemma":
                wall, rss, _ = timed([args.stemma, "extract", pages_dir, "-o", out, "--format", "jsonl"])
                articles = count_lines(out)
            else:
                wall, rss, so = timed([PY, me, "--jobs", str(args.jobs), "--peer", "pages", "--peer-args",
                                       pages_dir, out])
                articles = json.loads(so.strip().splitlines()[-1])["articles"]
            record(rows, args.out, bench="pages", tool=tool, rep=rep, items=args.pages, articles=articles,
                   seconds=wall, pages_per_s=args.pages / wall, mb=pages_bytes / 1e6,
                   mb_per_s=pages_bytes / 1e6 / wall, peak_rss_mib=rss, jobs=args.jobs)
        if warc is None:
            continue
        if not args.python_only:
            out = os.path.join(args.work, "warc-stemma.jsonl")
            wall, rss, _ = timed([args.stemma, "extract", warc, "-o", out, "--format", "jsonl"])
            articles = count_lines(out)
            record(rows, args.out, bench="warc", tool="stemma", rep=rep, items=warc_pages, articles=articles,
                   seconds=wall, pages_per_s=articles / wall, mb=warc_mb, mb_per_s=warc_mb / wall, peak_rss_mib=rss)
            # Reading alone (records, HTTP, charsets; no extraction): the
            # crate's example, built by `cargo build --release --example warc_read`.
            reader = os.path.join(os.path.dirname(args.stemma), "examples", "warc_read")
            if os.path.exists(reader):
                wall, rss, so = timed([reader, warc])
                info = json.loads(so.strip().splitlines()[-1])
                record(rows, args.out, bench="warc", tool="stemma-read", rep=rep, items=info["records"],
                       responses=info["html_pages"], seconds=wall, pages_per_s=None, mb=warc_mb,
                       mb_per_s=warc_mb / wall, peak_rss_mib=rss)
            else:
                print("note: %s not built (cargo build --release -p stemma --example warc_read); "
                      "WARC reading alone not timed" % reader, file=sys.stderr)
        wall, rss, so = timed([PY, me, "--peer", "warc-iterate", "--peer-args", warc])
        info = json.loads(so.strip().splitlines()[-1])
        record(rows, args.out, bench="warc", tool="warcio-iterate", rep=rep, items=info["items"],
               responses=info["responses"], seconds=wall, pages_per_s=None, mb=warc_mb,
               mb_per_s=warc_mb / wall, peak_rss_mib=rss)
        if args.warc_subset > 0:
            out = os.path.join(args.work, "warc-trafilatura.jsonl")
            wall, rss, so = timed([PY, me, "--jobs", str(args.jobs), "--peer", "warc-trafilatura", "--peer-args",
                                   warc, out, str(args.warc_subset)])
            articles = json.loads(so.strip().splitlines()[-1])["articles"]
            record(rows, args.out, bench="warc", tool="warcio+trafilatura", rep=rep, items=args.warc_subset,
                   articles=articles, seconds=wall, pages_per_s=args.warc_subset / wall, mb=None, mb_per_s=None,
                   peak_rss_mib=rss, jobs=args.jobs)
    summarise(rows)
    print("\n(one JSON line a run appended to %s)" % args.out)


if __name__ == "__main__":
    main()
