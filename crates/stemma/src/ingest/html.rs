//! Web pages to articles: the article's main text, in paragraphs, without
//! navigation, advertising, related links, comments or cookie notices, and
//! what the page says about it (headline, publication time, outlet,
//! canonical URL, language, author) from `<meta>`, Open Graph, JSON-LD and
//! the page itself.
//!
//! The main text comes from `dom_smoothie`, a Rust port of Mozilla's
//! Readability, chosen by measuring the Rust extractors on real pages
//! (`eval/extract.py`; the comparison is in `bench/RESULTS.md`).

use dom_smoothie::{Config as ExtractorConfig, Readability, TextMode};

use super::parse_published;

/// What was read from one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The headline.
    pub title: Option<String>,
    /// The article's main text, paragraphs separated by a blank line.
    pub text: String,
    /// Publication time: RFC 3339 when the page's own could be read as a
    /// time, else as the page states it.
    pub published: Option<String>,
    /// The outlet: the site name the page states, else the host of its URL.
    pub outlet: Option<String>,
    /// The canonical URL (`<link rel=canonical>`, `og:url`), else the URL
    /// the page was fetched from.
    pub url: Option<String>,
    /// The language the page declares (`<html lang>`, `og:locale`).
    pub language: Option<String>,
    /// The author, where the page states one.
    pub author: Option<String>,
}

/// What makes a page an article (set from `ingest.*` in the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Words the longest paragraph has at least (`ingest.min_paragraph_words`).
    pub min_paragraph_words: usize,
    /// Deepest nesting of elements read (`ingest.max_html_nesting`).
    pub max_nesting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        let config = crate::config::IngestConfig::default();
        Limits { min_paragraph_words: config.min_paragraph_words, max_nesting: config.max_html_nesting }
    }
}

/// Reads the article on a page with the default [`Limits`]: see [`extract_with`].
pub fn extract(html: &str, url: Option<&str>) -> Result<Page, String> {
    extract_with(html, url, &Limits::default())
}

/// Reads the article on a page. `url` is where the page was fetched from,
/// when known: it resolves a relative canonical link and names the outlet
/// when the page does not. Fails when no article text is found (an index
/// page, an empty shell filled in by script, a page that is not HTML).
pub fn extract_with(html: &str, url: Option<&str>, limits: &Limits) -> Result<Page, String> {
    let depth = nesting(html);
    if depth > limits.max_nesting {
        return Err(format!(
            "elements nested {depth} deep (more than ingest.max_html_nesting, {}); not an article page, not read",
            limits.max_nesting
        ));
    }
    let url = url.filter(|u| is_absolute(u));
    let config = ExtractorConfig { text_mode: TextMode::Formatted, ..ExtractorConfig::default() };
    let mut readability =
        Readability::new(html, url, Some(config)).map_err(|err| format!("cannot read the page: {err}"))?;
    // The text-based bound is cheap but can be fooled (`<div/>`, stray
    // close tags): the parsed tree's own depth is the one that costs.
    let depth = tree_depth(&readability.doc);
    if depth > limits.max_nesting {
        return Err(format!(
            "elements nested {depth} deep (more than ingest.max_html_nesting, {}); not an article page, not read",
            limits.max_nesting
        ));
    }
    // Before `parse`, which rewrites the document down to the article.
    let canonical = canonical_url(&readability.doc, url);
    let locale = meta_content(&readability.doc, "meta[property=\"og:locale\"]");
    let article = readability.parse().map_err(|err| format!("no article text found on the page ({err})"))?;
    let text = paragraphs(&article.text_content);
    let longest = text.split("\n\n").map(words).max().unwrap_or(0);
    if longest < limits.min_paragraph_words {
        return Err(format!(
            "no article text found on the page (no paragraph of ingest.min_paragraph_words, {}, words or more)",
            limits.min_paragraph_words
        ));
    }
    let url = canonical.or_else(|| url.map(str::to_string));
    let outlet = clean(article.site_name).or_else(|| url.as_deref().and_then(host).map(str::to_string));
    Ok(Page {
        title: clean(Some(article.title)),
        text,
        published: article.published_time.as_deref().and_then(normalize_time),
        outlet,
        url,
        language: clean(article.lang).or(locale),
        author: clean(article.byline),
    })
}

/// Words in a paragraph: runs between spaces, and for scripts written
/// without spaces (Chinese, Japanese, Thai…) one per two characters, about
/// the characters a word takes there.
fn words(paragraph: &str) -> usize {
    let spaced = paragraph.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
    let unspaced = paragraph.chars().filter(|c| c.is_alphabetic() && !is_spaced_script(*c)).count();
    spaced.max(unspaced / 2)
}

/// Whether a letter belongs to a script written with spaces between words
/// (Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Hangul…): those
/// below U+0E00 (Thai), and Hangul.
fn is_spaced_script(c: char) -> bool {
    (c as u32) < 0x0E00 || ('\u{AC00}'..='\u{D7AF}').contains(&c) || ('\u{1100}'..='\u{11FF}').contains(&c)
}

/// How deep a page's elements nest, counted from its tags without parsing
/// it: open tags less close tags, leaving out void elements and those
/// whose close tag is optional (which would count deeper than the page
/// is). Comments and scripts are not skipped; it is a bound, not a parse.
fn nesting(html: &str) -> usize {
    const UNCOUNTED: [&str; 21] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p",
        "li", "td", "tr", "th", "dt", "dd", "option",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + open + 1;
        let closing = bytes.get(start) == Some(&b'/');
        let name_start = start + usize::from(closing);
        let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'!').count();
        at = name_start + name_len;
        if name_len == 0 {
            continue;
        }
        let name = &bytes[name_start..name_start + name_len];
        if name[0] == b'!' || UNCOUNTED.iter().any(|u| name.eq_ignore_ascii_case(u.as_bytes())) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if bytes[at..].iter().take_while(|b| **b != b'>').last() != Some(&b'/') {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The main text as paragraphs: lines trimmed, runs of blank lines made
/// one, and the line breaks inside a paragraph kept as spaces only when
/// the extractor broke a sentence (a line that does not end a sentence
/// and is followed by one starting in lower case).
fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(&line);
        blank = false;
    }
    out
}

/// How deep the parsed document's elements nest, walked without recursion.
fn tree_depth(doc: &dom_query::Document) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        let mut child = node.first_child();
        while let Some(c) = child {
            if c.is_element() {
                stack.push((c, depth + 1));
            }
            child = c.next_sibling();
        }
    }
    deepest
}

/// `<link rel=canonical>` or `og:url`, made absolute against the page's URL.
fn canonical_url(doc: &dom_query::Document, page: Option<&str>) -> Option<String> {
    let href = doc
        .select("link[rel=\"canonical\"]")
        .attr("href")
        .map(|h| h.to_string())
        .or_else(|| meta_content(doc, "meta[property=\"og:url\"]"))?;
    let href = href.trim();
    if is_absolute(href) {
        return Some(href.to_string());
    }
    let page = page?;
    let origin_end =
        page.find("://").map(|p| p + 3).and_then(|p| page[p..].find('/').map(|q| p + q)).unwrap_or(page.len());
    href.starts_with('/').then(|| format!("{}{href}", &page[..origin_end]))
}

fn meta_content(doc: &dom_query::Document, selector: &str) -> Option<String> {
    clean(doc.select(selector).attr("content").map(|c| c.to_string()))
}

fn is_absolute(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// The host of an absolute URL, without a leading `www.`.
pub fn host(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host);
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

fn clean(value: Option<String>) -> Option<String> {
    let value = value?;
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    (!value.is_empty()).then_some(value)
}

/// A publication time in RFC 3339 when it can be read as one (ISO 8601
/// with a space for the `T`, or an RFC 2822 date as in HTTP headers and
/// feeds), else the text as the page gives it.
pub fn normalize_time(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if parse_published(value).is_some() {
        // RFC 3339 has a `T` where ISO 8601 allows a space.
        return Some(if value.get(10..11) == Some(" ") { value.replacen(' ', "T", 1) } else { value.to_string() });
    }
    Some(rfc2822(value).unwrap_or_else(|| value.to_string()))
}

/// `Tue, 15 Nov 1994 08:12:31 GMT` (or `+0100`) as RFC 3339.
fn rfc2822(value: &str) -> Option<String> {
    let value = value.split_once(',').map_or(value, |(_, rest)| rest).trim();
    let mut parts = value.split_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = parts.next()?.get(..3)?.to_ascii_lowercase();
    let month = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|m| *m == month)?
        + 1;
    let year: u32 = parts.next()?.parse().ok()?;
    let time = parts.next().unwrap_or("00:00:00");
    let time = if time.len() == 5 { format!("{time}:00") } else { time.to_string() };
    let zone = match parts.next() {
        None | Some("GMT" | "UT" | "UTC" | "Z") => "Z".to_string(),
        Some(z) if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) => format!("{}:{}", &z[..3], &z[3..]),
        Some(_) => return None,
    };
    let out = format!("{year:04}-{month:02}-{day:02}T{time}{zone}");
    parse_published(&out).map(|_| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html lang="en-GB"><head>
        <title>Rescue workers reach the village | The Daily Example</title>
        <meta property="og:site_name" content="The Daily Example">
        <meta property="og:title" content="Rescue workers reach the village">
        <meta property="article:published_time" content="2024-05-02T09:30:00+01:00">
        <meta name="author" content="Jane Reporter">
        <link rel="canonical" href="/news/rescue-workers">
        </head><body>
        <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
        <div class="cookie-banner">We use cookies. <button>Accept</button></div>
        <article><h1>Rescue workers reach the village</h1>
        <p>Rescue workers reached the mountain village of Example on Thursday, two days after a landslide cut the only road, the regional governor said.</p>
        <p>"We have found everyone alive," said the head of the rescue team, adding that 14 people had been taken to hospital with minor injuries and the rest were being sheltered in the school.</p>
        <p>The road is expected to reopen next week, officials said, once engineers have checked the slope above it for further movement.</p>
        <p>Residents said the landslide followed three days of heavy rain. The regional government has promised to pay for the repair of the houses that were damaged, and to review the drainage of the hillside before the winter.</p>
        </article>
        <aside class="related"><h3>Related</h3><ul><li><a href="/a">Storm hits coast</a></li><li><a href="/b">Floods in the north</a></li></ul></aside>
        <footer>Copyright The Daily Example. <a href="/privacy">Privacy</a></footer>
        </body></html>"#;

    #[test]
    fn the_article_and_its_metadata_are_read_and_the_rest_left_out() {
        let page = extract(PAGE, Some("https://www.example.co.uk/news/rescue-workers?utm=x")).unwrap();
        assert_eq!(page.title.as_deref(), Some("Rescue workers reach the village"));
        assert_eq!(page.outlet.as_deref(), Some("The Daily Example"));
        assert_eq!(page.published.as_deref(), Some("2024-05-02T09:30:00+01:00"));
        assert_eq!(page.url.as_deref(), Some("https://www.example.co.uk/news/rescue-workers"));
        assert_eq!(page.language.as_deref(), Some("en-GB"));
        assert_eq!(page.author.as_deref(), Some("Jane Reporter"));
        let paragraphs: Vec<&str> = page.text.split("\n\n").collect();
        assert!(
            paragraphs.iter().any(|p| p.starts_with("Rescue workers reached the mountain village")),
            "{paragraphs:?}"
        );
        assert!(paragraphs.iter().any(|p| p.starts_with("\"We have found everyone alive,\"")), "{paragraphs:?}");
        for noise in ["Sport", "cookies", "Floods in the north", "Privacy"] {
            assert!(!page.text.contains(noise), "{noise} in {}", page.text);
        }
    }

    #[test]
    fn words_are_counted_in_scripts_without_spaces_too() {
        assert_eq!(words("Rescue workers reached the village."), 5);
        assert_eq!(words("首页"), 1);
        assert!(words("东京举行记者会见，首相宣布了新的经济对策。") >= 8);
        assert_eq!(words("Home | World | Sport"), 3);
    }

    #[test]
    fn the_outlet_falls_back_to_the_host() {
        let page = PAGE.replace("<meta property=\"og:site_name\" content=\"The Daily Example\">", "");
        let page = extract(&page, Some("https://www.example.co.uk/news/x")).unwrap();
        assert_eq!(page.outlet.as_deref(), Some("example.co.uk"));
    }

    #[test]
    fn a_page_without_an_article_is_an_error() {
        let err = extract("<html><body><nav><a href=/>Home</a></nav></body></html>", None).unwrap_err();
        assert!(err.contains("no article text"), "{err}");
    }

    #[test]
    fn a_page_nested_absurdly_deep_is_refused_at_once() {
        let deep = format!("<html><body>{}<p>Text.</p>{}</body></html>", "<div>".repeat(5000), "</div>".repeat(5000));
        let started = std::time::Instant::now();
        let err = extract(&deep, None).unwrap_err();
        assert!(err.contains("nested 5002 deep"), "{err}");
        assert!(started.elapsed().as_secs_f64() < 1.0);
        assert_eq!(nesting(PAGE), 5, "html, body, article, aside, ul");
    }

    #[test]
    fn times_are_normalised_when_they_can_be_read() {
        assert_eq!(normalize_time("2015-09-14 18:33:07+00:00").as_deref(), Some("2015-09-14T18:33:07+00:00"));
        assert_eq!(normalize_time("Mon, 14 Sep 2015 18:33:07 GMT").as_deref(), Some("2015-09-14T18:33:07Z"));
        assert_eq!(normalize_time("14 Sep 2015 18:33 +0200").as_deref(), Some("2015-09-14T18:33:00+02:00"));
        assert_eq!(normalize_time("last Tuesday").as_deref(), Some("last Tuesday"));
        assert_eq!(normalize_time("  "), None);
    }

    #[test]
    fn hosts_are_read_from_urls() {
        assert_eq!(host("https://www.bbc.co.uk/news/1"), Some("bbc.co.uk"));
        assert_eq!(host("http://user@example.com:8080?q"), Some("example.com"));
        assert_eq!(host("not a url"), None);
    }
}
