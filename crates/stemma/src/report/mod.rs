//! Output: one serializable report model (`schema_version` 1) and its
//! renderings for the terminal, as JSON, and as a self-contained HTML page
//! ([`html`]). The schema is documented in
//! `docs/schema.md`; field names may grow, existing ones keep their meaning.

pub mod html;

use std::io::{self, Write};
use std::ops::Index;

use serde::ser::SerializeSeq;
use serde::Serialize;

use crate::align::{word_diff, DiffOp};
use crate::config::{Config, SketchConfig};
use crate::ingest::InputError;
use crate::neardup::{Cluster, NearDuplicate};
use crate::relate::{Changes, DirectionBasis, Relation, RelationKind};
use crate::sketch::Banding;
use crate::stories::collate::{Citation, ConflictKind};
use crate::stories::Story;
use crate::text::spill::Texts;
use crate::text::Doc;
use crate::Analysis;

/// Version of the JSON output contract.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON report.
#[derive(Debug, Clone, Serialize)]
pub struct Report<'a> {
    /// Version of this contract.
    pub schema_version: u32,
    /// Version of the program that wrote it.
    pub stemma_version: &'static str,
    /// Counts at a glance.
    pub summary: Summary,
    /// The effective configuration, to reproduce the result.
    pub config: &'a Config,
    /// Inputs that could not be read, or were read with a caveat.
    pub input_errors: &'a [InputError],
    /// The documents, with their sentences (indices used by relations).
    pub documents: Documents<'a>,
    /// The derived pairs.
    pub relations: Relations<'a>,
    /// Stories of two or more documents, largest first; a document in none
    /// is the only report of its event in the input.
    pub stories: Stories<'a>,
}

/// The stories of a report, each rendered with ids and cited sentence text
/// as it is written.
#[derive(Debug, Clone)]
pub struct Stories<'a> {
    /// The stories.
    pub stories: &'a [Story],
    /// The documents they point into.
    pub documents: &'a [Doc],
    /// The texts the documents do not hold.
    pub texts: &'a Texts,
}

impl Serialize for Stories<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_items(serializer, self.stories, |seq, i, story| {
            let docs = self.texts.view(self.documents, story.documents.iter().copied());
            seq.serialize_element(&story_out(i, story, &docs))
        })
    }
}

/// A story in the report.
#[derive(Debug, Serialize)]
pub struct StoryOut<'a> {
    /// `s1`, `s2`, … in report order.
    pub id: String,
    /// A short name: the headline (or first told sentence) of its most
    /// central article.
    pub name: &'a str,
    /// Id of that article.
    pub central: &'a str,
    /// First and last days of its dated articles; `null` when none is dated.
    pub timeline: Option<&'a crate::stories::Timeline>,
    /// Ids of its documents.
    pub documents: Vec<&'a str>,
    /// Its copy families (independent witnesses), each named by its root.
    pub families: Vec<FamilyOut<'a>>,
    /// Roots of the families compared by collation.
    pub collated: Vec<&'a str>,
    /// Claims several witnesses report.
    pub agreements: Vec<AgreementOut<'a>>,
    /// Claims only one witness reports.
    pub unique: Vec<UniqueOut<'a>>,
    /// Where witnesses disagree.
    pub conflicts: Vec<ConflictOut<'a>>,
}

/// A family in the report.
#[derive(Debug, Serialize)]
pub struct FamilyOut<'a> {
    /// Id of the document the others derive from; `null` when the
    /// direction of copying is unknown.
    pub root: Option<&'a str>,
    /// Id that names the family as a witness: the root, or the first member.
    pub witness: &'a str,
    /// Ids of all members, the root included.
    pub members: Vec<&'a str>,
}

/// A cited sentence in the report.
#[derive(Debug, Serialize)]
pub struct CitationOut<'a> {
    /// Document id.
    pub document: &'a str,
    /// Sentence index in that document.
    pub sentence: usize,
    /// The sentence.
    pub text: &'a str,
}

/// An agreement in the report.
#[derive(Debug, Serialize)]
pub struct AgreementOut<'a> {
    /// Roots of the witnesses reporting it.
    pub witnesses: Vec<&'a str>,
    /// One sentence per witness.
    pub citations: Vec<CitationOut<'a>>,
}

/// A unique claim in the report.
#[derive(Debug, Serialize)]
pub struct UniqueOut<'a> {
    /// Root of the only witness reporting it.
    pub witness: &'a str,
    /// The names no other witness mentions.
    pub names: &'a [String],
    /// The sentence.
    pub citation: CitationOut<'a>,
}

/// A conflict in the report.
#[derive(Debug, Serialize)]
pub struct ConflictOut<'a> {
    /// `quantity` or `quotation`.
    pub kind: ConflictKind,
    /// For a quantity conflict, the shared word right after the number.
    pub about: Option<&'a str>,
    /// The differing statements.
    pub statements: Vec<StatementOut<'a>>,
}

/// One side of a conflict in the report.
#[derive(Debug, Serialize)]
pub struct StatementOut<'a> {
    /// The witness making it, by its family's witness id.
    pub witness: &'a str,
    /// The words as written.
    pub text: &'a str,
    /// Who is quoted, when known.
    pub speaker: Option<&'a str>,
    /// The sentence.
    pub citation: CitationOut<'a>,
}

fn citation<D: Index<usize, Output = Doc> + ?Sized>(c: Citation, docs: &D) -> CitationOut<'_> {
    CitationOut {
        document: &docs[c.document].id,
        sentence: c.sentence,
        text: docs[c.document].sentence_text(c.sentence),
    }
}

fn story_out<'a, D: Index<usize, Output = Doc> + ?Sized>(i: usize, story: &'a Story, docs: &'a D) -> StoryOut<'a> {
    let witness = |f: usize| docs[story.families[f].witness()].id.as_str();
    let c = &story.collation;
    StoryOut {
        id: format!("s{}", i + 1),
        name: &story.name,
        central: &docs[story.central].id,
        timeline: story.timeline.as_ref(),
        documents: story.documents.iter().map(|&d| docs[d].id.as_str()).collect(),
        families: story
            .families
            .iter()
            .map(|f| FamilyOut {
                root: f.root.map(|r| docs[r].id.as_str()),
                witness: &docs[f.witness()].id,
                members: f.members.iter().map(|&d| docs[d].id.as_str()).collect(),
            })
            .collect(),
        collated: c.witnesses.iter().map(|&f| witness(f)).collect(),
        agreements: c
            .agreements
            .iter()
            .map(|a| AgreementOut {
                witnesses: a.witnesses.iter().map(|&f| witness(f)).collect(),
                citations: a.citations.iter().map(|&x| citation(x, docs)).collect(),
            })
            .collect(),
        unique: c
            .unique
            .iter()
            .map(|u| UniqueOut { witness: witness(u.witness), names: &u.names, citation: citation(u.citation, docs) })
            .collect(),
        conflicts: c
            .conflicts
            .iter()
            .map(|x| ConflictOut {
                kind: x.kind,
                about: x.about.as_deref(),
                statements: x
                    .statements
                    .iter()
                    .map(|st| StatementOut {
                        witness: witness(st.witness),
                        text: &st.text,
                        speaker: st.speaker.as_deref(),
                        citation: citation(st.citation, docs),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The documents of a report, serialized one at a time as they are written:
/// a report of a million documents is never built in memory whole.
#[derive(Debug, Clone)]
pub struct Documents<'a> {
    /// The documents.
    pub documents: &'a [Doc],
    /// The texts the documents do not hold.
    pub texts: &'a Texts,
}

impl Serialize for Documents<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_items(serializer, self.documents, |seq, d, _| {
            seq.serialize_element(&document(&self.texts.view(self.documents, [d])[d]))
        })
    }
}

/// The relations of a report, each with its word diffs made as it is written.
#[derive(Debug, Clone)]
pub struct Relations<'a> {
    /// The relations.
    pub relations: &'a [Relation],
    /// The documents they point into.
    pub documents: &'a [Doc],
    /// The texts the documents do not hold.
    pub texts: &'a Texts,
}

impl Serialize for Relations<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_items(serializer, self.relations, |seq, _, r| {
            seq.serialize_element(&relation(r, &self.texts.view(self.documents, [r.a, r.b])))
        })
    }
}

/// Counts of documents and relations.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Documents analysed.
    pub documents: usize,
    /// Candidate pairs aligned.
    pub candidates: usize,
    /// Derived pairs found.
    pub relations: usize,
    /// Of which duplicates.
    pub duplicate: usize,
    /// Of which versions.
    pub version: usize,
    /// Of which rewrites.
    pub rewrite: usize,
    /// Of which condensed rewrites.
    pub condensed: usize,
    /// Stories of two or more documents.
    pub stories: usize,
}

/// A document in the report.
#[derive(Debug, Serialize)]
pub struct DocumentOut<'a> {
    /// Document id.
    pub id: &'a str,
    /// Headline.
    pub title: Option<&'a str>,
    /// Outlet.
    pub outlet: Option<&'a str>,
    /// Publication time as given.
    pub published: Option<&'a str>,
    /// Without a publication time, the date on a time stamp line of the
    /// text, as written ("July 29, 2004"): what dates the article for
    /// direction and stories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dated: Option<&'a str>,
    /// URL.
    pub url: Option<&'a str>,
    /// Where it was read from (`file` or `file:line`).
    pub path: &'a str,
    /// Sentences, normalized.
    pub sentences: Vec<&'a str>,
}

/// A relation in the report.
#[derive(Debug, Serialize)]
pub struct RelationOut<'a> {
    /// Id of the first document (the source when `direction` is set).
    pub a: &'a str,
    /// Id of the second document (the copy when `direction` is set).
    pub b: &'a str,
    /// `duplicate`, `version`, `rewrite` or `condensed`.
    pub kind: RelationKind,
    /// `"a->b"` when a is known to be the source, else `null`.
    pub direction: Option<&'static str>,
    /// `published`, `containment` or `attribution`: what the direction rests on.
    pub direction_basis: Option<DirectionBasis>,
    /// The evidence that decided the direction, in words.
    pub direction_evidence: &'a [String],
    /// Strength of the evidence, 0..=1.
    pub score: f64,
    /// Share of a's narration aligned to b.
    pub coverage_a: f64,
    /// Share of b's narration aligned to a.
    pub coverage_b: f64,
    /// Share of aligned narration that is verbatim.
    pub verbatim_share: f64,
    /// Share of a's wording vocabulary (weighted by rarity) found in b.
    pub vocabulary_a: f64,
    /// Share of b's wording vocabulary found in a.
    pub vocabulary_b: f64,
    /// Narration-weighted mean similarity of the aligned pairs.
    pub mean_similarity: f64,
    /// Aligned sentence pairs, with a word diff where the wording differs.
    pub alignment: Vec<LinkOut>,
    /// What b changed relative to a.
    pub changes: &'a Changes,
}

/// An aligned sentence pair in the report.
#[derive(Debug, Serialize)]
pub struct LinkOut {
    /// Sentence index in a.
    pub a_sentence: usize,
    /// Sentence index in b.
    pub b_sentence: usize,
    /// Sentence similarity, 0..=1.
    pub similarity: f64,
    /// Similarity of the wording alone (names and numbers left out).
    pub wording_similarity: f64,
    /// Word diff from a to b; empty when the sentences are identical.
    pub diff: Vec<DiffOp>,
}

impl Summary {
    /// The counts of an analysis.
    pub fn of(analysis: &Analysis) -> Summary {
        let count = |kind| analysis.relations.iter().filter(|r| r.kind == kind).count();
        Summary {
            documents: analysis.documents.len(),
            candidates: analysis.candidates,
            relations: analysis.relations.len(),
            duplicate: count(RelationKind::Duplicate),
            version: count(RelationKind::Version),
            rewrite: count(RelationKind::Rewrite),
            condensed: count(RelationKind::Condensed),
            stories: analysis.stories.len(),
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl<'a> Report<'a> {
    /// Builds the report of an analysis.
    pub fn new(analysis: &'a Analysis, input_errors: &'a [InputError]) -> Report<'a> {
        let (docs, texts) = (&analysis.documents, &analysis.texts);
        Report {
            schema_version: SCHEMA_VERSION,
            stemma_version: env!("CARGO_PKG_VERSION"),
            summary: Summary::of(analysis),
            config: &analysis.config,
            input_errors,
            documents: Documents { documents: docs, texts },
            relations: Relations { relations: &analysis.relations, documents: docs, texts },
            stories: Stories { stories: &analysis.stories, documents: docs, texts },
        }
    }
}

/// A document as the report writes it.
pub fn document(doc: &Doc) -> DocumentOut<'_> {
    DocumentOut {
        id: &doc.id,
        title: doc.title.as_deref(),
        outlet: doc.outlet.as_deref(),
        published: doc.published.as_deref(),
        dated: doc.dateline.as_ref().map(|(_, words)| words.as_str()),
        url: doc.url.as_deref(),
        path: &doc.origin,
        sentences: (0..doc.sentences.len()).map(|i| doc.sentence_text(i)).collect(),
    }
}

/// A relation as the report writes it, `r`'s indices pointing into `docs`.
pub fn relation<'a, D: Index<usize, Output = Doc> + ?Sized>(r: &'a Relation, docs: &'a D) -> RelationOut<'a> {
    let (a, b) = (&docs[r.a], &docs[r.b]);
    RelationOut {
        a: &a.id,
        b: &b.id,
        kind: r.kind,
        direction: r.direction.map(|_| "a->b"),
        direction_basis: r.direction,
        direction_evidence: &r.direction_evidence,
        score: round(r.score),
        coverage_a: round(r.alignment.coverage_a),
        coverage_b: round(r.alignment.coverage_b),
        verbatim_share: round(r.alignment.verbatim_share),
        vocabulary_a: round(r.alignment.vocabulary_a),
        vocabulary_b: round(r.alignment.vocabulary_b),
        mean_similarity: round(r.alignment.mean_similarity),
        alignment: r
            .alignment
            .links
            .iter()
            .map(|l| {
                let (ta, tb) = (a.sentence_text(l.a_sentence), b.sentence_text(l.b_sentence));
                LinkOut {
                    a_sentence: l.a_sentence,
                    b_sentence: l.b_sentence,
                    similarity: round(l.similarity),
                    wording_similarity: round(l.wording_similarity),
                    diff: if ta == tb { Vec::new() } else { word_diff(ta, tb) },
                }
            })
            .collect(),
        changes: &r.changes,
    }
}

/// Writes the report as pretty-printed JSON: the bytes
/// `serde_json::to_writer_pretty` writes, and a line break.
///
/// Writing a large report's documents, relations and stories was the one
/// serial stage left, about a tenth of the run; so the report's object is
/// written here a field at a time, and the elements of its three lists are
/// rendered in parallel, a chunk at a time, each indented as the pretty
/// printer would indent it, and written as they are (a million relations
/// are never held as text).
pub fn write_json(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    out.write_all(b"{")?;
    write_field(out, "schema_version", &report.schema_version, true)?;
    write_field(out, "stemma_version", report.stemma_version, false)?;
    write_field(out, "summary", &report.summary, false)?;
    write_field(out, "config", report.config, false)?;
    write_field(out, "input_errors", report.input_errors, false)?;
    // Each chunk of a list sees the texts of its documents (see
    // `text::spill`): brought back for the chunk, dropped after it.
    let (documents, texts) = (report.documents.documents, report.documents.texts);
    write_list(
        out,
        "documents",
        documents.len(),
        |chunk| {
            let docs = texts.view(documents, chunk.clone());
            render_each(chunk, |d| document(&docs[d]))
        },
        false,
    )?;
    let relations = report.relations.relations;
    write_list(
        out,
        "relations",
        relations.len(),
        |chunk| {
            let docs = texts.view(documents, relations[chunk.clone()].iter().flat_map(|r| [r.a, r.b]));
            render_each(chunk, |k| relation(&relations[k], &docs))
        },
        false,
    )?;
    let stories = report.stories.stories;
    write_list(
        out,
        "stories",
        stories.len(),
        |chunk| {
            let docs = texts.view(documents, stories[chunk.clone()].iter().flat_map(|s| s.documents.iter().copied()));
            render_each(chunk, |i| story_out(i, &stories[i], &docs))
        },
        false,
    )?;
    out.write_all(b"\n}\n")
}

/// Elements rendered at once by [`write_list`]: enough to keep every core
/// busy, few enough that a million relations are never held as text.
const RENDERED_AT_ONCE: usize = 4096;

/// `value` as the pretty printer writes it `depth` levels into the report.
fn pretty_at<T: Serialize + ?Sized>(value: &T, depth: usize) -> io::Result<Vec<u8>> {
    use serde_json::ser::Formatter;
    let mut formatter = serde_json::ser::PrettyFormatter::new();
    // Opening levels on a sink: the printer is then as deep as the report's
    // own is where the value sits.
    for _ in 0..depth {
        formatter.begin_array(&mut io::sink())?;
    }
    let mut text = Vec::with_capacity(1024);
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut text, formatter))?;
    Ok(text)
}

/// The key of a field of the report's object, as the pretty printer writes it.
fn write_key(out: &mut dyn Write, name: &str, first: bool) -> io::Result<()> {
    out.write_all(if first { b"\n  " } else { b",\n  " })?;
    serde_json::to_writer(&mut *out, name)?;
    out.write_all(b": ")
}

/// One field of the report's object.
fn write_field<T: Serialize + ?Sized>(out: &mut dyn Write, name: &str, value: &T, first: bool) -> io::Result<()> {
    write_key(out, name, first)?;
    out.write_all(&pretty_at(value, 1)?)
}

/// A list field of the report's object of `len` items, `render` making
/// the text of each chunk of them.
fn write_list<F>(out: &mut dyn Write, name: &str, len: usize, render: F, first: bool) -> io::Result<()>
where
    F: Fn(std::ops::Range<usize>) -> io::Result<Vec<Vec<u8>>> + Sync,
{
    write_key(out, name, first)?;
    if len == 0 {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let rendered = |c: usize| render(c * RENDERED_AT_ONCE..((c + 1) * RENDERED_AT_ONCE).min(len));
    let chunks = len.div_ceil(RENDERED_AT_ONCE);
    // Each chunk is written while the next is rendered: a large report is
    // as much writing (gigabytes, at the disk's pace) as rendering.
    let mut ready = rendered(0)?;
    for c in 0..chunks {
        let (next, written) = std::thread::scope(|scope| {
            let next = (c + 1 < chunks).then(|| scope.spawn(|| rendered(c + 1)));
            let written = ready.iter().enumerate().try_for_each(|(k, text)| {
                out.write_all(if c == 0 && k == 0 { b"\n    " } else { b",\n    " })?;
                out.write_all(text)
            });
            (next.map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))), written)
        });
        written?;
        if let Some(next) = next {
            ready = next?;
        }
    }
    out.write_all(b"\n  ]")
}

/// The items `chunk` of a list, in parallel, each as `render` makes it and
/// the pretty printer writes it inside the report's list.
fn render_each<O: Serialize>(
    chunk: std::ops::Range<usize>,
    render: impl Fn(usize) -> O + Sync,
) -> io::Result<Vec<Vec<u8>>> {
    use rayon::prelude::*;
    chunk.into_par_iter().map(|i| pretty_at(&render(i), 2)).collect()
}

/// Serializes `items` as a sequence, `each` serializing each element
/// (with what it needs of the documents' texts) one at a time: a report of
/// a million documents is never built in memory whole.
fn serialize_items<S, T, F>(serializer: S, items: &[T], mut each: F) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    F: FnMut(&mut S::SerializeSeq, usize, &T) -> Result<(), S::Error>,
{
    let mut seq = serializer.serialize_seq(Some(items.len()))?;
    for (i, item) in items.iter().enumerate() {
        each(&mut seq, i, item)?;
    }
    seq.end()
}

/// `n` and the noun, in the plural unless `n` is 1: "1 document",
/// "2 stories", "3 independent witnesses".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    let consonant_y = noun.ends_with('y') && !noun.ends_with(['a', 'e', 'o', 'u']) && {
        let before = noun.chars().rev().nth(1);
        !matches!(before, Some('a' | 'e' | 'i' | 'o' | 'u'))
    };
    if consonant_y {
        format!("{n} {}ies", &noun[..noun.len() - 1])
    } else if ["s", "x", "ch", "sh"].iter().any(|end| noun.ends_with(end)) {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

/// Writes the readable summary: one line per relation, then its changes.
pub fn write_terminal(out: &mut dyn Write, analysis: &Analysis) -> io::Result<()> {
    let docs = &analysis.documents;
    let s = Summary::of(analysis);
    writeln!(
        out,
        "{}, {} ({} duplicate, {} version, {} rewrite, {} condensed) from {}",
        count(s.documents, "document"),
        count(s.relations, "derived pair"),
        s.duplicate,
        s.version,
        s.rewrite,
        s.condensed,
        count(s.candidates, "candidate pair")
    )?;
    write_stories(out, analysis)?;
    if !analysis.relations.is_empty() {
        writeln!(out, "\nRelations")?;
    }
    for r in &analysis.relations {
        let (a, b) = (&docs[r.a], &docs[r.b]);
        let (arrow, basis) = match r.direction {
            Some(DirectionBasis::Published) => ("->", "source first, by publication time".to_string()),
            Some(DirectionBasis::Containment) => {
                ("->", format!("{} is contained in {}, taken as its source; no dates", b.id, a.id))
            }
            Some(DirectionBasis::Attribution) => {
                ("->", format!("{} names sources that {} generalises, taken as its source; no dates", a.id, b.id))
            }
            Some(DirectionBasis::Witnesses) => (
                "->",
                format!("where they differ, the story's independent accounts read as {} does, taken as its source; no dates", a.id),
            ),
            None => ("~", "direction unknown: no dates, no clear containment, no copy marks".to_string()),
        };
        writeln!(out)?;
        writeln!(out, "{:<9} {} {} {}  ({basis})", r.kind.as_str(), a.id, arrow, b.id)?;
        for evidence in &r.direction_evidence {
            writeln!(out, "          direction: {evidence}")?;
        }
        let c = &r.changes;
        writeln!(
            out,
            "          score {:.2}, coverage {:.2} / {:.2}, {} aligned, {} dropped, {} added",
            r.score,
            r.alignment.coverage_a,
            r.alignment.coverage_b,
            count(r.alignment.links.len(), "sentence"),
            c.dropped_sentences,
            c.added_sentences
        )?;
        for q in &c.altered_quotes {
            let who = q.speaker.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
            writeln!(out, "  altered quote{who}")?;
            writeln!(out, "      was: \"{}\"", q.a)?;
            writeln!(out, "      now: \"{}\"", q.b)?;
        }
        for f in &c.changed_facts {
            let kind =
                serde_json::to_value(f.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            writeln!(out, "  changed {kind}: \"{}\" -> \"{}\"", f.a, f.b)?;
        }
        for m in &c.meaning_shifts {
            let kind =
                serde_json::to_value(m.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            writeln!(out, "  meaning shift, {kind}: \"{}\" -> \"{}\"", m.a, m.b)?;
        }
        for d in &c.dropped_attributions {
            let now = d.b.as_deref().map(|s| format!("\"{s}\"")).unwrap_or_else(|| "no source".into());
            writeln!(out, "  dropped attribution: \"{}\" -> {now}", d.a)?;
        }
    }
    Ok(())
}

/// Writes the stories: families, then conflicts, agreements and unique
/// claims, each citing its sentences.
fn write_stories(out: &mut dyn Write, analysis: &Analysis) -> io::Result<()> {
    let docs = &analysis.documents;
    for (i, story) in analysis.stories.iter().enumerate() {
        let c = &story.collation;
        let when = match &story.timeline {
            Some(t) if t.first == t.last => format!(", {}", t.first),
            Some(t) => format!(", {} to {}", t.first, t.last),
            None => String::new(),
        };
        writeln!(
            out,
            "\nStory s{}: {} ({}, {}{when})",
            i + 1,
            story.name,
            count(story.documents.len(), "document"),
            count(story.families.len(), "independent witness")
        )?;
        if c.witnesses.len() < story.families.len() && c.witnesses.len() >= 2 {
            writeln!(
                out,
                "  collated: the {} largest of {} (stories.max_collated_witnesses); the rest are listed, not compared",
                c.witnesses.len(),
                count(story.families.len(), "independent witness")
            )?;
        }
        for f in &story.families {
            let first = f.witness();
            let others: Vec<&str> = f.members.iter().filter(|&&d| d != first).map(|&d| docs[d].id.as_str()).collect();
            let outlet = docs[first].outlet.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
            if others.is_empty() {
                writeln!(out, "  witness {}{outlet}", docs[first].id)?;
            } else if f.root.is_some() {
                writeln!(out, "  witness {}{outlet} with copies {}", docs[first].id, others.join(", "))?;
            } else {
                let note = "copies of one another, direction unknown";
                writeln!(out, "  witness {}{outlet} with {} ({note})", docs[first].id, others.join(", "))?;
            }
        }
        let root = |f: usize| docs[story.families[f].witness()].id.as_str();
        // Sentences are numbered from 1 for people, as in the HTML page; the
        // JSON keeps 0-based indices.
        let cite = |x: Citation| format!("{}#{}", docs[x.document].id, x.sentence + 1);
        for conflict in &c.conflicts {
            let about = conflict.about.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
            let kind = match conflict.kind {
                ConflictKind::Quantity => "quantity",
                ConflictKind::Quotation => "quotation",
                ConflictKind::Measure => "measure",
            };
            writeln!(out, "  conflict, {kind}{about}:")?;
            for st in &conflict.statements {
                let who = st.speaker.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
                writeln!(out, "      \"{}\"{who} per {} [{}]", st.text, root(st.witness), cite(st.citation))?;
            }
        }
        if !c.agreements.is_empty() {
            let widest = c.agreements.iter().map(|a| a.witnesses.len()).max().unwrap_or(0);
            writeln!(out, "  {} reported by several witnesses (up to {widest})", count(c.agreements.len(), "claim"))?;
            for a in c.agreements.iter().take(3) {
                let x = a.citations[0];
                writeln!(
                    out,
                    "      {} [{}]",
                    docs[x.document].sentence_text(x.sentence),
                    a.citations.iter().map(|&x| cite(x)).collect::<Vec<_>>().join(", ")
                )?;
            }
        }
        for f in &c.witnesses {
            let names: Vec<&str> =
                c.unique.iter().filter(|u| u.witness == *f).flat_map(|u| u.names.iter().map(String::as_str)).collect();
            if !names.is_empty() {
                writeln!(out, "  only {} names: {}", root(*f), names.join(", "))?;
            }
        }
    }
    Ok(())
}

/// The JSON report of near-duplicate mode (`stemma dedup`).
#[derive(Debug, Serialize)]
pub struct NearDuplicateReport<'a> {
    /// Version of this contract.
    pub schema_version: u32,
    /// Always `near_duplicates`.
    pub mode: &'static str,
    /// Estimated Jaccard similarity from which a pair is reported.
    pub threshold: f64,
    /// The sketch settings used (shingle size, permutations, bands).
    pub sketch: &'a SketchConfig,
    /// How signatures were cut into LSH bands, chosen from the threshold.
    pub banding: Banding,
    /// Inputs that could not be read, or were read with a caveat.
    pub input_errors: &'a [InputError],
    /// Counts at a glance.
    pub summary: NearDuplicateSummary,
    /// Every pair at or above the threshold.
    pub pairs: Vec<PairOut<'a>>,
    /// Connected components of the pairs.
    pub clusters: Vec<ClusterOut<'a>>,
}

/// Counts of near-duplicate mode.
#[derive(Debug, Serialize)]
pub struct NearDuplicateSummary {
    /// Documents read.
    pub documents: usize,
    /// Pairs at or above the threshold.
    pub pairs: usize,
    /// Groups of near-duplicates.
    pub clusters: usize,
    /// Documents that can be dropped, keeping one per cluster.
    pub removable: usize,
}

/// A near-duplicate pair by id.
#[derive(Debug, Serialize)]
pub struct PairOut<'a> {
    /// First document id (earlier in the input).
    pub a: &'a str,
    /// Second document id.
    pub b: &'a str,
    /// Estimated Jaccard similarity of word shingles.
    pub jaccard: f64,
}

/// A near-duplicate cluster by id.
#[derive(Debug, Serialize)]
pub struct ClusterOut<'a> {
    /// The document to keep (first in input order).
    pub keep: &'a str,
    /// The others.
    pub duplicates: Vec<&'a str>,
}

impl<'a> NearDuplicateReport<'a> {
    /// Builds the report from the pairs and clusters of `near_duplicates`.
    pub fn new(
        ids: &'a [String],
        sketch: &'a SketchConfig,
        banding: Banding,
        threshold: f64,
        pairs: &[NearDuplicate],
        clusters: &[Cluster],
        input_errors: &'a [InputError],
    ) -> Self {
        let id = |i: usize| ids[i].as_str();
        NearDuplicateReport {
            schema_version: SCHEMA_VERSION,
            mode: "near_duplicates",
            threshold,
            sketch,
            banding,
            input_errors,
            summary: NearDuplicateSummary {
                documents: ids.len(),
                pairs: pairs.len(),
                clusters: clusters.len(),
                removable: clusters.iter().map(|c| c.duplicates.len()).sum(),
            },
            pairs: pairs.iter().map(|p| PairOut { a: id(p.a), b: id(p.b), jaccard: round(p.jaccard) }).collect(),
            clusters: clusters
                .iter()
                .map(|c| ClusterOut { keep: id(c.keep), duplicates: c.duplicates.iter().map(|&d| id(d)).collect() })
                .collect(),
        }
    }
}

/// Writes near-duplicate clusters for a reader: a summary line, then one
/// line per cluster.
pub fn write_near_duplicates(out: &mut dyn Write, report: &NearDuplicateReport<'_>) -> io::Result<()> {
    let s = &report.summary;
    let b = report.banding;
    writeln!(
        out,
        "{}, {} in {} (Jaccard >= {}, {} bands of {} rows); {} can be dropped",
        count(s.documents, "document"),
        count(s.pairs, "near-duplicate pair"),
        count(s.clusters, "cluster"),
        report.threshold,
        b.bands,
        b.rows,
        count(s.removable, "document"),
    )?;
    for c in &report.clusters {
        writeln!(out, "keep {}  drop {}", c.keep, c.duplicates.join(" "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::ingest::Article;

    #[test]
    fn the_report_written_in_parallel_is_what_serde_writes() {
        let texts = [
            include_str!("../../../../examples/articles/01_wire_original.txt"),
            include_str!("../../../../examples/articles/02_wire_version.txt"),
            include_str!("../../../../examples/articles/03_paraphrased_rewrite.txt"),
            include_str!("../../../../examples/articles/04_independent_report.txt"),
            include_str!("../../../../examples/articles/05_unrelated.txt"),
        ];
        let articles: Vec<Article> =
            texts.iter().enumerate().map(|(i, t)| Article::from_text(&format!("a{i}"), t)).collect();
        let analysis = crate::analyze(&articles, &Config::default(), &crate::Quiet);
        let report = Report::new(&analysis, &[]);
        assert!(!report.relations.relations.is_empty() && !report.stories.stories.is_empty());
        let mut written = Vec::new();
        write_json(&mut written, &report).expect("written");
        let mut expected = serde_json::to_vec_pretty(&report).expect("serialized");
        expected.push(b'\n');
        assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected));
    }

    #[test]
    fn lists_over_many_chunks_keep_their_order_and_indentation() {
        #[derive(Serialize)]
        struct Holder<'a> {
            items: &'a [(usize, Vec<u32>, &'static str)],
        }
        let items: Vec<(usize, Vec<u32>, &str)> =
            (0..RENDERED_AT_ONCE * 2 + 3).map(|i| (i, vec![i as u32, i as u32 % 3], "line\nbreak")).collect();
        for items in [&items[..], &[]] {
            let mut written = b"{".to_vec();
            let render = |chunk| render_each(chunk, |i| (i, &items[i].1, items[i].2));
            write_list(&mut written, "items", items.len(), render, true).expect("written");
            written.extend_from_slice(b"\n}");
            let expected = serde_json::to_string_pretty(&Holder { items }).expect("serialized");
            assert_eq!(String::from_utf8_lossy(&written), expected);
        }
    }
}
