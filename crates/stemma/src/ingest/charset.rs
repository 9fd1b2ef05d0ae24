//! Web page bytes to text: which character encoding a page is in, as a
//! browser decides it (byte-order mark, then the HTTP header, then the
//! page's own `<meta>`, then a guess from the bytes), and the decoded text.
//!
//! A page is never dropped for its bytes: what cannot be decoded becomes
//! U+FFFD, and the caller is told how many replacements were made.

use encoding_rs::Encoding;

/// A page's text and how it was decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The page as text.
    pub text: String,
    /// The encoding used (its WHATWG name, e.g. `windows-1252`).
    pub encoding: &'static str,
    /// Where the encoding came from.
    pub source: Source,
    /// Byte sequences that were not valid in that encoding, each replaced
    /// by U+FFFD.
    pub replaced: usize,
}

/// Where a page's encoding was read from, in the order a browser trusts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A byte-order mark at the start of the bytes.
    ByteOrderMark,
    /// The `charset` of the HTTP `Content-Type` header.
    Header,
    /// A `<meta charset>` or `<meta http-equiv="Content-Type">` in the page.
    Meta,
    /// The bytes are valid UTF-8 beyond ASCII, which overrides any
    /// declaration.
    ValidUtf8,
    /// Nothing declared it; guessed from the bytes.
    Guessed,
}

impl Source {
    /// The source in words, for notices.
    pub fn describe(self) -> &'static str {
        match self {
            Source::ByteOrderMark => "byte-order mark",
            Source::Header => "HTTP header",
            Source::Meta => "<meta> charset",
            Source::ValidUtf8 => "valid UTF-8",
            Source::Guessed => "guessed from the bytes",
        }
    }
}

/// How far into a page a `<meta>` charset is looked for. Browsers stop at
/// 1024 bytes; real pages put theirs later behind long `<script>` or
/// `<link>` runs, so the search goes further (the cost is one scan).
const META_SCAN_BYTES: usize = 8192;

/// How much of an undeclared page the encoding is guessed from.
const GUESS_BYTES: usize = 32 << 10;

/// Decodes a page. `header_charset` is the `charset` parameter of its HTTP
/// `Content-Type`, when it came with one; `tld` (the host's last label)
/// helps the guess when nothing is declared.
pub fn decode(bytes: &[u8], header_charset: Option<&str>, tld: Option<&str>) -> Decoded {
    let (encoding, source) = detect(bytes, header_charset, tld);
    // `decode` sniffs and strips a byte-order mark itself, which is what a
    // browser does whatever was declared.
    let (text, used, had_errors) = encoding.decode(bytes);
    let replaced = if had_errors { count_replacements(&text, bytes, used) } else { 0 };
    let source = if used != encoding { Source::ByteOrderMark } else { source };
    Decoded { text: text.into_owned(), encoding: used.name(), source, replaced }
}

/// The encoding a browser would use, and why.
fn detect(bytes: &[u8], header_charset: Option<&str>, tld: Option<&str>) -> (&'static Encoding, Source) {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return (encoding, Source::ByteOrderMark);
    }
    // Bytes beyond ASCII that are all valid UTF-8 are UTF-8, whatever is
    // declared: legacy-encoded text almost never forms valid multi-byte
    // sequences, while pages re-saved as UTF-8 keep their old
    // declaration all the time (and browsers then show mojibake).
    if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
        return (encoding_rs::UTF_8, Source::ValidUtf8);
    }
    if let Some(encoding) = header_charset.and_then(label) {
        return (encoding, Source::Header);
    }
    if let Some(encoding) = meta_charset(&bytes[..bytes.len().min(META_SCAN_BYTES)]) {
        return (encoding, Source::Meta);
    }
    if bytes.is_ascii() {
        return (encoding_rs::UTF_8, Source::Guessed);
    }
    // The guess settles long before the end of a page, and feeding it is
    // the dearest step of reading an undeclared page.
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(&bytes[..bytes.len().min(GUESS_BYTES)], true);
    // chardetng takes a top-level domain only as lower-case ASCII letters
    // (and panics on anything else): an IDN or odd host gives no hint.
    let tld = tld.map(str::to_ascii_lowercase).filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase()));
    (detector.guess(tld.as_deref().map(str::as_bytes), true), Source::Guessed)
}

/// The encoding a label names. A page that declares UTF-16 in ASCII bytes
/// is not UTF-16 (the HTML standard reads such a declaration as UTF-8).
fn label(name: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label_no_replacement(name.trim().trim_matches(['"', '\'']).as_bytes())?;
    Some(if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        encoding_rs::UTF_8
    } else {
        encoding
    })
}

/// The charset a `<meta>` tag declares in the first bytes of a page:
/// `<meta charset="x">` or `<meta http-equiv="Content-Type"
/// content="text/html; charset=x">`. Bytes are searched as ASCII, which
/// every encoding a page can declare itself in agrees on.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"<meta") {
        let start = from + at + 5;
        let end = lower[start..].iter().position(|&b| b == b'>').map_or(lower.len(), |p| start + p);
        let tag = &lower[start..end];
        if let Some(value) = charset_value(tag) {
            if let Some(encoding) = std::str::from_utf8(value).ok().and_then(label) {
                return Some(encoding);
            }
        }
        from = end;
    }
    None
}

/// The value after `charset=` in a tag's attributes, up to a quote, space,
/// `;`, `/` or the end.
fn charset_value(tag: &[u8]) -> Option<&[u8]> {
    let at = find(tag, b"charset")? + 7;
    let rest = &tag[at..];
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let rest = rest.strip_prefix(b"=")?;
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace() && *b != b'"' && *b != b'\'')?..];
    let len = rest.iter().position(|b| b.is_ascii_whitespace() || b"\"';/>".contains(b)).unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Replacement characters the decoder introduced: those in the text less
/// those already in the bytes (a page may contain U+FFFD itself).
fn count_replacements(text: &str, bytes: &[u8], used: &'static Encoding) -> usize {
    let in_text = text.matches('\u{fffd}').count();
    let already = if used == encoding_rs::UTF_8 { find_all(bytes, "\u{fffd}".as_bytes()) } else { 0 };
    in_text.saturating_sub(already).max(1)
}

fn find_all(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

/// The `charset` parameter of a `Content-Type` header value, if any.
pub fn content_type_charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(['"', '\'']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_wins_over_the_meta_and_the_meta_over_a_guess() {
        let page = b"<html><head><meta charset=\"iso-8859-1\"></head><body>Caf\xe9</body></html>";
        let by_meta = decode(page, None, None);
        assert_eq!((by_meta.encoding, by_meta.source), ("windows-1252", Source::Meta));
        assert!(by_meta.text.contains("Café"));
        let by_header = decode(page, Some("utf-8"), None);
        assert_eq!((by_header.encoding, by_header.source), ("UTF-8", Source::Header));
        assert_eq!(by_header.replaced, 1, "the é byte is not UTF-8");
    }

    #[test]
    fn valid_utf8_wins_over_a_stale_declaration() {
        let page = "<html><head><meta charset=gb2312></head><body>新电脑已可利用记忆自学</body></html>";
        let decoded = decode(page.as_bytes(), Some("gb2312"), None);
        assert_eq!((decoded.encoding, decoded.source), ("UTF-8", Source::ValidUtf8));
        assert!(decoded.text.contains("新电脑"));
    }

    #[test]
    fn http_equiv_and_a_late_meta_are_found() {
        let padding = "<link rel=x>".repeat(200);
        let page = format!(
            "<html><head>{padding}<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\"></head></html>"
        );
        assert_eq!(decode(page.as_bytes(), None, None).encoding, "KOI8-R");
    }

    #[test]
    fn undeclared_bytes_are_guessed() {
        let (bytes, _, _) =
            encoding_rs::SHIFT_JIS.encode("<p>東京で記者会見が開かれ、首相は新しい経済対策を発表した。</p>");
        let decoded = decode(&bytes, None, Some("jp"));
        assert_eq!((decoded.encoding, decoded.source), ("Shift_JIS", Source::Guessed));
        assert!(decoded.text.contains("記者会見"));
        assert_eq!(decoded.replaced, 0);
    }

    #[test]
    fn an_odd_top_level_domain_gives_no_hint_and_no_panic() {
        let bytes = b"<p>Caf\xe9 cr\xe8me br\xfbl\xe9e</p>";
        for tld in ["FR", "xn--p1ai", "рф", "", "co.uk", "123"] {
            assert_eq!(decode(bytes, None, Some(tld)).source, Source::Guessed, "{tld}");
        }
    }

    #[test]
    fn a_byte_order_mark_overrides_a_declaration() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "<p>Hi</p>".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&bytes, Some("iso-8859-1"), None);
        assert_eq!((decoded.encoding, decoded.source), ("UTF-16LE", Source::ByteOrderMark));
        assert_eq!(decoded.text, "<p>Hi</p>");
    }

    #[test]
    fn content_type_parameters_are_read() {
        assert_eq!(content_type_charset("text/html; charset=\"Shift_JIS\""), Some("Shift_JIS"));
        assert_eq!(content_type_charset("text/html;Charset=utf-8"), Some("utf-8"));
        assert_eq!(content_type_charset("text/html"), None);
    }
}
