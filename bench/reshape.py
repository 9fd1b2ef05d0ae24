#!/usr/bin/env python3
"""A generated corpus in another text shape, for bench/peers.py.

    python3 bench/reshape.py flat CORPUS.jsonl OUT.jsonl

`flat`: every text as one paragraph (its line breaks become spaces), as
scraped pages and feeds often deliver it, and about half of the texts given
one stray quotation mark (opened before a sentence and never closed), as
careless copy and extraction leave them. Both are decided by a hash of the
text, so identical texts stay identical: an injected duplicate is still a
duplicate, while a version and its source are changed independently, as
two sites would change them. The ids, and so the truth file, are unchanged.
"""
import hashlib
import json
import re
import sys

SENTENCE_END = re.compile(r"(?<=[.!?]) (?=[A-Z])")


def flat(text):
    one = " ".join(text.split())
    digest = hashlib.blake2b(one.encode("utf-8"), digest_size=8).digest()
    if digest[0] % 2:
        return one
    sentences = SENTENCE_END.split(one)
    k = int.from_bytes(digest[1:5], "little") % len(sentences)
    sentences[k] = '"' + sentences[k]
    return " ".join(sentences)


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "flat":
        sys.exit(__doc__)
    _, shape, source, out = sys.argv
    with open(source, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        for line in f:
            if line.strip():
                d = json.loads(line)
                d["text"] = flat(d["text"])
                w.write(json.dumps(d, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
