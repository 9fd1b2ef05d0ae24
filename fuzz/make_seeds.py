#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets into fuzz/corpus/<target>/.

Every text here is made up for the purpose (no publisher's page or
article is copied), and only the standard library is used: WARCs are
built by hand, plain and gzip per record, with chunked, gzip, deflate
and brotli (an uncompressed brotli meta-block) HTTP bodies.

    python3 fuzz/make_seeds.py
"""

import gzip
import json
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data)


# --- text -------------------------------------------------------------------

BODY = (
    "The council voted on Tuesday to close the old bridge to lorries after engineers "
    "found cracks in two of its supports, the mayor said.\n\n"
    "Cars and buses may still cross while repairs are planned, she added."
)

TEXTS = {
    "headline.txt": "Council closes bridge to lorries\n\n" + BODY + "\n",
    "no-headline.txt": BODY,
    "sentence-first.txt": "This first line ends like a sentence.\n\n" + BODY,
    "crlf.txt": ("Bridge shut\r\n\r\n" + BODY.replace("\n", "\r\n")),
    "bom.txt": "\ufeffHeadline after a byte-order mark\n\nBody text of the story goes here.",
    "headline-only.txt": "Only a headline\n\n",
    "empty.txt": "",
    "blank.txt": " \n\t\n",
    "unicode.txt": "Überschwemmung in der Stadt\n\nDer Fluss trat über die Ufer; 東京 ümlaut café – “quotes” …\n",
    # Odd first byte: read lossily; even first byte: refused.
    "latin1-lossy.txt": b"Caf\xe9 owner wins prize\n\nThe caf\xe9 opened in 1990.\n",
    "latin1-strict.txt": b"Bridge caf\xe9 closes\n\nThe caf\xe9 closed.\n",
    "nul.txt": b"Binary\x00file",
    "long-headline.txt": " ".join(["word"] * 30) + "\n\nBody.",
}

# --- jsonl ------------------------------------------------------------------

RECORDS = [
    {"id": "a1", "title": "Bridge closed", "text": BODY, "outlet": "Example Times",
     "published": "2024-05-02T09:30:00Z", "url": "https://example.com/a1", "language": "en", "author": "A. Writer"},
    {"id": 17, "text": "A numeric id and only a body.", "published": "2024-05-02"},
    {"id": "a1", "text": BODY},
    {"id": "a1", "text": "Same id, another text."},
    {"text": "No id at all.", "title": None},
    {"id": "x", "text": 5},
    {"id": "y"},
    {"id": "z", "text": "Nested fields are ignored", "extra": {"deep": [1, 2, {"k": "v"}]}},
]


def jsonl_seeds():
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS]
    yield "records.jsonl", "\n".join(lines) + "\n"
    yield "bom-crlf.jsonl", "\ufeff" + "\r\n".join(lines[:3])
    yield "malformed.jsonl", '{"id": "a", "text": "ok"}\n{"id": \n[1,2]\n"str"\nnull\n\n{"id":"b","text":"x\\u00e9\\ud83d\\ude00"}\n'
    yield "escapes.jsonl", json.dumps({"id": "e", "text": "tab\tquote\" slash\\ é 東京 \U0001F600"}, ensure_ascii=True) + "\n"
    yield "latin1.jsonl", b'\t{"id": "l", "text": "caf\xe9"}\n{"id": "m", "text": "fine"}\n'
    yield "numbers.jsonl", '{"id": 1e400, "text": "big id"}\n{"id": -0.0, "text": "neg"}\n{"id": 12345678901234567890, "text": "u64"}\n'


# --- html -------------------------------------------------------------------

ARTICLE = """<article>
<h1>Council closes the old bridge to lorries</h1>
<p class="byline">By <span class="author">Alex Writer</span></p>
<p>The council voted on Tuesday to close the old bridge to lorries after engineers found cracks in two of its supports, the mayor said.</p>
<p>"We cannot take any risk with the supports," the mayor told reporters outside the town hall, adding that repairs would begin in the spring.</p>
<p>Cars and buses may still cross the bridge while the repairs are planned, and a diversion for lorries will be signposted from Monday.</p>
</article>"""

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head>
<meta charset="utf-8">
<title>Council closes bridge | The Example Courier</title>
<meta property="og:site_name" content="The Example Courier">
<meta property="og:title" content="Council closes bridge to lorries">
<meta property="og:url" content="https://www.example.com/news/bridge">
<meta property="og:locale" content="en_GB">
<meta property="article:published_time" content="2024-05-02 09:30:00+01:00">
<meta name="author" content="Alex Writer">
<link rel="canonical" href="/news/bridge">
<script type="application/ld+json">
{"@context":"https://schema.org","@type":"NewsArticle","headline":"Council closes bridge","datePublished":"2024-05-02T09:30:00+01:00","author":{"@type":"Person","name":"Alex Writer"},"publisher":{"@type":"Organization","name":"The Example Courier"}}
</script>
<style>body { font-family: serif; }</style>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
%s
<aside class="related"><h3>Related</h3><ul><li><a href="/a">Storm on the coast</a></li></ul></aside>
<div id="comments"><p>First comment here</p></div>
<footer>Copyright. <a href="/privacy">Privacy</a></footer>
<script>var x = "<p>not a paragraph</p>";</script>
</body></html>
""" % ARTICLE


def html_seeds():
    yield "article.html", PAGE
    yield "http-equiv-latin1.html", (
        PAGE.replace('<meta charset="utf-8">',
                     '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
        .replace("Council closes", "Caf\u00e9 council closes")
        .encode("latin-1", "replace"))
    yield "shift-jis.html", (
        "<html><head><meta charset=shift_jis><title>記者会見</title></head><body><article>"
        "<p>東京で記者会見が開かれ、首相は新しい経済対策を発表した。市場は落ち着いた反応を見せている。</p>"
        "</article></body></html>").encode("shift_jis")
    yield "utf16-bom.html", b"\xff\xfe" + ("<html><body><article><p>" + BODY + "</p></article></body></html>").encode("utf-16-le")
    yield "gb-undeclared.html", ("<html><body><div><p>" + "新电脑已可利用记忆自学，研究人员周二表示。" * 3 + "</p></div></body></html>").encode("gb18030")
    yield "koi8.html", ("<html><head><meta http-equiv=content-type content='text/html;charset=koi8-r'></head><body><p>"
                        "Совет закрыл старый мост для грузовиков после того как инженеры нашли трещины в опорах моста.</p></body></html>").encode("koi8-r")
    yield "no-article.html", "<html><body><nav><a href=/>Home</a> <a href=/x>World</a></nav></body></html>"
    yield "deep.html", "<html><body>" + "<div>" * 60 + "<p>" + BODY + "</p>" + "</div>" * 60 + "</body></html>"
    yield "tables.html", ("<html><body><table><tr><td><p>" + BODY + "</p></td><td>side</td></tr></table>"
                          "<ul><li>one<li>two</ul><br><hr><img src=x.png alt='a picture'><!-- comment --></body></html>")
    yield "fragments.html", "<p>Loose paragraph with enough words to be counted as an article by anyone.<div><span>x</b></i></p><![CDATA[x]]><?pi x?>"
    yield "entities.html", "<html><body><p>Fish &amp; chips &lt;cost&gt; &pound;5 &#x1F600; &#128512; &nbsp;&eacute;&copy; and some more words here please.</p></body></html>"
    yield "time-rfc2822.html", PAGE.replace("2024-05-02 09:30:00+01:00", "Thu, 02 May 2024 09:30 +0100")
    yield "amp-rel.html", ("<html amp lang=fr><head><link rel=canonical href='https://example.fr/a'><meta property=article:published_time content='hier'>"
                           "</head><body><main><p>" + BODY + "</p><p>" + BODY + "</p></main></body></html>")
    # An odd first byte sends the rest straight to the extractor, with a URL.
    yield "url-article.html", "\t" + PAGE
    yield "url-amp.html", "\t<html><head><link rel=canonical href='/amp/story'></head><body><article><p>" + BODY + "</p></article></body></html>"
    yield "svg-math.html", "<html><body><svg><text>hi</text></svg><math><mi>x</mi></math><template><p>t</p></template><noscript><p>Enable</p></noscript><p>" + BODY + "</p></body></html>"


# --- warc -------------------------------------------------------------------


def http_response(body, headers=(), status="200 OK", version="HTTP/1.1"):
    head = "%s %s\r\n" % (version, status)
    for name, value in headers:
        head += "%s: %s\r\n" % (name, value)
    return head.encode("latin-1") + b"\r\n" + body


def chunked(data, size=40):
    out = b""
    for i in range(0, len(data), size):
        piece = data[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def brotli_stored(data):
    """A brotli stream of one uncompressed meta-block (window 16)."""
    assert 0 < len(data) <= 65536
    bits = 0  # WBITS: 0 -> window 16
    # ISLAST=0 (bit 1), MNIBBLES=4 (00 at bits 2-3), MLEN-1 (bits 4-19),
    # ISUNCOMPRESSED=1 (bit 20), padding to 24 bits.
    bits |= (len(data) - 1) << 4
    bits |= 1 << 20
    return bits.to_bytes(3, "little") + data + b"\x03"  # ISLAST, ISLASTEMPTY


def record(kind, block, uri=None, extra=(), version="WARC/1.1"):
    head = version + "\r\nWARC-Type: %s\r\n" % kind
    head += "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>\r\n" % (len(block) % 10**12)
    head += "WARC-Date: 2024-05-02T10:00:00Z\r\n"
    if uri:
        head += "WARC-Target-URI: %s\r\n" % uri
    for name, value in extra:
        head += "%s: %s\r\n" % (name, value)
    if kind in ("response", "request"):
        head += "Content-Type: application/http; msgtype=%s\r\n" % kind
    head += "Content-Length: %d\r\n\r\n" % len(block)
    return head.encode("latin-1") + block + b"\r\n\r\n"


def gz(data):
    return gzip.compress(data, 6, mtime=0)


def warc_seeds():
    page = PAGE.encode()
    small = ("<html><head><title>Short</title></head><body><p>" + BODY + "</p></body></html>").encode()
    warcinfo = record("warcinfo", b"software: handmade\r\nformat: WARC File Format 1.1\r\n",
                      extra=[("Content-Type", "application/warc-fields")])
    plain_resp = record("response", http_response(small, [("Content-Type", "text/html; charset=utf-8")]),
                        "http://example.com/a")
    chunked_gzip = record("response", http_response(
        chunked(gz(page)), [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"),
                            ("Content-Encoding", "gzip")]), "<https://www.example.com/news/bridge>")
    deflate_raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = deflate_raw.compress(small) + deflate_raw.flush()
    deflate_resp = record("response", http_response(zlib.compress(small), [("Content-Type", "text/html"),
                                                                          ("Content-Encoding", "deflate")]),
                          "http://example.com/deflate")
    raw_deflate_resp = record("response", http_response(deflated, [("Content-Type", "text/html"),
                                                                  ("Content-Encoding", "deflate")]),
                              "http://example.com/raw-deflate")
    br_resp = record("response", http_response(brotli_stored(small), [("Content-Type", "text/html; charset=UTF-8"),
                                                                      ("Content-Encoding", "br")]),
                     "http://example.com/br")
    latin1 = small.replace(b"council", b"caf\xe9 council")
    latin1_resp = record("response", http_response(latin1, [("Content-Type", 'text/html; charset="ISO-8859-1"')]),
                         "http://example.fr/latin")
    notfound = record("response", http_response(b"<html>gone</html>", [("Content-Type", "text/html")],
                                                "404 Not Found"), "http://example.com/404")
    image = record("response", http_response(b"\x89PNG\r\n\x1a\n", [("Content-Type", "image/png")]),
                   "http://example.com/i.png")
    request = record("request", b"GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n", "http://example.com/a")
    metadata = record("metadata", b"via: http://example.com/\r\n", "http://example.com/a",
                      [("Content-Type", "application/warc-fields")])
    fake_chunked = record("response", http_response(small, [("Transfer-Encoding", "chunked")],
                                                    version="HTTP/1.0"), "http://example.com/notchunked")
    recompressed = record("response", http_response(small, [("Content-Type", "text/html"),
                                                            ("Content-Encoding", "gzip")]), "http://example.com/kept")
    multi = record("response", http_response(gz(gz(small)), [("Content-Type", "text/html"),
                                                              ("Content-Encoding", "gzip, gzip")]),
                   "http://example.com/twice")
    x_enc = record("response", http_response(b"\x00\x01binary", [("Content-Encoding", "compress")]),
                   "http://example.com/compress")
    folded = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/fold\r\n"
              b"X-Folded: first part\r\n  continued here\r\n")
    fold_block = http_response(small, [("Content-Type", "text/html")])
    folded += b"Content-Length: %d\r\n\r\n" % len(fold_block) + fold_block + b"\r\n\r\n"

    records = [warcinfo, request, plain_resp, metadata, chunked_gzip, deflate_resp, raw_deflate_resp, br_resp,
               latin1_resp, notfound, image, fake_chunked, recompressed, multi, x_enc, folded]
    yield "plain.warc", b"".join(records)
    yield "gzip-per-record.warc", b"".join(gz(r) for r in records)
    yield "gzip-whole.warc", gz(b"".join(records[:6]))
    yield "gzip-split.warc", b"".join(gz(b"".join(records[:4])[i:i + 97]) for i in range(0, len(b"".join(records[:4])), 97))
    # Damage: a record cut short, a wrong Content-Length, garbage between
    # records, a bad gzip member, a header line without a colon.
    cut = plain_resp[: len(plain_resp) // 2]
    yield "damaged-plain.warc", (warcinfo + cut + plain_resp + b"garbage\r\n" + latin1_resp +
                                 plain_resp.replace(b"Content-Length: ", b"Content-Length: 1", 1) + br_resp +
                                 b"WARC/1.0\r\nno colon here\r\n\r\n" + notfound + b"WARC/1.1\n\nWARC/1.0\r\n")
    bad_member = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xde\xad\xbe\xef\x99"
    yield "damaged-gzip.warc", (gz(warcinfo) + bad_member + gz(plain_resp)[:-20] + gz(chunked_gzip) +
                                gz(b"not a warc record\r\n") + gz(br_resp))
    yield "lf-only.warc", plain_resp.replace(b"\r\n", b"\n")
    yield "no-length.warc", b"WARC/1.0\r\nWARC-Type: response\r\n\r\n" + plain_resp
    yield "big-length.warc", b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999999999\r\n\r\n" + plain_resp
    yield "http-only", http_response(chunked(gz(small)), [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"),
                                                          ("Content-Encoding", "gzip")])


def main():
    for name, data in TEXTS.items():
        write("text", name, data)
    for name, data in jsonl_seeds():
        write("jsonl", name, data)
    for name, data in html_seeds():
        write("html", name, data)
    for name, data in warc_seeds():
        write("warc", name, data)


if __name__ == "__main__":
    main()
