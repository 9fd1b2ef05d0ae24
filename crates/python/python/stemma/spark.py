"""Stemma on Apache Spark: the command line's analysis (without stories)
and near-duplicate mode over corpora larger than one machine.

    python -m stemma.spark analyze corpus.jsonl --output out/ [--master local[2]]
    python -m stemma.spark dedup corpus.jsonl --output out/ [--threshold 0.5]
    spark-submit --master yarn $(python -c 'import stemma.spark as s; print(s.__file__)') analyze ...

Inputs are JSON lines files (``.jsonl``, ``.json``, gzip-compressed too)
or Parquet (``.parquet`` files or directories of them), whose rows are read
as the JSONL records of the command line (``--text-field`` and the other
field flags likewise). Directories are read file by file in name order.

What runs where (the design in GUIDE.md, "Spark"):

1. Reading, text analysis and sketches: ``mapInArrow`` calling the Rust
   core on each Arrow batch (``_native.spark_read``); each batch's term
   counts are summed by a ``groupBy`` into the corpus statistics, which are
   collected once and broadcast.
2. Candidates as DataFrame operations: exact hashes and LSH band keys
   exploded and grouped (a key held by more than
   ``candidates.max_key_documents`` documents pairs each with the first
   only), sentence keys exploded, grouped, joined and counted per pair.
3. Pair verification (alignment, relation, changes) in Rust on each batch
   of candidate pairs.
4. Connected components of the derived pairs by iterated large-star /
   small-star DataFrame operations; each component is settled in Rust as
   the command line settles all relations without stories (articles
   assembled from several sources, condensed rewrites).
5. Families (components of the final relations) and near-duplicate
   clusters, by the same connected components.

The relations equal those of ``stemma analyze --no-stories`` on the same
input (tested). Stories are not built on Spark yet, so neither is what
rests on them: collation, the story's independent accounts confirming a
condensed rewrite in new words (such a rewrite is judged without them, as
``--no-stories`` judges it) and directing a pair by their readings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from functools import reduce
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from . import _native

# Without PySpark, `import stemma.spark` says what to install.
try:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql import functions as F
except ImportError as err:  # pragma: no cover - exercised by hand
    raise ImportError(f"stemma.spark needs PySpark with Arrow: pip install 'stemma[spark]' ({err})") from None


# ----------------------------------------------------------------- settings


class Job:
    """The job's settings: the configuration (a dict of tables overriding
    the defaults, or a TOML file read here on the driver) and the JSON field
    names. Parsed here first, so that a bad configuration fails before
    Spark runs; the executors get the effective configuration as JSON."""

    def __init__(self, config: Optional[Dict[str, Any]] = None, config_path: Optional[str] = None,
                 fields: Optional[Dict[str, str]] = None) -> None:
        fields_json = json.dumps(fields) if fields else None
        self.settings = _settings(json.dumps(config) if config is not None else None, config_path, fields_json)
        self.config_json = self.settings.config_json()
        self.fields_json = fields_json

    def shipped(self) -> Tuple[Optional[str], Optional[str], Optional[str]]:
        """The arguments of ``_settings`` on an executor."""
        return self.config_json, None, self.fields_json


_SETTINGS: Dict[Any, Any] = {}
_STATS: Dict[str, Any] = {}


def _settings(config_json: Optional[str], config_path: Optional[str], fields_json: Optional[str]) -> Any:
    """The parsed settings, once per Python worker."""
    key = (config_json, config_path, fields_json)
    if key not in _SETTINGS:
        _SETTINGS[key] = _native.Settings(config_json, config_path, fields_json)
    return _SETTINGS[key]


def _stats(token: str, broadcast: Any) -> Any:
    """The broadcast corpus statistics, built once per Python worker."""
    if token not in _STATS:
        documents, terms, counts = broadcast.value
        _STATS.clear()
        _STATS[token] = _native.Stats(documents, terms, counts)
    return _STATS[token]


def _cut(df: DataFrame) -> DataFrame:
    """Computes ``df`` now and starts a fresh plan from its rows: each
    stage reads the last one's rows instead of carrying its plan, which
    would grow with every stage (and Spark's planner with it). Reliable
    checkpoints when the context has a checkpoint directory (a cluster
    that may lose executors), local ones (memory and disk) otherwise."""
    if df.sparkSession.sparkContext._jsc.sc().getCheckpointDir().isDefined():
        return df.checkpoint(eager=True)
    return df.localCheckpoint(eager=True)


# ------------------------------------------------------------------ reading


def input_files(paths: Sequence[str]) -> List[str]:
    """The files to read, in the command line's order: each path as given,
    a directory's files by name (recursively)."""
    files: List[str] = []
    for path in paths:
        if os.path.isdir(path) and not _is_parquet_dir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                files.extend(os.path.join(root, n) for n in sorted(names) if not n.startswith("."))
        elif os.path.exists(path) or "://" in path:
            files.append(path)
        else:
            raise FileNotFoundError(f"input not found: {path}")
    return files


def _is_parquet_dir(path: str) -> bool:
    return path.endswith(".parquet") or any(n.endswith(".parquet") for n in os.listdir(path))


def read_records(spark: SparkSession, paths: Sequence[str]) -> DataFrame:
    """The input records: ``index`` (their order, the command line's
    document order), ``path``, ``line`` (1-based, within its file) and
    ``value`` (the JSON record). Each file is read on its own, so that
    Spark's packing of small files cannot reorder them."""
    frames = []
    for path in input_files(paths):
        if path.endswith(".parquet") or os.path.isdir(path):
            df = spark.read.parquet(path)
            df = df.select(F.to_json(F.struct(*[F.col(f"`{c}`") for c in df.columns])).alias("value"))
        else:
            df = spark.read.text(path)
        frames.append(df.select("value", F.lit(path).alias("path")))
    if not frames:
        raise ValueError("no input files")
    records = reduce(DataFrame.unionByName, frames).withColumn("index", F.monotonically_increasing_id())
    # Within a partition the ids count up from (partition << 33); the line
    # is the count of the same file's rows in earlier partitions plus the
    # position in this one.
    records = records.withColumn("part", F.shiftright("index", 33)).withColumn(
        "k", F.col("index").bitwiseAND(F.lit((1 << 33) - 1)))
    sizes = records.groupBy("part", "path").agg(F.count("*").alias("n"), F.min("k").alias("k0")).collect()
    base: Dict[int, int] = {}
    seen: Dict[str, int] = {}
    for row in sorted(sizes, key=lambda r: r["part"]):
        base[row["part"]] = seen.get(row["path"], 0) - row["k0"]
        seen[row["path"]] = seen.get(row["path"], 0) + row["n"]
    offsets = spark.createDataFrame(list(base.items()), "part long, base long")
    return (records.join(F.broadcast(offsets), "part")
            .select("index", "path", (F.col("k") + F.col("base") + 1).alias("line"), "value"))


READ_SCHEMA = ("index long, path string, line long, id string, message string, text_hash long, exact long, "
               "bands array<long>, skeys array<long>, ssents array<int>, document string, stat_documents long")


def _read_batches(job: Tuple[Optional[str], ...]):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        settings = _settings(*job)
        for batch in batches:
            lines = batch.column("value").to_pylist()
            paths = batch.column("path").to_pylist()
            numbers = batch.column("line").to_pylist()
            ids, messages, hashes, exact, bands, skeys, ssents, docs, (n, terms, counts) = _native.spark_read(
                settings, [v or "" for v in lines], paths, numbers)
            rows = len(lines)
            yield pa.RecordBatch.from_pydict({
                "index": batch.column("index"), "path": batch.column("path"), "line": batch.column("line"),
                "id": ids, "message": messages, "text_hash": hashes, "exact": exact, "bands": bands, "skeys": skeys,
                "ssents": ssents, "document": docs, "stat_documents": [None] * rows,
            }, schema=_arrow_schema(READ_SCHEMA))
            # The batch's term counts, as one row: summed by a groupBy.
            yield pa.RecordBatch.from_pydict({
                "index": [-1], "path": [None], "line": [None], "id": [None], "message": [None], "text_hash": [None],
                "exact": [None],
                "bands": [terms], "skeys": [counts], "ssents": [None], "document": [None], "stat_documents": [n],
            }, schema=_arrow_schema(READ_SCHEMA))
    return run


_ARROW: Dict[str, pa.Schema] = {}


def _arrow_schema(ddl: str) -> pa.Schema:
    """The Arrow schema of a Spark DDL string (the few types used here)."""
    if ddl not in _ARROW:
        types = {"long": pa.int64(), "int": pa.int32(), "string": pa.string(), "double": pa.float64(),
                 "boolean": pa.bool_(), "binary": pa.binary(), "array<long>": pa.list_(pa.int64()),
                 "array<int>": pa.list_(pa.int32())}
        fields = []
        for part in ddl.split(", "):
            name, kind = part.split(" ", 1)
            fields.append(pa.field(name, types[kind]))
        _ARROW[ddl] = pa.schema(fields)
    return _ARROW[ddl]


def _problems(read: DataFrame) -> List[Dict[str, Any]]:
    """The records not read, or read with a caveat, as the command line
    lists them, in input order."""
    rows = read.where(F.col("message").isNotNull()).select("index", "path", "line", "message").orderBy("index")
    out = []
    for row in rows.toLocalIterator():
        for message in row["message"].split("\n"):
            out.append({"path": row["path"], "line": row["line"], "message": message.split(": ", 1)[-1]
                        if message.startswith(f"{row['path']}:{row['line']}: ") else message})
    return out


def _unique_ids(docs: DataFrame) -> Tuple[DataFrame, DataFrame]:
    """Ids made unique as the command line makes them, in input order: the
    same id with the same text as its first holder is the same article
    given twice, read once; with another text it is read as ``ID#2``,
    ``ID#3``…. Returns the documents and the notices."""
    from pyspark.sql.window import Window

    by_id = Window.partitionBy("id").orderBy("index")
    first = docs.withColumn("first_hash", F.first("text_hash").over(by_id)).withColumn(
        "first_at", F.first(F.concat_ws(":", "path", F.col("line").cast("string"))).over(by_id)).withColumn(
        "seen", F.row_number().over(by_id))
    again = (F.col("seen") > 1) & (F.col("text_hash") == F.col("first_hash"))
    read_once = first.where(again).select("index", "path", "line", F.concat(
        F.lit("the same article (id `"), "id", F.lit("`, same text) was read from "), "first_at",
        F.lit("; read once")).alias("message"))
    kept = first.where(~again).withColumn("count", F.row_number().over(by_id))
    renamed_id = F.concat("id", F.lit("#"), F.col("count").cast("string"))
    renamed = kept.where(F.col("count") > 1).select("index", "path", "line", F.concat(
        F.lit("duplicate id `"), "id", F.lit("` with another text; this one is read as `"), renamed_id,
        F.lit("`")).alias("message"))
    docs = kept.withColumn("id", F.when(F.col("count") > 1, renamed_id).otherwise(F.col("id")))
    return docs.drop("first_hash", "first_at", "seen", "count"), read_once.unionByName(renamed)


def corpus_stats(spark: SparkSession, read: DataFrame) -> Tuple[int, bytes, bytes]:
    """The corpus statistics: every batch's term counts summed by term,
    collected once (as Arrow) for broadcasting."""
    import numpy as np

    rows = read.where(F.col("index") == -1)
    documents = rows.agg(F.sum("stat_documents")).first()[0] or 0
    df = (rows.select(F.explode(F.arrays_zip("bands", "skeys")).alias("t"))
          .select(F.col("t.bands").alias("term"), F.col("t.skeys").alias("n"))
          .groupBy("term").agg(F.sum("n").alias("n")))
    table = df.toPandas()
    terms = table["term"].to_numpy(dtype=np.int64).astype("<i8").tobytes()
    counts = table["n"].to_numpy(dtype=np.int64).astype("<i8").tobytes()
    return int(documents), terms, counts


# --------------------------------------------------------------- candidates


def group_pairs(keyed: DataFrame, cap: int) -> DataFrame:
    """Pairs ``(a, b)``, ``a < b``, of documents sharing a ``key``, as the
    command line's ``group_pairs``: a key held by more than ``cap``
    documents pairs each with its first only, so the cost stays linear.
    One shuffle groups each key's documents; the pairs are exploded from
    the group, without a self-join."""
    groups = (keyed.groupBy("key").agg(F.array_sort(F.collect_set("doc")).alias("docs"))
              .where(F.size("docs") >= 2))
    big = groups.where(F.size("docs") > cap).select(
        F.col("docs")[0].alias("a"), F.explode(F.slice("docs", 2, 1 << 30)).alias("b"))
    small = groups.where(F.size("docs") <= cap)
    paired = (small.select("docs", F.posexplode("docs").alias("i", "a"))
              .select("i", "a", F.posexplode("docs").alias("j", "b"))
              .where(F.col("i") < F.col("j")).select("a", "b"))
    return big.unionByName(paired).distinct()


def candidates(docs: DataFrame, cap: int, min_shared: int) -> DataFrame:
    """Candidate pairs ``(a, b, exact, lsh)`` from exact hashes, LSH bands
    and shared sentence keys, as ``candidates::candidates`` finds them."""
    exact = group_pairs(docs.select(F.col("exact").alias("key"), F.col("index").alias("doc")), cap)
    bands = group_pairs(docs.select(F.explode("bands").alias("key"), F.col("index").alias("doc")), cap)
    known = exact.withColumn("exact", F.lit(True)).unionByName(bands.withColumn("exact", F.lit(False)))
    known = known.groupBy("a", "b").agg(F.max("exact").alias("exact")).withColumn("lsh", F.lit(True))

    # Each key's (document, sentence) postings in one group; a key held by
    # fewer than two documents or more than `cap` makes no pairs.
    postings = (docs.select(F.col("index").alias("doc"), F.explode(F.arrays_zip("skeys", "ssents")).alias("p"))
                .select(F.col("p.skeys").alias("key"), F.struct("doc", F.col("p.ssents").alias("sentence")).alias("p"))
                .groupBy("key").agg(F.array_sort(F.collect_set("p")).alias("ps"))
                .withColumn("held", F.size(F.array_distinct(F.col("ps.doc"))))
                .where((F.col("held") >= 2) & (F.col("held") <= cap)))
    hits = (postings.select("ps", F.posexplode("ps").alias("i", "x"))
            .select("i", "x", F.posexplode("ps").alias("j", "y"))
            .where((F.col("i") < F.col("j")) & (F.col("x.doc") < F.col("y.doc")))
            .select(F.col("x.doc").alias("a"), F.col("y.doc").alias("b"),
                    F.col("x.sentence").alias("sa"), F.col("y.sentence").alias("sb")))
    shared = (hits.join(known.select("a", "b"), ["a", "b"], "left_anti")
              .groupBy("a", "b").agg(F.size(F.collect_set("sa")).alias("na"), F.size(F.collect_set("sb")).alias("nb"))
              .where(F.least("na", "nb") >= min_shared)
              .select("a", "b", F.lit(False).alias("exact"), F.lit(False).alias("lsh")))
    return known.select("a", "b", "exact", "lsh").unionByName(shared)


# ------------------------------------------------------ connected components


def components(edges: DataFrame) -> DataFrame:
    """Connected components of the undirected edges ``(a, b)``: ``(node,
    component)`` for every node in an edge, the component named by its
    smallest node. Iterated large-star / small-star (Kiveris et al., 2014,
    as text-dedup's Spark job runs it), each step a DataFrame operation;
    converges in O(log n) rounds."""
    star = _cut(edges.select(F.greatest("a", "b").alias("x"), F.least("a", "b").alias("y"))
                .where(F.col("x") != F.col("y")).distinct())
    while True:
        # Large star: each node's larger neighbours join its smallest one.
        both = star.unionByName(star.select(F.col("y").alias("x"), F.col("x").alias("y")))
        low = both.groupBy("x").agg(F.least(F.min("y"), F.col("x")).alias("m"))
        large = (both.join(low, "x").where(F.col("y") > F.col("x"))
                 .select(F.col("y").alias("x"), F.col("m").alias("y")).distinct())
        # Small star: each node and its smaller neighbours join the smallest.
        down = large.select(F.greatest("x", "y").alias("x"), F.least("x", "y").alias("y"))
        low = down.groupBy("x").agg(F.least(F.min("y"), F.col("x")).alias("m"))
        small = (down.join(low, "x").select(F.col("y").alias("x"), "m")
                 .unionByName(low.select("x", "m"))
                 .where(F.col("x") != F.col("m")).select("x", F.col("m").alias("y")).distinct())
        small = _cut(small)
        changed = star.exceptAll(small).limit(1).count() + small.exceptAll(star).limit(1).count()
        star = small
        if changed == 0:
            break
    roots = star.select(F.col("y").alias("node")).distinct().withColumn("component", F.col("node"))
    return _cut(star.select(F.col("x").alias("node"), F.col("y").alias("component")).unionByName(roots))


# ------------------------------------------------------------- verification


VERIFIED_SCHEMA = "a long, b long, kind string, exact boolean, lsh boolean"


def _verify_batches(job: Tuple[Optional[str], ...], token: str, broadcast: Any):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        settings = _settings(*job)
        stats = _stats(token, broadcast)
        for batch in batches:
            c = {name: batch.column(name).to_pylist() for name in batch.schema.names}
            a, b, kind, exact, lsh = _native.spark_verify(settings, stats, (
                c["a"], c["b"], c["a_value"], c["b_value"], c["a_id"], c["b_id"], c["exact"], c["lsh"]))
            yield pa.RecordBatch.from_pydict({"a": a, "b": b, "kind": kind, "exact": exact, "lsh": lsh},
                                             schema=_arrow_schema(VERIFIED_SCHEMA))
    return run


def _settle_batches(job: Tuple[Optional[str], ...], token: str, broadcast: Any):
    """Settles the components of a partition whose rows (members, kind 0,
    then pairs, kind 1) arrive sorted by component: one Rust call per
    component, without a pandas frame per group (a corpus has as many
    components as copy families)."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        settings = _settings(*job)
        stats = _stats(token, broadcast)
        schema = _arrow_schema("a long, b long, kind string, relation string")
        group: Optional[Tuple[Any, ...]] = None
        out: Tuple[List[Any], ...] = ([], [], [], [])

        def settle(group: Tuple[Any, ...]) -> None:
            found = _native.spark_settle(settings, stats, group[1], group[2])
            for column, values in zip(out, found):
                column.extend(values)

        for batch in batches:
            c = batch.to_pydict()
            for k, component in enumerate(c["component"]):
                if group is None or group[0] != component:
                    if group is not None:
                        settle(group)
                    group = (component, ([], [], []), ([], [], [], []))
                if c["kind"][k] == 0:
                    for column, name in zip(group[1], ("index", "value", "id")):
                        column.append(c[name][k])
                else:
                    for column, name in zip(group[2], ("a", "b", "exact", "lsh")):
                        column.append(c[name][k])
            # Components still open stay for the next batch; the rest leave.
            if out[0]:
                yield pa.RecordBatch.from_arrays([pa.array(v) for v in out], schema=schema)
                out = ([], [], [], [])
        if group is not None:
            settle(group)
        if out[0]:
            yield pa.RecordBatch.from_arrays([pa.array(v) for v in out], schema=schema)
    return run


DOCUMENT_SCHEMA = ("id string, title string, outlet string, published string, dated string, url string, "
                   "path string, sentences array<string>")

_QUOTE = "array<struct<a:string,b:string,speaker:string,a_sentence:int,b_sentence:int>>"
_FACT = "array<struct<a:string,b:string,kind:string,a_sentence:int,b_sentence:int>>"
RELATION_SCHEMA = (
    "a string, b string, kind string, direction string, direction_basis string, direction_evidence array<string>, "
    "score double, coverage_a double, coverage_b double, verbatim_share double, vocabulary_a double, "
    "vocabulary_b double, mean_similarity double, "
    "alignment array<struct<a_sentence:int,b_sentence:int,similarity:double,wording_similarity:double,"
    "diff:array<struct<op:string,text:string>>>>, "
    f"changes struct<altered_quotes:{_QUOTE},changed_facts:{_FACT},meaning_shifts:{_FACT},"
    "dropped_attributions:array<struct<a:string,b:string,a_sentence:int,b_sentence:int>>,"
    "dropped_sentences:int,added_sentences:int>")


# -------------------------------------------------------------------- jobs


class Laps:
    """Wall time of each stage, for the summary: each stage ends with a
    checkpoint, so the time between two laps is that stage's."""

    def __init__(self) -> None:
        self.started = self.last = time.time()
        self.stages: Dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.time()
        self.stages[name] = round(now - self.last, 1)
        self.last = now

    def total(self) -> float:
        return round(time.time() - self.started, 1)


class Result:
    """What a job found: its DataFrames (cached until the caller is done),
    the input problems and the counts."""

    def __init__(self, frames: Dict[str, DataFrame], problems: List[Dict[str, Any]], summary: Dict[str, Any],
                 config: Dict[str, Any]) -> None:
        self.frames = frames
        self.problems = problems
        self.summary = summary
        self.config = config

    def __getitem__(self, name: str) -> DataFrame:
        return self.frames[name]


def _input(spark: SparkSession, paths: Sequence[str], partitions: Optional[int]) -> DataFrame:
    """The input records, in ``partitions`` ranges of input order when given."""
    records = read_records(spark, paths)
    if partitions:
        records = records.repartitionByRange(partitions, "index")
    return _cut(records)


def analyze(spark: SparkSession, paths: Sequence[str], job: Optional[Job] = None,
            partitions: Optional[int] = None) -> Result:
    """The command line's analysis without stories, on Spark: frames
    ``documents`` (``docs/schema.md`` documents with ``index`` and
    ``family``) and ``relations`` (``a_index``, ``b_index``, ``kind`` and
    ``relation``, the relation's JSON as the command line writes it)."""
    job = job or Job()
    settings = job.settings
    lap = Laps()
    records = _input(spark, paths, partitions)
    lap("input")
    read = _cut(records.mapInArrow(_read_batches(job.shipped()), READ_SCHEMA))
    lap("read and sketch")
    docs, notices = _unique_ids(read.where(F.col("id").isNotNull()))
    docs = _cut(docs)
    problems = _problems(read.where(F.col("index") >= 0).select("index", "path", "line", "message")
                         .unionByName(notices))
    documents = docs.count()
    if documents == 0:
        raise ValueError("no article could be read; nothing to analyse")
    lap("ids")
    stats = corpus_stats(spark, read)
    token = uuid.uuid4().hex
    broadcast = spark.sparkContext.broadcast(stats)
    lap("statistics")

    found = _cut(candidates(docs, settings.max_key_documents, settings.min_shared_sentences))
    lap("candidates")
    texts = _cut(records.join(docs.select("index", "id"), "index").select("index", "value", "id"))
    side = lambda s: texts.select(F.col("index").alias(s), F.col("value").alias(f"{s}_value"),  # noqa: E731
                                  F.col("id").alias(f"{s}_id"))
    # Pairs of one document together, so that a batch analyses it once.
    pairs = found.join(side("a"), "a").join(side("b"), "b").select(
        "a", "b", "a_value", "b_value", "a_id", "b_id", "exact", "lsh").sortWithinPartitions("a", "b")
    derived = pairs.mapInArrow(_verify_batches(job.shipped(), token, broadcast), VERIFIED_SCHEMA)
    derived = _cut(derived)
    lap("verify")

    groups = components(derived.select("a", "b"))
    lap("components")
    nothing = F.lit(None)
    members = groups.join(texts, F.col("node") == F.col("index")).select(
        "component", F.lit(0).cast("long").alias("kind"), "index", "value", "id", nothing.cast("long").alias("a"),
        nothing.cast("long").alias("b"), nothing.cast("boolean").alias("exact"), nothing.cast("boolean").alias("lsh"))
    edges = derived.join(groups.toDF("a", "component"), "a").select(
        "component", F.lit(1).cast("long").alias("kind"), nothing.cast("long").alias("index"),
        nothing.cast("string").alias("value"), nothing.cast("string").alias("id"), "a", "b", "exact", "lsh")
    # Each component's rows in one partition, together, members first.
    rows = members.unionByName(edges).repartition("component").sortWithinPartitions("component", "kind")
    settled = _cut(rows.mapInArrow(_settle_batches(job.shipped(), token, broadcast),
                                   "a long, b long, kind string, relation string"))
    relations = settled.select(F.col("a").alias("a_index"), F.col("b").alias("b_index"), "kind", "relation")
    lap("settle")

    families = components(settled.select("a", "b"))
    first = families.join(docs.select(F.col("index").alias("component"), F.col("id").alias("family")), "component")
    documents_df = (docs.join(first.select(F.col("node").alias("index"), "family"), "index", "left")
                    .select("index", F.from_json("document", DOCUMENT_SCHEMA).withField("id", F.col("id")).alias("d"),
                            F.coalesce("family", "id").alias("family"))
                    .select("index", "d.*", "family"))

    kinds = {row["kind"]: row["count"] for row in settled.groupBy("kind").count().collect()}
    lap("families")
    summary = {
        "documents": documents,
        "candidates": found.count(),
        "relations": sum(kinds.values()),
        **{k: kinds.get(k, 0) for k in ("duplicate", "version", "rewrite", "condensed")},
        "input_errors": len(problems),
        "seconds": lap.total(),
        "stages": lap.stages,
    }
    frames = {"records": records, "read": read, "docs": docs, "candidates": found, "derived": derived,
              "relations": relations, "documents": documents_df}
    return Result(frames, problems, summary, json.loads(settings.config_json()))


def _minhash_batches(job: Tuple[Optional[str], ...], threshold: float):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        settings = _settings(*job)
        for batch in batches:
            ids, messages, hashes, signatures, bands = _native.spark_minhash(
                settings, threshold, [v or "" for v in batch.column("value").to_pylist()],
                batch.column("path").to_pylist(), batch.column("line").to_pylist())
            yield pa.RecordBatch.from_pydict({
                "index": batch.column("index"), "path": batch.column("path"), "line": batch.column("line"),
                "id": ids, "message": messages, "text_hash": hashes, "signature": signatures, "bands": bands,
            }, schema=_arrow_schema(MINHASH_SCHEMA))
    return run


MINHASH_SCHEMA = ("index long, path string, line long, id string, message string, text_hash long, signature binary, "
                  "bands array<long>")


def _jaccard_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        similarity = _native.spark_jaccard(batch.column("sa").to_pylist(), batch.column("sb").to_pylist())
        yield pa.RecordBatch.from_pydict({"a": batch.column("a"), "b": batch.column("b"), "jaccard": similarity},
                                         schema=_arrow_schema("a long, b long, jaccard double"))


def dedup(spark: SparkSession, paths: Sequence[str], job: Optional[Job] = None, threshold: Optional[float] = None,
          partitions: Optional[int] = None) -> Result:
    """Near-duplicate mode (``stemma dedup``) on Spark: frames ``pairs``
    (``a``, ``b`` ids, ``jaccard``), ``clusters`` (``keep`` and its
    ``duplicates``, ids in input order) and ``kept`` (the records of the
    documents to keep: one per cluster, and every document in none)."""
    job = job or Job()
    settings = job.settings
    threshold = settings.near_duplicate_jaccard if threshold is None else threshold
    lap = Laps()
    records = _input(spark, paths, partitions)
    lap("input")
    sketched = records.mapInArrow(_minhash_batches(job.shipped(), threshold), MINHASH_SCHEMA)
    sketched = _cut(sketched)
    lap("read and sketch")
    docs, notices = _unique_ids(sketched.where(F.col("id").isNotNull()))
    docs = _cut(docs)
    problems = _problems(sketched.select("index", "path", "line", "message").unionByName(notices))
    documents = docs.count()
    if documents == 0:
        raise ValueError("no article could be read; nothing to analyse")
    found = group_pairs(docs.select(F.explode("bands").alias("key"), F.col("index").alias("doc")),
                        settings.max_key_documents)
    sig = lambda s: docs.select(F.col("index").alias(s), F.col("signature").alias(f"s{s}"))  # noqa: E731
    scored = found.join(sig("a"), "a").join(sig("b"), "b").select("a", "b", "sa", "sb").mapInArrow(
        _jaccard_batches, "a long, b long, jaccard double")
    near = _cut(scored.where(F.col("jaccard") >= threshold))
    lap("pairs")
    groups = components(near.select("a", "b"))
    lap("clusters")
    ids = docs.select("index", "id")
    named = lambda df, col, to: df.join(  # noqa: E731
        ids.select(F.col("index").alias(col), F.col("id").alias(to)), col)
    pairs = named(named(near, "a", "a_id"), "b", "b_id").select(
        F.col("a").alias("a_index"), F.col("b").alias("b_index"), F.col("a_id").alias("a"),
        F.col("b_id").alias("b"), "jaccard")
    members = named(named(groups.where(F.col("node") != F.col("component")), "node", "member"),
                    "component", "keep")
    clusters = (members.groupBy("component", "keep")
                .agg(F.sort_array(F.collect_list(F.struct("node", "member"))).alias("m"))
                .select(F.col("component").alias("keep_index"), "keep",
                        F.col("m.member").alias("duplicates")))
    dropped = groups.where(F.col("node") != F.col("component")).select(F.col("node").alias("index"))
    kept = records.join(docs.select("index"), "index").join(dropped, "index", "left_anti")
    summary = {
        "documents": documents,
        "pairs": near.count(),
        "clusters": clusters.count(),
        "removable": dropped.count(),
        "threshold": threshold,
        "input_errors": len(problems),
        "seconds": lap.total(),
        "stages": lap.stages,
    }
    frames = {"records": records, "pairs": pairs, "clusters": clusters, "kept": kept}
    return Result(frames, problems, summary, json.loads(settings.config_json()))


# ------------------------------------------------------------------- output


class Table:
    """An output table: its frame's name, the columns it is sorted by, and
    the column holding each row's JSON as the command line writes it (then
    the JSONL output is that text, and Parquet its parsed form)."""

    def __init__(self, name: str, order: Sequence[str], text: Optional[str] = None,
                 schema: Optional[str] = None) -> None:
        self.name, self.order, self.text, self.schema = name, list(order), text, schema


ANALYZE_TABLES = [Table("documents", ["index"]),
                  Table("relations", ["a_index", "b_index"], "relation", RELATION_SCHEMA)]
DEDUP_TABLES = [Table("pairs", ["a_index", "b_index"]), Table("clusters", ["keep_index"]),
                Table("kept", ["index"], "value")]


def write(result: Result, output: str, formats: Sequence[str], tables: Sequence[Table]) -> None:
    """Writes each table as ``NAME.parquet`` and/or ``NAME.jsonl``
    (directories of part files, in order), and ``summary.json`` with the
    counts, the configuration and the input problems."""
    local = "://" not in output
    if local:
        os.makedirs(output, exist_ok=True)
    for table in tables:
        frame = result[table.name].orderBy(*table.order)
        for fmt in formats:
            target = os.path.join(output, f"{table.name}.{fmt}")
            if fmt == "parquet":
                parsed = frame.withColumn(table.text, F.from_json(table.text, table.schema)) if table.schema else frame
                parsed.write.mode("overwrite").parquet(target)
            elif table.text:
                frame.select(table.text).write.mode("overwrite").text(target)
            else:
                frame.write.mode("overwrite").option("ignoreNullFields", "false").json(target)
    if local:
        with open(os.path.join(output, "summary.json"), "w", encoding="utf-8") as f:
            json.dump({"summary": result.summary, "config": result.config, "input_errors": result.problems}, f,
                      indent=2)
            f.write("\n")


def session(master: Optional[str], partitions: Optional[int] = None) -> SparkSession:
    """A Spark session: the one ``spark-submit`` made, else one on
    ``master`` (``local[*]`` by default). Shuffles use ``partitions``
    partitions, by default twice the cores Spark has (its own default, 200,
    is slow on one machine and arbitrary on a cluster)."""
    from pyspark import SparkConf

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("stemma")
    if master or not SparkConf().contains("spark.master"):
        builder = builder.master(master or "local[*]")
    spark = (builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    shuffle = partitions or 2 * spark.sparkContext.defaultParallelism
    spark.conf.set("spark.sql.shuffle.partitions", str(shuffle))
    return spark


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stemma.spark", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["analyze", "dedup"], help="the full analysis (without stories), or near-duplicate mode")
    parser.add_argument("inputs", nargs="+", help="JSONL or Parquet files, or directories of them")
    parser.add_argument("--output", "-o", required=True, help="output directory")
    parser.add_argument("--format", default="parquet,jsonl", help="parquet, jsonl or both (default: both)")
    parser.add_argument("--config", help="TOML configuration, as `stemma config` writes it")
    parser.add_argument("--threshold", type=float, help="dedup: estimated Jaccard from which a pair is reported")
    parser.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    parser.add_argument("--partitions", type=int, default=0,
                        help="input and shuffle partitions (default: the input's own, and twice Spark's cores)")
    for field in ("id", "title", "text", "outlet", "published", "url", "language", "author"):
        parser.add_argument(f"--{field}-field", default=field, help=f"JSON field holding the {field}")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    if not formats or any(f not in ("parquet", "jsonl") for f in formats):
        parser.error(f"--format: parquet, jsonl or both, not {args.format!r}")
    fields = {f: getattr(args, f"{f}_field") for f in
              ("id", "title", "text", "outlet", "published", "url", "language", "author")}
    try:
        job = Job(config_path=args.config, fields=fields)
        input_files(args.inputs)
    except (_native.StemmaError, FileNotFoundError) as err:
        print(f"stemma: error: {err}", file=sys.stderr)
        return 2
    spark = session(args.master, args.partitions or None)
    try:
        if args.mode == "analyze":
            result = analyze(spark, args.inputs, job, args.partitions or None)
            tables = ANALYZE_TABLES
        else:
            result = dedup(spark, args.inputs, job, args.threshold, args.partitions or None)
            tables = DEDUP_TABLES
        for problem in result.problems:
            print(f"stemma: {problem['path']}:{problem['line']}: {problem['message']}", file=sys.stderr)
        write(result, args.output, formats, tables)
        print(json.dumps(result.summary))
        return 0
    except ValueError as err:
        print(f"stemma: {err}", file=sys.stderr)
        return 1
    finally:
        spark.stop()


if __name__ == "__main__":
    # Run as the package's module rather than `__main__`, so that Spark
    # ships the functions by reference (the executors import stemma.spark)
    # instead of pickling them with this module's state.
    from stemma.spark import main as _main

    sys.exit(_main())
