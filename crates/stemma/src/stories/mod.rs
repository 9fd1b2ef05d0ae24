//! Stories: articles about one real-world event, the copy families inside
//! each story (its independent witnesses), and the collation of those
//! witnesses: what several report, what only one reports, and where they
//! conflict.
//!
//! Clustering is in [`cluster`], collation in [`collate`]; this module ties
//! them to the relations found by the core.

pub mod cluster;
pub mod collate;
pub mod name;
pub mod online;
pub mod wording;

use serde::Serialize;

use crate::components::components;
use crate::config::StoryConfig;
use crate::relate::Relation;
use crate::stats::CorpusStats;
use crate::text::{spill::Texts, Doc};
pub use cluster::Clustering;
pub use collate::Collation;
pub use name::Timeline;

/// Articles about one event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Story {
    /// A short name: the headline (or first told sentence) of its most
    /// central article.
    pub name: String,
    /// Its most central article: the one most like the others.
    pub central: usize,
    /// Its first and last days; `None` when no article is dated.
    pub timeline: Option<Timeline>,
    /// Indices of the story's documents, ascending.
    pub documents: Vec<usize>,
    /// The copy families: each is one independent witness.
    pub families: Vec<Family>,
    /// The witnesses compared.
    pub collation: Collation,
}

/// Documents joined by derived relations: one source and its copies,
/// counted as a single witness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Family {
    /// The document the others derive from, when the evidence says: the
    /// only member no directed relation names as a copy, or the earliest
    /// published of those. `None`: direction unknown; never the longest
    /// by default.
    pub root: Option<usize>,
    /// All members, the root included, ascending.
    pub members: Vec<usize>,
}

impl Family {
    /// The document that names this family as a witness: its root, or its
    /// first member when the root is unknown.
    pub fn witness(&self) -> usize {
        self.root.unwrap_or(self.members[0])
    }
}

/// The copy families of the documents: a label per document (its family's
/// smallest index).
pub fn family_labels(n: usize, relations: &[Relation]) -> Vec<usize> {
    components(n, relations.iter().map(|r| (r.a, r.b)))
}

/// The family root among `members` (see [`Family::root`]).
fn root_of(members: &[usize], documents: &[Doc], relations: &[&Relation]) -> Option<usize> {
    if members.len() == 1 {
        return Some(members[0]);
    }
    let copies: std::collections::HashSet<usize> =
        relations.iter().filter(|r| r.direction.is_some()).map(|r| r.b).collect();
    let candidates: Vec<usize> = members.iter().copied().filter(|d| !copies.contains(d)).collect();
    if let [only] = candidates.as_slice() {
        return Some(*only);
    }
    // Several candidates: the earliest published, when all have dates and
    // one is strictly first.
    let mut dated: Vec<(i64, usize)> =
        candidates.iter().map(|&d| documents[d].published_at.map(|t| (t, d))).collect::<Option<_>>()?;
    dated.sort_unstable();
    match dated.as_slice() {
        [(t0, first), (t1, _), ..] if t0 < t1 => Some(*first),
        _ => None,
    }
}

/// Groups the documents into stories, finds each story's families and
/// collates them. Stories of a single document are not returned.
pub fn stories(documents: &[Doc], relations: &[Relation], stats: &CorpusStats, config: &StoryConfig) -> Vec<Story> {
    let clustering = labels(documents, relations, stats, config);
    assemble(documents, relations, &clustering, stats, config)
}

/// The story of each document, as a label (a family never spans two
/// stories). The directions of the relations play no part, so that the
/// story's independent accounts can direct them before [`assemble`] roots
/// the families.
pub fn labels(documents: &[Doc], relations: &[Relation], stats: &CorpusStats, config: &StoryConfig) -> Clustering {
    labels_of(documents, &Texts::held(), relations.iter(), stats, config)
}

/// [`labels`] with only the given relations seeding the copy families, the
/// terms of documents that spilled them read from `texts`.
pub fn labels_of<'r>(
    documents: &[Doc],
    texts: &Texts,
    relations: impl Iterator<Item = &'r Relation>,
    stats: &CorpusStats,
    config: &StoryConfig,
) -> Clustering {
    let initial: Vec<u32> =
        components(documents.len(), relations.map(|r| (r.a, r.b))).iter().map(|&f| f as u32).collect();
    cluster::cluster(documents, texts, &initial, stats, config)
}

/// The stories of the given [`labels`], each with its families and
/// collation. Stories of a single document are not returned.
pub fn assemble(
    documents: &[Doc],
    relations: &[Relation],
    clustering: &Clustering,
    stats: &CorpusStats,
    config: &StoryConfig,
) -> Vec<Story> {
    let plan = Plan::new(documents.len(), relations, clustering);
    largest_first(plan.groups.iter().map(|group| plan.story(documents, group, stats, config)).collect())
}

/// What [`assemble`] knows before it reads a document: each story's
/// documents, their copy families, and the relations of each family. A
/// caller holding the texts of part of the corpus at a time makes the
/// stories of each part with [`Plan::story`].
pub struct Plan<'a> {
    /// The documents of each story of two or more, ascending, the stories
    /// in label order.
    pub groups: Vec<Vec<usize>>,
    family: Vec<usize>,
    family_relations: std::collections::HashMap<usize, Vec<&'a Relation>>,
    clustering: &'a Clustering,
}

impl<'a> Plan<'a> {
    /// The plan for `n` documents with these relations and labels.
    pub fn new(n: usize, relations: &'a [Relation], clustering: &'a Clustering) -> Plan<'a> {
        let family = family_labels(n, relations);
        let mut by_story: std::collections::BTreeMap<u32, Vec<usize>> = std::collections::BTreeMap::new();
        for (d, &l) in clustering.label.iter().enumerate() {
            by_story.entry(l).or_default().push(d);
        }
        // Relations grouped by family, so that each story sees only its own.
        let mut family_relations: std::collections::HashMap<usize, Vec<&Relation>> = std::collections::HashMap::new();
        for r in relations {
            family_relations.entry(family[r.a]).or_default().push(r);
        }
        let groups = by_story.into_values().filter(|docs| docs.len() >= 2).collect();
        Plan { groups, family, family_relations, clustering }
    }

    /// The story of the documents `group` (one of [`Plan::groups`]), whose
    /// texts `documents` must hold.
    pub fn story(&self, documents: &[Doc], group: &[usize], stats: &CorpusStats, config: &StoryConfig) -> Story {
        let mut members: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
        for &d in group {
            members.entry(self.family[d]).or_default().push(d);
        }
        let families: Vec<Family> = members
            .into_iter()
            .map(|(f, members)| {
                let own = self.family_relations.get(&f).map(Vec::as_slice).unwrap_or_default();
                Family { root: root_of(&members, documents, own), members }
            })
            .collect();
        let collation = collate::collate(documents, &families, stats, config);
        let central = name::central(group, &self.clustering.closeness);
        let timeline = name::timeline(group, documents);
        Story {
            name: name::name(&documents[central]),
            central,
            timeline,
            documents: group.to_vec(),
            families,
            collation,
        }
    }
}

/// Stories in report order: largest first; ties in document order.
pub fn largest_first(mut stories: Vec<Story>) -> Vec<Story> {
    stories.sort_by_key(|s| (std::cmp::Reverse(s.documents.len()), s.documents[0]));
    stories
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str, published: Option<&str>) -> Doc {
        let article = crate::ingest::Article {
            published: published.map(str::to_string),
            ..crate::ingest::Article::from_text(id, text)
        };
        Doc::from_article(&article, &crate::text::tokens::Terms::default())
    }

    fn relation(a: usize, b: usize, directed: bool) -> Relation {
        Relation {
            a,
            b,
            kind: crate::relate::RelationKind::Version,
            direction: directed.then_some(crate::relate::DirectionBasis::Containment),
            direction_evidence: Vec::new(),
            score: 1.0,
            alignment: crate::align::Alignment {
                links: Vec::new(),
                coverage_a: 1.0,
                coverage_b: 1.0,
                verbatim_share: 1.0,
                mean_similarity: 1.0,
                evidence: 0,
                passage_links: 0,
                retold_sentences: 0,
                verbatim_links: 0,
                vocabulary_a: 1.0,
                vocabulary_b: 1.0,
            },
            changes: Default::default(),
        }
    }

    #[test]
    fn a_root_only_where_the_evidence_says() {
        // The longer text is no root by default.
        let docs = [doc("short", "One line.", None), doc("long", "One line. Two lines. Three lines.", None)];
        let undirected = relation(0, 1, false);
        assert_eq!(root_of(&[0, 1], &docs, &[&undirected]), None);
        // A directed relation names the copy; the other is the root.
        let directed = relation(1, 0, true);
        assert_eq!(root_of(&[0, 1], &docs, &[&directed]), Some(1));
        // Without direction, the earlier publication is the root.
        let dated = [doc("a", "One line.", Some("2025-03-15")), doc("b", "One line.", Some("2025-03-14"))];
        assert_eq!(root_of(&[0, 1], &dated, &[&undirected]), Some(1));
    }
}
