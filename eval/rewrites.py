#!/usr/bin/env python3
"""Planted copies over real articles: recipes (eval/rewrites/*.jsonl) that say
how a copy editor, a content farm or an aggregator would derive an article
from real ECB+ and BASIL articles (../shared/data), with what each copy
changed. The derived texts are built here at run time; the repository holds
only the recipes. See eval/rewrites/README.md.

    python3 eval/rewrites.py --check [--show ID]     validate every recipe (no stemma run)
    python3 eval/rewrites.py [-v] [--stemma BIN] [--out eval/results/rewrites.json]

The run analyzes every ECB+ and BASIL article together with every derivative
and scores, per split (train, test, all) and per kind of derivative: whether
each derivative is found as derived from its true sources and only from them,
the relation kind, the direction, and the planted changes found (altered
quotations, changed facts, meaning shifts, dropped attributions); and the
derived pairs reported among the real articles that cannot be copies.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from ecbplus_labels import load as load_labels  # noqa: E402
from ecbplus_run import write_result  # noqa: E402

DATA = os.path.join(REPO, "..", "shared", "data")
ECB = os.path.join(DATA, "ecbplus", "docs.jsonl")
BASIL = os.path.join(DATA, "basil", "docs.jsonl")
RECIPES = os.path.join(HERE, "rewrites")

KINDS = ("spin", "excerpt", "reorder", "condensed", "merge", "paragraphless", "paraphrase")
RELATIONS = ("duplicate", "version", "rewrite", "condensed")
CHANGE_KINDS = {
    "altered_quotes": None,
    "changed_facts": {"number", "date", "title", "place", "ordinal", "name"},
    "meaning_shifts": {"scope", "negation", "modality", "degree", "preposition"},
    "dropped_attributions": None,
}
COPY_JACCARD = 0.3  # a real article this close to a source is a copy of it: a relation to it is no error


class RecipeError(Exception):
    pass


# ---------------------------------------------------------------- sources

def load_sources():
    """Every real article by id: its corpus, fields and units (ECB+ lines, BASIL paragraphs)."""
    docs = {}
    for line in open(ECB, encoding="utf-8"):
        d = json.loads(line)
        d["corpus"] = "ecbplus"
        d["units"] = d["text"].split("\n")
        docs[d["id"]] = d
    if os.path.exists(BASIL):
        for line in open(BASIL, encoding="utf-8"):
            d = json.loads(line)
            d["corpus"] = "basil"
            d["units"] = [p.strip() for p in re.split(r"\n\s*\n", d["text"].strip()) if p.strip()]
            docs[d["id"]] = d
    return docs


def load_recipes():
    """Every recipe of every eval/rewrites/*.jsonl, with the file and line it came from."""
    recipes = []
    for path in sorted(glob.glob(os.path.join(RECIPES, "*.jsonl"))):
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            where = f"{os.path.basename(path)}:{n}"
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                raise RecipeError(f"{where}: not JSON: {e}")
            r["_where"] = where
            recipes.append(r)
    return recipes


# ---------------------------------------------------------------- building

def build(recipe, docs):
    """The derivative's text, built from its recipe over the real articles."""
    srcs = recipe.get("sources") or []
    parts = []
    for k, item in enumerate(recipe.get("body") or []):
        if "text" in item:
            piece = item["text"]
            if not isinstance(piece, str) or not piece.strip():
                raise RecipeError(f"body[{k}]: empty text")
        elif "keep" in item:
            which = item.get("from", 0)
            if not isinstance(which, int) or not 0 <= which < len(srcs):
                raise RecipeError(f"body[{k}]: from={which!r} names no source")
            doc = docs.get(srcs[which])
            if doc is None:
                raise RecipeError(f"body[{k}]: source {srcs[which]!r} not found")
            i = item["keep"]
            if not isinstance(i, int) or not 0 <= i < len(doc["units"]):
                raise RecipeError(f"body[{k}]: {srcs[which]} has no unit {i!r} (it has {len(doc['units'])})")
            piece = doc["units"][i]
            for pair in item.get("edit", []):
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise RecipeError(f"body[{k}]: an edit is not [old, new]: {pair!r}")
                old, new = pair
                if not old or old not in piece:
                    raise RecipeError(f"body[{k}]: edit {old!r} does not occur in {srcs[which]} unit {i}: {piece!r}")
                piece = piece.replace(old, new, 1)
            piece = piece.strip()
            if not piece:
                raise RecipeError(f"body[{k}]: unit {i} of {srcs[which]} is empty after edits")
        else:
            raise RecipeError(f"body[{k}]: neither keep nor text: {item!r}")
        parts.append(piece)
    if not parts:
        raise RecipeError("empty body")
    stray = recipe.get("stray_quote_before")
    if stray is not None:
        if not isinstance(stray, int) or not 0 <= stray < len(parts):
            raise RecipeError(f"stray_quote_before={stray!r} names no body item")
        parts[stray] = '"' + parts[stray]
    layout = recipe.get("layout")
    if layout == "paragraphs":
        return "\n\n".join(parts)
    if layout == "one_paragraph":
        return " ".join(p.replace("\n", " ") for p in parts)
    raise RecipeError(f"layout {layout!r} is neither paragraphs nor one_paragraph")


# ---------------------------------------------------------------- comparing wordings

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                        "\u00ab": '"', "\u00bb": '"'})


def words(s):
    """Lowercase words, punctuation and quote-mark style ignored."""
    return re.findall(r"[^\W_]+", (s or "").translate(QUOTES).lower())


def contains(hay, needle):
    """Whether the word list `needle` occurs as a run inside the word list `hay`."""
    if not needle:
        return True
    n = len(needle)
    first = needle[0]
    return any(hay[i] == first and hay[i:i + n] == needle for i in range(len(hay) - n + 1))


def shingles(text, k=5):
    w = re.findall(r"\w+", text.lower())
    return {tuple(w[i:i + k]) for i in range(max(1, len(w) - k + 1))}


def jaccard(x, y):
    return len(x & y) / len(x | y) if x and y else 0.0


# ---------------------------------------------------------------- checking

def check(recipe, docs):
    """Problems with one recipe (empty: it is fine), and its built text."""
    problems = []
    rid = recipe.get("id")
    if not isinstance(rid, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", rid):
        problems.append(f"id {rid!r} is not a plain identifier")
    if recipe.get("split") not in ("train", "test"):
        problems.append(f"split {recipe.get('split')!r} is neither train nor test")
    if recipe.get("kind") not in KINDS:
        problems.append(f"kind {recipe.get('kind')!r} is not one of {KINDS}")
    srcs = recipe.get("sources")
    if not isinstance(srcs, list) or not 1 <= len(srcs) <= 2 or len(set(srcs)) != len(srcs):
        problems.append(f"sources {srcs!r}: one id, or two different ids for a merge")
        srcs = []
    for s in srcs:
        if s not in docs:
            problems.append(f"source {s!r} not found in ../shared/data")
    if recipe.get("kind") == "merge" and len(srcs) != 2:
        problems.append("a merge has two sources")
    if recipe.get("kind") != "merge" and len(srcs) == 2:
        problems.append("two sources but kind is not merge")
    title = recipe.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("no title")
    pub = recipe.get("published")
    if pub is not None and not (isinstance(pub, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", pub)):
        problems.append(f"published {pub!r} is neither null nor YYYY-MM-DD")
    text = None
    try:
        text = build(recipe, docs)
    except RecipeError as e:
        problems.append(str(e))
    truth = recipe.get("truth")
    if not isinstance(truth, dict):
        return problems + ["no truth"], text
    if truth.get("relation") not in RELATIONS:
        problems.append(f"truth.relation {truth.get('relation')!r} is not one of {RELATIONS}")
    for key in truth:
        if key != "relation" and key not in CHANGE_KINDS:
            problems.append(f"truth has an unknown list {key!r}")
    src_words = [words(docs[s]["text"]) for s in srcs if s in docs]
    der_words = words(text) if text else []
    for key, kinds in CHANGE_KINDS.items():
        for n, item in enumerate(truth.get(key, [])):
            label = f"truth.{key}[{n}]"
            if not isinstance(item, dict) or not isinstance(item.get("a"), str) or not words(item["a"]):
                problems.append(f"{label}: no 'a' words")
                continue
            if not any(contains(w, words(item["a"])) for w in src_words):
                problems.append(f"{label}: a={item['a']!r} does not occur in the source text")
            if key == "dropped_attributions":
                if text and contains(der_words, words(item["a"])):
                    problems.append(f"{label}: a={item['a']!r} is still in the derivative")
                continue
            if not isinstance(item.get("b"), str) or not words(item["b"]):
                problems.append(f"{label}: no 'b' words")
                continue
            if text and not contains(der_words, words(item["b"])):
                problems.append(f"{label}: b={item['b']!r} does not occur in the derivative")
            if words(item["a"]) == words(item["b"]):
                problems.append(f"{label}: a and b are the same words")
            if kinds is not None and item.get("kind") not in kinds:
                problems.append(f"{label}: kind {item.get('kind')!r} is not one of {sorted(kinds)}")
    return problems, text


def check_all(recipes, docs):
    """Built texts by recipe id; exits non-zero after listing every problem."""
    texts, bad = {}, 0
    seen = Counter(r.get("id") for r in recipes)
    for r in recipes:
        problems, text = check(r, docs)
        if seen[r.get("id")] > 1:
            problems.append(f"id {r.get('id')!r} is used {seen[r.get('id')]} times")
        if problems:
            bad += 1
            for p in problems:
                print(f"  {r['_where']} {r.get('id')}: {p}")
        else:
            texts[r["id"]] = text
    return texts, bad


# ---------------------------------------------------------------- running stemma

def corpus_rows(docs, recipes, texts):
    rows = []
    for d in docs.values():
        if d["corpus"] == "ecbplus":
            rows.append({"id": d["id"], "text": d["text"]})
        else:
            rows.append({k: d.get(k) for k in ("id", "title", "text", "outlet", "published")})
    for r in recipes:
        row = {"id": "rw/" + r["id"], "title": r["title"], "text": texts[r["id"]]}
        if r.get("published"):
            row["published"] = r["published"]
        rows.append(row)
    return rows


def run_stemma(binary, rows, keep):
    """Stemma's JSON report on the corpus, and the seconds it took. Waits a while for a binary being rebuilt."""
    for _ in range(40):
        if os.path.exists(binary):
            break
        print(f"  waiting for {binary} (being rebuilt?)", file=sys.stderr)
        time.sleep(15)
    else:
        sys.exit(f"stemma binary not found at {binary}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or tmp
        os.makedirs(folder, exist_ok=True)
        corpus = os.path.join(folder, "corpus.jsonl")
        report_path = os.path.join(folder, "report.json")
        with open(corpus, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        t0 = time.time()
        for attempt in range(3):
            proc = subprocess.run([binary, "analyze", "--quiet", "--format", "json", "-o", report_path, corpus],
                                  capture_output=True, text=True)
            if proc.returncode == 0 or os.path.exists(binary):
                break
            time.sleep(30)  # the binary vanished mid-run: it is being rebuilt
        if proc.returncode != 0:
            sys.exit(f"stemma failed ({proc.returncode}): {proc.stderr[-2000:]}")
        report = json.load(open(report_path, encoding="utf-8"))
    return report, time.time() - t0


# ---------------------------------------------------------------- scoring

def sides(rel, item, deriv):
    """(source-side, derivative-side) wordings of one reported change: its `a` is the wording in doc `rel.a`."""
    if rel["a"] == deriv:
        return item.get("b"), item.get("a")
    return item.get("a"), item.get("b")


def reported(rel, key):
    changes = rel.get("changes") or {}
    items = list(changes.get(key) or [])
    if key == "meaning_shifts":
        items += [f for f in changes.get("changed_facts") or [] if f.get("kind") == "scope"]
    return items


# Words of context beyond the planted span that a report may carry and
# still count as the planted change (a found change quotes a few words
# around it; a whole sentence is no finding).
CONTEXT_WORDS = 4


def planted_found(planted, key, rels, deriv, strict=False):
    """Whether one planted change is among the changes reported on the relations to its sources.

    A reported change matches when its wordings hold the planted ones
    (strict), or, unless `strict`, when it is found at the planted place:
    its wordings lie inside the planted ones and take in a word the planted
    change altered. The planted wordings carry context to make them
    unambiguous ("1.5 million women" -> "1.6 million women"); a report of
    "1.5 million" -> "1.6 million" there is the same finding.
    """
    pa = words(planted["a"])
    pb = words(planted.get("b")) if key != "dropped_attributions" else []
    altered = set(pa) ^ set(pb)
    for rel in rels:
        for item in reported(rel, key):
            src, der = sides(rel, item, deriv)
            ws, wd = words(src), words(der)
            if contains(ws, pa) and (not pb or contains(wd, pb)):
                return True
            if not strict and pb and ws and wd and contains(pa, ws) and contains(pb, wd) and altered & set(ws + wd):
                return True
            # Or it takes in every altered word with a little other context
            # than the planted one ("history may soon be" -> "history will
            # soon be" for "may soon be dismissed" -> "will soon be
            # dismissed"): the same change, cut at other words.
            if (not strict and pb and altered and altered <= set(ws + wd) and set(ws) & set(pa) and set(wd) & set(pb)
                    and len(ws) <= len(pa) + CONTEXT_WORDS and len(wd) <= len(pb) + CONTEXT_WORDS):
                return True
            # A dropped attribution reported by the name alone ("Theodore
            # Boutrous" for "Wal-Mart lawyer Theodore Boutrous").
            if not strict and not pb and key == "dropped_attributions" and ws and contains(pa, ws):
                return True
    return False


def score(recipes, docs, report):
    relations = report.get("relations", [])
    by_doc = defaultdict(list)
    for rel in relations:
        by_doc[rel["a"]].append(rel)
        by_doc[rel["b"]].append(rel)

    # Real articles that are copies of a source: word 5-gram Jaccard >=
    # COPY_JACCARD, or labelled derived from it (or sharing passages with
    # it) by reading (eval/labels/ecbplus).
    sh = {i: shingles(d["text"]) for i, d in docs.items()}
    labels, _ = load_labels()
    copies = {}
    for s in {s for r in recipes for s in r["sources"]}:
        corpus = docs[s]["corpus"]
        copies[s] = {i for i in docs if i != s and docs[i]["corpus"] == corpus
                     and (jaccard(sh[s], sh[i]) >= COPY_JACCARD or frozenset((s, i)) in labels)}
    kin = {r["id"]: set(r["sources"]).union(*(copies[s] for s in r["sources"])) for r in recipes}

    per = []
    for r in recipes:
        d = "rw/" + r["id"]
        truth = r["truth"]
        rels = by_doc.get(d, [])
        partner = {(rel["b"] if rel["a"] == d else rel["a"]): rel for rel in rels}
        to_src = [partner[s] for s in r["sources"] if s in partner]
        missing = [s for s in r["sources"] if s not in partner]
        false = []
        for other, rel in partner.items():
            if other in kin[r["id"]]:
                continue
            if other.startswith("rw/") and kin.get(other[3:], set()) & kin[r["id"]]:
                continue  # another derivative of the same source
            false.append(f"{other} ({rel['kind']})")
        row = {
            "id": r["id"], "split": r["split"], "kind": r["kind"], "expected": truth["relation"],
            "found": not missing, "missing_sources": missing, "false_relations": false,
            "kinds_reported": [rel["kind"] for rel in to_src],
            "kind_ok": sum(rel["kind"] == truth["relation"] for rel in to_src),
            "relations_to_sources": len(to_src),
            "direction": Counter(), "changes": {},
        }
        for s in r["sources"]:
            rel = partner.get(s)
            if rel is None:
                continue
            if rel.get("direction") is None:
                row["direction"]["unknown"] += 1
            else:
                src_first = rel["a"] == s and rel["b"] == d
                row["direction"]["right" if src_first else "wrong"] += 1
        for key in CHANGE_KINDS:
            planted = truth.get(key, [])
            hits = [planted_found(p, key, to_src, d) for p in planted]
            strict = sum(planted_found(p, key, to_src, d, strict=True) for p in planted)
            row["changes"][key] = {"found": sum(hits), "found_strict": strict, "planted": len(planted),
                                   "missed": [p for p, h in zip(planted, hits) if not h]}
        row["direction"] = dict(row["direction"])
        per.append(row)

    # Derived pairs among real articles that cannot be copies. BASIL's
    # articles are meant to be independent; the few pairs judged derived by
    # reading (eval/labels/basil.json) are not counted.
    judged = json.load(open(os.path.join(HERE, "labels", "basil.json"), encoding="utf-8"))["pairs"]
    basil_derived = {frozenset(p["members"]) for p in judged if p["label"] in ("derived", "partial")}
    real_false = []
    for rel in relations:
        a, b = docs.get(rel["a"]), docs.get(rel["b"])
        if a is None or b is None:
            continue
        if a["corpus"] != b["corpus"]:
            why = "across corpora"
        elif a["corpus"] == "basil":
            if frozenset((rel["a"], rel["b"])) in basil_derived:
                continue
            why = "two BASIL articles"
        elif a["event_cluster"] != b["event_cluster"]:
            why = "ECB+ across event clusters"
        else:
            continue
        real_false.append({"a": rel["a"], "b": rel["b"], "kind": rel["kind"], "why": why})
    return per, real_false


def tally(rows):
    t = {"recipes": len(rows), "found": sum(r["found"] for r in rows),
         "only_true_sources": sum(not r["false_relations"] for r in rows),
         "false_relations": sum(len(r["false_relations"]) for r in rows),
         "relations_to_sources": sum(r["relations_to_sources"] for r in rows),
         "kind_as_expected": sum(r["kind_ok"] for r in rows),
         "direction": {k: sum(r["direction"].get(k, 0) for r in rows) for k in ("right", "wrong", "unknown")}}
    for key in CHANGE_KINDS:
        t[key] = {"found": sum(r["changes"][key]["found"] for r in rows),
                  "found_strict": sum(r["changes"][key]["found_strict"] for r in rows),
                  "planted": sum(r["changes"][key]["planted"] for r in rows)}
    return t


COLUMNS = [("recipes", 7), ("found", 7), ("only true", 9), ("false rel", 9), ("kind ok", 8), ("dir r/w/?", 10),
           ("quotes", 7), ("facts", 7), ("shifts", 7), ("attrib", 7)]


def table_row(name, t):
    cells = [str(t["recipes"]), str(t["found"]), str(t["only_true_sources"]), str(t["false_relations"]),
             f"{t['kind_as_expected']}/{t['relations_to_sources']}",
             "{right}/{wrong}/{unknown}".format(**t["direction"])]
    cells += [f"{t[k]['found']}/{t[k]['planted']}" for k in CHANGE_KINDS]
    return f"  {name:<14}" + "".join(f"{c:>{w + 1}}" for c, (_, w) in zip(cells, COLUMNS))


def print_table(title, groups):
    print(title)
    print(f"  {'':<14}" + "".join(f"{h:>{w + 1}}" for h, w in COLUMNS))
    for name, t in groups:
        print(table_row(name, t))


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="validate every recipe and stop (no stemma run)")
    ap.add_argument("--show", metavar="ID", action="append", default=[], help="print the built derivative ID (repeatable)")
    ap.add_argument("--stemma", default=os.path.join(REPO, "target", "release", "stemma"))
    ap.add_argument("--out", default=os.path.join(HERE, "results", "rewrites.json"))
    ap.add_argument("--keep", metavar="DIR", help="keep the corpus and stemma's report in DIR")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = ap.parse_args()

    if not os.path.exists(ECB):
        print(f"SKIPPED: ../shared/data not found beside the repository ({ECB}); "
              "the rewrites evaluation builds its texts from it and cannot run without it")
        return 0
    docs = load_sources()
    if not os.path.exists(BASIL):
        print(f"note: {BASIL} not found; recipes over BASIL articles will fail")
    try:
        recipes = load_recipes()
    except RecipeError as e:
        sys.exit(str(e))
    texts, bad = check_all(recipes, docs)
    counts = Counter((r.get("kind"), r.get("split")) for r in recipes)
    print(f"Rewrites: {len(recipes)} recipes in {RECIPES}, {bad} with problems")
    for kind in KINDS:
        n = {s: counts[(kind, s)] for s in ("train", "test")}
        if any(n.values()):
            print(f"  {kind:<14} train {n['train']:>3}  test {n['test']:>3}")
    for rid in args.show:
        r = next((x for x in recipes if x.get("id") == rid), None)
        if r is None:
            print(f"\nno recipe {rid!r}")
            continue
        print(f"\n===== rw/{rid} ({r.get('kind')}, {r.get('split')}) from {', '.join(r.get('sources', []))}")
        print(f"title: {r.get('title')}\npublished: {r.get('published')}\n")
        print(texts.get(rid, "(not built: see the problems above)"))
        print(f"\n[{len(words(texts.get(rid, '')))} words]")
    if bad:
        return 1
    if args.check:
        return 0

    report, elapsed = run_stemma(args.stemma, corpus_rows(docs, recipes, texts), args.keep)
    per, real_false = score(recipes, docs, report)
    splits = [(s, tally([r for r in per if r["split"] == s])) for s in ("train", "test")] + [("all", tally(per))]
    kinds = [(k, tally([r for r in per if r["kind"] == k])) for k in KINDS if any(r["kind"] == k for r in per)]
    print(f"\nstemma analyze: {len(report.get('relations', []))} relations over "
          f"{len(docs) + len(recipes)} documents in {elapsed:.1f} s")
    print_table("\nBy split (found / planted for the changes)", splits)
    print_table("\nBy kind of derivative (all splits)", kinds)
    print("\nChanges found with the planted wording and its context whole (strict), train / test / all:")
    for key in CHANGE_KINDS:
        print(f"  {key:<22}" + "".join(f"{t[key]['found_strict']:>4}/{t[key]['planted']:<4}" for _, t in splits))
    print(f"\nFalse derived pairs among real articles: {len(real_false)}")
    for f in real_false if args.verbose else real_false[:10]:
        print(f"  {f['kind']:<9} {f['a']} ~ {f['b']} ({f['why']})")
    if not args.verbose and len(real_false) > 10:
        print(f"  ... {len(real_false) - 10} more (-v)")
    if args.verbose:
        print("\nMisses")
        for r in per:
            lines = []
            if r["missing_sources"]:
                lines.append(f"not found from {', '.join(r['missing_sources'])}")
            for f in r["false_relations"]:
                lines.append(f"false relation to {f}")
            if r["relations_to_sources"] and r["kind_ok"] < r["relations_to_sources"]:
                lines.append(f"kind {'/'.join(r['kinds_reported'])}, expected {r['expected']}")
            if r["direction"].get("wrong"):
                lines.append("direction wrong")
            for key in CHANGE_KINDS:
                for p in r["changes"][key]["missed"]:
                    lines.append(f"missed {key[:-1].replace('_', ' ')}: {p['a']!r} -> {p.get('b')!r}")
            if lines:
                print(f"  rw/{r['id']} ({r['kind']}, {r['split']})")
                for line in lines:
                    print(f"      {line}")
    result = {
        "documents": len(docs) + len(recipes),
        "recipes": len(recipes),
        "seconds": round(elapsed, 2),
        "by_split": dict(splits),
        "by_kind": dict(kinds),
        "false_pairs_among_real_articles": real_false,
        "per_recipe": per,
    }
    write_result(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
