"""The Python API against the command line and against what a reader
expects of each call."""

import ast
import json
import os
import threading

import pytest

import stemma
from stemma import _native
from conftest import REPO, cli, write_jsonl


def pairs(report):
    return sorted((r["a"], r["b"], r["kind"], r["direction"]) for r in report["relations"])


def test_analyze_gives_the_command_lines_report(examples, tmp_path):
    report = stemma.analyze(examples)
    expected = cli("analyze", write_jsonl(tmp_path / "ex.jsonl", examples))
    assert pairs(report) == pairs(expected)
    assert report["relations"] == expected["relations"]
    assert [s["documents"] for s in report["stories"]] == [s["documents"] for s in expected["stories"]]
    assert report["summary"] == expected["summary"]
    # The rewrite is found and what it changed is said.
    kinds = {r["b"]: r["kind"] for r in report["relations"]}
    assert kinds["03_paraphrased_rewrite"] == "rewrite"


def test_analyze_takes_plain_strings_and_any_iterable(examples):
    report = stemma.analyze(a["text"] for a in examples)
    assert [d["id"] for d in report["documents"]] == [str(i) for i in range(len(examples))]
    assert len(report["relations"]) == 2


def test_stories_can_be_left_out(examples):
    assert stemma.analyze(examples, stories=False)["stories"] == []
    assert stemma.analyze(examples)["stories"]


def test_a_record_without_text_raises_with_the_command_lines_message(examples):
    with pytest.raises(stemma.StemmaError, match=r"articles:2: record has no `text` field"):
        stemma.analyze([examples[0], {"id": "x", "body": "..."}])
    # Or the rest is analysed and the problem listed.
    with pytest.warns(stemma.StemmaWarning, match="articles:2"):
        report = stemma.analyze([examples[0], {"id": "x"}, examples[1]], on_error="warn")
    assert [d["id"] for d in report["documents"]] == [examples[0]["id"], examples[1]["id"]]
    assert report["input_errors"][0]["line"] == 2


def test_configuration_as_a_dict_or_a_file(examples, tmp_path):
    strict = stemma.analyze(examples, config={"relate": {"rewrite_coverage": 0.99}})
    assert strict["config"]["relate"]["rewrite_coverage"] == 0.99
    assert "rewrite" not in [r["kind"] for r in strict["relations"]]
    toml = tmp_path / "c.toml"
    toml.write_text("[relate]\nrewrite_coverage = 0.99\n")
    assert pairs(stemma.analyze(examples, config=toml)) == pairs(strict)
    with pytest.raises(stemma.StemmaError, match="unknown field `nope`"):
        stemma.analyze(examples, config={"relate": {"nope": 1}})
    with pytest.raises(stemma.StemmaError, match="must"):
        stemma.analyze(examples, config={"sketch": {"shingle_size": 0}})
    assert stemma.default_config()["relate"]["rewrite_coverage"] < 0.99


def test_compare_explains_one_pair(examples):
    wire, rewrite, unrelated = examples[0], examples[2], examples[4]
    found = stemma.compare(wire, rewrite)
    relation = found["relation"]
    assert relation["kind"] == "rewrite"
    assert relation["alignment"], "the alignment is given"
    assert set(relation["changes"]) >= {"altered_quotes", "changed_facts", "dropped_attributions"}
    assert [d["id"] for d in found["documents"]] == [wire["id"], rewrite["id"]]
    assert stemma.compare(wire, unrelated)["relation"] is None
    # Two plain strings: ids "a" and "b".
    assert stemma.compare(wire["text"], wire["text"])["relation"]["kind"] == "duplicate"


def test_dedup_names_texts_by_position_and_articles_by_id(examples, tmp_path):
    texts = [a["text"] for a in examples] + [examples[1]["text"]]
    found = stemma.dedup(texts)
    # The wire's version shares 0.57 of the original's word 5-grams: a
    # near-duplicate of it, as its copy (text 5) is.
    assert [(p["a"], p["b"]) for p in found["pairs"]] == [(0, 1), (0, 5), (1, 5)]
    assert found["clusters"] == [{"keep": 0, "duplicates": [1, 5]}]
    named = stemma.dedup(examples + [dict(examples[1], id="copy")], threshold=0.9)
    assert named["clusters"] == [{"keep": examples[1]["id"], "duplicates": ["copy"]}]
    expected = cli("dedup", write_jsonl(tmp_path / "d.jsonl", examples + [dict(examples[1], id="copy")]))
    assert stemma.dedup(examples + [dict(examples[1], id="copy")])["pairs"] == expected["pairs"]
    with pytest.raises(stemma.StemmaError, match="threshold"):
        stemma.dedup(texts, threshold=1.5)


PAGE = """<!doctype html><html lang="en"><head><meta charset="windows-1252">
<title>Bridge reopens | Harbour Times</title><meta property="og:site_name" content="Harbour Times">
<meta name="author" content="Ilse Varga"></head><body><nav>Home News Sport</nav><article>
<h1>Bridge reopens</h1><p>The harbour bridge reopened on Monday after three weeks of repairs, the city\u2019s engineers said.</p>
<p>Traffic was light in the morning but grew through the day as commuters returned to their old routes.</p>
</article><footer>Contact us</footer></body></html>"""


def test_extract_reads_the_article_on_a_page():
    page = stemma.extract(PAGE.encode("cp1252"), url="https://harbour.example/bridge")
    assert page["title"].startswith("Bridge reopens")
    assert page["outlet"] == "Harbour Times"
    assert page["author"] == "Ilse Varga"
    assert "city\u2019s engineers" in page["text"], "decoded by its declared charset"
    assert "Contact us" not in page["text"]
    with pytest.raises(stemma.StemmaError, match="https://x.example/: "):
        stemma.extract("<html><body><p>Hi.</p></body></html>", url="https://x.example/")


def test_index_adds_queries_and_gets(examples, tmp_path):
    path = tmp_path / "ix"
    index = stemma.Index(path)
    outcomes = index.add(examples[:2])
    assert [o["status"] for o in outcomes] == ["added", "added"]
    assert outcomes[1]["relations"][0]["kind"] == "version"
    asked = index.query([examples[2]])
    assert asked[0]["relations"][0]["kind"] == "rewrite"
    assert index.info()["documents"] == 2, "a query stores nothing"
    held = index.get(examples[0]["id"])
    assert held["article"]["id"] == examples[0]["id"]
    assert index.get("nobody") is None
    del index
    # Reopened: it kept what it was given.
    assert stemma.Index(path, create=False).info()["documents"] == 2
    with pytest.raises(stemma.StemmaError):
        stemma.Index(tmp_path / "missing", create=False)


def test_threads_analyse_side_by_side(examples):
    results = [None] * 4

    def run(k):
        results[k] = pairs(stemma.analyze(examples))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == results[0] and r for r in results)


def test_stubs_name_what_the_module_has():
    stub = ast.parse(open(os.path.join(os.path.dirname(stemma.__file__), "_native.pyi")).read())
    declared = {n.name for n in stub.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    actual = {n for n in dir(_native) if not n.startswith("_")}
    assert declared == actual
    for name in stemma.__all__:
        assert getattr(stemma, name).__doc__ or name == "__version__", f"{name} has no docstring"
