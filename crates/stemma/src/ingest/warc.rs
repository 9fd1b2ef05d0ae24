//! WARC files (WARC 1.0 and 1.1; plain, gzip per record as Common Crawl
//! writes them, or one gzip stream for the whole file), read one record at
//! a time so that memory stays flat on a file of any size.
//!
//! A damaged record (truncated, a bad gzip member, a malformed header)
//! becomes one [`RecordError`] with its byte offset, and reading goes on
//! at the next record that can be found: for gzip, the next gzip member
//! that opens with a WARC header; for a plain file, the next line that
//! starts with `WARC/`. No crate for WARC does this recovery (the `warc`
//! crate stops at the first bad record), hence this reader.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Longest record block read into memory; a longer record (a video, a
/// dataset) is skipped with an error. No HTML page comes near it.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// Longest header section of a record.
const MAX_HEADER_BYTES: usize = 1 << 20;

/// One WARC record: where it starts, its named headers, and its block.
#[derive(Debug, Clone)]
pub struct Record {
    /// Byte offset of the record in the file (for gzip, of its member).
    pub offset: u64,
    /// Headers in file order, names as written.
    pub headers: Vec<(String, String)>,
    /// The record's content block (for a response, the HTTP message).
    pub block: Vec<u8>,
}

impl Record {
    /// The first header of that name, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// `WARC-Type`, lower-cased.
    pub fn kind(&self) -> String {
        self.header("WARC-Type").unwrap_or("").to_ascii_lowercase()
    }

    /// `WARC-Target-URI`, without the angle brackets some writers (wget)
    /// put around it.
    pub fn target_uri(&self) -> Option<&str> {
        let uri = self.header("WARC-Target-URI")?.trim();
        let uri = uri.strip_prefix('<').and_then(|u| u.strip_suffix('>')).unwrap_or(uri);
        (!uri.is_empty()).then_some(uri)
    }
}

/// A record that could not be read, and where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    /// Byte offset of the damaged record (for gzip, of its member).
    pub offset: u64,
    /// What is wrong, and where reading went on.
    pub message: String,
}

/// What a WARC is read from: a file, or bytes in memory.
pub trait Source: Read + Seek + Send {}

impl<T: Read + Seek + Send> Source for T {}

/// The file, read directly.
type FileReader = BufReader<Counted<Box<dyn Source>>>;

/// A gzip file's decompressed bytes, member after member, as one stream
/// that knows at which offset the member being read began. Records are
/// read from it whether the file holds one member per record (the rule),
/// one member for everything, or records split across members.
struct Members {
    /// The file, when between members.
    file: Option<FileReader>,
    /// The member being read and its offset.
    member: Option<(u64, BufReader<flate2::bufread::GzDecoder<FileReader>>)>,
}

impl Members {
    fn new(file: FileReader) -> Members {
        Members { file: Some(file), member: None }
    }

    /// Offset of the member the next byte comes from (after `fill_buf`).
    fn member_offset(&self) -> u64 {
        match (&self.member, &self.file) {
            (Some((offset, _)), _) => *offset,
            (None, Some(file)) => position(file),
            (None, None) => 0,
        }
    }

    /// The file back, wherever the decoder left it.
    fn into_file(self) -> Option<FileReader> {
        self.file.or_else(|| self.member.map(|(_, member)| member.into_inner().into_inner()))
    }
}

impl Read for Members {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Members {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        loop {
            if let Some((_, member)) = &mut self.member {
                if !member.fill_buf()?.is_empty() {
                    break;
                }
                // The member is done: the file goes on after it.
                self.file = self.member.take().map(|(_, member)| member.into_inner().into_inner());
            }
            let Some(mut file) = self.file.take() else { break };
            if file.fill_buf()?.is_empty() {
                self.file = Some(file);
                break;
            }
            let offset = position(&file);
            self.member = Some((offset, BufReader::with_capacity(1 << 16, flate2::bufread::GzDecoder::new(file))));
        }
        match &mut self.member {
            Some((_, member)) => member.fill_buf(),
            None => Ok(&[]),
        }
    }

    fn consume(&mut self, amount: usize) {
        if let Some((_, member)) = &mut self.member {
            member.consume(amount);
        }
    }
}

/// The bytes records are read from.
enum Input {
    Plain(FileReader),
    Gzip(Box<Members>),
    /// Nothing more can be read.
    Done,
}

/// Reads the records of one WARC file in order.
pub struct Reader {
    input: Input,
    /// Whether the file is gzip (per record or whole).
    gzip: bool,
}

impl Reader {
    /// Opens a WARC file; whether it is compressed is read from its first
    /// bytes, not its name. `.arc` files and other formats are refused
    /// with a message saying what the file is.
    pub fn open(path: &Path) -> Result<Reader, String> {
        let file = File::open(path).map_err(|err| format!("cannot open: {err}"))?;
        Reader::new(Box::new(file))
    }

    /// Reads a WARC from any source that can seek (a file, a `Cursor`
    /// over bytes in memory); as [`Reader::open`].
    pub fn new(source: Box<dyn Source>) -> Result<Reader, String> {
        let mut file = BufReader::with_capacity(1 << 16, Counted { inner: source, read: 0 });
        let head = file.fill_buf().map_err(|err| format!("cannot read: {err}"))?.to_vec();
        let gzip = head.starts_with(&[0x1f, 0x8b]);
        let opening = if gzip { first_bytes_gunzipped(&head) } else { head };
        if !opening.starts_with(b"WARC/") {
            return Err(if opening.starts_with(b"filedesc://") {
                "an ARC file (the format before WARC): not read; convert it to WARC (e.g. `warcio recompress`)".into()
            } else {
                "not a WARC file (it does not start with a `WARC/` version line)".into()
            });
        }
        let input = if gzip { Input::Gzip(Box::new(Members::new(file))) } else { Input::Plain(file) };
        Ok(Reader { input, gzip })
    }

    /// The next record, an error for a damaged one, or `None` at the end.
    pub fn next_record(&mut self) -> Option<Result<Record, RecordError>> {
        let (offset, record) = match &mut self.input {
            Input::Plain(file) => match file.fill_buf() {
                Ok(_) => {
                    let offset = position(file);
                    (offset, read_record(file, offset))
                }
                Err(err) => (position(file), Err(format!("cannot read: {err}"))),
            },
            Input::Gzip(members) => match members.fill_buf() {
                Ok(_) => {
                    let offset = members.member_offset();
                    (offset, read_record(members, offset))
                }
                Err(err) => (members.member_offset(), Err(format!("bad gzip member: {err}"))),
            },
            Input::Done => return None,
        };
        match record {
            Ok(Some(record)) => Some(Ok(record)),
            Ok(None) => {
                self.input = Input::Done;
                None
            }
            Err(message) => Some(Err(self.recover(offset, message))),
        }
    }

    /// After a damaged record at `offset`: finds where reading can go on,
    /// goes there, and says so in the error.
    fn recover(&mut self, offset: u64, message: String) -> RecordError {
        let file = match std::mem::replace(&mut self.input, Input::Done) {
            Input::Plain(file) => Some(file),
            Input::Gzip(members) => (*members).into_file(),
            Input::Done => None,
        };
        let mut found = None;
        if let Some(mut file) = file {
            found =
                if self.gzip { find_member(&mut file, offset + 1) } else { find_version_line(&mut file, offset + 1) };
            if let Some(at) = found {
                if file.seek(SeekFrom::Start(at)).is_ok() {
                    self.input = if self.gzip { Input::Gzip(Box::new(Members::new(file))) } else { Input::Plain(file) };
                } else {
                    found = None;
                }
            }
        }
        let message = match found {
            Some(at) => format!("{message}; skipped {} bytes to the next record, at byte {at}", at - offset),
            None => format!("{message}; no readable record after it"),
        };
        RecordError { offset, message }
    }
}

impl Iterator for Reader {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

/// Where in the file the next unread byte is.
fn position(file: &FileReader) -> u64 {
    file.get_ref().read - file.buffer().len() as u64
}

/// The next offset from `from` where a gzip member starts that opens with
/// a WARC version line.
fn find_member(file: &mut FileReader, from: u64) -> Option<u64> {
    scan(file, from, &[0x1f, 0x8b, 0x08], |file, at| {
        file.seek(SeekFrom::Start(at)).ok()?;
        let mut head = [0u8; 5];
        read_up_to(&mut flate2::bufread::GzDecoder::new(file), &mut head).ok()?;
        (&head == b"WARC/").then_some(())
    })
}

/// The next offset from `from` of a version line, `WARC/1.0` or
/// `WARC/1.1` and a line end. Not only at a line start: after a record
/// cut short, the next one follows the cut directly.
fn find_version_line(file: &mut FileReader, from: u64) -> Option<u64> {
    scan(file, from, b"WARC/1.", |file, at| {
        file.seek(SeekFrom::Start(at + 7)).ok()?;
        let mut rest = [0u8; 3];
        read_up_to(file, &mut rest).ok()?;
        (matches!(rest[0], b'0' | b'1') && (rest[1] == b'\n' || &rest[1..] == b"\r\n")).then_some(())
    })
}

/// The first offset from `from` where `needle` occurs and `accept` agrees,
/// reading the file in windows.
fn scan(
    file: &mut FileReader,
    from: u64,
    needle: &[u8],
    accept: impl Fn(&mut FileReader, u64) -> Option<()>,
) -> Option<u64> {
    const WINDOW: usize = 1 << 16;
    let mut at = from;
    let mut buffer = vec![0u8; WINDOW + needle.len()];
    loop {
        file.seek(SeekFrom::Start(at)).ok()?;
        let got = read_up_to(file, &mut buffer).ok()?;
        if got < needle.len() {
            return None;
        }
        let mut search = 0;
        while let Some(p) = buffer[search..got].windows(needle.len()).position(|w| w == needle) {
            let hit = at + (search + p) as u64;
            if accept(file, hit).is_some() {
                return Some(hit);
            }
            search += p + 1;
        }
        if got < buffer.len() {
            return None;
        }
        at += (got - needle.len() + 1) as u64;
    }
}

/// Reads one record from `input` (whose first byte is at `offset`):
/// `Ok(None)` at a clean end.
fn read_record<R: BufRead>(input: &mut R, offset: u64) -> Result<Option<Record>, String> {
    let gz = |err: io::Error| format!("cannot read: {err}");
    // Blank lines between records are tolerated.
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input.by_ref().take(MAX_HEADER_BYTES as u64).read_until(b'\n', &mut line).map_err(gz)?;
        if n == 0 {
            return Ok(None);
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    if !line.starts_with(b"WARC/") {
        let shown: String = String::from_utf8_lossy(&line[..line.len().min(40)]).trim().chars().take(40).collect();
        return Err(format!("not a WARC record: expected a `WARC/` version line, found `{shown}`"));
    }
    let mut headers = Vec::new();
    let mut header_bytes = line.len();
    loop {
        line.clear();
        let n = input.read_until(b'\n', &mut line).map_err(gz)?;
        if n == 0 {
            return Err("truncated record: the file ends inside its headers".into());
        }
        header_bytes += n;
        if header_bytes > MAX_HEADER_BYTES {
            return Err("malformed record: its headers run past 1 MB without a blank line".into());
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        match text.split_once(':') {
            Some((name, value)) => headers.push((name.trim().to_string(), value.trim().to_string())),
            // A folded continuation line belongs to the header before it.
            None if text.starts_with([' ', '\t']) && !headers.is_empty() => {
                let last = headers.len() - 1;
                headers[last].1.push(' ');
                headers[last].1.push_str(text.trim());
            }
            None => return Err(format!("malformed header line `{}`", text.chars().take(60).collect::<String>())),
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        .ok_or("malformed record: no Content-Length header")?
        .1
        .parse::<u64>()
        .map_err(|_| "malformed record: Content-Length is not a number".to_string())?;
    if length > MAX_RECORD_BYTES {
        return Err(format!("record of {} MB is longer than the {} MB read", length >> 20, MAX_RECORD_BYTES >> 20));
    }
    let mut block = Vec::with_capacity(length as usize);
    let got = input.by_ref().take(length).read_to_end(&mut block).map_err(gz)?;
    if (got as u64) < length {
        return Err(format!("truncated record: Content-Length says {length} bytes, the data ends after {got}"));
    }
    // The block is followed by two line ends; anything else means the
    // Content-Length was wrong.
    let mut tail = [0u8; 4];
    let got = read_up_to(input, &mut tail[..2]).map_err(gz)?;
    if got == 2 && &tail[..2] == b"\r\n" {
        let got = read_up_to(input, &mut tail[2..4]).map_err(gz)?;
        if got == 2 && &tail[2..4] != b"\r\n" {
            return Err("malformed record: its block does not end where Content-Length says".into());
        }
    } else if got != 0 && !tail[..got].iter().all(|b| *b == b'\n' || *b == b'\r') {
        return Err("malformed record: its block does not end where Content-Length says".into());
    }
    Ok(Some(Record { offset, headers, block }))
}

/// Reads until `buffer` is full or the input ends; returns the count.
fn read_up_to<R: Read>(input: &mut R, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match input.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

/// The first bytes of a gzip stream, decompressed (as many as come out).
fn first_bytes_gunzipped(head: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 64];
    let got = read_up_to(&mut flate2::read::GzDecoder::new(head), &mut out).unwrap_or(0);
    out.truncate(got);
    out
}

/// Whether a file's first bytes (decompressed when gzip) open a WARC.
pub fn sniff(head: &[u8]) -> bool {
    if head.starts_with(&[0x1f, 0x8b]) {
        first_bytes_gunzipped(head).starts_with(b"WARC/")
    } else {
        head.starts_with(b"WARC/")
    }
}

/// Counts the bytes read through it, so that the reader knows where in
/// the file a gzip member ended.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

impl<R: Seek> Seek for Counted<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let at = self.inner.seek(pos)?;
        self.read = at;
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(uri: &str, body: &str) -> Vec<u8> {
        let block = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{body}");
        format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: <{uri}>\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
        .into_bytes()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    /// What a reader gives: `Ok(uri)` or `Err(offset)`.
    fn read_all(bytes: Vec<u8>) -> Vec<Result<String, u64>> {
        Reader::new(Box::new(io::Cursor::new(bytes)))
            .unwrap()
            .map(|r| r.map(|rec| rec.target_uri().unwrap_or("").to_string()).map_err(|e| e.offset))
            .collect()
    }

    #[test]
    fn damaged_gzip_members_are_named_and_the_records_after_them_read() {
        let mut file = gzip(&record("http://a/", "<p>A</p>"));
        let corrupt_at = file.len() as u64;
        file.extend_from_slice(&[0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 0x99]);
        let truncated_at = file.len() as u64;
        let cut = gzip(&record("http://cut/", &"<p>long body</p>".repeat(200)));
        file.extend_from_slice(&cut[..cut.len() / 2]);
        file.extend_from_slice(&gzip(&record("http://b/", "<p>B</p>")));
        let read = read_all(file);
        assert_eq!(read, vec![Ok("http://a/".into()), Err(corrupt_at), Err(truncated_at), Ok("http://b/".into())]);
    }

    #[test]
    fn a_whole_file_gzip_and_records_split_across_members_are_read() {
        let plain: Vec<u8> = [record("http://a/", "A"), record("http://b/", "B"), record("http://c/", "C")].concat();
        assert_eq!(read_all(gzip(&plain)).len(), 3);
        // Members cut at arbitrary bytes, not at record boundaries.
        let split: Vec<u8> = plain.chunks(37).flat_map(gzip).collect();
        let read = read_all(split);
        assert_eq!(read, vec![Ok("http://a/".into()), Ok("http://b/".into()), Ok("http://c/".into())]);
    }

    #[test]
    fn a_plain_record_cut_short_is_named_and_the_next_one_read() {
        let mut file = record("http://a/", "A");
        let cut_at = file.len() as u64;
        let long = record("http://cut/", &"x".repeat(500));
        file.extend_from_slice(&long[..200]);
        file.extend_from_slice(&record("http://b/", "B"));
        assert_eq!(read_all(file), vec![Ok("http://a/".into()), Err(cut_at), Ok("http://b/".into())]);
    }

    #[test]
    fn what_is_not_a_warc_is_refused_with_what_it_is() {
        let arc = Reader::new(Box::new(io::Cursor::new(b"filedesc://x.arc 0.0.0.0 2014 text/plain 70\n".to_vec())));
        assert!(arc.err().unwrap().contains("ARC file"));
        let html = Reader::new(Box::new(io::Cursor::new(b"<html></html>".to_vec())));
        assert!(html.err().unwrap().contains("not a WARC file"));
    }
}
