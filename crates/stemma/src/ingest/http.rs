//! HTTP responses as web archives store them: the status, the headers, and
//! the body with its transfer and content encodings undone.
//!
//! Archives keep the bytes as they came off the wire, so a body may be
//! chunked, gzip- or deflate- or brotli-compressed, or say it is chunked
//! and not be (crawlers that re-wrote it). A body that says it is chunked
//! but does not parse as chunks is taken as it is, as browsers and
//! `warcio` do.

use std::io::Read;

/// A parsed response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status code (200, 404…).
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body, decoded.
    pub body: Vec<u8>,
}

/// Most headers a response is read with; more is a malformed record.
const MAX_HEADERS: usize = 256;

/// Longest decoded body accepted: a compressed body is not allowed to grow
/// past this (a decompression bomb would otherwise take the memory).
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// Parses an HTTP response message; `Err` says what is wrong with it.
pub fn parse(message: &[u8]) -> Result<Response, String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let head = match response.parse(message) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Err("the HTTP headers end before their blank line".into()),
        Err(err) => return Err(format!("malformed HTTP response: {err}")),
    };
    let status = response.code.unwrap_or(0);
    let header = |name: &str| {
        response
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
            .collect::<Vec<_>>()
    };
    let content_type = header("content-type").into_iter().next();
    let mut body = message[head..].to_vec();
    if header("transfer-encoding").iter().any(|v| v.to_ascii_lowercase().contains("chunked")) {
        if let Some(unchunked) = dechunk(&body) {
            body = unchunked;
        }
    }
    for coding in header("content-encoding").iter().flat_map(|v| v.split(',')).rev() {
        body = decompress(coding.trim(), body)?;
    }
    Ok(Response { status, content_type, body })
}

/// The body of a chunked message, or `None` when it is not one.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(rest.len());
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = &rest[size..];
        // Tolerate a missing CRLF after the last chunk of a cut capture.
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        if rest.is_empty() {
            return Some(out);
        }
    }
}

/// Undoes one content coding. A body that is already HTML despite the
/// header (crawlers that decompressed and kept the header) is kept.
fn decompress(coding: &str, body: Vec<u8>) -> Result<Vec<u8>, String> {
    let coding = coding.to_ascii_lowercase();
    let mut out = Vec::new();
    let result = match coding.as_str() {
        "" | "identity" | "none" | "utf-8" => return Ok(body),
        "gzip" | "x-gzip" => {
            flate2::read::MultiGzDecoder::new(&body[..]).take(MAX_BODY_BYTES as u64).read_to_end(&mut out)
        }
        // `deflate` is zlib-wrapped by the standard and raw by many servers.
        "deflate" => {
            flate2::read::ZlibDecoder::new(&body[..]).take(MAX_BODY_BYTES as u64).read_to_end(&mut out).or_else(|_| {
                out.clear();
                flate2::read::DeflateDecoder::new(&body[..]).take(MAX_BODY_BYTES as u64).read_to_end(&mut out)
            })
        }
        "br" => {
            brotli_decompressor::Decompressor::new(&body[..], 4096).take(MAX_BODY_BYTES as u64).read_to_end(&mut out)
        }
        other => {
            return if looks_like_markup(&body) {
                Ok(body)
            } else {
                Err(format!("body in an unsupported Content-Encoding `{other}`"))
            }
        }
    };
    match result {
        Ok(_) if out.len() >= MAX_BODY_BYTES => {
            Err(format!("body decompresses to more than {} MB; not read", MAX_BODY_BYTES >> 20))
        }
        Ok(_) => Ok(out),
        Err(_) if looks_like_markup(&body) => Ok(body),
        Err(err) => Err(format!("body says Content-Encoding `{coding}` but does not decode: {err}")),
    }
}

/// Whether bytes open like a markup document (after blanks and a BOM).
pub fn looks_like_markup(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Whether a `Content-Type` names an HTML page.
pub fn is_html(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else { return false };
    let mime = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime == "text/html" || mime == "application/xhtml+xml"
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn chunked_and_gzipped_bodies_are_decoded() {
        let page = b"<html><p>Hello, world.</p></html>";
        let zipped = gzip(page);
        let mut chunked = format!("{:x}\r\n", 10).into_bytes();
        chunked.extend_from_slice(&zipped[..10]);
        chunked.extend_from_slice(format!("\r\n{:x};ext=1\r\n", zipped.len() - 10).as_bytes());
        chunked.extend_from_slice(&zipped[10..]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut message = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        message.extend_from_slice(&chunked);
        let response = parse(&message).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.body, page);
        assert!(is_html(response.content_type.as_deref()));
    }

    #[test]
    fn a_body_that_is_not_really_chunked_is_kept() {
        let message = b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n<html>plain</html>";
        assert_eq!(parse(message).unwrap().body, b"<html>plain</html>");
    }

    #[test]
    fn a_broken_compressed_body_is_an_error() {
        let message = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\x1f\x8b\x08garbage";
        assert!(parse(message).unwrap_err().contains("does not decode"));
        assert!(parse(b"not http at all").is_err());
    }
}
