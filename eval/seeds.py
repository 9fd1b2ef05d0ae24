#!/usr/bin/env python3
"""The seed articles (../shared/seeds) as a scored table: what a careful
reader finds (EXPECTED.md there) against what `stemma analyze` reports.

    python3 eval/seeds.py [--out eval/results/seeds.json]

Each expectation is a check that either holds or not; the table counts them
by group (relations, altered quotations, changed facts and attributions).
The last group holds the changes EXPECTED.md lists together; stemma reports
the rewordings among them ("from" -> "near" Kursk, "eased" -> "lifted",
"most of" -> "parts of") as meaning shifts (`changes.meaning_shifts`), the
others as changed facts or dropped attributions.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SEEDS = os.path.join(REPO, "..", "shared", "seeds")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stemma", default=os.path.join(REPO, "target", "release", "stemma"))
    ap.add_argument("--out", default=os.path.join(HERE, "results", "seeds.json"))
    args = ap.parse_args()
    if not os.path.isdir(SEEDS):
        sys.exit(f"seeds not found at {SEEDS}: this evaluation needs ../shared beside the repository")
    r = json.loads(subprocess.run([args.stemma, "analyze", "--format", "json", SEEDS], capture_output=True, text=True, check=True).stdout)

    def rel(x, y):
        for x_ in r["relations"]:
            ids = {x_["a"][:3], x_["b"][:3]}
            if ids == {x, y}:
                return x_
        return None

    def oriented(rel_, first):
        """(old, new) wordings with `first` as the old side."""
        flip = not rel_["a"].startswith(first)
        return lambda item: (item["b"], item["a"]) if flip else (item["a"], item["b"])

    checks = []
    v, w = rel("000", "001"), rel("002", "004")
    checks.append(("relations", "001 ~ 000 version", bool(v and v["kind"] == "version")))
    checks.append(("relations", "002 ~ 004 rewrite", bool(w and w["kind"] == "rewrite")))
    checks.append(("relations", "no derived relation involving 003",
                   not any("003" in (x["a"][:3], x["b"][:3]) for x in r["relations"])))
    checks.append(("relations", "no other derived relation", len(r["relations"]) == 2))

    quotes = [oriented(w, "002")(q) for q in w["changes"]["altered_quotes"]] if w else []
    for speaker, before, after in [
        ("Zelensky", "de facto rejected", "effectively rejected"),
        ("Berzina", "brought to light", "underscored"),
        ("Berzina", "very small step", "very minor step"),
        ("Trump", "Contract for Peace", "peace agreement"),
        ("Colbourn", "little concession", "few concessions"),
    ]:
        found = any(before.lower() in a.lower() and after.lower() in b.lower() for a, b in quotes)
        checks.append(("altered quotations", f"{speaker}: {before!r} -> {after!r}", found))
    checks.append(("altered quotations", "unchanged 'We had a great call' not reported",
                   not any("great call" in a for a, _ in quotes)))

    facts = [oriented(w, "002")(f) for f in w["changes"]["changed_facts"]] if w else []
    shifts = [(f["kind"],) + oriented(w, "002")(f) for f in w["changes"].get("meaning_shifts", [])] if w else []
    dropped = w["changes"]["dropped_attributions"] if w else []
    vfacts = [oriented(v, "001")(f) for f in v["changes"]["changed_facts"]] if v else []
    vkfacts = [(f["kind"],) + oriented(v, "001")(f) for f in v["changes"]["changed_facts"]] if v else []
    expected_facts = [
        ("President -> former U.S. President", any("former U.S. President" in b for _, b in facts)),
        ("Snegovaya attribution -> 'Experts say'", any("Snegovaya" in d["a"] and (d["b"] or "") == "Experts" for d in dropped)),
        ("two-and-a-half-hour -> 21/2-hour (001 vs 000)", any("two-and-a-half" in a and "21/2" in b for a, b in vfacts)),
        ("pushing back ... from -> near Kursk (meaning shift, preposition)",
         any(k == "preposition" and "from" in a and "near" in b and "Kursk" in b for k, a, b in shifts)),
        ("most of four regions -> parts of (meaning shift, scope)",
         any(k == "scope" and "most" in a and "parts" in b for k, a, b in shifts)),
        ("sanctions eased -> lifted (meaning shift, degree)",
         any(k == "degree" and "eased" in a and "lifted" in b for k, a, b in shifts)),
        ("assistance to Kyiv -> to Ukraine (001 vs 000, place)",
         any(k == "place" and "Kyiv" in a and "Ukraine" in b for k, a, b in vkfacts)),
    ]
    for name, ok in expected_facts:
        checks.append(("changed facts and attributions", name, ok))

    groups = {}
    for group, _, ok in checks:
        found, total = groups.get(group, (0, 0))
        groups[group] = (found + ok, total + 1)
    print("Seeds (../shared/seeds/EXPECTED.md)")
    print(f"  {'group':<34} {'found':>6} {'expected':>9}")
    for group, (found, total) in groups.items():
        print(f"  {group:<34} {found:>6} {total:>9}")
    for group, name, ok in checks:
        print(f"  [{'x' if ok else ' '}] {group}: {name}")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"groups": {g: {"found": a, "expected": b} for g, (a, b) in groups.items()},
                   "checks": [{"group": g, "check": n, "found": ok} for g, n, ok in checks]}, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
