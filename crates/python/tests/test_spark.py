"""The Spark job gives the command line's answer: the same derived pairs,
kinds, directions and changes as ``stemma analyze --no-stories``, and the
same near-duplicate pairs and clusters as ``stemma dedup``, in ``local[2]``
mode on the seeds, the examples, ECB+ and a generated 10k corpus."""

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, articles_of, cli, shared, write_jsonl

pytest.importorskip("pyspark")
from stemma import spark as job  # noqa: E402


def spark_relations(spark, path):
    result = job.analyze(spark, [str(path)])
    rows = result["relations"].orderBy("a_index", "b_index").collect()
    return result, [json.loads(r["relation"]) for r in rows]


def assert_same_analysis(spark, path):
    expected = cli("analyze", "--no-stories", str(path))
    result, relations = spark_relations(spark, path)
    key = lambda r: (r["a"], r["b"], r["kind"], r["direction"])  # noqa: E731
    assert sorted(map(key, relations)) == sorted(map(key, expected["relations"]))
    # Every field, alignment and changes included.
    assert sorted(relations, key=key) == sorted(expected["relations"], key=key)
    assert result.summary["documents"] == expected["summary"]["documents"]
    assert result.summary["candidates"] == expected["summary"]["candidates"]
    return expected


def test_examples(spark, examples, tmp_path):
    expected = assert_same_analysis(spark, write_jsonl(tmp_path / "ex.jsonl", examples))
    assert len(expected["relations"]) == 2


def test_parquet_rows_read_as_records(spark, examples, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Other column names, named to the job as the command line's flags name them.
    rows = [{"doc_id": a["id"], "body": a["text"], "extra": 1} for a in examples]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "ex.parquet")
    expected = cli("analyze", "--no-stories", str(write_jsonl(tmp_path / "ex.jsonl", examples)))
    result = job.analyze(spark, [str(tmp_path / "ex.parquet")], job.Job(fields={"id": "doc_id", "text": "body"}))
    found = [json.loads(r["relation"]) for r in result["relations"].orderBy("a_index", "b_index").collect()]
    assert found == expected["relations"]


def test_seeds(spark, tmp_path):
    seeds = articles_of(shared("seeds"))
    assert_same_analysis(spark, write_jsonl(tmp_path / "seeds.jsonl", seeds))


def test_ecbplus(spark):
    expected = assert_same_analysis(spark, shared("data", "ecbplus", "docs.jsonl"))
    assert expected["summary"]["documents"] > 900


def corpus_10k():
    shared("data")
    out = os.path.join(REPO, "bench", "out")
    corpus = os.path.join(out, "corpus-10000.jsonl")
    if not os.path.exists(corpus):
        os.makedirs(out, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(REPO, "bench", "gen_corpus.py"), "--docs", "10000", "--seed", "1",
                        "--out", corpus, "--truth", os.path.join(out, "truth-10000.jsonl")], check=True)
    return corpus


def test_generated_10k(spark):
    expected = assert_same_analysis(spark, corpus_10k())
    assert len(expected["relations"]) > 1000


def test_dedup_generated_10k(spark):
    corpus = corpus_10k()
    expected = cli("dedup", corpus)
    result = job.dedup(spark, [corpus])
    pairs = {(r["a"], r["b"]): r["jaccard"] for r in result["pairs"].collect()}
    written = {(p["a"], p["b"]): p["jaccard"] for p in expected["pairs"]}
    assert sorted(pairs) == sorted(written)
    # The command line writes three decimals.
    assert all(abs(pairs[k] - written[k]) <= 0.0005 + 1e-9 for k in pairs)
    clusters = {r["keep"]: list(r["duplicates"]) for r in result["clusters"].collect()}
    assert clusters == {c["keep"]: c["duplicates"] for c in expected["clusters"]}
    assert result["kept"].count() == expected["summary"]["documents"] - expected["summary"]["removable"]


def test_repeated_ids_and_bad_records_as_the_command_line_reads_them(spark, examples, tmp_path):
    rows = [examples[0], {"id": "no-text"}, dict(examples[1], id=examples[0]["id"]), examples[0], examples[2]]
    path = write_jsonl(tmp_path / "odd.jsonl", rows)
    expected = cli("analyze", "--no-stories", str(path))
    result, relations = spark_relations(spark, path)
    assert sorted((r["a"], r["b"]) for r in relations) == sorted((r["a"], r["b"]) for r in expected["relations"])
    assert [(p["line"], p["message"]) for p in result.problems] == [
        (e["line"], e["message"]) for e in expected["input_errors"]]
    ids = [r["id"] for r in result["documents"].orderBy("index").collect()]
    assert ids == [d["id"] for d in expected["documents"]]


def test_components_join_chains_and_stars(spark):
    edges = spark.createDataFrame([(1, 2), (2, 3), (3, 4), (10, 11), (12, 11), (7, 7), (20, 5)], "a long, b long")
    found = {r["node"]: r["component"] for r in job.components(edges).collect()}
    assert found == {1: 1, 2: 1, 3: 1, 4: 1, 10: 10, 11: 10, 12: 10, 5: 5, 20: 5}


def test_command_line_writes_parquet_and_jsonl(examples, tmp_path):
    path = write_jsonl(tmp_path / "ex.jsonl", examples)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "stemma.spark", "analyze", str(path), "-o", str(out),
                           "--master", "local[1]", "--partitions", "2"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1])["relations"] == 2
    lines = [json.loads(l) for p in sorted((out / "relations.jsonl").glob("part-*")) for l in open(p)]
    assert [r["kind"] for r in lines] == ["version", "rewrite"]
    import pyarrow.parquet as pq

    table = pq.read_table(out / "relations.parquet").to_pylist()
    assert table[0]["relation"]["changes"]["dropped_sentences"] == lines[0]["changes"]["dropped_sentences"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["summary"]["documents"] == 5 and summary["config"]["relate"]
    bad = subprocess.run([sys.executable, "-m", "stemma.spark", "analyze", str(tmp_path / "missing.jsonl"),
                          "-o", str(out)], capture_output=True, text=True)
    assert bad.returncode == 2 and "input not found" in bad.stderr
