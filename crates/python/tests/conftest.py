"""Shared fixtures: the repository, the command line binary, the shared
data (skipped loudly when ``../shared`` is absent), and one local Spark
session for the whole run."""

import glob
import json
import os
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SHARED = os.path.join(REPO, "..", "shared")
STEMMA = os.environ.get("STEMMA_BIN", os.path.join(REPO, "target", "release", "stemma"))


def articles_of(directory):
    """The ``.txt`` articles of a directory as the command line reads them:
    id the file stem, text the whole file."""
    out = []
    for path in sorted(glob.glob(os.path.join(directory, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            out.append({"id": os.path.splitext(os.path.basename(path))[0], "text": f.read()})
    return out


def write_jsonl(path, articles):
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    return path


def cli(*args):
    """Runs the command line; its JSON report."""
    if not os.path.exists(STEMMA):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    done = subprocess.run([STEMMA, *args, "--format", "json"], check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def shared(*parts):
    path = os.path.join(SHARED, *parts)
    if not os.path.exists(path):
        print(f"\n!!! SKIPPED: {path} is absent (../shared is not beside the repository) !!!", file=sys.stderr)
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def examples():
    return articles_of(os.path.join(REPO, "examples", "articles"))


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    from stemma.spark import session

    spark = session("local[2]", 4)
    yield spark
    spark.stop()
