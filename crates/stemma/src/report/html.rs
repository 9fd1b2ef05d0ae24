//! The self-contained HTML report: one file, inline CSS and script, no
//! network, readable from `file://`.
//!
//! The page is a small viewer (`report.html`, embedded at build time) over a
//! JSON view model written into it. Documents refer to each other by index.
//! Sentence texts and word diffs make up nearly all of the size, so they are
//! embedded story by story, largest story first, until the page reaches
//! `max_bytes` (the rest of the model is measured first and counted in); a
//! single document too large for a tenth of the budget is left out alone;
//! reached; what was left out is counted in the page and said at its top.

use std::io::{self, Write};

use serde::Serialize;

use super::round;
use crate::align::{word_diff, DiffTag};
use crate::ingest::InputError;
use crate::relate::{Changes, DirectionBasis, RelationKind};
use crate::stories::collate::{Citation, ConflictKind};
use crate::Analysis;

/// The viewer: HTML, CSS and script, with `/*DATA*/` where the model goes.
const TEMPLATE: &str = include_str!("report.html");

/// A cited sentence on the page: `[document, sentence]`. The view model
/// uses arrays, not objects, where it repeats: a 10k-document page holds
/// hundreds of thousands of them.
type Cited = (usize, usize);

/// An aligned sentence pair on the page: `[a sentence, b sentence,
/// similarity, diff]`, the diff as `[op, text]` pairs.
type LinkView = (usize, usize, f64, Vec<(u8, String)>);

/// Default page budget, in MB (`--html-max-mb`): large enough for a few
/// thousand copied articles side by side, small enough for a browser to
/// open at once.
pub const DEFAULT_MAX_MB: usize = 20;

#[derive(Serialize)]
struct Model<'a> {
    generator: String,
    summary: super::Summary,
    left_out: LeftOut<'a>,
    /// `stories.max_collated_witnesses`: collation compares at most this
    /// many families of a story, so the page can say why others were not.
    max_collated_witnesses: usize,
    /// `null` for a document in no story: it has no relation either, and
    /// a page of a large corpus would otherwise spend most of its budget on
    /// articles it has nothing to say about.
    documents: Vec<Option<DocumentView<'a>>>,
    relations: Vec<RelationView<'a>>,
    stories: Vec<StoryView<'a>>,
    /// Inputs not analysed, or read with a caveat, as the terminal prints
    /// them (the first [`SHOWN_INPUT_ERRORS`]): a reader of the page must
    /// see that a file was skipped, not only one who watched the run.
    input_errors: Vec<String>,
    /// How many there were in all.
    input_errors_total: usize,
}

/// Input problems listed on the page; the JSON report has them all.
const SHOWN_INPUT_ERRORS: usize = 50;

/// What the page does not show, and why.
#[derive(Serialize)]
struct LeftOut<'a> {
    /// Documents of stories whose sentences are not embedded, for either
    /// reason.
    documents_without_text: usize,
    /// Relations whose pair view is not embedded.
    relations_without_text: usize,
    /// The page budget in bytes.
    budget_bytes: usize,
    /// The most one document's text may cost on the page: one huge input
    /// (a 20 MB scrape joined to a story) must not push every other text
    /// out, so it alone is left out.
    document_limit_bytes: usize,
    /// Documents left out because each alone exceeds `document_limit_bytes`:
    /// `[document, bytes of text]`, named on the page.
    too_large: Vec<(usize, usize, &'a str)>,
    /// Documents in no listed story, not on the page.
    documents_unlisted: usize,
    /// The smallest stories, not listed because the rest of the page
    /// filled its share of the budget; their documents and relations.
    stories_unlisted: usize,
    documents_of_unlisted_stories: usize,
    relations_unlisted: usize,
    /// Bytes the page would take without any text: when this alone exceeds
    /// the budget, the page says so.
    skeleton_bytes: usize,
}

/// Why a document's text is not on the page.
#[derive(Serialize, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Omitted {
    /// Its own text exceeds the per-document limit.
    TooLarge,
    /// Its story did not fit in what was left of the page budget.
    Budget,
}

#[derive(Serialize)]
struct DocumentView<'a> {
    id: &'a str,
    title: Option<&'a str>,
    /// Without a title, what to call it: its first sentence that tells the
    /// story, cut short (as stories are named); absent with a title.
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<String>,
    outlet: Option<&'a str>,
    published: Option<&'a str>,
    /// Without `published`, the date on a time stamp line of the text, as
    /// written.
    #[serde(skip_serializing_if = "Option::is_none")]
    dated: Option<&'a str>,
    /// When it appeared, in seconds since the Unix epoch (`published`, or
    /// the day of `dated`), for the story timeline; null when undated.
    time: Option<i64>,
    url: Option<&'a str>,
    /// `null` when left out for size.
    sentences: Option<Vec<&'a str>>,
    /// Why the sentences are left out; absent when they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    omitted: Option<Omitted>,
}

#[derive(Serialize)]
struct RelationView<'a> {
    a: usize,
    b: usize,
    kind: RelationKind,
    /// What the direction rests on, or null (direction unknown: a and b in
    /// id order).
    direction: Option<DirectionBasis>,
    /// The evidence that decided the direction, in words.
    direction_evidence: &'a [String],
    score: f64,
    coverage_a: f64,
    coverage_b: f64,
    /// `[a sentence, b sentence, similarity, diff]`; diff is a list of
    /// `[op, text]` with op 0 equal, 1 delete, 2 insert, empty when equal.
    links: Vec<LinkView>,
    changes: &'a Changes,
    /// Whether both texts are embedded.
    text: bool,
}

#[derive(Serialize)]
struct StoryView<'a> {
    /// The headline (or first told sentence) of its most central article.
    name: &'a str,
    /// That article.
    central: usize,
    /// First and last days of its dated articles, or null.
    timeline: Option<&'a crate::stories::Timeline>,
    documents: &'a [usize],
    families: Vec<FamilyView<'a>>,
    /// Indices into `families` of the witnesses compared.
    collated: &'a [usize],
    agreements: Vec<(Vec<usize>, Vec<Cited>)>,
    unique: Vec<(usize, &'a [String], Cited)>,
    conflicts: Vec<ConflictView<'a>>,
}

#[derive(Serialize)]
struct FamilyView<'a> {
    /// `null` when the direction of copying is unknown.
    root: Option<usize>,
    /// The root, or the first member: what names the family.
    witness: usize,
    members: &'a [usize],
}

#[derive(Serialize)]
struct ConflictView<'a> {
    kind: ConflictKind,
    about: Option<&'a str>,
    /// `[witness, text, speaker, [document, sentence]]`.
    statements: Vec<(usize, &'a str, Option<&'a str>, Cited)>,
}

fn cite(c: Citation) -> (usize, usize) {
    (c.document, c.sentence)
}

/// Share of the page budget one document's text may take: a news article
/// is tens of KB, so a tenth of the default 20 MB (2 MB) leaves out only
/// junk, and still lets ten such documents share a page.
const DOCUMENT_SHARE: usize = 10;

/// Builds the view model, embedding texts story by story within `max_bytes`.
/// `text_budget` is what the texts and diffs may take; `max_bytes` the whole
/// page, from which the per-document limit is derived.
fn model<'a>(analysis: &'a Analysis, input_errors: &[InputError], max_bytes: usize, text_budget: usize) -> Model<'a> {
    let docs = &analysis.documents;
    // A pair view costs about its two texts again in diffs.
    let cost = |d: usize| -> usize { 2 * (docs[d].text.len() + 8 * docs[d].sentences.len()) };
    let document_limit = max_bytes / DOCUMENT_SHARE;
    let mut omitted: Vec<Option<Omitted>> = vec![None; docs.len()];
    let mut embed = vec![false; docs.len()];
    let mut used = 0usize;
    // Stories are listed largest first while what they cost without texts
    // (articles' headlines and dates, relations' changes, collation) fits
    // in half the budget: a corpus of a million articles makes a page of
    // its largest stories, not one no browser opens.
    let mut relations_of: Vec<Vec<usize>> = vec![Vec::new(); analysis.stories.len()];
    let mut story_of = vec![usize::MAX; docs.len()];
    for (si, story) in analysis.stories.iter().enumerate() {
        for &d in &story.documents {
            story_of[d] = si;
        }
    }
    for (ri, r) in analysis.relations.iter().enumerate() {
        if let Some(list) = relations_of.get_mut(story_of[r.a]) {
            list.push(ri);
        }
    }
    let skeleton_budget = max_bytes / 2;
    let mut skeleton = 0usize;
    let mut listed = 0usize;
    for (si, story) in analysis.stories.iter().enumerate() {
        let len = |x: &Option<String>| x.as_ref().map_or(0, String::len);
        let documents: usize = story
            .documents
            .iter()
            .map(|&d| {
                80 + docs[d].id.len()
                    + len(&docs[d].title)
                    + len(&docs[d].outlet)
                    + len(&docs[d].published)
                    + len(&docs[d].url)
            })
            .sum();
        let relations: usize = relations_of[si]
            .iter()
            .map(|&ri| {
                let r = &analysis.relations[ri];
                150 + r.direction_evidence.iter().map(String::len).sum::<usize>()
                    + serde_json::to_string(&r.changes).map_or(0, |j| j.len())
            })
            .sum();
        let collation = serde_json::to_string(&story.collation).map_or(0, |j| j.len()) / 2
            + 40 * story.documents.len()
            + story.name.len();
        let cost = documents + relations + collation;
        if listed > 0 && skeleton + cost > skeleton_budget {
            break;
        }
        skeleton += cost;
        listed = si + 1;
    }
    let mut in_story = vec![false; docs.len()];
    for story in &analysis.stories[..listed] {
        for &d in &story.documents {
            in_story[d] = true;
        }
    }
    let mut too_large = Vec::new();
    for story in &analysis.stories[..listed] {
        // Each document over the limit is left out alone, so that the rest
        // of its story still fits.
        for &d in &story.documents {
            if cost(d) > document_limit && omitted[d].is_none() {
                omitted[d] = Some(Omitted::TooLarge);
                too_large.push((d, docs[d].text.len(), docs[d].origin.as_str()));
            }
        }
        let story_cost: usize = story.documents.iter().filter(|&&d| omitted[d].is_none()).map(|&d| cost(d)).sum();
        if used + story_cost > text_budget {
            for &d in &story.documents {
                omitted[d].get_or_insert(Omitted::Budget);
            }
            continue;
        }
        used += story_cost;
        for &d in &story.documents {
            embed[d] = omitted[d].is_none();
        }
    }
    let documents = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            in_story[i].then(|| DocumentView {
                id: &d.id,
                title: d.title.as_deref(),
                headline: d.title.as_deref().is_none_or(|t| t.trim().is_empty()).then(|| headline(d)),
                outlet: d.outlet.as_deref(),
                published: d.published.as_deref(),
                dated: d.dateline.as_ref().map(|(_, words)| words.as_str()),
                time: d.published_at.or(d.dateline.as_ref().map(|(day, _)| day * 86_400)),
                url: d.url.as_deref(),
                sentences: embed[i].then(|| (0..d.sentences.len()).map(|s| d.sentence_text(s)).collect()),
                omitted: omitted[i],
            })
        })
        .collect();
    let relations: Vec<RelationView<'_>> = analysis
        .relations
        .iter()
        .filter(|r| in_story[r.a])
        .map(|r| {
            let text = embed[r.a] && embed[r.b];
            RelationView {
                a: r.a,
                b: r.b,
                kind: r.kind,
                direction: r.direction,
                direction_evidence: &r.direction_evidence,
                score: round(r.score),
                coverage_a: round(r.alignment.coverage_a),
                coverage_b: round(r.alignment.coverage_b),
                // Without the texts the pair view shows the changes only:
                // the alignment would be dead weight on a large page.
                links: r
                    .alignment
                    .links
                    .iter()
                    .filter(|_| text)
                    .map(|l| {
                        let diff = if text {
                            let (ta, tb) =
                                (docs[r.a].sentence_text(l.a_sentence), docs[r.b].sentence_text(l.b_sentence));
                            if ta == tb {
                                Vec::new()
                            } else {
                                word_diff(ta, tb)
                                    .into_iter()
                                    .map(|op| {
                                        let tag = match op.op {
                                            DiffTag::Equal => 0,
                                            DiffTag::Delete => 1,
                                            DiffTag::Insert => 2,
                                        };
                                        (tag, op.text)
                                    })
                                    .collect()
                            }
                        } else {
                            Vec::new()
                        };
                        (l.a_sentence, l.b_sentence, round(l.similarity), diff)
                    })
                    .collect(),
                changes: &r.changes,
                text,
            }
        })
        .collect();
    let stories = analysis.stories[..listed]
        .iter()
        .map(|s| {
            let c = &s.collation;
            StoryView {
                name: &s.name,
                central: s.central,
                timeline: s.timeline.as_ref(),
                documents: &s.documents,
                families: s
                    .families
                    .iter()
                    .map(|f| FamilyView { root: f.root, witness: f.witness(), members: &f.members })
                    .collect(),
                collated: &c.witnesses,
                agreements: c
                    .agreements
                    .iter()
                    .map(|a| (a.witnesses.clone(), a.citations.iter().map(|&x| cite(x)).collect()))
                    .collect(),
                unique: c.unique.iter().map(|u| (u.witness, u.names.as_slice(), cite(u.citation))).collect(),
                conflicts: c
                    .conflicts
                    .iter()
                    .map(|x| ConflictView {
                        kind: x.kind,
                        about: x.about.as_deref(),
                        statements: x
                            .statements
                            .iter()
                            .map(|st| (st.witness, st.text.as_str(), st.speaker.as_deref(), cite(st.citation)))
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    let left_out = LeftOut {
        documents_without_text: analysis
            .stories
            .iter()
            .flat_map(|s| s.documents.iter())
            .filter(|&&d| !embed[d])
            .count(),
        relations_without_text: relations.iter().filter(|r| !r.text).count(),
        budget_bytes: max_bytes,
        document_limit_bytes: document_limit,
        too_large,
        documents_unlisted: in_story.iter().filter(|&&x| !x).count(),
        stories_unlisted: analysis.stories.len() - listed,
        documents_of_unlisted_stories: analysis.stories[listed..].iter().map(|s| s.documents.len()).sum(),
        relations_unlisted: analysis.relations.len() - relations.len(),
        skeleton_bytes: 0,
    };
    Model {
        generator: format!("stemma {}", env!("CARGO_PKG_VERSION")),
        summary: super::Summary::of(analysis),
        left_out,
        max_collated_witnesses: analysis.config.stories.max_collated_witnesses,
        documents,
        relations,
        stories,
        input_errors: input_errors.iter().take(SHOWN_INPUT_ERRORS).map(ToString::to_string).collect(),
        input_errors_total: input_errors.len(),
    }
}

/// Words of a first sentence kept when it stands in for a headline.
const HEADLINE_WORDS: usize = 14;

/// What to call a document on the page: its headline, or its first
/// sentence that is not a frame line (a dateline, a URL), cut short; the
/// id only for a document with neither.
fn headline(doc: &crate::text::Doc) -> String {
    if let Some(title) = doc.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        return title.to_string();
    }
    let Some(first) = (0..doc.sentences.len()).find(|&i| !doc.sentences[i].frame) else { return doc.id.clone() };
    let text = doc.sentence_text(first);
    // A junk "sentence" may be megabytes long: look at its start only.
    let start = &text[..char_floor(text, 2000)];
    let words: Vec<&str> = start.split_whitespace().take(HEADLINE_WORDS + 1).collect();
    if words.len() <= HEADLINE_WORDS && start.len() == text.len() {
        words.join(" ")
    } else {
        format!("{} …", words[..words.len().min(HEADLINE_WORDS)].join(" "))
    }
}

/// The largest char boundary of `s` at or before `at` (what
/// `str::floor_char_boundary` does, not stable on our minimum Rust).
fn char_floor(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Writes the HTML report; sentence texts are embedded within `max_bytes`.
/// `input_errors` are the problems met reading the inputs, named at the top
/// of the page.
pub fn write_html(
    out: &mut dyn Write,
    analysis: &Analysis,
    input_errors: &[InputError],
    max_bytes: usize,
) -> io::Result<()> {
    // The page without texts is measured first; texts fill what is left.
    // Diffs are estimated, so a page that still comes out over the budget
    // is rebuilt with the overshoot (and a margin) taken off the texts.
    let skeleton = TEMPLATE.len() + serde_json::to_string(&model(analysis, input_errors, max_bytes, 0))?.len();
    let mut text_budget = max_bytes.saturating_sub(skeleton);
    let json = loop {
        let mut m = model(analysis, input_errors, max_bytes, text_budget);
        m.left_out.skeleton_bytes = skeleton;
        // Inside a <script> element, "</" could close it; "<\/" is the same JSON.
        let json = serde_json::to_string(&m)?.replace("</", "<\\/");
        let size = TEMPLATE.len() + json.len();
        if size <= max_bytes || text_budget == 0 {
            break json;
        }
        text_budget = text_budget.saturating_sub(size - max_bytes + max_bytes / 50);
    };
    let (head, tail) = TEMPLATE.split_once("/*DATA*/").unwrap_or((TEMPLATE, ""));
    out.write_all(head.as_bytes())?;
    out.write_all(json.as_bytes())?;
    out.write_all(tail.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::ingest::Article;
    use crate::{analyze, Quiet};

    fn analysis() -> Analysis {
        let story = "The council approved a new budget for the harbour district on Monday.\n\
            Mayor Ilse Varga said the plan would repair three bridges before winter.\n\
            Opposition members called the spending reckless and demanded an audit.\n\
            The vote passed by seven votes to four after a long debate.";
        let trimmed = story.lines().take(3).collect::<Vec<_>>().join("\n");
        analyze(
            &[Article::from_text("wire", story), Article::from_text("reprint", &trimmed)],
            &Config::default(),
            &Quiet,
        )
    }

    fn page(analysis: &Analysis, max_bytes: usize) -> String {
        let mut out = Vec::new();
        write_html(&mut out, analysis, &[], max_bytes).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_page_embeds_the_model_and_no_closing_script_tag_leaks() {
        let mut a = analysis();
        a.documents[0].id = "</script><b>".into();
        let html = page(&a, DEFAULT_MAX_MB * 1024 * 1024);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("/*DATA*/"));
        let start = html.find("id=\"data\"").unwrap();
        let end = html[start..].find("</script>").unwrap() + start;
        let json = &html[html[start..].find('>').unwrap() + start + 1..end];
        let model: serde_json::Value = serde_json::from_str(&json.replace("<\\/", "</")).unwrap();
        assert_eq!(model["documents"][0]["id"], "</script><b>");
        assert_eq!(model["relations"].as_array().unwrap().len(), 1);
        assert!(model["documents"][1]["sentences"].is_array());
        assert!(!html.contains("http://") && !html.contains("https://"), "the page must need no network");
    }

    #[test]
    fn texts_beyond_the_budget_are_left_out_and_counted() {
        let a = analysis();
        let html = page(&a, 10);
        assert!(html.contains("\"documents_without_text\":2"));
        assert!(html.contains("\"relations_without_text\":1"));
        assert!(html.contains("\"sentences\":null"));
    }
}
