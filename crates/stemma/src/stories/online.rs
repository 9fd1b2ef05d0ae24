//! Stories one article at a time: a new article joins the story of a batch
//! (or of earlier additions) or starts one, without clustering everything
//! again. This is what a persistent index needs when articles arrive one
//! by one.
//!
//! The batch's pieces are kept: each article's story vector in an inverted
//! index, its nearest neighbours and its story. A new article's nearest
//! neighbours come from the index (with the same time kernel); its
//! shared-neighbour similarity with each member of a candidate story is
//! averaged over the story, as average linkage compares a singleton with a
//! cluster; it joins the best story whose average reaches
//! `link_threshold`, or starts its own, and becomes a neighbour of the
//! articles it is closer to than their farthest. The approximations: corpus
//! statistics (IDF) stay those of the batch, and stories once formed are
//! not merged or split again. How far the
//! result strays from a batch over the same articles is measured in
//! `tests/online.rs`.

use std::collections::{HashMap, HashSet};

use super::cluster::{average_linkage, day, kernel, neighbors, vector, Clustering};
use crate::config::StoryConfig;
use crate::stats::CorpusStats;
use crate::text::{spill::Texts, Doc};

/// Story state that takes articles one at a time.
pub struct Online<'s> {
    stats: &'s CorpusStats,
    config: StoryConfig,
    /// For each term, the articles whose story vector holds it, with its
    /// weight there.
    postings: HashMap<u64, Vec<(u32, f32)>>,
    /// Each article's nearest neighbours with their similarity, best first.
    near: Vec<Vec<(u32, f32)>>,
    /// Each article's day, when dated.
    day: Vec<Option<f64>>,
    /// Each article's story.
    label: Vec<u32>,
    /// The members of each story.
    members: HashMap<u32, Vec<u32>>,
    /// The next unused story label.
    next: u32,
}

impl<'s> Online<'s> {
    /// The state after a batch: `documents` clustered into `clustering` (see
    /// [`super::labels`]) with the corpus statistics `stats`, which stay
    /// fixed from here on.
    pub fn from_batch(
        documents: &[Doc],
        clustering: &Clustering,
        stats: &'s CorpusStats,
        config: &StoryConfig,
    ) -> Self {
        let near = neighbors(documents, &Texts::held(), stats, config);
        let mut postings: HashMap<u64, Vec<(u32, f32)>> = HashMap::new();
        for (d, doc) in documents.iter().enumerate() {
            for (term, w) in vector(doc, stats, config) {
                postings.entry(term).or_default().push((d as u32, w));
            }
        }
        let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
        for (d, &l) in clustering.label.iter().enumerate() {
            members.entry(l).or_default().push(d as u32);
        }
        let next = clustering.label.iter().max().map_or(0, |m| m + 1).max(documents.len() as u32);
        Online {
            stats,
            config: config.clone(),
            postings,
            near,
            day: documents.iter().map(day).collect(),
            label: clustering.label.clone(),
            members,
            next,
        }
    }

    /// The story of each article so far, in the order they came.
    pub fn labels(&self) -> &[u32] {
        &self.label
    }

    /// Adds an article and returns its story's label: an existing story
    /// it joins, or a new one.
    pub fn add(&mut self, doc: &Doc) -> u32 {
        let config = &self.config;
        let v = vector(doc, self.stats, config);
        let when = day(doc);
        let mut acc: HashMap<u32, f32> = HashMap::new();
        for &(term, w) in &v {
            let Some(list) = self.postings.get(&term) else { continue };
            // As in the batch, a term held by very many articles tells no
            // event apart and would cost too much to follow.
            if list.len() > config.max_term_documents {
                continue;
            }
            for &(j, wj) in list {
                *acc.entry(j).or_insert(0.0) += w * wj;
            }
        }
        let similar: Vec<(u32, f32)> = acc
            .into_iter()
            .map(|(j, s)| (j, s * kernel(when, self.day[j as usize], config)))
            .filter(|&(_, s)| s as f64 >= config.min_neighbor_similarity)
            .collect();
        let mut near = similar.clone();
        near.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        near.truncate(config.neighbors);
        let mine: HashSet<u32> = near.iter().map(|&(j, _)| j).collect();

        // Shared-neighbour similarity with each member of each candidate
        // story, averaged over the story.
        let scale = 1.0 / (config.neighbors as f64 + 1.0);
        let candidates: HashSet<u32> = mine.iter().map(|&j| self.label[j as usize]).collect();
        let mut best: Option<(f64, u32)> = None;
        for story in candidates {
            let members = &self.members[&story];
            let sum: f64 = members
                .iter()
                .map(|&x| {
                    let shared = usize::from(mine.contains(&x))
                        + self.near[x as usize].iter().filter(|(m, _)| mine.contains(m)).count();
                    shared as f64 * scale
                })
                .sum();
            let average = sum / members.len() as f64;
            if average >= config.link_threshold && best.is_none_or(|(b, l)| average > b || (average == b && story < l))
            {
                best = Some((average, story));
            }
        }
        let story = match best {
            Some((_, story)) => story,
            None => {
                self.next += 1;
                self.next - 1
            }
        };
        let id = self.label.len() as u32;
        for (term, w) in v {
            self.postings.entry(term).or_default().push((id, w));
        }
        // The newcomer is now a neighbour of those it is closer to than
        // their farthest, as a batch over all of them would have it.
        for (j, s) in similar {
            let list = &mut self.near[j as usize];
            if list.len() < config.neighbors || list.last().is_some_and(|&(_, last)| s > last) {
                let at = list.partition_point(|&(_, t)| t >= s);
                list.insert(at, (id, s));
                list.truncate(config.neighbors);
            }
        }
        self.near.push(near);
        self.day.push(when);
        self.label.push(story);
        self.members.entry(story).or_default().push(id);
        if best.is_some() {
            self.resplit(story);
        }
        self.label[id as usize]
    }

    /// Clusters a story's members again by average linkage over their
    /// shared neighbours, now that a newcomer has revised them, and gives
    /// each part but the largest a new label. The first article of a new
    /// event joins the story of an older event of its kind (its only near
    /// articles yet); once its own event's reports arrive, they are each
    /// other's neighbours and part from it, as in a batch. Stories larger
    /// than `MAX_RESPLIT` are left as they are, to bound the cost.
    fn resplit(&mut self, story: u32) {
        let members = self.members[&story].clone();
        if members.len() > MAX_RESPLIT {
            return;
        }
        let neighbours =
            |x: u32| -> HashSet<u32> { self.near[x as usize].iter().map(|&(m, _)| m).chain([x]).collect() };
        let sets: Vec<HashSet<u32>> = members.iter().map(|&x| neighbours(x)).collect();
        let scale = 1.0 / (self.config.neighbors as f32 + 1.0);
        let mut edges = Vec::new();
        for i in 0..members.len() {
            for j in i + 1..members.len() {
                let shared = sets[i].intersection(&sets[j]).count();
                if shared > 0 {
                    edges.push((i as u32, j as u32, shared as f32 * scale));
                }
            }
        }
        let initial: Vec<u32> = (0..members.len() as u32).collect();
        let parts = average_linkage(members.len(), &initial, &edges, self.config.link_threshold);
        let mut sizes: HashMap<u32, usize> = HashMap::new();
        for &p in &parts {
            *sizes.entry(p).or_insert(0) += 1;
        }
        if sizes.len() < 2 {
            return;
        }
        let keep = sizes.iter().max_by_key(|&(&p, &n)| (n, std::cmp::Reverse(p))).map(|(&p, _)| p);
        let mut relabel: HashMap<u32, u32> = HashMap::new();
        let mut kept = Vec::new();
        for (k, &x) in members.iter().enumerate() {
            if Some(parts[k]) == keep {
                kept.push(x);
                continue;
            }
            let next = &mut self.next;
            let label = *relabel.entry(parts[k]).or_insert_with(|| {
                *next += 1;
                *next - 1
            });
            self.label[x as usize] = label;
            self.members.entry(label).or_default().push(x);
        }
        self.members.insert(story, kept);
    }
}

/// Largest story [`Online::resplit`] clusters again after an addition.
const MAX_RESPLIT: usize = 500;
