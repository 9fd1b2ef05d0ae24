//! Crash safety of the index: `stemma index add` and `stemma serve` are
//! killed with SIGKILL at random moments, again and again on the same
//! index, and after every kill the index must open, pass
//! [`Index::check`], still answer a query, and hold every article that was
//! acknowledged before the kill: a line printed by `index add`, or a 200
//! answer to `POST /v1/articles`. Each run resumes from the same input, so
//! an article acknowledged earlier must answer `held`, never `added` again.
//!
//! The articles are generated here from a seeded PRNG (about a quarter are
//! copies or versions of earlier ones). The defaults keep the test short;
//! `bench/crash.sh` runs it longer through these variables:
//!
//! - `STEMMA_CRASH_ADD_KILLS` (default 8), `STEMMA_CRASH_ADD_ARTICLES` (600):
//!   kills of `index add --batch 20 --format json`, and the input size;
//! - `STEMMA_CRASH_SERVE_KILLS` (default 4), `STEMMA_CRASH_SERVE_ARTICLES`
//!   (5000, an upper bound: the client stops when the kills are done);
//! - `STEMMA_CRASH_SEED` (default 1): the articles and the kill moments;
//! - `STEMMA_CRASH_REPORT`: a file to append a summary line to per test.
//!
//! Failures are collected, printed and counted, then the test fails if
//! there was any, so that a long run reports all of them.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::TempDir;
use serde_json::{json, Value};
use stemma::ingest::Article;
use stemma_index::{Index, IndexError, Status};

const STEMMA: &str = env!("CARGO_BIN_EXE_stemma");

/// SplitMix64: a small seeded PRNG, enough for articles and kill moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` ≥ 1).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// A made-up word: two to four syllables.
fn word(rng: &mut Rng) -> String {
    const ONSETS: [&str; 16] = ["b", "k", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "st", "br", "tr"];
    const VOWELS: [&str; 6] = ["a", "e", "i", "o", "u", "ai"];
    let syllables = rng.range(2, 4);
    let mut w = String::new();
    for _ in 0..syllables {
        w.push_str(ONSETS[rng.below(ONSETS.len() as u64) as usize]);
        w.push_str(VOWELS[rng.below(VOWELS.len() as u64) as usize]);
    }
    w
}

/// `n` news-like articles, a pure function of `seed`: base articles of
/// 6-12 sentences in 2-4 paragraphs, each with its own names, and about a
/// quarter copies (exact, or a version: the first sentences, one changed)
/// of an earlier base article. Ids are `{prefix}{number}`.
fn articles(n: usize, seed: u64, prefix: &str) -> Vec<Value> {
    let mut rng = Rng(seed);
    let common: Vec<String> = (0..400).map(|_| word(&mut rng)).collect();
    let mut bases: Vec<Vec<String>> = Vec::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let sentences: Vec<String> = if !bases.is_empty() && rng.below(4) == 0 {
            let source = &bases[rng.below(bases.len() as u64) as usize];
            if rng.below(2) == 0 {
                source.clone()
            } else {
                let keep = (source.len() * 7 / 10).max(3);
                let mut s = source[..keep].to_vec();
                let changed = rng.below(keep as u64) as usize;
                s[changed] = s[changed].replacen(' ', " reportedly ", 1);
                s
            }
        } else {
            let names: Vec<String> = (0..4)
                .map(|_| {
                    let mut w = word(&mut rng);
                    w[..1].make_ascii_uppercase();
                    w
                })
                .collect();
            let count = rng.range(6, 12);
            let s: Vec<String> = (0..count)
                .map(|_| {
                    let len = rng.range(8, 16) as usize;
                    let mut words: Vec<String> =
                        (0..len).map(|_| common[rng.below(common.len() as u64) as usize].clone()).collect();
                    words[0][..1].make_ascii_uppercase();
                    let at = rng.range(1, len as u64 - 1) as usize;
                    words[at] = names[rng.below(names.len() as u64) as usize].clone();
                    format!("{} {}.", words.join(" "), rng.range(2, 9999))
                })
                .collect();
            bases.push(s.clone());
            s
        };
        let mut text = String::new();
        for (k, s) in sentences.iter().enumerate() {
            if k > 0 {
                text.push_str(if k % 3 == 0 { "\n\n" } else { " " });
            }
            text.push_str(s);
        }
        let title = sentences[0].split(' ').take(6).collect::<Vec<_>>().join(" ");
        out.push(json!({
            "id": format!("{prefix}{i:06}"),
            "title": title,
            "text": text,
            "outlet": format!("outlet{}", rng.below(7)),
            "published": format!("2024-03-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24),
        }));
    }
    out
}

fn article(value: &Value) -> Article {
    let mut a = Article::from_text(value["id"].as_str().unwrap(), value["text"].as_str().unwrap());
    a.title = value["title"].as_str().map(str::to_string);
    a
}

/// What one test saw, over all its rounds.
#[derive(Default)]
struct Tally {
    kills: usize,
    /// Rounds whose process finished before the kill moment.
    missed: usize,
    /// Distinct articles acknowledged, over all rounds.
    acknowledged: usize,
    /// Acknowledged articles found after the last kill.
    found: usize,
    /// Stored at the end.
    stored: u64,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, round: usize, message: String) {
        eprintln!("FAILURE (round {round}): {message}");
        self.failures.push(format!("round {round}: {message}"));
    }

    /// Prints the summary, appends it to `STEMMA_CRASH_REPORT`, and fails
    /// the test if anything failed.
    fn finish(self, name: &str, elapsed: Duration) {
        let line = format!(
            "{name}: kills {} (missed {}), acknowledged {}, found {}, stored {}, failures {} ({:.1}s)",
            self.kills,
            self.missed,
            self.acknowledged,
            self.found,
            self.stored,
            self.failures.len(),
            elapsed.as_secs_f64()
        );
        eprintln!("{line}");
        if let Ok(path) = std::env::var("STEMMA_CRASH_REPORT") {
            let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
            writeln!(file, "{line}").unwrap();
            for f in &self.failures {
                writeln!(file, "  {name} failure: {f}").unwrap();
            }
        }
        assert!(self.failures.is_empty(), "{name}: {} failures:\n{}", self.failures.len(), self.failures.join("\n"));
    }
}

/// Opens the index as a library user would after a crash and checks it:
/// it opens, `check()` passes, every acknowledged article is there, and a
/// query answers. Returns (articles stored, acknowledged ones found).
fn verify(dir: &Path, acknowledged: &BTreeSet<String>, probe: &Value, round: usize, tally: &mut Tally) -> (u64, usize) {
    let index = match Index::open(dir, None) {
        Ok(index) => index,
        // Killed before the database file was created: nothing can be
        // stored, and nothing may have been acknowledged.
        Err(IndexError::Missing(_)) | Err(IndexError::NotAnIndex(_)) if acknowledged.is_empty() => return (0, 0),
        Err(err) => {
            tally.fail(round, format!("the index does not open: {err}"));
            return (0, 0);
        }
    };
    let stored = match index.check() {
        Ok(n) => n,
        Err(err) => {
            tally.fail(round, format!("check failed: {err}"));
            0
        }
    };
    let mut found = 0;
    for id in acknowledged {
        match index.get(id) {
            Ok(Some(held)) if held.article.id == *id => found += 1,
            Ok(Some(held)) => tally.fail(round, format!("get({id}) answered article {}", held.article.id)),
            Ok(None) => tally.fail(round, format!("acknowledged article {id} is missing")),
            Err(err) => tally.fail(round, format!("get({id}) failed: {err}")),
        }
    }
    if (stored as usize) < acknowledged.len() {
        tally.fail(round, format!("{stored} articles stored, fewer than the {} acknowledged", acknowledged.len()));
    }
    let mut query = article(probe);
    query.id = format!("probe-{round}");
    match index.query(vec![query]) {
        Ok(outcomes) if outcomes.len() == 1 && outcomes[0].status == Status::Queried => {}
        Ok(outcomes) => tally.fail(round, format!("the query answered {outcomes:?}")),
        Err(err) => tally.fail(round, format!("the query failed: {err}")),
    }
    (stored, found)
}

/// The lines of one `index add` run, read as they are printed.
struct AddRun {
    child: Child,
    lines: Arc<AtomicUsize>,
    reader: thread::JoinHandle<Vec<String>>,
    stderr: thread::JoinHandle<String>,
}

fn spawn_add(dir: &Path, input: &Path) -> AddRun {
    let mut child = Command::new(STEMMA)
        .args(["index", "add", "--index"])
        .arg(dir)
        .args(["--batch", "20", "--format", "json"])
        .arg(input)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = Arc::new(AtomicUsize::new(0));
    let stdout = child.stdout.take().unwrap();
    let seen = lines.clone();
    let reader = thread::spawn(move || {
        let mut out = Vec::new();
        // A line cut short by the kill has no newline: read_line returns
        // it, and it is not counted below (it does not parse).
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            out.push(line);
            seen.fetch_add(1, Ordering::SeqCst);
        }
        out
    });
    let mut stderr = child.stderr.take().unwrap();
    let stderr = thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    AddRun { child, lines, reader, stderr }
}

/// Records the outcome lines of a run: every acknowledged id, checking
/// that none acknowledged before answers anything but `held`.
fn note_lines(
    lines: &[String],
    earlier: &BTreeSet<String>,
    now: &mut BTreeSet<String>,
    round: usize,
    tally: &mut Tally,
) {
    for line in lines {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            // Only the very last line may be cut short by the kill.
            if !std::ptr::eq(line, lines.last().unwrap()) {
                tally.fail(round, format!("unparsable line {line:?}"));
            }
            continue;
        };
        let id = v["id"].as_str().unwrap_or_default().to_string();
        match v["status"].as_str() {
            Some("added") if earlier.contains(&id) => {
                tally.fail(round, format!("{id} was acknowledged before, but is added again: it had been lost"))
            }
            Some("added") | Some("held") => {
                now.insert(id);
            }
            other => tally.fail(round, format!("{id} answered {other:?}: {line}")),
        }
    }
}

#[test]
fn index_add_survives_sigkill() {
    let started = Instant::now();
    let kills = env_number("STEMMA_CRASH_ADD_KILLS", 8) as usize;
    let total = env_number("STEMMA_CRASH_ADD_ARTICLES", 600) as usize;
    let mut rng = Rng(env_number("STEMMA_CRASH_SEED", 1));
    let tmp = TempDir::new("crash-add");
    std::fs::create_dir_all(&tmp.0).unwrap();
    let input = tmp.0.join("articles.jsonl");
    let corpus = articles(total, rng.next(), "a");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    for a in &corpus {
        writeln!(file, "{a}").unwrap();
    }
    file.into_inner().unwrap().sync_all().unwrap();
    let dir = tmp.0.join("index");

    let mut tally = Tally::default();
    let mut acknowledged = BTreeSet::new();
    let mut round = 0;
    while tally.kills < kills {
        round += 1;
        assert!(round <= kills * 4, "only {} of {kills} kills landed in {round} runs", tally.kills);
        let run = spawn_add(&dir, &input);
        let before = acknowledged.len();
        // The moment: one round in five within 40 ms of the start (opening
        // or creating the index, reading the input); otherwise once a
        // random number of new lines is printed (on average an equal share
        // of what is left per kill still to land), plus up to 150 ms, a batch
        // or two: mid-analysis, mid-commit or just before the print.
        if rng.below(5) == 0 {
            thread::sleep(Duration::from_micros(rng.below(40_000)));
        } else {
            let left = total.saturating_sub(before);
            let share = left / (kills - tally.kills + 2);
            let target = (before + rng.below(2 * share as u64 + 1) as usize).min(total.saturating_sub(40));
            let deadline = Instant::now() + Duration::from_secs(60);
            while run.lines.load(Ordering::SeqCst) < target && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(1));
            }
            thread::sleep(Duration::from_micros(rng.below(150_000)));
        }
        let mut child = run.child;
        let alive = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let lines = run.reader.join().unwrap();
        let stderr = run.stderr.join().unwrap();
        if alive {
            tally.kills += 1;
        } else {
            tally.missed += 1;
            if !status.success() {
                tally.fail(round, format!("index add failed ({status}): {stderr}"));
            }
        }
        let earlier = acknowledged.clone();
        note_lines(&lines, &earlier, &mut acknowledged, round, &mut tally);
        let probe = &corpus[rng.below(total as u64) as usize];
        let (stored, found) = verify(&dir, &acknowledged, probe, round, &mut tally);
        eprintln!(
            "round {round}: {} after {} lines; acknowledged {} (+{}), found {found}, stored {stored}",
            if alive { "killed" } else { "finished" },
            lines.len(),
            acknowledged.len(),
            acknowledged.len() - before
        );
        tally.found = found;
    }

    // A last run, not killed, stores the rest: every article once.
    let run = spawn_add(&dir, &input);
    let mut child = run.child;
    let status = child.wait().unwrap();
    let lines = run.reader.join().unwrap();
    let stderr = run.stderr.join().unwrap();
    round += 1;
    if !status.success() {
        tally.fail(round, format!("the last run failed ({status}): {stderr}"));
    }
    if lines.len() != total {
        tally.fail(round, format!("the last run printed {} lines for {total} articles", lines.len()));
    }
    let earlier = acknowledged.clone();
    tally.acknowledged = earlier.len();
    note_lines(&lines, &earlier, &mut acknowledged, round, &mut tally);
    let (stored, _) = verify(&dir, &acknowledged, &corpus[0], round, &mut tally);
    if stored != total as u64 || acknowledged.len() != total {
        tally.fail(round, format!("{stored} stored and {} acknowledged at the end, of {total}", acknowledged.len()));
    }
    tally.stored = stored;
    tally.finish("index add", started.elapsed());
}

/// A running `stemma serve` and the address it listens on.
struct Server {
    child: Child,
    base: String,
}

// The child is handed to the caller, which kills and waits for it.
#[allow(clippy::zombie_processes)]
fn start_server(dir: &Path) -> Server {
    let mut child = Command::new(STEMMA)
        .args(["serve", "--index"])
        .arg(dir)
        .args(["--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        if stderr.read_line(&mut line).unwrap() == 0 {
            let status = child.wait().unwrap();
            panic!("the server stopped before serving ({status})");
        }
        if let Some(rest) = line.trim().strip_prefix("stemma: serving ") {
            let addr = rest.rsplit_once(" on http://").unwrap().1.trim_end_matches('/');
            let base = format!("http://{addr}");
            // Keep draining stderr so that the server never blocks on it.
            thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
            return Server { child, base };
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// GET `url`: status and body, or the transport error.
fn get(agent: &ureq::Agent, url: &str) -> Result<(u16, String), ureq::Error> {
    let mut response = agent.get(url).call()?;
    let body = response.body_mut().read_to_string()?;
    Ok((response.status().as_u16(), body))
}

/// What the writer thread hands back: ids acknowledged in this round and
/// where the next round resumes.
struct Written {
    acknowledged: BTreeSet<String>,
    next: usize,
    requests: usize,
    failures: Vec<String>,
}

/// Posts the articles from `next` on in batches of 1-8, as JSON Lines,
/// until a request fails (the server is gone) or `stop` is set. A batch
/// counts as acknowledged only on a 200 with one outcome per article.
fn write_load(base: String, corpus: Arc<Vec<Value>>, mut next: usize, seed: u64, stop: Arc<AtomicBool>) -> Written {
    let agent = agent();
    let mut rng = Rng(seed);
    let mut out = Written { acknowledged: BTreeSet::new(), next, requests: 0, failures: Vec::new() };
    while !stop.load(Ordering::SeqCst) && next < corpus.len() {
        let end = (next + rng.range(1, 8) as usize).min(corpus.len());
        let body: String = corpus[next..end].iter().map(|a| format!("{a}\n")).collect();
        let sent = agent.post(format!("{base}/v1/articles")).header("content-type", "application/x-ndjson").send(body);
        let mut response = match sent {
            Ok(response) => response,
            Err(_) => break, // killed: this batch is not acknowledged
        };
        let status = response.status().as_u16();
        let Ok(text) = response.body_mut().read_to_string() else { break };
        out.requests += 1;
        if status != 200 {
            out.failures.push(format!("POST answered {status}: {text}"));
            break;
        }
        let answer: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(err) => {
                out.failures.push(format!("a 200 with an unparsable body ({err}): {text}"));
                break;
            }
        };
        let outcomes = answer["articles"].as_array().cloned().unwrap_or_default();
        if outcomes.len() != end - next {
            out.failures.push(format!("{} outcomes for {} articles: {text}", outcomes.len(), end - next));
            break;
        }
        for (o, a) in outcomes.iter().zip(&corpus[next..end]) {
            if o["id"] != a["id"] || !matches!(o["status"].as_str(), Some("added") | Some("held")) {
                out.failures.push(format!("{} answered {o}", a["id"]));
            }
            out.acknowledged.insert(a["id"].as_str().unwrap_or_default().to_string());
        }
        next = end;
    }
    out.next = next;
    out
}

#[test]
fn server_survives_sigkill_under_write_load() {
    let started = Instant::now();
    let kills = env_number("STEMMA_CRASH_SERVE_KILLS", 4) as usize;
    let total = env_number("STEMMA_CRASH_SERVE_ARTICLES", 5000) as usize;
    let mut rng = Rng(env_number("STEMMA_CRASH_SEED", 1) ^ 0x5e);
    let tmp = TempDir::new("crash-serve");
    std::fs::create_dir_all(&tmp.0).unwrap();
    let dir = tmp.0.join("index");
    let corpus = Arc::new(articles(total, rng.next(), "s"));

    let mut tally = Tally::default();
    let mut acknowledged = BTreeSet::new();
    let mut next = 0;
    let mut round = 0;
    while tally.kills < kills {
        round += 1;
        assert!(round <= kills * 3, "only {} of {kills} kills landed in {round} rounds", tally.kills);
        assert!(next < total, "the {total} articles ran out after {} kills", tally.kills);
        let mut server = start_server(&dir);
        // What a restarted server holds: at least what was acknowledged.
        match get(&agent(), &format!("{}/healthz", server.base)) {
            Ok((200, body)) => {
                let documents = serde_json::from_str::<Value>(&body).ok().and_then(|v| v["documents"].as_u64());
                if documents.is_none_or(|d| (d as usize) < acknowledged.len()) {
                    tally.fail(round, format!("healthz answered {body} with {} acknowledged", acknowledged.len()));
                }
            }
            other => tally.fail(round, format!("healthz answered {other:?}")),
        }
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (base, corpus, stop, seed) = (server.base.clone(), corpus.clone(), stop.clone(), rng.next());
            thread::spawn(move || write_load(base, corpus, next, seed, stop))
        };
        thread::sleep(Duration::from_micros(rng.range(50_000, 1_500_000)));
        let alive = server.child.try_wait().unwrap().is_none();
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        let written = writer.join().unwrap();
        if alive {
            tally.kills += 1;
        } else {
            tally.missed += 1;
            tally.fail(round, "the server had stopped by itself".into());
        }
        for f in written.failures {
            tally.fail(round, f);
        }
        let before = acknowledged.len();
        for id in &written.acknowledged {
            // Resumed batches may repeat what was acknowledged: `held`.
            acknowledged.insert(id.clone());
        }
        next = written.next;
        let probe = &corpus[rng.below(total as u64) as usize];
        let (stored, found) = verify(&dir, &acknowledged, probe, round, &mut tally);
        eprintln!(
            "round {round}: killed after {} requests; acknowledged {} (+{}), found {found}, stored {stored}",
            written.requests,
            acknowledged.len(),
            acknowledged.len() - before
        );
        tally.found = found;
    }

    // Restarted once more: it serves what was acknowledged over HTTP too.
    round += 1;
    let mut server = start_server(&dir);
    let agent = agent();
    for id in acknowledged.iter().step_by((acknowledged.len() / 20).max(1)) {
        match get(&agent, &format!("{}/v1/articles/{id}", server.base)) {
            Ok((200, _)) => {}
            other => tally.fail(round, format!("GET /v1/articles/{id} answered {other:?}")),
        }
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let (stored, _) = verify(&dir, &acknowledged, &corpus[0], round, &mut tally);
    tally.acknowledged = acknowledged.len();
    tally.stored = stored;
    tally.finish("serve", started.elapsed());
}

/// The generator itself: deterministic, unique ids, some copies.
#[test]
fn generated_articles_are_deterministic() {
    let a = articles(200, 7, "x");
    assert_eq!(a, articles(200, 7, "x"));
    assert_ne!(a, articles(200, 8, "x"));
    let ids: BTreeSet<&str> = a.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 200);
    let texts: BTreeSet<&str> = a.iter().map(|v| v["text"].as_str().unwrap()).collect();
    assert!(texts.len() < 190 && texts.len() > 120, "{} distinct texts", texts.len());
}
