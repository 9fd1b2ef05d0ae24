//! Clustering articles into stories without comparing all pairs.
//!
//! 1. Each article becomes a TF-IDF vector of its most distinctive terms
//!    (names and numbers weighted up), truncated to `vector_terms`.
//! 2. Its nearest neighbours come from an inverted index of those terms:
//!    dot products accumulate only over postings of shared terms, and terms
//!    held by more than `max_term_documents` articles are not followed.
//!    Time is evidence, not only a cut-off: the cosine of two articles with
//!    publication times is scaled by a Gaussian kernel on the days between
//!    them (`time_scale_days`), so that the same cast a week apart (two
//!    votes of one shutdown) makes two stories.
//! 3. Two articles are similar by how many nearest neighbours they share
//!    (shared-nearest-neighbour similarity). Raw cosine rates two events of
//!    one kind (two earthquakes) nearly as alike as two reports of one
//!    event; shared neighbours do not, because each event's reports are
//!    each other's nearest neighbours.
//! 4. Average linkage over the sparse shared-neighbour graph, starting from
//!    the copy families (a copy is always in its source's story), merges
//!    clusters while their average similarity reaches `link_threshold`.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use rayon::prelude::*;

use crate::config::StoryConfig;
use crate::stats::{CorpusStats, TermMap};
use crate::text::{spill::Texts, Doc, NARRATION, WORDING};

/// Seconds in a day, for `max_days_apart`.
const DAY: f64 = 86_400.0;

/// Documents processed together when filling the inverted index; bounds the
/// vectors held at once.
const CHUNK: usize = 65_536;

/// A document's story vector: `(term, weight)` sorted by term, unit length.
pub type Vector = Vec<(u64, f32)>;

/// The most memory the article vectors are held in while the stories'
/// index is built (at the default 80 terms, about 200,000 articles' worth);
/// above it they are made twice rather than held. Results do not depend
/// on it.
const HELD_VECTOR_BYTES: usize = 256 << 20;

/// The story vector of a document: term frequency counted in sentences
/// times the smoothed IDF of [`CorpusStats::idf`], names and numbers
/// (narration terms that are never plain wording) weighted by `name_weight`.
/// Terms no other document has stay in: they match nothing, but leaving them
/// out would make an article about something else look like the rest of its
/// corpus. The smoothing
/// keeps small corpora workable, where a plain `ln(N / df)` weighs every
/// term of a five-article story at nearly nothing.
pub fn vector(doc: &Doc, stats: &CorpusStats, config: &StoryConfig) -> Vector {
    // Each term's count and roles, by sorting the document's terms rather
    // than through a hash map built for each document. The order of the
    // terms does not matter: the weights are sorted below.
    let mut occurrences: Vec<(u64, u8)> = doc.terms.iter().copied().zip(doc.roles.iter().copied()).collect();
    occurrences.sort_unstable_by_key(|o| o.0);
    let mut v: Vec<(u64, f32)> = occurrences
        .chunk_by(|x, y| x.0 == y.0)
        .map(|same| {
            let (term, count) = (same[0].0, same.len());
            let roles = same.iter().fold(0, |r, o| r | o.1);
            let name = roles & NARRATION != 0 && roles & WORDING == 0;
            let weight = (1.0 + (count as f64).ln()) * stats.idf(term) * if name { config.name_weight } else { 1.0 };
            (term, weight as f32)
        })
        .collect();
    // Highest weight first, then term, so that truncation is deterministic;
    // only the terms kept are sorted, and in that order their squares are
    // summed for the norm.
    let heaviest = |x: &(u64, f32), y: &(u64, f32)| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0));
    if v.len() > config.vector_terms {
        v.select_nth_unstable_by(config.vector_terms, heaviest);
        v.truncate(config.vector_terms);
    }
    v.sort_unstable_by(heaviest);
    let norm = v.iter().map(|t| (t.1 as f64).powi(2)).sum::<f64>().sqrt() as f32;
    for t in &mut v {
        t.1 /= norm;
    }
    v.sort_unstable_by_key(|t| t.0);
    v
}

/// Postings of the terms worth following: for each, `(document, weight)`
/// in document order; and the same turned around, each document's followed
/// terms with their weights, in the order of the terms.
struct Index {
    offsets: Vec<usize>,
    postings: Vec<(u32, f32)>,
    /// Where each document's followed terms start in `followed`.
    starts: Vec<usize>,
    followed: Vec<Followed>,
}

/// A followed term of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Followed {
    /// The term's id (its place among the followed terms).
    id: u32,
    /// The term's weight in the document's vector.
    weight: f32,
    /// The document's place in the term's postings: the documents before
    /// it there are the earlier ones holding the term.
    rank: u32,
}

impl Index {
    fn build(documents: &[Doc], texts: &Texts, stats: &CorpusStats, config: &StoryConfig) -> Index {
        Index::build_holding(documents, texts, stats, config, HELD_VECTOR_BYTES)
    }

    /// [`Index::build`], holding the vectors between its passes when they
    /// fit in `held_bytes`.
    fn build_holding(
        documents: &[Doc],
        texts: &Texts,
        stats: &CorpusStats,
        config: &StoryConfig,
        held_bytes: usize,
    ) -> Index {
        let vector_of = |d: usize| texts.with_terms(documents, d, |doc| vector(doc, stats, config));
        // Two passes rather than one vector list per term: counts first,
        // then every posting written into its place. The vectors are made
        // once and held between the passes when they fit in
        // `HELD_VECTOR_BYTES`; a larger corpus makes them again instead.
        let entry = std::mem::size_of::<(u64, f32)>();
        let held: Option<Vec<Vector>> = (documents.len() * config.vector_terms * entry <= held_bytes)
            .then(|| (0..documents.len()).into_par_iter().map(vector_of).collect());
        let counts = (0..documents.len())
            .into_par_iter()
            .fold(TermMap::default, |mut counts: TermMap<u32>, d| {
                let mut count = |v: &Vector| {
                    for &(term, _) in v {
                        *counts.entry(term).or_insert(0) += 1;
                    }
                };
                match &held {
                    Some(vectors) => count(&vectors[d]),
                    None => count(&vector_of(d)),
                }
                counts
            })
            .reduce(TermMap::default, |mut a, b| {
                for (term, n) in b {
                    *a.entry(term).or_insert(0) += n;
                }
                a
            });
        let mut kept: Vec<(u64, u32)> =
            counts.into_iter().filter(|&(_, n)| n >= 2 && n as usize <= config.max_term_documents).collect();
        kept.sort_unstable();
        let mut terms = TermMap::with_capacity_and_hasher(kept.len(), Default::default());
        let mut offsets = Vec::with_capacity(kept.len() + 1);
        offsets.push(0);
        for (id, &(term, n)) in kept.iter().enumerate() {
            terms.insert(term, id as u32);
            offsets.push(offsets[id] + n as usize);
        }
        let mut postings = vec![(0u32, 0f32); *offsets.last().unwrap_or(&0)];
        let mut cursor = offsets.clone();
        let mut place = |doc: usize, v: &Vector| {
            for &(term, weight) in v {
                if let Some(&id) = terms.get(&term) {
                    postings[cursor[id as usize]] = (doc as u32, weight);
                    cursor[id as usize] += 1;
                }
            }
        };
        match held {
            Some(vectors) => vectors.iter().enumerate().for_each(|(d, v)| place(d, v)),
            None => {
                for start in (0..documents.len()).step_by(CHUNK) {
                    let chunk = start..(start + CHUNK).min(documents.len());
                    let vectors: Vec<Vector> = chunk.into_par_iter().map(vector_of).collect();
                    vectors.iter().enumerate().for_each(|(k, v)| place(start + k, v));
                }
            }
        }
        // A document's query is the part of its vector that can meet
        // another: its followed terms, read here rather than made again.
        let mut starts = vec![0usize; documents.len() + 1];
        for &(doc, _) in &postings {
            starts[doc as usize + 1] += 1;
        }
        for d in 0..documents.len() {
            starts[d + 1] += starts[d];
        }
        let mut followed = vec![Followed::default(); postings.len()];
        let mut cursor = starts.clone();
        for id in 0..kept.len() {
            for (rank, &(doc, weight)) in postings[offsets[id]..offsets[id + 1]].iter().enumerate() {
                followed[cursor[doc as usize]] = Followed { id: id as u32, weight, rank: rank as u32 };
                cursor[doc as usize] += 1;
            }
        }
        Index { offsets, postings, starts, followed }
    }

    /// The documents holding followed term `id`, with their weights.
    fn postings(&self, id: u32) -> &[(u32, f32)] {
        &self.postings[self.offsets[id as usize]..self.offsets[id as usize + 1]]
    }

    /// The followed terms of document `doc`, by id (the order of the
    /// terms).
    fn followed(&self, doc: usize) -> &[Followed] {
        &self.followed[self.starts[doc]..self.starts[doc + 1]]
    }
}

/// Each document's nearest neighbours `(document, cosine)`, best first.
pub(crate) fn neighbors(
    documents: &[Doc],
    texts: &Texts,
    stats: &CorpusStats,
    config: &StoryConfig,
) -> Vec<Vec<(u32, f32)>> {
    let index = Index::build(documents, texts, stats, config);
    // Each pair is scored once, from its later document, over the postings
    // before it: half the work of scoring it from both ends, with the same
    // cosine (the shared terms are summed in term order either way). A dense
    // accumulator per thread, reset through the list of touched entries: far
    // cheaper than a hash map when postings are long.
    let n = documents.len();
    let days: Vec<Option<f64>> = documents.iter().map(day).collect();
    let earlier: Vec<Vec<(u32, f32)>> = (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], Vec::<u32>::new()),
            |(acc, touched), i| {
                for f in index.followed(i) {
                    for &(j, w) in &index.postings(f.id)[..f.rank as usize] {
                        if acc[j as usize] == 0.0 {
                            touched.push(j);
                        }
                        acc[j as usize] += f.weight * w;
                    }
                }
                let mut near: Vec<(u32, f32)> = Vec::new();
                for &j in touched.iter() {
                    let cosine = std::mem::take(&mut acc[j as usize]);
                    // Most documents touched share a word or two: the time
                    // kernel (at most 1) cannot lift them to the bar.
                    if (cosine as f64) < config.min_neighbor_similarity {
                        continue;
                    }
                    let s = cosine * kernel(days[i], days[j as usize], config);
                    if s as f64 >= config.min_neighbor_similarity {
                        near.push((j, s));
                    }
                }
                touched.clear();
                near
            },
        )
        .collect();
    // Each pair scored from its later document goes to the earlier one too.
    let turned: Vec<(u32, u32, f32)> =
        earlier.iter().enumerate().flat_map(|(i, list)| list.iter().map(move |&(j, s)| (j, i as u32, s))).collect();
    let mut near = earlier;
    for (j, i, s) in turned {
        near[j as usize].push((i, s));
    }
    near.par_iter_mut().for_each(|list| {
        list.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        list.truncate(config.neighbors);
    });
    near
}

/// The day of a document, from its publication time. A date on a time
/// stamp line of the text does not count here, though direction uses it: on
/// ECB+ topics 1-22 it lowered BCubed F1 (0.942 to 0.940), since a gold
/// event there takes in follow-up reports days or weeks later and stamp
/// lines sometimes carry another date than the article's.
pub fn day(doc: &Doc) -> Option<f64> {
    doc.published_at.map(|t| t as f64 / DAY)
}

/// How much the days between two documents (their [`day`]s) leave of their
/// similarity: a Gaussian kernel of width `time_scale_days` (1 when a date
/// is unknown), and nothing beyond `max_days_apart`.
pub fn kernel(x: Option<f64>, y: Option<f64>, config: &StoryConfig) -> f32 {
    let (Some(x), Some(y)) = (x, y) else { return 1.0 };
    let days = (x - y).abs();
    if days > config.max_days_apart {
        return 0.0;
    }
    if config.time_scale_days <= 0.0 {
        return 1.0;
    }
    (-0.5 * (days / config.time_scale_days).powi(2)).exp() as f32
}

/// Shared-nearest-neighbour similarity of every pair sharing a neighbour:
/// `(a, b, shared / (neighbors + 1))` with `a < b`, each document counted
/// among its own neighbours.
fn shared_neighbors(near: &[Vec<(u32, f32)>], config: &StoryConfig) -> Vec<(u32, u32, f32)> {
    let n = near.len();
    // reverse[m]: the documents having m among their neighbours (m itself too).
    let mut reverse: Vec<Vec<(u32, f32)>> = (0..n).map(|m| vec![(m as u32, f32::INFINITY)]).collect();
    for (i, list) in near.iter().enumerate() {
        for &(m, s) in list {
            reverse[m as usize].push((i as u32, s));
        }
    }
    let mut pairs: Vec<(u32, u32)> = reverse
        .into_par_iter()
        .flat_map_iter(|mut r| {
            // A hub everyone is near says little about any two of them, and
            // would cost the square of its popularity.
            if r.len() > config.max_reverse_neighbors {
                r.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                r.truncate(config.max_reverse_neighbors);
            }
            let mut ids: Vec<u32> = r.into_iter().map(|x| x.0).collect();
            ids.sort_unstable();
            let mut out = Vec::with_capacity(ids.len() * ids.len().saturating_sub(1) / 2);
            for (k, &a) in ids.iter().enumerate() {
                out.extend(ids[k + 1..].iter().map(|&b| (a, b)));
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    let scale = 1.0 / (config.neighbors as f32 + 1.0);
    pairs.chunk_by(|x, y| x == y).map(|g| (g[0].0, g[0].1, g.len() as f32 * scale)).collect()
}

/// A candidate merge in the average-linkage queue.
#[derive(PartialEq)]
struct Merge {
    average: f64,
    a: u32,
    b: u32,
    generations: (u32, u32),
}

impl Eq for Merge {}

impl Ord for Merge {
    fn cmp(&self, other: &Self) -> Ordering {
        self.average.total_cmp(&other.average).then_with(|| (other.a, other.b).cmp(&(self.a, self.b)))
    }
}

impl PartialOrd for Merge {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Average-linkage clustering of `n` items over sparse similarities
/// (missing pairs count as 0), starting from `initial` cluster labels.
/// Merges while the best average similarity reaches `threshold`; returns a
/// cluster label per item.
pub(crate) fn average_linkage(n: usize, initial: &[u32], edges: &[(u32, u32, f32)], threshold: f64) -> Vec<u32> {
    let mut size = vec![0u32; n];
    for &c in initial {
        size[c as usize] += 1;
    }
    let mut adjacency: Vec<HashMap<u32, f64>> = vec![HashMap::new(); n];
    for &(a, b, s) in edges {
        let (ca, cb) = (initial[a as usize], initial[b as usize]);
        if ca != cb {
            *adjacency[ca as usize].entry(cb).or_insert(0.0) += s as f64;
            *adjacency[cb as usize].entry(ca).or_insert(0.0) += s as f64;
        }
    }
    let mut generation = vec![0u32; n];
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut heap = BinaryHeap::new();
    let average = |sum: f64, x: u32, y: u32| sum / (x as f64 * y as f64);
    for (a, adj) in adjacency.iter().enumerate() {
        for (&b, &sum) in adj {
            if (a as u32) < b {
                let avg = average(sum, size[a], size[b as usize]);
                if avg >= threshold {
                    heap.push(Merge { average: avg, a: a as u32, b, generations: (0, 0) });
                }
            }
        }
    }
    while let Some(m) = heap.pop() {
        let (a, b) = (m.a as usize, m.b as usize);
        if parent[a] != a as u32 || parent[b] != b as u32 || (generation[a], generation[b]) != m.generations {
            continue;
        }
        // Merge the smaller adjacency into the larger; the survivor keeps its id.
        let (keep, gone) = if adjacency[a].len() >= adjacency[b].len() { (a, b) } else { (b, a) };
        parent[gone] = keep as u32;
        size[keep] += size[gone];
        generation[keep] += 1;
        let moved = std::mem::take(&mut adjacency[gone]);
        adjacency[keep].remove(&(gone as u32));
        for (c, sum) in moved {
            if c as usize == keep {
                continue;
            }
            *adjacency[keep].entry(c).or_insert(0.0) += sum;
            let other = &mut adjacency[c as usize];
            let s = other.remove(&(gone as u32)).unwrap_or(0.0);
            *other.entry(keep as u32).or_insert(0.0) += s;
        }
        for (&c, &sum) in &adjacency[keep] {
            let avg = average(sum, size[keep], size[c as usize]);
            if avg >= threshold {
                let (x, y) = (keep.min(c as usize), keep.max(c as usize));
                heap.push(Merge {
                    average: avg,
                    a: x as u32,
                    b: y as u32,
                    generations: (generation[x], generation[y]),
                });
            }
        }
    }
    let mut label: Vec<u32> = (0..n).map(|i| initial[i]).collect();
    for l in &mut label {
        let mut root = *l;
        while parent[root as usize] != root {
            root = parent[root as usize];
        }
        *l = root;
    }
    label
}

/// A story label per document. `families` are the copy families (a label
/// per document), kept together whatever their text says. The terms of
/// documents that spilled them are read from `texts`.
pub fn cluster(
    documents: &[Doc],
    texts: &Texts,
    families: &[u32],
    stats: &CorpusStats,
    config: &StoryConfig,
) -> Clustering {
    let near = neighbors(documents, texts, stats, config);
    let edges = shared_neighbors(&near, config);
    let label = average_linkage(documents.len(), families, &edges, config.link_threshold);
    // How central each article is to its story, from the neighbours already
    // found: the similarity of those that landed in its story.
    let closeness = near
        .iter()
        .enumerate()
        .map(|(d, list)| list.iter().filter(|(j, _)| label[*j as usize] == label[d]).map(|(_, s)| s).sum())
        .collect();
    Clustering { label, closeness }
}

/// Stories as labels, with how central each article is to its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// The story of each document, as a label (a family never spans two
    /// stories).
    pub label: Vec<u32>,
    /// For each document, the summed similarity of its nearest neighbours
    /// in its own story: the most central article names the story.
    pub closeness: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_linkage_merges_dense_groups_and_keeps_weak_links_apart() {
        // Two triangles joined by one weak edge.
        let edges = [(0, 1, 0.5), (1, 2, 0.5), (0, 2, 0.5), (3, 4, 0.5), (4, 5, 0.5), (3, 5, 0.5), (2, 3, 0.5)];
        let initial: Vec<u32> = (0..6).collect();
        let label = average_linkage(6, &initial, &edges, 0.3);
        assert_eq!(label[0], label[1]);
        assert_eq!(label[1], label[2]);
        assert_eq!(label[3], label[4]);
        assert_eq!(label[4], label[5]);
        // Between the triangles: one edge of 0.5 over 9 pairs.
        assert_ne!(label[0], label[3]);
        // A lower threshold joins them.
        let joined = average_linkage(6, &initial, &edges, 0.05);
        assert!(joined.iter().all(|&l| l == joined[0]));
    }

    #[test]
    fn time_decays_similarity_smoothly_and_undated_articles_keep_theirs() {
        let doc = |published: Option<&str>| {
            let article = crate::ingest::Article {
                published: published.map(str::to_string),
                ..crate::ingest::Article::from_text("d", "The council voted on the bridges.")
            };
            Doc::from_article(&article, &crate::text::tokens::Terms::default())
        };
        let in_time = |a: &Doc, b: &Doc, config: &StoryConfig| kernel(day(a), day(b), config);
        let config = StoryConfig::default();
        let monday = doc(Some("2019-01-07"));
        assert_eq!(in_time(&monday, &doc(Some("2019-01-07")), &config), 1.0);
        let three_days = in_time(&monday, &doc(Some("2019-01-10")), &config);
        assert!((three_days - 0.607).abs() < 0.01, "{three_days}");
        let a_week = in_time(&monday, &doc(Some("2019-01-14")), &config);
        assert!(a_week < 0.1 && a_week > 0.0, "{a_week}");
        assert_eq!(in_time(&monday, &doc(Some("2019-03-01")), &config), 0.0, "beyond max_days_apart");
        assert_eq!(in_time(&monday, &doc(None), &config), 1.0, "a date unknown");
        let flat = StoryConfig { time_scale_days: 0.0, ..config };
        assert_eq!(in_time(&monday, &doc(Some("2019-01-14")), &flat), 1.0);
    }

    /// `n` short council reports, alike in some words and not in others,
    /// some dated.
    fn council_reports(n: usize) -> Vec<Doc> {
        let terms = crate::text::tokens::Terms::default();
        (0..n)
            .map(|i| {
                let text = format!(
                    "The council of town {} voted on bridge {} and road {}. Mayor Ilse Varga{} said the plan costs {} million.",
                    i % 7,
                    i % 5,
                    i % 3,
                    i % 4,
                    i * 3
                );
                let article = crate::ingest::Article {
                    published: (i % 3 != 0).then(|| format!("2019-01-{:02}", 1 + i % 9)),
                    ..crate::ingest::Article::from_text(&format!("d{i}"), &text)
                };
                Doc::from_article(&article, &terms)
            })
            .collect()
    }

    #[test]
    fn neighbours_are_the_nearest_by_cosine_in_time() {
        let docs = council_reports(40);
        let stats = CorpusStats::of_documents(&docs);
        let config = StoryConfig::default();
        let vectors: Vec<Vector> = docs.iter().map(|d| vector(d, &stats, &config)).collect();
        // Every pair scored from both ends by merging their vectors.
        let cosine = |x: &Vector, y: &Vector| {
            let mut sum = 0f32;
            for (term, wx) in x {
                if let Ok(k) = y.binary_search_by_key(term, |t| t.0) {
                    sum += wx * y[k].1;
                }
            }
            sum
        };
        let found = neighbors(&docs, &Texts::held(), &stats, &config);
        let mut listed = 0;
        for (i, near) in found.iter().enumerate() {
            let mut expected: Vec<(u32, f32)> = (0..docs.len())
                .filter(|&j| j != i)
                .map(|j| (j as u32, cosine(&vectors[i], &vectors[j]) * kernel(day(&docs[i]), day(&docs[j]), &config)))
                .filter(|&(_, s)| s as f64 >= config.min_neighbor_similarity)
                .collect();
            expected.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            expected.truncate(config.neighbors);
            assert_eq!(near.iter().map(|n| n.0).collect::<Vec<_>>(), expected.iter().map(|n| n.0).collect::<Vec<_>>());
            for (got, want) in near.iter().zip(&expected) {
                assert!((got.1 - want.1).abs() < 1e-5, "document {i}: {got:?} against {want:?}");
            }
            listed += near.len();
        }
        assert!(listed > docs.len(), "most reports have neighbours: {listed}");
    }

    #[test]
    fn the_index_is_the_same_with_its_vectors_held_or_made_twice() {
        let docs = council_reports(40);
        let stats = CorpusStats::of_documents(&docs);
        let config = StoryConfig::default();
        let held = Index::build_holding(&docs, &Texts::held(), &stats, &config, usize::MAX);
        let made_twice = Index::build_holding(&docs, &Texts::held(), &stats, &config, 0);
        assert!(!held.postings.is_empty());
        assert_eq!(held.offsets, made_twice.offsets);
        assert_eq!(held.postings, made_twice.postings);
        assert_eq!(held.starts, made_twice.starts);
        assert_eq!(held.followed, made_twice.followed);
    }

    #[test]
    fn initial_clusters_stay_together() {
        let initial = [0, 0, 2];
        let label = average_linkage(3, &initial, &[], 0.5);
        assert_eq!(label[0], label[1]);
        assert_ne!(label[0], label[2]);
    }
}
