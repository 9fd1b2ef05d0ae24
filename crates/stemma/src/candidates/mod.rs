//! Candidate pairs from sketches, without comparing all pairs.
//!
//! Three sources, each a sort-and-group join over keys: equal exact hashes,
//! shared MinHash-LSH buckets, and shared sentence keys. A key held by more
//! than `max_key_documents` documents is boilerplate (sign-off lines,
//! datelines) or a topic-wide commonplace: sentence keys that common create no
//! pairs; for exact hashes and LSH buckets, where a popular wire story is
//! legitimately copied hundreds of times, each member pairs with the group's
//! first document only, so the cost stays linear. From sentence keys a pair
//! needs matches in `min_shared_sentences` distinct sentences on both sides,
//! so one shared line is never enough.
//!
//! Sentence keys are grouped `postings_per_pass` at a time; past that, what
//! a pass finds waits in a scratch file (`candidates::spill`) until the pass that
//! needs it, so that each key is computed once however large the corpus.

mod spill;

use std::collections::HashSet;
use std::fs::File;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::CandidateConfig;
use crate::sketch::{Sketch, Sketcher};
use crate::text::{spill::Texts, Doc};
use spill::Spill;

/// A sentence-key posting: `(key, document, sentence)`.
type Posting = (u64, u32, u32);

/// Why two documents are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// Index of the first document (the smaller index).
    pub a: u32,
    /// Index of the second document.
    pub b: u32,
    /// Same exact hash.
    pub exact: bool,
    /// Shared at least one LSH bucket.
    pub lsh: bool,
    /// Distinct sentences of `a` (and at least as many of `b`) sharing keys.
    pub shared_sentences: u32,
}

/// The keys candidates come from: one entry per document and key for exact
/// hashes and LSH bands; sentence keys are computed for each pass over the
/// sentence-key space, only those of the bands the pass takes, rather than
/// held all at once.
pub struct Keys<'a> {
    /// `(exact hash, document)`.
    pub exact: Vec<(u64, u32)>,
    /// `(LSH band key, document)`.
    pub bands: Vec<(u64, u32)>,
    /// For each document, an upper bound on its sentence keys in one band
    /// (its sentences: each has at most one key a band).
    band_keys_bound: Vec<u32>,
    /// How many bands the sentence keys come in: a key only meets keys of
    /// its own band. Keys of unknown bands count as one band.
    sentence_bands: usize,
    /// The sentence keys `(key, sentence)` of document `d` in the given
    /// bands, sentence after sentence, each sentence's keys band after band.
    sentence_keys: Box<SentenceKeys<'a>>,
}

/// See [`Keys`]'s `sentence_keys`.
type SentenceKeys<'a> = dyn Fn(usize, std::ops::Range<usize>) -> Vec<(u64, u32)> + Sync + 'a;

impl<'a> Keys<'a> {
    /// Keys of analysed documents, computed without holding their sketches:
    /// at a million documents the sketches would outweigh the keys.
    pub fn of_documents(documents: &'a [Doc], sketcher: &'a Sketcher) -> Keys<'a> {
        // No document has spilled anything: these hold their texts.
        static HELD: Texts = Texts::held();
        let hashed: Vec<(u64, Vec<u64>)> = documents.par_iter().map(|d| sketcher.exact_and_bands(d)).collect();
        Keys::of_hashed(documents, &HELD, hashed, sketcher)
    }

    /// Keys of analysed documents whose exact hashes and LSH band keys
    /// were computed already (`hashed[d]` is [`Sketcher::exact_and_bands`]
    /// of `documents[d]`): the documents' texts need not be at hand, and
    /// their terms are read from `texts` when they spilled there.
    pub fn of_hashed(
        documents: &'a [Doc],
        texts: &'a Texts,
        hashed: Vec<(u64, Vec<u64>)>,
        sketcher: &'a Sketcher,
    ) -> Keys<'a> {
        let exact = hashed.iter().enumerate().map(|(i, h)| (h.0, i as u32)).collect();
        // Sized at once: grown, the vector would be held twice while it
        // moves (at 1M, 0.5 GB beside 0.25 GB), the sketch stage's peak.
        let mut bands = Vec::with_capacity(hashed.iter().map(|h| h.1.len()).sum());
        for (i, (_, keys)) in hashed.into_iter().enumerate() {
            bands.extend(keys.into_iter().map(|k| (k, i as u32)));
        }
        let band_keys_bound: Vec<u32> = documents.iter().map(|d| d.sentences.len() as u32).collect();
        Keys {
            exact,
            bands,
            band_keys_bound,
            sentence_bands: sketcher.sentence_bands(),
            sentence_keys: Box::new(move |d, bands| {
                texts.with_terms(documents, d, |doc| sketcher.sentence_keys_in(doc, bands))
            }),
        }
    }

    /// Keys of sketches (document `i` is `sketches[i]`), consuming them.
    pub fn of_sketches(sketches: Vec<Sketch>, sketcher: &Sketcher) -> Keys<'a> {
        let exact = sketches.iter().enumerate().map(|(i, s)| (s.exact, i as u32)).collect();
        let bands = sketches
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, s)| sketcher.band_keys(&s.minhash).into_iter().map(move |k| (k, i as u32)))
            .collect();
        let sentence_keys: Vec<Vec<(u64, u32)>> = sketches.into_iter().map(|s| s.sentence_keys).collect();
        Keys {
            exact,
            bands,
            band_keys_bound: sentence_keys.iter().map(|k| k.len() as u32).collect(),
            // Held keys do not say their bands.
            sentence_bands: 1,
            sentence_keys: Box::new(move |d, _| sentence_keys[d].clone()),
        }
    }

    /// An upper bound on the number of sentence keys, all bands together.
    fn sentence_keys_bound(&self) -> usize {
        self.band_keys_bound.iter().map(|&n| n as usize).sum::<usize>() * self.sentence_bands
    }

    /// The sentence-key postings `(key, document, sentence)` whose key falls
    /// in pass `pass` of `passes`.
    ///
    /// The key space is cut into groups, each one slice (by key value) of one
    /// band, as many slices to a band as make the groups share evenly among
    /// the passes; a pass takes consecutive groups, so it computes the keys
    /// of the bands it takes rather than of all (with the passes made whole
    /// bands by [`whole_bands`], one band each at 1M documents).
    fn postings(&self, pass: u64, passes: u64) -> Vec<Posting> {
        let bands = self.sentence_bands.max(1) as u64;
        let slices = passes / gcd(passes, bands);
        let per_pass = bands * slices / passes;
        let (first, last) = (pass * per_pass, (pass + 1) * per_pass - 1);
        let taken = (first / slices) as usize..(last / slices) as usize + 1;
        let width = taken.len();
        // Each document's keys are written into its own region of one
        // vector sized by their upper bound, and the unused slots dropped:
        // collected, they were held twice at the end (the parallel pieces
        // and the vector joining them), the candidate stage's peak at 1M.
        const UNUSED: Posting = (0, u32::MAX, 0);
        let bound = |d: usize| self.band_keys_bound[d] as usize * width;
        let mut postings = vec![UNUSED; (0..self.band_keys_bound.len()).map(bound).sum()];
        let mut regions = Vec::new();
        let mut rest = postings.as_mut_slice();
        for start in (0..self.band_keys_bound.len()).step_by(REGION_DOCUMENTS) {
            let docs = start..(start + REGION_DOCUMENTS).min(self.band_keys_bound.len());
            let (region, tail) = rest.split_at_mut(docs.clone().map(bound).sum());
            regions.push((docs, region));
            rest = tail;
        }
        regions.into_par_iter().for_each(|(docs, region)| {
            let mut slots = region.iter_mut();
            for d in docs {
                let start = taken.start as u64;
                for (j, (k, s)) in (self.sentence_keys)(d, taken.clone()).into_iter().enumerate() {
                    let band = start + (j % width) as u64;
                    let group = band * slices + (k >> 32) % slices;
                    if (first..=last).contains(&group) {
                        // Within the bound: a sentence has one key a band.
                        let slot = slots.next();
                        debug_assert!(slot.is_some(), "document {d} has more sentence keys than its bound");
                        if let Some(slot) = slot {
                            *slot = (k, d as u32, s);
                        }
                    }
                }
            }
        });
        postings.retain(|p| p.1 != u32::MAX);
        postings
    }

    /// Hands each of `passes` passes' postings to `each`, in order. Past
    /// one pass a band, a band's keys are computed once and wait in a
    /// [`Spill`] by slice ([`Keys::band_by_slice`]) rather than computed
    /// again for each of its slices, which would grow with the square of
    /// the corpus; a slice the scratch file lost is computed again.
    fn each_pass(&self, passes: u64, scratch: &dyn Fn() -> Option<File>, each: &mut dyn FnMut(Vec<Posting>)) {
        let bands = self.sentence_bands.max(1) as u64;
        if passes <= bands {
            (0..passes).for_each(|pass| each(self.postings(pass, passes)));
            return;
        }
        // `whole_bands` made `passes` a multiple of `bands`: pass `p` is
        // slice `p % slices` of band `p / slices`.
        let slices = passes / bands;
        for band in 0..bands {
            let mut spill = self.band_by_slice(band as usize, slices, scratch());
            for slice in 0..slices {
                let postings = spill.take(slice as usize);
                each(postings.unwrap_or_else(|| self.postings(band * slices + slice, passes)));
            }
        }
    }

    /// The postings of band `band`, by slice of `slices` (as
    /// [`Keys::postings`] slices it), in a spill into `file`.
    fn band_by_slice(&self, band: usize, slices: u64, file: Option<File>) -> Spill<Posting> {
        let spill = Mutex::new(Spill::new(slices as usize, file));
        if spill.lock().map_or(true, |s| s.all_lost()) {
            return spill.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        let documents = self.band_keys_bound.len();
        (0..documents.div_ceil(REGION_DOCUMENTS)).into_par_iter().for_each(|region| {
            let docs = region * REGION_DOCUMENTS..((region + 1) * REGION_DOCUMENTS).min(documents);
            let slice = |p: &Posting| (p.0 >> 32) % slices;
            let mut found: Vec<Posting> = Vec::new();
            for d in docs {
                found.extend((self.sentence_keys)(d, band..band + 1).into_iter().map(|(k, s)| (k, d as u32, s)));
            }
            found.sort_unstable_by_key(slice);
            // A poisoned lock means another region panicked, which rayon
            // passes on: what this one writes is not read.
            let mut spill = spill.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for run in found.chunk_by(|x, y| slice(x) == slice(y)) {
                spill.append(slice(&run[0]) as usize, run);
            }
        });
        spill.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Documents whose sentence keys one thread writes at a time.
const REGION_DOCUMENTS: usize = 4096;

/// Document pairs, as [`pair_key`]s: looked up for every pair of documents
/// sharing a sentence key, so hashed with one multiplication rather than
/// SipHash.
type PairSet = HashSet<u64, std::hash::BuildHasherDefault<crate::stats::TermHasher>>;

/// A document pair as one number.
fn pair_key(a: u32, b: u32) -> u64 {
    (a as u64) << 32 | b as u64
}

/// `passes` raised to a divisor of `bands` or to a multiple of it, so that
/// each pass takes whole bands or slices of one band and no band's keys are
/// computed by two passes: at a million documents the 4 passes needed over
/// 6 bands computed 8 bands' keys, where 6 passes compute 6, each pass
/// holding less.
fn whole_bands(passes: usize, bands: usize) -> usize {
    if passes >= bands {
        passes.div_ceil(bands) * bands
    } else {
        (passes..bands).find(|&p| bands.is_multiple_of(p)).unwrap_or(bands)
    }
}

/// Greatest common divisor.
fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Finds the candidate pairs from the documents' keys.
pub fn candidates(mut keys: Keys<'_>, config: &CandidateConfig) -> Vec<Candidate> {
    let mut pairs: Vec<Candidate> = Vec::new();
    for (a, b) in group_pairs(std::mem::take(&mut keys.exact), config.max_key_documents) {
        pairs.push(Candidate { a, b, exact: true, lsh: true, shared_sentences: 0 });
    }
    for (a, b) in group_pairs(std::mem::take(&mut keys.bands), config.max_key_documents) {
        pairs.push(Candidate { a, b, exact: false, lsh: true, shared_sentences: 0 });
    }
    // Pairs already found by their shingles need no sentence evidence, and
    // they are the ones that would share the most keys.
    let known: PairSet = pairs.iter().map(|c| pair_key(c.a, c.b)).collect();
    pairs.extend(sentence_pairs(&keys, &known, config, &|| tempfile::tempfile().ok()));

    pairs.par_sort_unstable_by_key(|c| (c.a, c.b));
    let mut merged: Vec<Candidate> = Vec::with_capacity(pairs.len());
    for c in pairs {
        match merged.last_mut() {
            Some(last) if last.a == c.a && last.b == c.b => {
                last.exact |= c.exact;
                last.lsh |= c.lsh;
                last.shared_sentences = last.shared_sentences.max(c.shared_sentences);
            }
            _ => merged.push(c),
        }
    }
    merged
}

/// Pairs of documents sharing a key. Groups larger than `cap` pair each
/// member with the group's first document only.
pub(crate) fn group_pairs(mut keyed: Vec<(u64, u32)>, cap: usize) -> Vec<(u32, u32)> {
    keyed.par_sort_unstable();
    keyed.dedup();
    let mut out = Vec::new();
    for group in keyed.chunk_by(|x, y| x.0 == y.0) {
        if group.len() < 2 {
            continue;
        }
        if group.len() > cap {
            out.extend(group[1..].iter().map(|&(_, d)| (group[0].1, d)));
        } else {
            for (i, &(_, a)) in group.iter().enumerate() {
                out.extend(group[i + 1..].iter().map(|&(_, b)| (a, b)));
            }
        }
    }
    out
}

/// Evidence of one sentence key two documents share: documents `a < b` and
/// the sentences of each holding the key. 12 bytes: sentence indices
/// saturate at 65,535 (a document that long counts its later sentences as
/// one).
type Hit = (u32, u32, u16, u16);

/// Pairs from shared sentence keys, grouping the postings one slice of the
/// key space at a time.
///
/// A pair's hits from every slice are needed together to count the
/// distinct sentences it shares, and on a large corpus they are most of
/// what candidate generation holds (random pairs of sentences sharing one
/// key). So above `2 * postings_per_pass` keys the pairs are cut into
/// partitions: each pass writes its hits to a [`Spill`], partition by
/// partition, and each partition is then read back and counted alone. A
/// partition the scratch file (from `scratch`) lost is found again by a
/// pass over every slice for it alone, as slow as that is; the candidates
/// are the same.
fn sentence_pairs(
    keys: &Keys<'_>,
    known: &PairSet,
    config: &CandidateConfig,
    scratch: &dyn Fn() -> Option<File>,
) -> Vec<Candidate> {
    let per_pass = config.postings_per_pass.max(1);
    let bound = keys.sentence_keys_bound();
    let passes = whole_bands(bound.div_ceil(per_pass).max(1), keys.sentence_bands.max(1)) as u64;
    let partitions = bound.div_ceil(2 * per_pass).max(1) as u64;
    let partition_of =
        |a: u32, b: u32| (((a as u64) << 32 | b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) % partitions;
    // Every pass's hits for the pairs `keep` takes, each pass's deduplicated
    // before the next is computed.
    let gathered = |keep: &(dyn Fn(u32, u32) -> bool + Sync)| {
        let mut hits: Vec<Hit> = Vec::new();
        keys.each_pass(passes, scratch, &mut |postings| {
            let mut found = hits_of(postings, known, config, keep);
            found.par_sort_unstable();
            found.dedup();
            hits.reserve_exact(found.len());
            hits.extend_from_slice(&found);
        });
        hits
    };
    if partitions == 1 {
        return pairs_of_hits(gathered(&|_, _| true), config);
    }
    let mut spill: Spill<Hit> = Spill::new(partitions as usize, scratch());
    keys.each_pass(passes, scratch, &mut |postings| {
        let mut found = hits_of(postings, known, config, &|_, _| true);
        found.par_sort_unstable_by_key(|&h| (partition_of(h.0, h.1), h));
        found.dedup();
        for chunk in found.chunk_by(|x, y| partition_of(x.0, x.1) == partition_of(y.0, y.1)) {
            spill.append(partition_of(chunk[0].0, chunk[0].1) as usize, chunk);
        }
    });
    let mut out = Vec::new();
    for part in 0..partitions {
        let hits = spill.take(part as usize).unwrap_or_else(|| gathered(&|a, b| partition_of(a, b) == part));
        out.extend(pairs_of_hits(hits, config));
    }
    out
}

/// The hits of one pass's postings (see [`Keys::postings`]) for the
/// document pairs `keep` takes that are not `known` already, unsorted.
fn hits_of(
    mut postings: Vec<Posting>,
    known: &PairSet,
    config: &CandidateConfig,
    keep: &(dyn Fn(u32, u32) -> bool + Sync),
) -> Vec<Hit> {
    let short = |s: u32| s.min(u16::MAX as u32) as u16;
    postings.par_sort_unstable();
    postings.dedup();
    // The keys' groups in parallel: on one core this walk was a tenth of a
    // large run's wall time.
    postings
        .par_chunk_by(|x, y| x.0 == y.0)
        .filter(|group| {
            let docs = 1 + group.windows(2).filter(|w| w[0].1 != w[1].1).count();
            group.len() >= 2 && docs >= 2 && docs <= config.max_key_documents
        })
        .flat_map_iter(|group| {
            group.iter().enumerate().flat_map(move |(i, &(_, a, sa))| {
                group[i + 1..].iter().filter_map(move |&(_, b, sb)| {
                    let kept = a != b && keep(a, b) && !known.contains(&pair_key(a, b));
                    kept.then(|| (a, b, short(sa), short(sb)))
                })
            })
        })
        .collect()
}

/// The candidates among hits: pairs sharing keys in at least
/// `min_shared_sentences` distinct sentences on both sides.
fn pairs_of_hits(mut hits: Vec<Hit>, config: &CandidateConfig) -> Vec<Candidate> {
    hits.par_sort_unstable();
    hits.dedup();
    let mut out = Vec::new();
    for group in hits.chunk_by(|x, y| x.0 == y.0 && x.1 == y.1) {
        let mut from_a: Vec<u16> = group.iter().map(|h| h.2).collect();
        let mut from_b: Vec<u16> = group.iter().map(|h| h.3).collect();
        from_a.sort_unstable();
        from_a.dedup();
        from_b.sort_unstable();
        from_b.dedup();
        let shared = from_a.len().min(from_b.len());
        if shared >= config.min_shared_sentences {
            out.push(Candidate {
                a: group[0].0,
                b: group[0].1,
                exact: false,
                lsh: false,
                shared_sentences: shared as u32,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SketchConfig;

    fn sketch(keys: &[(u64, u32)]) -> Sketch {
        Sketch { exact: 0, minhash: vec![0; 128], sentence_keys: keys.to_vec() }
    }

    /// Makes a sketch share neither its exact hash nor any LSH band with others.
    fn no_lsh(mut s: Sketch, seed: u32) -> Sketch {
        s.exact = seed as u64;
        s.minhash = (0..128).map(|i| i * 1000 + seed).collect();
        s
    }

    #[test]
    fn two_shared_sentences_make_a_candidate_one_does_not() {
        let sketcher = Sketcher::new(&SketchConfig::default());
        let config = CandidateConfig::default();
        let docs = vec![
            no_lsh(sketch(&[(1, 0), (2, 1), (3, 2)]), 1),
            no_lsh(sketch(&[(1, 4), (2, 5), (9, 6)]), 2),
            no_lsh(sketch(&[(3, 0), (8, 1)]), 3),
        ];
        let found = candidates(Keys::of_sketches(docs, &sketcher), &config);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].a, found[0].b, found[0].shared_sentences), (0, 1, 2));
    }

    #[test]
    fn passes_and_partitions_do_not_change_the_candidates() {
        let sketcher = Sketcher::new(&SketchConfig::default());
        // Forty documents of twelve sentences whose keys overlap in a
        // pattern: about eight documents hold each key.
        let docs = || -> Vec<Sketch> {
            (0..40u32)
                .map(|i| {
                    let keys: Vec<(u64, u32)> = (0..12u32)
                        .map(|s| ((((i * 3 + s) % 60) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15), s))
                        .collect();
                    no_lsh(sketch(&keys), i + 1)
                })
                .collect()
        };
        let whole = candidates(Keys::of_sketches(docs(), &sketcher), &CandidateConfig::default());
        assert!(whole.len() > 10, "{} candidates", whole.len());
        let sliced = candidates(
            Keys::of_sketches(docs(), &sketcher),
            &CandidateConfig { postings_per_pass: 7, ..CandidateConfig::default() },
        );
        assert_eq!(whole, sliced);
    }

    /// Partitions read back from the scratch file, and partitions it lost
    /// (none made; writes refused) found again from the keys: the same
    /// candidates.
    #[test]
    fn partitions_lost_by_the_scratch_file_are_found_again() {
        let sketcher = Sketcher::new(&SketchConfig::default());
        let docs: Vec<Sketch> = (0..60u32)
            .map(|i| {
                let keys: Vec<(u64, u32)> =
                    (0..12u32).map(|s| ((((i * 5 + s) % 90) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15), s)).collect();
                no_lsh(sketch(&keys), i + 1)
            })
            .collect();
        let keys = Keys::of_sketches(docs, &sketcher);
        let config = CandidateConfig { postings_per_pass: 9, ..CandidateConfig::default() };
        let known = PairSet::default();
        let sorted = |mut found: Vec<Candidate>| {
            found.sort_unstable_by_key(|c| (c.a, c.b));
            found
        };
        let spilled = sorted(sentence_pairs(&keys, &known, &config, &|| tempfile::tempfile().ok()));
        assert!(spilled.len() > 20, "{} candidates", spilled.len());
        let none_made = sorted(sentence_pairs(&keys, &known, &config, &|| None));
        assert_eq!(none_made, spilled);
        let named = tempfile::NamedTempFile::new().expect("a scratch file");
        let read_only = || std::fs::File::open(named.path()).ok();
        assert_eq!(sorted(sentence_pairs(&keys, &known, &config, &read_only)), spilled);
    }

    #[test]
    fn passes_take_whole_bands() {
        // (needed, bands) -> passes
        for (needed, bands, passes) in
            [(1, 6, 1), (2, 6, 2), (4, 6, 6), (5, 6, 6), (6, 6, 6), (7, 6, 12), (3, 1, 3), (2, 5, 5)]
        {
            assert_eq!(whole_bands(needed, bands), passes, "{needed} passes needed over {bands} bands");
        }
    }

    /// Documents' passes take whole bands of keys (and slices of them):
    /// however many passes, the same candidates.
    #[test]
    fn passes_over_bands_do_not_change_the_candidates() {
        use crate::ingest::Article;
        use crate::text::tokens::Terms;
        let sketcher = Sketcher::new(&SketchConfig::default());
        let names = ["Varga", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Kowalski", "Nguyen"];
        let places = ["harbour", "valley", "station", "bridge", "market", "airport"];
        let sentence = |n: usize| {
            format!(
                "{} told reporters the {} project would cost {} million before the council vote on repairs.",
                names[n % names.len()],
                places[n / names.len() % places.len()],
                n * 7 + 3
            )
        };
        let terms = Terms::default();
        let documents: Vec<Doc> = (0..40)
            .map(|i| {
                let text: Vec<String> = (0..10).map(|s| sentence((i * 3 + s) % 48)).collect();
                Doc::from_article(&Article::from_text(&format!("d{i}"), &text.join("\n\n")), &terms)
            })
            .collect();
        let found = |per_pass: usize| {
            let config = CandidateConfig { postings_per_pass: per_pass, ..CandidateConfig::default() };
            candidates(Keys::of_documents(&documents, &sketcher), &config)
        };
        let whole = found(CandidateConfig::default().postings_per_pass);
        assert!(whole.iter().filter(|c| !c.lsh).count() > 10, "{whole:?}");
        for per_pass in [1000, 700, 400, 300, 150, 60, 7] {
            assert_eq!(found(per_pass), whole, "{per_pass} postings a pass");
        }
    }

    #[test]
    fn boilerplate_keys_create_no_candidates() {
        let sketcher = Sketcher::new(&SketchConfig::default());
        let config = CandidateConfig { max_key_documents: 3, ..CandidateConfig::default() };
        // Every document shares the same two "sign-off" sentences.
        let docs: Vec<Sketch> =
            (0..5).map(|i| no_lsh(sketch(&[(100, 0), (200, 1), (i as u64 + 1000, 2)]), i)).collect();
        assert!(candidates(Keys::of_sketches(docs, &sketcher), &config).is_empty());
    }

    #[test]
    fn large_duplicate_groups_stay_linear() {
        let sketcher = Sketcher::new(&SketchConfig::default());
        let config = CandidateConfig { max_key_documents: 3, ..CandidateConfig::default() };
        let docs: Vec<Sketch> =
            (0..10).map(|_| Sketch { exact: 42, minhash: vec![7; 128], sentence_keys: vec![] }).collect();
        let found = candidates(Keys::of_sketches(docs, &sketcher), &config);
        // Ten copies over the cap: each pairs with the first, not with all others.
        assert_eq!(found.len(), 9);
        assert!(found.iter().all(|c| c.exact && c.lsh && c.a == 0));
    }
}
