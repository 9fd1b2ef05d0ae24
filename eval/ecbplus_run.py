"""What the corpus evaluations share: their command line, the corpus, and one
`stemma analyze` run over it. Used by eval/ecbplus.py, eval/stories.py and
eval/basil.py."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_DATA = os.path.join(REPO, "..", "shared", "data", "ecbplus", "docs.jsonl")


def parse_args(doc, show_help, data=DEFAULT_DATA):
    """The evaluations' options: the binary, the data, the result file, how much to print."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stemma", default=os.path.join(REPO, "target", "release", "stemma"))
    ap.add_argument("--data", default=data)
    ap.add_argument("--out", default=None, help="write the result as JSON here")
    ap.add_argument("--show", type=int, default=0, help=show_help)
    args = ap.parse_args()
    if not os.path.exists(args.data):
        sys.exit(f"data not found at {args.data}: this evaluation needs ../shared beside the repository")
    return args


def analyze(args):
    """The corpus documents, Stemma's JSON report on them, and the seconds it took."""
    docs = [json.loads(line) for line in open(args.data, encoding="utf-8")]
    t0 = time.time()
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        proc = subprocess.run([args.stemma, "analyze", "--format", "json", "-o", tmp.name, args.data],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"stemma failed ({proc.returncode}): {proc.stderr[-2000:]}")
        report = json.load(open(tmp.name, encoding="utf-8"))
    return docs, report, time.time() - t0


def write_result(path, result):
    """Writes a result file, creating its folder."""
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
