#!/usr/bin/env python3
"""HTML page reading (issue 13): article text and metadata read from web pages,
against ../shared/data/html/readability (129 page folders of Mozilla
Readability.js's test pages, each with source.html, expected.html and
expected-metadata.json; see ../shared/data/html/README.txt).

By default runs `stemma extract ../shared/data/html/readability -o TMP` and
scores the JSONL it writes (one article a line: id, url, title, published,
outlet, language, author, text, origin); `--jsonl FILE` scores an existing
file instead. A record belongs to the page folder named by the parent folder
of its `origin` (e.g. .../bbc-1/source.html -> bbc-1).

Text. The expected text is the visible text of expected.html (html.parser;
block elements and <br> separate words; script/style skipped). It is
Readability.js's own output, not a human annotation, so it favours
Readability ports. Scored the way the scrapinghub article-extraction-benchmark
scores articleBody (github.com/scrapinghub/article-extraction-benchmark,
evaluate.py: string_shingle_matching, _tokenize, metrics_from_tp_fp_fns),
replicated exactly: tokens are `\\w+` matches (case kept), shingles are word
4-grams (a text of fewer than 4 tokens is one shorter shingle), TP/FP/FN are
multiset shingle counts normalised per page to sum to 1; precision is the mean
over pages with TP+FP > 0, recall the mean over pages with TP+FN > 0
(1 for both when FP = FN = 0), and F1 is the harmonic mean of those two means.
Also reported: the mean of per-page F1 (2TP / (2TP+FP+FN)) and the pages with
F1 < 0.8. The benchmark refuses a prediction set lacking a page; here a page
missing from the JSONL counts precision 0, recall 0, F1 0 and is listed.

Metadata. Title (`title` against expected title; pages with a null expected
title excluded), site name (`outlet` against siteName, only where siteName is
non-null): exact match after normalising (NFKC, case-folded, typographic
quotes, dashes and ellipses folded, whitespace collapsed). Published
(`published` against publishedTime, only where it is non-null): the calendar
date (as written in each string, or the UTC dates when both carry an offset),
and separately the instant, on the pages whose expected value has a time of
day: equal to the second when both carry an offset; when either lacks one, its
wall clock must equal the other's wall clock or UTC time; a value that does
not parse or has no time counts wrong. Also informative: language (primary
subtag against expected lang) and author (loose: one normalised byline, less a
leading "by", contains the other).

Split: a page folder is test when the first byte of md5(folder name) is odd,
else train (67 train, 62 test). Every figure is given on train, test and all.

    python3 eval/extract.py [--stemma target/release/stemma] [--jsonl FILE]
                            [--out eval/results/extract.json] [--show N]

`--show N` prints the N pages of lowest F1 with the words only the expected
text has and the words only the extraction has.
"""
import argparse
import difflib
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA = os.path.join(REPO, "..", "shared", "data", "html", "readability")
SPLITS = ("train", "test", "all")


# --- The benchmark's measure (scrapinghub/article-extraction-benchmark, evaluate.py) ---

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def tokenize(text):
    return _TOKEN_RE.findall(text or "")


def ngrams(text, n):
    tokens = tokenize(text)
    result = []
    for i in range(0, max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i: i + n])
        if shingle:
            result.append(shingle)
    return result


def string_shingle_matching(true, pred, ngram_n=4):
    """Normalised (TP, FP, FN) over word 4-gram shingles, as the benchmark counts them."""
    true_shingles = Counter(ngrams(true, ngram_n))
    pred_shingles = Counter(ngrams(pred, ngram_n))
    tp = fp = fn = 0.0
    for key in set(true_shingles) | set(pred_shingles):
        t, p = true_shingles.get(key, 0), pred_shingles.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def precision_score(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def page_scores(true, pred):
    """Per page: precision (None where the benchmark leaves the page out of the mean), recall, F1."""
    tp, fp, fn = string_shingle_matching(true, pred)
    p = precision_score(tp, fp, fn) if tp + fp > 0 else None
    r = recall_score(tp, fp, fn) if tp + fn > 0 else None
    f1 = 1.0 if fp == fn == 0 else 2 * tp / (2 * tp + fp + fn)
    return p, r, f1


# --- Expected text ---

BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "details", "dialog", "dir",
         "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
         "header", "hgroup", "hr", "img", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
         "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video", "iframe", "object", "embed", "audio", "picture"}
SKIP = {"script", "style", "noscript", "template", "head", "title"}


class VisibleText(HTMLParser):
    """Paragraphs of visible text: a block element starts and ends one."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras, self.cur, self.skip = [], [], 0

    def flush(self):
        text = " ".join("".join(self.cur).split())
        if text:
            self.paras.append(text)
        self.cur = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        elif tag in BLOCK:
            self.flush()

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK:
            self.flush()

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK:
            self.flush()

    def handle_data(self, data):
        if not self.skip:
            self.cur.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    parser.flush()
    return "\n\n".join(parser.paras)


# --- Metadata ---

FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
                      "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
                      "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                      "\u2015": "-", "\u2212": "-", "\u2026": "..."})


def norm(s):
    if s is None:
        return None
    s = unicodedata.normalize("NFKC", str(s)).translate(FOLD).casefold()
    s = " ".join(s.split())
    return s or None


_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
                      r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?")


def parse_time(s):
    """(date, wall-clock datetime or None, offset or None) of a published string, or None."""
    if not s or not isinstance(s, str):
        return None
    m = _DATE_RE.search(s)
    if m:
        y, mo, d, hh, mm, ss, tz = m.groups()
        try:
            day = datetime(int(y), int(mo), int(d))
            if hh is None:
                return day.date(), None, None
            wall = day.replace(hour=int(hh), minute=int(mm), second=int(ss or 0))
        except ValueError:
            return None
        off = None
        if tz:
            if tz.upper() in ("Z", "UTC", "GMT"):
                off = timedelta(0)
            else:
                digits = tz[1:].replace(":", "")
                mins = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
                off = timedelta(minutes=mins if tz[0] == "+" else -mins)
        return wall.date(), wall, off
    try:
        dt = parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    off = dt.utcoffset()
    return dt.date(), dt.replace(tzinfo=None), off


def same_date(exp, got):
    if got is None:
        return False
    if exp[0] == got[0]:
        return True
    if exp[1] and got[1] and exp[2] is not None and got[2] is not None:
        return (exp[1] - exp[2]).date() == (got[1] - got[2]).date()
    return False


def same_instant(exp, got):
    if got is None or got[1] is None:
        return False
    if exp[2] is not None and got[2] is not None:
        return exp[1] - exp[2] == got[1] - got[2]
    if exp[2] is None and got[2] is None:
        return exp[1] == got[1]
    naive, aware = (exp, got) if exp[2] is None else (got, exp)
    return naive[1] in (aware[1], aware[1] - aware[2])


def lang_ok(exp, got):
    primary = lambda s: re.split(r"[-_]", s.strip().lower())[0]
    return bool(got) and primary(got) == primary(exp)


def author_ok(exp, got):
    strip_by = lambda s: re.sub(r"^by\s+", "", norm(s) or "")
    e, g = strip_by(exp), strip_by(got) if got else ""
    return bool(e and g) and (e in g or g in e)


# --- Reading the data and the extraction ---

def split_of(name):
    return "test" if hashlib.md5(name.encode("utf-8")).digest()[0] % 2 else "train"


def load_pages(data):
    pages = {}
    for name in sorted(os.listdir(data)):
        folder = os.path.join(data, name)
        if not os.path.isfile(os.path.join(folder, "source.html")):
            continue
        with open(os.path.join(folder, "expected.html"), encoding="utf-8") as f:
            text = visible_text(f.read())
        meta_path = os.path.join(folder, "expected-metadata.json")
        meta = json.load(open(meta_path, encoding="utf-8")) if os.path.exists(meta_path) else {}
        pages[name] = {"text": text, "meta": meta, "split": split_of(name)}
    return pages


def run_stemma(stemma, data):
    if not os.path.exists(stemma):
        sys.exit(f"stemma binary not found at {stemma}: build it (cargo build --release) or score a file with --jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "extract.jsonl")
        t0 = time.time()
        proc = subprocess.run([stemma, "extract", data, "-o", out], capture_output=True, text=True)
        elapsed = time.time() - t0
        if proc.returncode != 0:
            sys.exit(f"stemma extract failed ({proc.returncode}): {proc.stderr[-2000:]}")
        return read_jsonl(out), elapsed


def read_jsonl(path):
    """Records by page folder. Only pages read from a `source.html` are scored
    (a run over the whole folder also reads expected.html, which is the answer);
    a folder with several such records is a warning, and the first is scored."""
    records = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        origin = os.path.normpath(rec.get("origin") or "")
        if os.path.basename(origin) != "source.html" and rec.get("url") is None and origin.endswith(".html"):
            continue
        name = os.path.basename(os.path.dirname(origin))
        if name in records:
            print(f"warning: line {n}: a second record for {name} ({rec.get('origin')}); the first is scored")
            continue
        records[name] = rec
    return records


# --- Scoring ---

def score_page(page, rec):
    meta = page["meta"]
    row = {"split": page["split"]}
    if rec is None:
        row.update(missing=True, precision=0.0, recall=0.0, f1=0.0)
    else:
        p, r, f1 = page_scores(page["text"], rec.get("text") or "")
        row.update(precision=p, recall=r, f1=f1)
    rec = rec or {}
    if meta.get("title") is not None:
        row["title"] = norm(rec.get("title")) == norm(meta["title"])
    if meta.get("siteName") is not None:
        row["site_name"] = norm(rec.get("outlet")) == norm(meta["siteName"])
    if meta.get("publishedTime") is not None:
        exp, got = parse_time(meta["publishedTime"]), parse_time(rec.get("published"))
        if exp is not None:
            row["published_date"] = same_date(exp, got)
            if exp[1] is not None:
                row["published_instant"] = same_instant(exp, got)
    if meta.get("lang"):
        row["language"] = lang_ok(meta["lang"], rec.get("language"))
    if meta.get("byline"):
        row["author"] = author_ok(meta["byline"], rec.get("author"))
    return row


META = ("title", "site_name", "published_date", "published_instant", "language", "author")


def summarise(rows):
    ps = [r["precision"] for r in rows if r["precision"] is not None]
    rs = [r["recall"] for r in rows if r["recall"] is not None]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    out = {
        "pages": len(rows),
        "text": {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "mean_page_f1": round(statistics.mean(x["f1"] for x in rows), 4) if rows else 0.0,
            "pages_f1_below_0_8": sum(x["f1"] < 0.8 for x in rows),
            "missing": sum(bool(x.get("missing")) for x in rows),
        },
    }
    for key in META:
        judged = [x[key] for x in rows if key in x]
        out[key] = {"correct": sum(judged), "expected": len(judged),
                    "accuracy": round(sum(judged) / len(judged), 4) if judged else None}
    return out


def show_worst(pages, records, rows, n):
    worst = sorted(rows, key=lambda k: (rows[k]["f1"], k))[:n]
    for name in worst:
        row = rows[name]
        p = "-" if row["precision"] is None else f"{row['precision']:.3f}"
        r = "-" if row["recall"] is None else f"{row['recall']:.3f}"
        print(f"\n{name} ({row['split']}): F1 {row['f1']:.3f}  P {p}  R {r}"
              + ("  MISSING from the JSONL" if row.get("missing") else ""))
        exp = tokenize(pages[name]["text"])
        got = tokenize((records.get(name) or {}).get("text") or "")
        only_exp, only_got = [], []
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, exp, got, autojunk=False).get_opcodes():
            if op in ("delete", "replace"):
                only_exp.append(exp[a1:a2])
            if op in ("insert", "replace"):
                only_got.append(got[b1:b2])
        for label, runs, total in (("expected only ", only_exp, len(exp)), ("extracted only", only_got, len(got))):
            words = sum(len(x) for x in runs)
            runs = sorted(runs, key=len, reverse=True)[:4]
            print(f"   {label}: {words} of {total} words" + (", longest runs:" if runs else ""))
            for run in runs:
                text = " ".join(run[:24]) + (f" ... (+{len(run) - 24})" if len(run) > 24 else "")
                print(f"      [{text}]")


def fmt(cell):
    return f"{cell['correct']}/{cell['expected']} {cell['accuracy']:.3f}" if cell["expected"] else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stemma", default=os.path.join(REPO, "target", "release", "stemma"))
    ap.add_argument("--jsonl", help="score this extract JSONL instead of running stemma")
    ap.add_argument("--data", default=DATA, help="the folder of page folders")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "extract.json"), help="write the result as JSON here")
    ap.add_argument("--show", type=int, default=0, help="print the N pages of lowest F1 with their differing words")
    args = ap.parse_args()

    if not os.path.isdir(args.data):
        print(f"\n!!! SKIPPED: {args.data} not found: the extraction evaluation needs ../shared beside "
              "the repository !!!\n")
        return 0
    pages = load_pages(args.data)
    if args.jsonl and not os.path.exists(args.jsonl):
        sys.exit(f"no such file: {args.jsonl}")
    if args.jsonl:
        records, elapsed = read_jsonl(args.jsonl), None
        source = os.path.abspath(args.jsonl)
    else:
        records, elapsed = run_stemma(args.stemma, args.data)
        source = "stemma extract"
    unknown = sorted(set(records) - set(pages))
    rows = {name: score_page(page, records.get(name)) for name, page in pages.items()}
    by_split = {s: summarise([r for r in rows.values() if s == "all" or r["split"] == s]) for s in SPLITS}
    missing = sorted(k for k, r in rows.items() if r.get("missing"))
    low = sorted((k for k, r in rows.items() if r["f1"] < 0.8), key=lambda k: rows[k]["f1"])

    print(f"HTML extraction: {len(pages)} pages ({by_split['train']['pages']} train, {by_split['test']['pages']} test), "
          f"{len(records)} records from {source}" + (f" in {elapsed:.2f} s" if elapsed is not None else ""))
    print("(expected text is Readability.js's output, not human ground truth)")
    print(f"{'':<34}{'train':>16}{'test':>16}{'all':>16}")
    for label, key in (("text precision (mean)", "precision"), ("text recall (mean)", "recall"),
                       ("text F1 (benchmark)", "f1"), ("mean page F1", "mean_page_f1")):
        print(f"{label:<34}" + "".join(f"{by_split[s]['text'][key]:>16.3f}" for s in SPLITS))
    print(f"{'pages with F1 < 0.8':<34}" + "".join(f"{by_split[s]['text']['pages_f1_below_0_8']:>16}" for s in SPLITS))
    for label, key in (("title", "title"), ("site name", "site_name"), ("published date", "published_date"),
                       ("published instant", "published_instant"), ("language", "language"),
                       ("author (loose)", "author")):
        print(f"{label:<34}" + "".join(f"{fmt(by_split[s][key]):>16}" for s in SPLITS))
    if low:
        print("F1 < 0.8: " + ", ".join(f"{k} {rows[k]['f1']:.2f}" for k in low))
    if missing:
        print(f"MISSING from the JSONL ({len(missing)}, scored F1 0): " + ", ".join(missing))
    if unknown:
        print(f"records matching no page folder ({len(unknown)}): " + ", ".join(unknown[:20]))
    if args.show:
        show_worst(pages, records, rows, args.show)

    result = {
        "data": "html/readability",
        "source": source,
        "documents": len(pages),
        "records": len(records),
        "seconds": round(elapsed, 2) if elapsed is not None else None,
        "split": "test when md5(page folder name)[0] is odd, else train",
        "by_split": by_split,
        "missing": missing,
        "unmatched_records": unknown,
        "pages": {k: {kk: (round(v, 4) if isinstance(v, float) else v) for kk, v in r.items()}
                  for k, r in rows.items()},
    }
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
