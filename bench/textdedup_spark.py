#!/usr/bin/env python3
"""text-dedup's Spark MinHash job (PyPI ``text-dedup==0.3.1``,
``text_dedup/minhash_spark.py``) on a Parquet file instead of its BigQuery
table: the job's own functions (hashing, banding, large-star/small-star
connected components) and its main body line for line, less the BigQuery
read and the final write of the kept rows, which is replaced by writing the
component of every clustered document (to score recall).

    python bench/textdedup_spark.py --input corpus.parquet --output assign.parquet \
        [--threshold 0.5 --num_perm 128 --master local[2]]

Used by bench/spark.py; see bench/README.md.
"""

import argparse
import os
import sys

import numpy as np
from pyspark import SparkConf
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from text_dedup.minhash_spark import (
    MERSENNE_PRIME,
    RNG,
    generate_edges,
    generate_hash_values,
    large_star_map,
    large_star_reduce,
    optimal_param,
    small_star_map,
    small_star_reduce,
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--ngram_size", type=int, default=5)
    parser.add_argument("--min_length", type=int, default=5)
    parser.add_argument("--num_perm", type=int, default=128)
    parser.add_argument("--column", default="text")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = SparkConf()
    conf.set("spark.app.name", "MinHashLSH")
    conf.set("spark.ui.showConsoleProgress", "false")
    spark = SparkSession.builder.master(args.master).config(conf=conf).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")

    B, R = optimal_param(args.threshold, args.num_perm)
    HASH_RANGES = [(i * R, (i + 1) * R) for i in range(B)]
    PERMUTATIONS = np.array(
        [(RNG.randint(1, MERSENNE_PRIME, dtype=np.uint64), RNG.randint(0, MERSENNE_PRIME, dtype=np.uint64))
         for _ in range(args.num_perm)],
        dtype=np.uint64,
    ).T

    df = spark.read.parquet(args.input)
    df = df.withColumn("__id__", F.monotonically_increasing_id()).cache()
    records = df.select("__id__", args.column).rdd
    records = records.repartition(args.num_perm * 2).cache()
    edges = (
        records.flatMap(
            lambda x: generate_hash_values(
                content=x[1], idx=x[0], num_perm=args.num_perm, ngram_size=args.ngram_size,
                min_length=args.min_length, hashranges=HASH_RANGES, permutations=PERMUTATIONS,
            )
        )
        .groupBy(lambda x: (x[0], x[1]))
        .flatMap(lambda x: generate_edges([i[2] for i in x[1]]))
        .distinct()
        .cache()
    )
    a = edges
    while True:
        b = a.flatMap(large_star_map).groupByKey().flatMap(large_star_reduce).distinct().cache()
        a = b.map(small_star_map).groupByKey().flatMap(small_star_reduce).distinct().cache()
        changes = a.subtract(b).union(b.subtract(a)).collect()
        if len(changes) == 0:
            break
    results = a.collect()
    components = spark.createDataFrame(results or [(0, 0)], schema=["__id__", "component"])
    ids = df.select("__id__", "id")
    named = (components.join(ids, "__id__")
             .join(ids.select(F.col("__id__").alias("component"), F.col("id").alias("keep")), "component")
             .select("id", "keep"))
    named.write.mode("overwrite").parquet(args.output)
    print(f"{len(results)} documents clustered with an earlier one", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
