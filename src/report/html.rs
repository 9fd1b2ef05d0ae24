//! The self-contained HTML report: one file, inline CSS and script, no
//! network, readable from `file://`.
//!
//! The page is a small viewer (`report.html`, embedded at build time) over a
//! JSON view model written into it. Documents refer to each other by index.
//! Sentence texts and word diffs make up nearly all of the size, so they are
//! embedded story by story, largest story first, until `max_bytes` is
//! reached; what was left out is counted in the page and said at its top.

use std::io::{self, Write};

use serde::Serialize;

use crate::align::{word_diff, DiffTag};
use crate::relate::{Changes, DirectionBasis, RelationKind};
use crate::stories::collate::{Citation, ConflictKind};
use super::round;
use crate::Analysis;

/// The viewer: HTML, CSS and script, with `/*DATA*/` where the model goes.
const TEMPLATE: &str = include_str!("report.html");

/// Default page budget, in MB (`--html-max-mb`): large enough for a few
/// thousand copied articles side by side, small enough for a browser to
/// open at once.
pub const DEFAULT_MAX_MB: usize = 20;

#[derive(Serialize)]
struct Model<'a> {
    generator: String,
    summary: super::Summary,
    left_out: LeftOut,
    documents: Vec<DocumentView<'a>>,
    relations: Vec<RelationView<'a>>,
    stories: Vec<StoryView<'a>>,
}

/// What the page does not show, and why.
#[derive(Serialize, Default)]
struct LeftOut {
    /// Documents whose sentences are not embedded.
    documents_without_text: usize,
    /// Relations whose pair view is not embedded.
    relations_without_text: usize,
    /// The page budget in bytes.
    budget_bytes: usize,
}

#[derive(Serialize)]
struct DocumentView<'a> {
    id: &'a str,
    title: Option<&'a str>,
    outlet: Option<&'a str>,
    published: Option<&'a str>,
    url: Option<&'a str>,
    /// `null` when left out for size.
    sentences: Option<Vec<&'a str>>,
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
    links: Vec<(usize, usize, f64, Vec<(u8, String)>)>,
    changes: &'a Changes,
    /// Whether both texts are embedded.
    text: bool,
}

#[derive(Serialize)]
struct StoryView<'a> {
    /// The headline (or first told sentence) of its most central article.
    name: &'a str,
    /// First and last days of its dated articles, or null.
    timeline: Option<&'a crate::stories::Timeline>,
    documents: &'a [usize],
    families: Vec<FamilyView<'a>>,
    collated: &'a [usize],
    agreements: Vec<(Vec<usize>, Vec<(usize, usize)>)>,
    unique: Vec<(usize, &'a [String], (usize, usize))>,
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
    statements: Vec<(usize, &'a str, Option<&'a str>, (usize, usize))>,
}

fn cite(c: Citation) -> (usize, usize) {
    (c.document, c.sentence)
}

/// Builds the view model, embedding texts story by story within `max_bytes`.
fn model(analysis: &Analysis, max_bytes: usize) -> Model<'_> {
    let docs = &analysis.documents;
    let text_bytes = |d: usize| -> usize { docs[d].text.len() + 8 * docs[d].sentences.len() };
    let mut embed = vec![false; docs.len()];
    let mut used = 0usize;
    // A pair view costs about its two texts again in diffs.
    for story in &analysis.stories {
        let cost: usize = story.documents.iter().map(|&d| 2 * text_bytes(d)).sum();
        if used + cost > max_bytes {
            continue;
        }
        used += cost;
        for &d in &story.documents {
            embed[d] = true;
        }
    }
    let documents = docs
        .iter()
        .enumerate()
        .map(|(i, d)| DocumentView {
            id: &d.id,
            title: d.title.as_deref(),
            outlet: d.outlet.as_deref(),
            published: d.published.as_deref(),
            url: d.url.as_deref(),
            sentences: embed[i].then(|| (0..d.sentences.len()).map(|s| d.sentence_text(s)).collect()),
        })
        .collect();
    let relations: Vec<RelationView<'_>> = analysis
        .relations
        .iter()
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
                links: r
                    .alignment
                    .links
                    .iter()
                    .map(|l| {
                        let diff = if text {
                            let (ta, tb) = (docs[r.a].sentence_text(l.a_sentence), docs[r.b].sentence_text(l.b_sentence));
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
    let stories = analysis
        .stories
        .iter()
        .map(|s| {
            let c = &s.collation;
            StoryView {
                name: &s.name,
                timeline: s.timeline.as_ref(),
                documents: &s.documents,
                families: s.families.iter().map(|f| FamilyView { root: f.root, witness: f.witness(), members: &f.members }).collect(),
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
    };
    Model {
        generator: format!("stemma {}", env!("CARGO_PKG_VERSION")),
        summary: super::Summary::of(analysis),
        left_out,
        documents,
        relations,
        stories,
    }
}

/// Writes the HTML report; sentence texts are embedded within `max_bytes`.
pub fn write_html(out: &mut dyn Write, analysis: &Analysis, max_bytes: usize) -> io::Result<()> {
    let json = serde_json::to_string(&model(analysis, max_bytes))?;
    // Inside a <script> element, "</" could close it; "<\/" is the same JSON.
    let json = json.replace("</", "<\\/");
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
        analyze(&[Article::from_text("wire", story), Article::from_text("reprint", &trimmed)], &Config::default(), &Quiet)
    }

    fn page(analysis: &Analysis, max_bytes: usize) -> String {
        let mut out = Vec::new();
        write_html(&mut out, analysis, max_bytes).unwrap();
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
