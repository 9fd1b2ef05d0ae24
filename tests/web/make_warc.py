#!/usr/bin/env python3
"""Builds a CC-NEWS-like WARC 1.1 file, adversarial but deterministic, for
tests/web.rs and bench/extract.py.

    python3 tests/web/make_warc.py OUT.warc.gz [--pages N] [--uncompressed]
    python3 tests/web/make_warc.py OUT.warc.gz --from-dir DIR
    python3 tests/web/make_warc.py OUT.warc.gz --repeat 32     # ~200 MB, for the benchmark

Needs the `warcio` package (the venv .ci/run makes: target/test-venv). The
pages are read at run time from <shared>/data/html/readability/*/source.html
(default shared: <repo>/../shared); nothing of them is stored in the repository.

Default mode (the readability pages). The file holds, in order: a warcinfo
record, then for each page a request and a response record (HTTP/1.1 200,
Content-Type text/html) with WARC-Target-URI https://<folder>.example/<path>
(<path> from the page's canonical link, else /<folder>.html), and in between,
at fixed places:
- pages re-encoded into legacy charsets (windows-1252, ISO-8859-1, windows-1250,
  Shift_JIS, EUC-JP, GB18030, GBK, UTF-16 with a BOM, UTF-8 with a BOM),
  declared in the HTTP header only, in a <meta charset> only, in both, in
  neither, by the BOM only, or in the header with a contradicting meta (the
  header wins); windows-1252 bytes labelled ISO-8859-1 (the WHATWG encoding
  standard maps that label to windows-1252). Characters a charset cannot
  hold become numeric character references (at most 12 a page, counted in the
  manifest). Every other page stays UTF-8, declared in the header or by its own
  meta;
- bodies with Transfer-Encoding: chunked (one with chunk extensions, upper-case
  sizes and a trailer), Content-Encoding: gzip, deflate (zlib), deflate (raw,
  as some servers send it), and one both chunked and gzip; some responses with
  lower-case header names;
- non-HTML responses (image/jpeg, application/pdf, one PDF at a .html URL), a
  404 and a 301 (both text/html), metadata records, a revisit record, a
  resource record (dns:);
- one page captured twice (two response records, different dates);
- a truncated record (its gzip member cut in half; uncompressed: the record cut
  in half) and a corrupt one (gzip: garbage bytes over the middle of its
  member, so its CRC fails; uncompressed: the whole record replaced by
  garbage), in the middle, with good records after them, starting right
  where the damage ends (no separator before them). Both are extra captures at
  their own URLs (https://broken-N.example/...), not one of the good pages.
  The truncated one is followed by a request record, the corrupt one by the
  response of a good page without its request (so a reader that loses the
  record after a damaged one loses a page).

--from-dir DIR: every DIR/*.html (sorted), UTF-8, as request + response at
https://pages.example/articles/<file name>, with the transfer and content
encodings above spread over them (lossless), and nothing else adversarial.
All its records have the same WARC-Date (a reader may take the capture time
for the publication time; it must not order the pages).

--repeat K (default mode): the page list K times (copy k > 0 at /r<k><path>),
the special records once. --no-broken leaves out the two damaged records (the
benchmark uses it, so that warcio can read the whole file too).

The manifest (default OUT with .warc/.warc.gz replaced by .manifest.json, or
--manifest) says what a reader must find: `pages` (the good pages: url,
folder or file, source path, encoding, label, declared, bom, charrefs,
transfer_encoding, content_encoding, offset of the response record, date,
expected_chars = length of Readability's expected text, compare_source),
`bad_records` (offset, kind, url, next_offset and next_type: the record that
follows), `skipped` (counts by kind: request,
metadata, revisit, resource, non_html, non_200, warcinfo), `non_html`,
`non_200`, `duplicate` (url, offsets, dates). Offsets are byte offsets of the
record (its gzip member) in the file.
"""

import argparse
import gzip as gzip_module
import html
import io
import json
import os
import random
import re
import sys
import uuid
import zlib
from datetime import datetime, timedelta, timezone

try:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
except ImportError:
    sys.exit("make_warc.py needs the Python package warcio: run .ci/run, or "
             "python3 -m venv target/test-venv && target/test-venv/bin/pip install warcio==1.8.1")

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MAX_CHARREFS = 12
# Pages whose Readability text is shorter are test fixtures, not articles.
MIN_EXPECTED_CHARS = 400

# (page, Python codec, label, how declared). The page is used when it is
# selected and its whole source fits the codec with at most MAX_CHARREFS
# character references. Labels are as servers write them.
CHARSET_RULES = [
    ("nytimes-3", "cp1252", "windows-1252", "header"),
    ("lwn-1", "cp1252", "windows-1252", "meta"),
    ("videos-2", "cp1252", None, "none"),
    ("medium-1", "cp1252", "ISO-8859-1", "header"),  # WHATWG: iso-8859-1 means windows-1252
    ("folha", "latin-1", "iso-8859-1", "meta"),
    ("cnet-svg-classes", "latin-1", "latin1", "both"),
    ("citylab-1", "cp1252", "windows-1252", "header-over-meta"),
    ("aktualne", "cp1250", "windows-1250", "header"),
    ("liberation-1", "cp1252", "windows-1252", "meta"),
    ("hukumusume", "shift_jis", "Shift_JIS", "header"),
    ("yahoo-4", "euc_jp", None, "none"),
    ("pixnet", "gb18030", "GB18030", "header"),
    ("gmw", "gbk", "gb2312", "meta"),  # WHATWG: gb2312 means GBK
    ("youth", "gbk", None, "none"),
    ("wapo-1", "utf-16-le", "utf-16", "header"),  # with a BOM
    ("seattletimes-1", "utf-16-be", None, "bom"),
    ("telegraph", "utf-8", None, "bom"),
]
ENCODING_NAMES = {
    "cp1252": "windows-1252", "latin-1": "iso-8859-1", "cp1250": "windows-1250",
    "shift_jis": "shift_jis", "euc_jp": "euc-jp", "gb18030": "gb18030", "gbk": "gbk",
    "utf-16-le": "utf-16le", "utf-16-be": "utf-16be", "utf-8": "utf-8",
}
BOMS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8": b"\xef\xbb\xbf"}
# Transfer and content encodings, each given to one capture (the rest: identity).
BODY_CODINGS = [
    ("chunked", None), ("chunked-ext", None), ("chunked", None),
    (None, "gzip"), (None, "gzip"), (None, "gzip"),
    (None, "deflate"), (None, "deflate-raw"),
    ("chunked", "gzip"),
]
# Pages whose source.html declares a charset its bytes are not in: the WARC
# gives the right one in the HTTP header (which wins), the file cannot.
LYING_META = {"qq": "source.html declares gb2312 but is UTF-8; the WARC's HTTP header says utf-8"}

META_CHARSET = re.compile(
    rb"<meta\b[^>]*?(?:\bcharset\s*=|http-equiv\s*=\s*[\"']?content-type)[^>]*>", re.I)
META_LABEL = re.compile(rb"charset\s*=\s*[\"']?([\w:.-]+)", re.I)
XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>", re.I)


def strip_tags(markup):
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def canonical_path(source, folder):
    m = re.search(rb"<link\b[^>]*rel=[\"']?canonical[\"']?[^>]*>", source, re.I)
    if m:
        h = re.search(rb"href=[\"']([^\"']+)[\"']", m.group(0), re.I)
        if h:
            href = h.group(1).decode("utf-8", "replace").strip()
            path = re.sub(r"^[a-z]+://[^/]*", "", href, flags=re.I)
            path = path.split("#")[0]
            if path.startswith("/") and len(path) > 1:
                # Percent-encode what a URI cannot hold as it is (non-ASCII, spaces).
                return "".join(c if 32 < ord(c) < 127 and c not in '"<>\\^`{|}' else
                               "".join("%%%02X" % b for b in c.encode("utf-8")) for c in path)
    return "/%s.html" % folder


def meta_label(source):
    m = META_CHARSET.search(source[:4096])
    if m:
        lab = META_LABEL.search(m.group(0))
        if lab:
            return lab.group(1).decode("ascii", "replace").lower()
    return None


def set_meta(source, label):
    """The page without its charset declarations (and XML declaration), with
    <meta charset="label"> early in <head> when label is given."""
    body = XML_DECL.sub(b"", source, count=1)
    body = META_CHARSET.sub(b"", body)
    if label is None:
        return body
    tag = b'<meta charset="' + label.encode("ascii") + b'">'
    pos = 0
    for pattern in (rb"<head\b[^>]*>", rb"<html\b[^>]*>", rb"<!doctype[^>]*>"):
        m = re.search(pattern, body[:900], re.I)
        if m:
            pos = m.end()
            break
    return body[:pos] + tag + body[pos:]


def encode_page(source, codec, label, declared):
    """(body bytes, charrefs) or None when the page does not fit the codec."""
    meta = {"meta": label, "both": label, "header-over-meta": "utf-8"}.get(declared)
    text = set_meta(source, meta).decode("utf-8")
    if codec.startswith("utf-"):
        return BOMS[codec] + text.encode(codec), 0
    charrefs = sum(1 for c in text if ord(c) > 127 and not fits(c, codec))
    if charrefs > MAX_CHARREFS:
        return None
    body = text.encode(codec, errors="xmlcharrefreplace")
    if body == text.encode("utf-8"):
        return None  # nothing to decode: pure ASCII
    return body, charrefs


def fits(c, codec):
    try:
        c.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


def chunk(body, rng, extensions=False):
    out = io.BytesIO()
    i = 0
    n = 0
    while i < len(body):
        size = min(len(body) - i, rng.randint(1, 8192))
        head = ("%X" % size) if extensions else ("%x" % size)
        if extensions and n % 3 == 0:
            head += ';ext="v%d"' % n
        out.write(head.encode() + b"\r\n" + body[i:i + size] + b"\r\n")
        i += size
        n += 1
    if extensions:
        out.write(b"0\r\nX-Trailer: done\r\n\r\n")
    else:
        out.write(b"0\r\n\r\n")
    return out.getvalue()


def code_body(body, transfer, content, rng):
    """The body as sent, and the headers that say how."""
    headers = []
    if content == "gzip":
        body = gzip_module.compress(body, compresslevel=6, mtime=0)
        headers.append(("Content-Encoding", "gzip"))
    elif content == "deflate":
        body = zlib.compress(body, 6)
        headers.append(("Content-Encoding", "deflate"))
    elif content == "deflate-raw":
        c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = c.compress(body) + c.flush()
        headers.append(("Content-Encoding", "deflate"))
    if transfer:
        body = chunk(body, rng, extensions=(transfer == "chunked-ext"))
        headers.append(("Transfer-Encoding", "chunked"))
    else:
        headers.append(("Content-Length", str(len(body))))
    return body, headers


class Builder:
    """Writes records one at a time and remembers their offsets."""

    def __init__(self, path, compressed, seed, fixed_date=False):
        self.f = open(path, "wb")
        self.fixed_date = fixed_date
        self.compressed = compressed
        self.rng = random.Random(seed)
        self.writer = WARCWriter(None, gzip=False, warc_version="1.1")
        self.clock = datetime(2024, 3, 1, 6, 0, 0, tzinfo=timezone.utc)
        self.records = 0
        self.pending_next = []

    def close(self):
        self.f.close()

    def record_id(self):
        return "<urn:uuid:%s>" % uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def tick(self):
        if not self.fixed_date:
            self.clock += timedelta(seconds=self.rng.randint(1, 90))
        return self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")

    def raw(self, record):
        buf = io.BytesIO()
        self.writer._write_warc_record(buf, record)
        return buf.getvalue()

    def member(self, raw):
        if not self.compressed:
            return raw
        c = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        return c.compress(raw) + c.flush()

    def put(self, data, kind):
        offset = self.f.tell()
        self.f.write(data)
        self.records += 1
        for entry in self.pending_next:  # what follows a damaged record
            entry.update(next_offset=offset, next_type=kind)
        self.pending_next = []
        return offset

    def write(self, record):
        return self.put(self.member(self.raw(record)), record.rec_type)

    def warc_headers(self, rid=None, date=None, **extra):
        d = {"WARC-Record-ID": rid or self.record_id(), "WARC-Date": date or self.tick()}
        d.update(extra)
        return d

    def warcinfo(self, filename, info):
        payload = "".join("%s: %s\r\n" % kv for kv in info.items()).encode("utf-8")
        rec = self.writer.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(payload), length=len(payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict=self.warc_headers(**{"WARC-Filename": filename}))
        return self.write(rec)

    def request(self, url, date, concurrent):
        host = re.sub(r"^https?://([^/]*).*$", r"\1", url)
        path = re.sub(r"^https?://[^/]*", "", url) or "/"
        http = StatusAndHeaders("GET %s HTTP/1.1" % path, [
            ("Host", host), ("User-Agent", "stemma-test/1.0 (CC-NEWS-like)"),
            ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
            ("Accept-Encoding", "gzip, deflate"), ("Connection", "close")],
            is_http_request=True)
        rec = self.writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0, http_headers=http,
            warc_headers_dict=self.warc_headers(date=date, **{"WARC-Concurrent-To": concurrent}))
        return self.write(rec)

    def response_record(self, url, status, headers, body, date, rid):
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        return self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict=self.warc_headers(rid=rid, date=date, **{
                "WARC-IP-Address": "192.0.2.%d" % self.rng.randint(1, 254)}))

    def capture(self, url, status, headers, body, lower=False, spoil=None, with_request=True):
        """request (unless with_request is false) + response; returns (response
        offset, date, response id). spoil: 'truncated' or 'corrupt' makes the
        response bad."""
        date = self.tick()
        rid = self.record_id()
        if lower:
            headers = [(k.lower(), v) for k, v in headers]
        headers = [("Date", self.clock.strftime("%a, %d %b %Y %H:%M:%S GMT")),
                   ("Server", "nginx")] + headers + [("Connection", "close")]
        if with_request:
            self.request(url, date, rid)
        data = self.member(self.raw(self.response_record(url, status, headers, body, date, rid)))
        if spoil == "truncated":
            data = data[: len(data) // 2]
        elif spoil == "corrupt":
            data = self.garbage_over(data)
        return self.put(data, "response"), date, rid

    def garbage_over(self, data):
        """gzip: the member with its middle overwritten by garbage (its CRC
        fails); uncompressed: garbage of the record's length."""
        def junk(n):
            while True:
                g = bytes(self.rng.getrandbits(8) for _ in range(n))
                if b"\x1f\x8b\x08" not in g and b"WARC/" not in g:
                    return g
        if not self.compressed:
            return junk(len(data))
        a, b = int(len(data) * 0.4), int(len(data) * 0.6)
        return data[:a] + junk(b - a) + data[b:]

    def metadata(self, url, concurrent):
        payload = ("fetchTimeMs: %d\r\ncharset-detected: UTF-8\r\nlanguages-cld2: "
                   '{"reliable":true}\r\n' % self.rng.randint(50, 2000)).encode()
        rec = self.writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(payload), length=len(payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict=self.warc_headers(**{"WARC-Concurrent-To": concurrent}))
        return self.write(rec)

    def revisit(self, url, refers_date):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Content-Length", "0")], protocol="HTTP/1.1")
        rec = self.writer.create_revisit_record(
            url, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url, refers_date, http_headers=http,
            warc_headers_dict=self.warc_headers())
        return self.write(rec)

    def resource(self, url, content_type, payload):
        rec = self.writer.create_warc_record(
            url, "resource", payload=io.BytesIO(payload), length=len(payload),
            warc_content_type=content_type, warc_headers_dict=self.warc_headers())
        return self.write(rec)


def readability_pages(shared, count, rng):
    root = os.path.join(shared, "data", "html", "readability")
    if not os.path.isdir(root):
        sys.exit("make_warc.py: %s is missing (it needs ../shared beside the repository)" % root)
    eligible = {}
    for folder in sorted(os.listdir(root)):
        src = os.path.join(root, folder, "source.html")
        exp = os.path.join(root, folder, "expected.html")
        if not (os.path.isfile(src) and os.path.isfile(exp)):
            continue
        with open(exp, encoding="utf-8") as f:
            expected_chars = len(strip_tags(f.read()))
        if expected_chars >= MIN_EXPECTED_CHARS:
            eligible[folder] = (src, expected_chars)
    # The pages the charset rules name first, the rest in seeded order.
    first = [r[0] for r in CHARSET_RULES if r[0] in eligible] + [p for p in LYING_META if p in eligible]
    rest = [p for p in eligible if p not in first]
    rng.shuffle(rest)
    chosen = (first + rest)[: count if count else None]
    rng.shuffle(chosen)  # the order of the records
    return [(f, eligible[f][0], eligible[f][1]) for f in chosen]


def plan_readability(pages, rng):
    """Per page: body bytes and the charset facts for the manifest."""
    rules = {r[0]: r for r in CHARSET_RULES}
    plans = []
    for folder, src, expected_chars in pages:
        with open(src, "rb") as f:
            source = f.read()
        plan = {"folder": folder, "source": src, "expected_chars": expected_chars,
                "path": canonical_path(source, folder), "compare_source": folder not in LYING_META,
                "charrefs": 0, "bom": False}
        if folder in LYING_META:
            plan["note"] = LYING_META[folder]
        encoded = None
        if folder in rules:
            _, codec, label, declared = rules[folder]
            encoded = encode_page(source, codec, label, declared)
            if encoded is None:
                print("make_warc.py: %s does not fit %s; left in UTF-8" % (folder, codec), file=sys.stderr)
        if encoded:
            body, charrefs = encoded
            plan.update(encoding=ENCODING_NAMES[codec], label=label, declared=declared,
                        charrefs=charrefs, bom=codec in BOMS)
            header_label = label if declared in ("header", "both", "header-over-meta") else None
        else:
            body = source
            own = meta_label(source)
            in_header = folder in LYING_META or own is None or rng.random() < 0.7
            header_label = rng.choice(["utf-8", "UTF-8", '"utf-8"']) if in_header else None
            if not in_header:
                declared = "meta" if own else "none"
            elif own is None:
                declared = "header"
            else:
                declared = "both" if own.replace("-", "").replace("_", "") == "utf8" else "header-over-meta"
            plan.update(encoding="utf-8", label=(header_label or own or "").strip('"') or None,
                        declared=declared)
        if header_label is None:
            ctype = "text/html"
        elif rng.random() < 0.3:
            ctype = 'text/html;charset="%s"' % header_label.strip('"')
        else:
            ctype = "text/html; charset=%s" % header_label
        plan["content_type"] = ctype
        plan["body"] = body
        plans.append(plan)
    return plans


def plan_from_dir(directory):
    files = sorted(n for n in os.listdir(directory) if n.lower().endswith(".html"))
    if not files:
        sys.exit("make_warc.py: no .html file in %s" % directory)
    plans = []
    for name in files:
        path = os.path.join(directory, name)
        with open(path, "rb") as f:
            body = f.read()
        plans.append({"file": name, "source": os.path.abspath(path), "path": "/articles/" + name,
                      "host": "pages.example", "encoding": "utf-8", "label": "utf-8",
                      "declared": "header", "charrefs": 0, "bom": False, "compare_source": True,
                      "content_type": "text/html; charset=utf-8", "body": body})
    return plans


def build(args):
    out = args.out
    compressed = not args.uncompressed
    manifest_path = args.manifest or re.sub(r"(\.warc)?(\.gz)?$", "", out) + ".manifest.json"
    rng = random.Random(args.seed)
    if args.from_dir:
        plans = plan_from_dir(args.from_dir)
        adversarial = False
    else:
        plans = plan_readability(readability_pages(args.shared, args.pages, rng), rng)
        adversarial = True
    for plan in plans:
        plan.setdefault("host", "%s.example" % plan.get("folder", "pages"))
        plan["url"] = "https://%s%s" % (plan["host"], plan["path"])

    # Captures: the pages K times.
    captures = []
    for k in range(max(1, args.repeat)):
        for plan in plans:
            url = plan["url"] if k == 0 else "https://%s/r%d%s" % (plan["host"], k, plan["path"])
            captures.append((plan, url))
    order = list(range(len(captures)))
    rng.shuffle(order)
    codings = {}
    for i, coding in zip(order, BODY_CODINGS):
        codings[i] = coding
    lower = set(rng.sample(range(len(captures)), len(captures) // 5))

    # --from-dir: one WARC-Date for all, so that capture times (which a reader
    # may take for publication times) say nothing about which page came first.
    b = Builder(out, compressed, args.seed, fixed_date=bool(args.from_dir))
    skipped = {"warcinfo": 0, "request": 0, "metadata": 0, "revisit": 0, "resource": 0,
               "non_html": 0, "non_200": 0}
    manifest = {"warc": os.path.basename(out), "compressed": compressed, "warc_version": "WARC/1.1",
                "seed": args.seed, "mode": "from-dir" if args.from_dir else "readability",
                "repeat": args.repeat, "pages": [], "bad_records": [], "non_html": [],
                "non_200": [], "duplicate": None}
    b.warcinfo(os.path.basename(out), {
        "software": "stemma tests/web/make_warc.py (warcio)", "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "isPartOf": "CC-NEWS-like test crawl", "description": "adversarial test WARC, seed %d" % args.seed})
    skipped["warcinfo"] += 1

    n = len(captures)
    # Where the special records go (after capture i).
    at_truncated, at_corrupt = n // 3, n // 2
    at_non_html, at_status, at_dup = n // 4, (2 * n) // 3, (3 * n) // 4
    specials_done = not adversarial
    dup_index = order[-1] if n > 1 else 0  # the page captured twice

    # The capture right after the corrupt record has no request record: a
    # reader that loses the record after a damaged one loses a page.
    no_request_next = [False]

    def emit_page(i, plan, url, coding):
        transfer, content = coding
        body, hdrs = code_body(plan["body"], transfer, content, b.rng)
        headers = [("Content-Type", plan["content_type"])] + hdrs
        with_request = not no_request_next[0]
        no_request_next[0] = False
        offset, date, rid = b.capture(url, "200 OK", headers, body, lower=i in lower, with_request=with_request)
        skipped["request"] += with_request
        entry = {k: v for k, v in plan.items() if k not in ("body", "path", "host")}
        entry.update(url=url, offset=offset, date=date,
                     transfer_encoding="chunked" if transfer else None,
                     chunk_extensions=transfer == "chunked-ext",
                     content_encoding=content, lowercase_headers=i in lower)
        if i % 4 == 1:
            b.metadata(url, rid)
            skipped["metadata"] += 1
        return entry, offset, date

    dup_first = None
    for i, (plan, url) in enumerate(captures):
        entry, offset, date = emit_page(i, plan, url, codings.get(i, (None, None)))
        manifest["pages"].append(entry)
        if i == dup_index:
            dup_first = (url, offset, date, plan)
        if specials_done:
            continue
        if i == at_non_html:
            jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + \
                bytes(b.rng.getrandbits(8) for _ in range(3000)) + b"\xff\xd9"
            pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + \
                b"stream\n" + bytes(b.rng.getrandbits(8) for _ in range(2000)) + \
                b"\nendstream\n%%EOF\n"
            for url2, ctype, body in (("https://images.example/2024/03/photo-1.jpg", "image/jpeg", jpeg),
                                      ("https://docs.example/report-2024.pdf", "application/pdf", pdf),
                                      ("https://docs.example/annual-report.html", "application/pdf", pdf)):
                offset2, _, rid = b.capture(url2, "200 OK", [("Content-Type", ctype),
                                                             ("Content-Length", str(len(body)))], body)
                skipped["request"] += 1
                skipped["non_html"] += 1
                manifest["non_html"].append({"url": url2, "content_type": ctype, "offset": offset2})
            b.resource("dns:pages.example", "text/dns", b"20240301060000\npages.example.\t300\tIN\tA\t192.0.2.7\n")
            skipped["resource"] += 1
        if i == at_status:
            host = plan["host"]
            nf = b"<html><head><title>Not Found</title></head><body><h1>Not Found</h1>" \
                 b"<p>The page you asked for is not here. It may have moved, or it never " \
                 b"existed; try the search box or the home page.</p></body></html>"
            mv = b'<html><head><title>Moved</title></head><body><p>Moved to <a href="%s">here</a>.' \
                 b"</p></body></html>" % url.encode()
            for url2, status, extra, body in (
                    ("https://%s/no-such-story-2024.html" % host, "404 Not Found", [], nf),
                    ("https://%s/old-address-of-the-story" % host, "301 Moved Permanently",
                     [("Location", url)], mv)):
                offset2, _, _ = b.capture(url2, status, [("Content-Type", "text/html; charset=utf-8"),
                                                         ("Content-Length", str(len(body)))] + extra, body)
                skipped["request"] += 1
                skipped["non_200"] += 1
                manifest["non_200"].append({"url": url2, "status": int(status.split()[0]), "offset": offset2})
            b.revisit(url, date)
            skipped["revisit"] += 1
        for at, kind in ((at_truncated, "truncated"), (at_corrupt, "corrupt")):
            if i == at and not args.no_broken:
                src = captures[(i + 1) % n][0]
                url2 = "https://broken-%d.example%s" % (len(manifest["bad_records"]) + 1, src["path"])
                body, hdrs = code_body(src["body"], None, None, b.rng)
                offset2, _, _ = b.capture(url2, "200 OK", [("Content-Type", src["content_type"])] + hdrs,
                                          body, spoil=kind)
                skipped["request"] += 1
                manifest["bad_records"].append({
                    "offset": offset2, "url": url2, "type": "response",
                    "kind": kind if compressed or kind == "truncated" else "garbage",
                    "what": {"truncated": "its gzip member is cut in half" if compressed else
                             "the record is cut in half (Content-Length overshoots)",
                             "corrupt": "garbage bytes over the middle of its gzip member (CRC fails)"
                             if compressed else "the whole record is garbage bytes"}[kind]})
                b.pending_next.append(manifest["bad_records"][-1])
                if kind == "corrupt":
                    no_request_next[0] = True
        if i == at_dup and dup_first is not None and manifest["duplicate"] is None:
            url0, offset0, date0, plan0 = dup_first
            entry2, offset2, date2 = emit_page(n + 1, plan0, url0, (None, "gzip"))
            manifest["duplicate"] = {"url": url0, "offsets": [offset0, offset2], "dates": [date0, date2]}
    if adversarial and manifest["duplicate"] is None and dup_first is not None:
        url0, offset0, date0, plan0 = dup_first
        entry2, offset2, date2 = emit_page(n + 1, plan0, url0, (None, "gzip"))
        manifest["duplicate"] = {"url": url0, "offsets": [offset0, offset2], "dates": [date0, date2]}
    b.close()

    manifest["records"] = b.records
    manifest["bytes"] = os.path.getsize(out)
    manifest["skipped"] = skipped
    manifest["charset_rules_unfilled"] = [
        r[0] for r in CHARSET_RULES if adversarial and not any(
            p.get("folder") == r[0] and p["encoding"] != "utf-8" or
            p.get("folder") == r[0] and r[1] == "utf-8" and p["bom"] for p in manifest["pages"])]
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote %s (%d records, %d pages, %.1f MB) and %s" % (
        out, b.records, len(manifest["pages"]), manifest["bytes"] / 1e6, manifest_path), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="the WARC to write (gzip per record unless --uncompressed)")
    ap.add_argument("--pages", type=int, default=0, help="how many readability pages (default: all eligible)")
    ap.add_argument("--uncompressed", action="store_true", help="write a plain (uncompressed) WARC")
    ap.add_argument("--from-dir", metavar="DIR", help="wrap DIR/*.html instead of the readability pages")
    ap.add_argument("--repeat", type=int, default=1, metavar="K", help="the pages K times (benchmark)")
    ap.add_argument("--no-broken", action="store_true",
                    help="leave out the truncated and the corrupt record (for readers that stop at them)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--manifest", help="where the manifest goes (default: beside OUT)")
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"),
                    help="the shared data folder (default: <repo>/../shared)")
    build(ap.parse_args())


if __name__ == "__main__":
    main()
