//! The HTTP server end to end: a real server on the loopback (the `stemma`
//! binary, or `stemma_server::serve` on a runtime in a background thread),
//! spoken to by a real HTTP client (ureq) or by a raw socket.

mod common;

use common::TempDir;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use stemma::ingest::{read_inputs, Article, Reading};
use stemma_index::Index;
use stemma_server::Settings;

/// One answer: status, content type and body.
struct Reply {
    status: u16,
    content_type: String,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("status {}: the body is not JSON ({e}): {}", self.status, self.body))
    }

    /// The message of a JSON error body, which must be the only field.
    fn error(&self) -> String {
        assert!(self.content_type.starts_with("application/json"), "{}: {}", self.content_type, self.body);
        let json = self.json();
        let object = json.as_object().unwrap_or_else(|| panic!("not an object: {json}"));
        assert_eq!(object.len(), 1, "{json}");
        object["error"].as_str().unwrap_or_else(|| panic!("no error message: {json}")).to_string()
    }
}

/// A blocking HTTP client for one server.
struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    fn new(addr: SocketAddr) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        Client { base: format!("http://{addr}"), agent }
    }

    fn reply(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>, what: &str) -> Reply {
        let mut response = response.unwrap_or_else(|e| panic!("{what}: {e}"));
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let body = response.body_mut().with_config().limit(64 * 1024 * 1024).read_to_string().expect("body");
        Reply { status: response.status().as_u16(), content_type, body }
    }

    fn get(&self, path: &str) -> Reply {
        Client::reply(self.agent.get(format!("{}{path}", self.base)).call(), path)
    }

    fn post(&self, path: &str, body: &[u8], token: Option<&str>) -> Reply {
        let mut request = self.agent.post(format!("{}{path}", self.base)).header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        Client::reply(request.send(body), path)
    }

    fn documents(&self) -> u64 {
        let health = self.get("/healthz");
        assert_eq!(health.status, 200, "{}", health.body);
        assert_eq!(health.json()["status"], "ok");
        health.json()["documents"].as_u64().expect("documents")
    }
}

/// `stemma_server::serve` on a runtime of its own, in a background thread,
/// over a fresh index; stopped when dropped.
struct Server {
    addr: SocketAddr,
    client: Client,
    index: Arc<Index>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: TempDir,
}

impl Server {
    fn start(name: &str, settings: Settings) -> Server {
        let dir = TempDir::new(name);
        let index = Arc::new(Index::create_or_open(&dir.0, None).expect("index"));
        let settings = Settings { addr: SocketAddr::from(([127, 0, 0, 1], 0)), ..settings };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, bound) = mpsc::channel();
        let served = index.clone();
        let thread = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            let shutdown = async {
                let _ = stopped.await;
            };
            runtime
                .block_on(stemma_server::serve(served, settings, shutdown, move |addr| {
                    let _ = ready.send(addr);
                }))
                .expect("serve");
        });
        let addr = bound.recv_timeout(Duration::from_secs(30)).expect("the server did not report its address");
        assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
        Server { addr, client: Client::new(addr), index, stop: Some(stop), thread: Some(thread), _dir: dir }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The `stemma` binary running `serve`, with the address it printed.
struct Binary {
    child: Child,
    addr: SocketAddr,
    /// Everything it writes on stderr, when it ends.
    stderr: Option<JoinHandle<String>>,
}

impl Binary {
    fn spawn(args: &[&str]) -> Binary {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stemma"))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn stemma");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut all = String::new();
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some((_, rest)) = line.split_once(" on http://") {
                    let _ = tx.send(rest.trim_end_matches('/').to_string());
                }
                all.push_str(&line);
                all.push('\n');
            }
            all
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => Binary { child, addr: addr.parse().expect("the printed address"), stderr: Some(reader) },
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("stemma serve printed no address: {}", reader.join().unwrap_or_default());
            }
        }
    }

    /// Sends SIGTERM and waits for the exit: its status and stderr.
    fn terminate(mut self) -> (ExitStatus, String) {
        let sent = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill");
        assert!(sent.success());
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "stemma serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = self.stderr.take().expect("stderr").join().unwrap_or_default();
        (status, stderr)
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn examples() -> Vec<Article> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus.jsonl");
    let batch = read_inputs(&[path], &Reading::default());
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    assert_eq!(batch.articles.len(), 5);
    batch.articles
}

/// `(a, b)` in order, with the kind, of relations in the schema format.
fn pairs<'a>(relations: impl IntoIterator<Item = &'a Value>) -> BTreeMap<(String, String), String> {
    relations
        .into_iter()
        .map(|r| {
            let (a, b) = (r["a"].as_str().expect("a"), r["b"].as_str().expect("b"));
            let key = if a <= b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) };
            (key, r["kind"].as_str().expect("kind").to_string())
        })
        .collect()
}

fn kind(found: &BTreeMap<(String, String), String>, x: &str, y: &str) -> Option<String> {
    let key = if x <= y { (x.to_string(), y.to_string()) } else { (y.to_string(), x.to_string()) };
    found.get(&key).cloned()
}

/// End to end through the CLI: `stemma serve` on port 0, the examples added
/// one per request, the relations `stemma analyze` finds, reads of an
/// article and its story, a clean stop on SIGTERM, and a restart on the
/// same index that still holds them.
#[test]
fn the_binary_serves_the_examples_one_article_per_request() {
    let dir = TempDir::new("binary");
    let index = dir.0.to_str().expect("utf-8 path");
    let server = Binary::spawn(&["serve", "--index", index, "--addr", "127.0.0.1:0"]);
    let client = Client::new(server.addr);
    assert_eq!(client.documents(), 0);

    let articles = examples();
    let mut found = Vec::new();
    let mut stories = BTreeMap::new();
    for article in &articles {
        let body = serde_json::to_vec(article).expect("json");
        let reply = client.post("/v1/articles", &body, None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(reply.content_type.starts_with("application/json"), "{}", reply.content_type);
        let json = reply.json();
        let outcomes = json["articles"].as_array().expect("articles");
        assert_eq!(outcomes.len(), 1, "{json}");
        let outcome = &outcomes[0];
        assert_eq!(outcome["id"], article.id.as_str());
        assert_eq!(outcome["status"], "added", "{outcome}");
        assert!(outcome["doc"].is_u64(), "{outcome}");
        stories.insert(article.id.clone(), outcome["story"].as_u64().expect("story"));
        for relation in outcome["relations"].as_array().expect("relations") {
            // Each relation names the newcomer on one side.
            assert!(relation["a"] == article.id.as_str() || relation["b"] == article.id.as_str(), "{relation}");
            found.push(relation.clone());
        }
    }
    assert_eq!(client.documents(), 5);
    let online = pairs(&found);
    assert_eq!(kind(&online, "01_wire_original", "02_wire_version").as_deref(), Some("version"), "{online:?}");
    assert_eq!(kind(&online, "01_wire_original", "03_paraphrased_rewrite").as_deref(), Some("rewrite"), "{online:?}");
    // The same pairs and kinds as `stemma analyze examples/corpus.jsonl`.
    let analysis = common::run(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus.jsonl")]);
    let batch: BTreeMap<(String, String), String> = analysis
        .relations
        .iter()
        .map(|r| {
            let (a, b) = (&analysis.documents[r.a].id, &analysis.documents[r.b].id);
            let key = if a <= b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
            (key, r.kind.as_str().to_string())
        })
        .collect();
    assert_eq!(online, batch);
    // The copies joined the story of their source.
    assert_eq!(stories["02_wire_version"], stories["01_wire_original"], "{stories:?}");
    assert_eq!(stories["03_paraphrased_rewrite"], stories["01_wire_original"], "{stories:?}");

    // An article as held, with all its relations (those found later too).
    let held = client.get("/v1/articles/01_wire_original");
    assert_eq!(held.status, 200, "{}", held.body);
    let held = held.json();
    assert_eq!(held["article"]["id"], "01_wire_original");
    assert_eq!(held["article"]["text"], articles[0].text.as_str());
    assert_eq!(held["story"].as_u64(), Some(stories["01_wire_original"]));
    let mine = pairs(held["relations"].as_array().expect("relations"));
    assert_eq!(kind(&mine, "01_wire_original", "02_wire_version").as_deref(), Some("version"), "{mine:?}");
    assert_eq!(kind(&mine, "01_wire_original", "03_paraphrased_rewrite").as_deref(), Some("rewrite"), "{mine:?}");

    // Its story, analysed as a batch of its articles.
    let story = stories["01_wire_original"];
    let reply = client.get(&format!("/v1/stories/{story}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let json = reply.json();
    assert_eq!(json["story"]["id"].as_u64(), Some(story));
    let members = stories.values().filter(|&&s| s == story).count() as u64;
    assert!(members >= 3, "{stories:?}");
    assert_eq!(json["story"]["size"].as_u64(), Some(members), "{}", json["story"]);
    let report = pairs(json["report"]["relations"].as_array().expect("report relations"));
    assert_eq!(kind(&report, "01_wire_original", "02_wire_version").as_deref(), Some("version"), "{report:?}");

    // The list of stories holds it.
    let list = client.get("/v1/stories?since=0&min_size=2");
    assert_eq!(list.status, 200, "{}", list.body);
    let list = list.json();
    assert!(list["stories"].as_array().expect("stories").iter().any(|s| s["id"].as_u64() == Some(story)), "{list}");

    // Re-sending an article already held stores nothing.
    let again = client.post("/v1/articles", &serde_json::to_vec(&articles[1]).expect("json"), None);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["articles"][0]["status"], "held", "{}", again.body);
    assert_eq!(client.documents(), 5);

    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("stemma: stopped"), "{stderr}");

    // What was acknowledged is there after a restart.
    let server = Binary::spawn(&["serve", "--index", index, "--addr", "127.0.0.1:0"]);
    let client = Client::new(server.addr);
    assert_eq!(client.documents(), 5);
    assert_eq!(client.get("/v1/articles/03_paraphrased_rewrite").status, 200);
}

/// `stemma serve` refuses an address off the loopback without a token,
/// says why, exits with status 2 and creates no index.
#[test]
fn the_binary_refuses_to_listen_everywhere_without_a_token() {
    let dir = TempDir::new("exposed");
    let index = dir.0.to_str().expect("utf-8 path");
    let output = Command::new(env!("CARGO_BIN_EXE_stemma"))
        .args(["serve", "--index", index, "--addr", "0.0.0.0:0"])
        .env_remove("STEMMA_TOKEN")
        .output()
        .expect("run stemma");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("refusing to listen on 0.0.0.0:0 without a token"), "{stderr}");
    assert!(stderr.contains("--token"), "{stderr}");
    assert!(!dir.0.exists(), "the index was created");
    // An empty token is no token.
    let output = Command::new(env!("CARGO_BIN_EXE_stemma"))
        .args(["serve", "--index", index, "--addr", "0.0.0.0:0"])
        .env("STEMMA_TOKEN", "")
        .output()
        .expect("run stemma");
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}

/// A query compares without storing; reads of articles and stories answer
/// 404 for what is not there and 400 for what cannot be an id.
#[test]
fn queries_store_nothing_and_reads_answer_404_for_the_unknown() {
    let server = Server::start("reads", Settings::default());
    let client = &server.client;
    let articles = examples();
    let lines: Vec<String> = articles[..2].iter().map(|a| serde_json::to_string(a).expect("json")).collect();
    let added = client.post("/v1/articles", lines.join("\n").as_bytes(), None);
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(client.documents(), 2);

    // The rewrite, queried without an id: compared, not stored.
    let query = json!({ "title": articles[2].title, "text": articles[2].text });
    let reply = client.post("/v1/query", query.to_string().as_bytes(), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let outcome = &reply.json()["articles"][0];
    assert_eq!(outcome["status"], "queried", "{outcome}");
    assert!(outcome["doc"].is_null(), "{outcome}");
    let found = pairs(outcome["relations"].as_array().expect("relations"));
    // Named `request:N` (the record's number), as `stemma analyze` finds it.
    assert_eq!(kind(&found, "01_wire_original", "request:1").as_deref(), Some("rewrite"), "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    let story = outcome["story"].as_u64().expect("a story it would join");
    assert_eq!(client.documents(), 2, "a query stored its article");
    assert_eq!(server.index.check().expect("check"), 2);
    // An array of two, one with an id held: both queried, nothing stored.
    let both = json!([{ "id": "01_wire_original", "text": articles[0].text }, { "text": articles[3].text }]);
    let reply = client.post("/v1/query", both.to_string().as_bytes(), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let outcomes = reply.json()["articles"].as_array().expect("articles").clone();
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.iter().all(|o| o["status"] == "queried"), "{outcomes:?}");
    assert!(outcomes[0]["message"].as_str().unwrap_or_default().contains("held under this id"), "{outcomes:?}");
    assert_eq!(client.documents(), 2);

    // Reads.
    let held = client.get("/v1/articles/02_wire_version");
    assert_eq!(held.status, 200, "{}", held.body);
    assert_eq!(held.json()["story"].as_u64(), Some(story));
    let unknown = client.get("/v1/articles/no-such-article");
    assert_eq!(unknown.status, 404);
    assert!(unknown.error().contains("no-such-article"), "{}", unknown.body);
    let reply = client.get(&format!("/v1/stories/{story}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["story"]["size"], 2);
    let unknown = client.get("/v1/stories/987654");
    assert_eq!(unknown.status, 404);
    assert!(unknown.error().contains("987654"), "{}", unknown.body);
    for bad in ["/v1/stories/abc", "/v1/stories/-1", "/v1/stories/99999999999"] {
        let reply = client.get(bad);
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
        assert!(!reply.error().is_empty());
    }
    let unknown = client.get("/v1/no-such-endpoint");
    assert_eq!(unknown.status, 404);
    assert!(unknown.error().contains("no such endpoint"), "{}", unknown.body);
    // An id that looks like the one given to a record without one is still
    // its own.
    let named = json!({ "id": "request:1", "text": articles[3].text });
    let reply = client.post("/v1/articles", named.to_string().as_bytes(), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(client.get("/v1/articles/request:1").status, 200);
    // An id with a slash and spaces, stored and read back by its path.
    let odd = json!({ "id": "wire/2026 01", "text": articles[4].text });
    assert_eq!(client.post("/v1/articles", odd.to_string().as_bytes(), None).status, 200);
    let held = client.get("/v1/articles/wire/2026%2001");
    assert_eq!(held.status, 200, "{}", held.body);
    assert_eq!(held.json()["article"]["id"], "wire/2026 01");
}

/// Malformed requests are 400s naming the problem, and the body limit a 413.
#[test]
fn bad_requests_are_named() {
    let settings = Settings { max_body_bytes: 4096, ..Settings::default() };
    let server = Server::start("bad", settings);
    let client = &server.client;

    let reply = client.get("/v1/stories?since=yesterday");
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.error().contains("since=\"yesterday\""), "{}", reply.body);
    for good in ["/v1/stories?since=2026-01-01", "/v1/stories?since=2026-01-01T00:00:00Z", "/v1/stories?since=86400"] {
        let reply = client.get(good);
        assert_eq!(reply.status, 200, "{good}: {}", reply.body);
        assert_eq!(reply.json()["stories"], json!([]));
    }
    let reply = client.get("/v1/stories?min_size=many");
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.error().contains("min_size"), "{}", reply.body);

    // The second line of JSON Lines is broken at its 27th column.
    let body = b"{\"id\":\"a\",\"text\":\"Fine.\"}\n{\"id\":\"b\",\"text\":\"Broken\" \"x\"}\n";
    for path in ["/v1/articles", "/v1/query"] {
        let reply = client.post(path, body, None);
        assert_eq!(reply.status, 400, "{}", reply.body);
        let message = reply.error();
        assert!(message.contains("record 2") && message.contains("column 27"), "{message}");
        assert!(message.contains("malformed JSON"), "{message}");
    }
    assert_eq!(client.documents(), 0, "a request with a bad record stored some");

    let reply = client.post("/v1/articles", br#"{"id": "a", "body": "The text."}"#, None);
    assert_eq!(reply.status, 400, "{}", reply.body);
    let message = reply.error();
    assert!(message.contains("record 1") && message.contains("`text`"), "{message}");
    let reply = client.post("/v1/articles", br#"{"text": "No id."}"#, None);
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.error().contains("`id`"), "{}", reply.body);
    let reply = client.post("/v1/articles", br#"{"id": "a", "text": 42}"#, None);
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.error().contains("`text`"), "{}", reply.body);
    let reply = client.post("/v1/articles", b"", None);
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.error().contains("empty body"), "{}", reply.body);
    let reply = client.post("/v1/articles", b"\xff\xfe{}", None);
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.error().contains("UTF-8"), "{}", reply.body);

    // Over the limit: 413, and nothing stored.
    let text = "word ".repeat(1000);
    let big = json!({ "id": "big", "text": text }).to_string();
    assert!(big.len() > 4096);
    let reply = client.post("/v1/articles", big.as_bytes(), None);
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(!reply.error().is_empty());
    assert_eq!(client.documents(), 0);
    // Under it: fine.
    let small = json!({ "id": "small", "text": "The council approved the budget on Monday." }).to_string();
    assert_eq!(client.post("/v1/articles", small.as_bytes(), None).status, 200);
    assert_eq!(client.documents(), 1);

    // A write with GET is not allowed.
    let reply = client.get("/v1/articles");
    assert_eq!(reply.status, 405, "{}", reply.body);
}

/// With a token, a write needs it; reads and queries do not.
#[test]
fn writes_need_the_token_when_one_is_set() {
    let settings = Settings { token: Some("s3cret-token".into()), ..Settings::default() };
    let server = Server::start("token", settings);
    let client = &server.client;
    let article = serde_json::to_vec(&examples()[0]).expect("json");

    for token in [None, Some("wrong"), Some("s3cret-toke"), Some("s3cret-token2")] {
        let reply = client.post("/v1/articles", &article, token);
        assert_eq!(reply.status, 401, "{token:?}: {}", reply.body);
        assert!(reply.error().contains("token"), "{}", reply.body);
    }
    // Another scheme is no token.
    let reply = Client::reply(
        client
            .agent
            .post(format!("{}/v1/articles", client.base))
            .header("authorization", "Basic s3cret-token")
            .send(&article[..]),
        "basic",
    );
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(client.documents(), 0);

    let reply = client.post("/v1/articles", &article, Some("s3cret-token"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["articles"][0]["status"], "added");
    assert_eq!(client.documents(), 1);
    // Reads without it.
    assert_eq!(client.get("/v1/articles/01_wire_original").status, 200);
    assert_eq!(client.get("/v1/stories").status, 200);
    assert_eq!(client.get("/").status, 200);
    let reply = client.post("/v1/query", &serde_json::to_vec(&examples()[1]).expect("json"), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(client.documents(), 1);
}

/// A generated article: story `i / 5`, copy `i % 5` (copies 1.. drop one
/// sentence of the first).
fn generated(i: usize) -> Value {
    const WORDS: &[&str] = &[
        "council",
        "harbour",
        "bridge",
        "budget",
        "minister",
        "river",
        "storm",
        "court",
        "union",
        "strike",
        "school",
        "hospital",
        "railway",
        "airport",
        "election",
        "protest",
        "police",
        "mayor",
        "farmers",
        "drought",
        "festival",
        "museum",
        "factory",
        "workers",
        "tariff",
        "senate",
        "village",
        "flood",
        "rescue",
        "ferry",
        "tunnel",
        "market",
        "pension",
        "reform",
        "judge",
        "verdict",
        "contract",
        "tender",
        "harvest",
        "wildfire",
        "volcano",
        "glacier",
        "satellite",
        "launch",
        "vaccine",
        "clinic",
        "library",
        "stadium",
        "orchestra",
        "summit",
        "treaty",
        "border",
        "customs",
        "refinery",
        "pipeline",
        "turbine",
        "reservoir",
        "canal",
        "lighthouse",
        "quarry",
        "mine",
        "smelter",
    ];
    let (story, copy) = (i / 5, i % 5);
    let mut seed = (story as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut word = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        WORDS[(seed % WORDS.len() as u64) as usize]
    };
    let sentences: Vec<String> = (0..6)
        .map(|s| {
            format!(
                "The {} and the {} met the {} of Town{story} on day {s} while the {} waited near the {} and the {}.",
                word(),
                word(),
                word(),
                word(),
                word(),
                word()
            )
        })
        .collect();
    let text: Vec<&str> =
        sentences.iter().enumerate().filter(|(s, _)| copy == 0 || *s != copy - 1).map(|(_, s)| s.as_str()).collect();
    json!({ "id": format!("gen-{i:03}"), "title": format!("Town{story} report"), "text": text.join(" ") })
}

/// Queries keep answering, every one 200, while another client adds 200
/// articles in ten requests.
#[test]
fn queries_answer_while_articles_are_added() {
    let server = Server::start("concurrent", Settings::default());
    let addr = server.addr;
    let adding = Arc::new(AtomicBool::new(true));
    let started = Arc::new(AtomicBool::new(false));
    let reader = {
        let (adding, started) = (adding.clone(), started.clone());
        std::thread::spawn(move || {
            let client = Client::new(addr);
            let probe = generated(7).to_string();
            let (mut answered, mut during, mut slowest) = (0usize, 0usize, Duration::ZERO);
            loop {
                let was_adding = started.load(Ordering::SeqCst) && adding.load(Ordering::SeqCst);
                let t = Instant::now();
                for reply in [
                    client.post("/v1/query", probe.as_bytes(), None),
                    client.get("/v1/stories?min_size=1"),
                    client.get("/healthz"),
                    client.get("/v1/articles/gen-000"),
                ] {
                    assert!(reply.status == 200 || reply.status == 404, "{}: {}", reply.status, reply.body);
                    // Only the article may be missing, before it is added.
                    if reply.status == 404 {
                        assert!(reply.body.contains("gen-000"), "{}", reply.body);
                    }
                    answered += 1;
                }
                slowest = slowest.max(t.elapsed());
                if was_adding && adding.load(Ordering::SeqCst) {
                    during += 1;
                }
                if !adding.load(Ordering::SeqCst) {
                    break (answered, during, slowest);
                }
            }
        })
    };
    let client = Client::new(addr);
    let t = Instant::now();
    started.store(true, Ordering::SeqCst);
    for request in 0..10 {
        let lines: Vec<String> = (request * 20..request * 20 + 20).map(|i| generated(i).to_string()).collect();
        let reply = client.post("/v1/articles", lines.join("\n").as_bytes(), None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let json = reply.json();
        let outcomes = json["articles"].as_array().expect("articles");
        assert_eq!(outcomes.len(), 20);
        assert!(outcomes.iter().all(|o| o["status"] == "added"), "{json}");
    }
    let adding_took = t.elapsed();
    adding.store(false, Ordering::SeqCst);
    let (answered, during, slowest) = reader.join().expect("the reading thread failed");
    eprintln!(
        "added 200 articles in {adding_took:.2?}; {answered} reads answered, {during} rounds of 4 wholly while adding, \
         slowest round {slowest:.2?}"
    );
    assert!(during >= 2, "only {during} rounds of reads were answered while adding");
    assert_eq!(client.documents(), 200);
    assert_eq!(server.index.check().expect("check"), 200);
    // The copies found their first.
    let held = client.get("/v1/articles/gen-010");
    assert_eq!(held.status, 200);
    let related = pairs(held.json()["relations"].as_array().expect("relations"));
    for copy in 11..15 {
        assert!(kind(&related, "gen-010", &format!("gen-{copy:03}")).is_some(), "{related:?}");
    }
}

/// Reads from `stream` until the server closes it or `limit` passes:
/// whether it closed, and when.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> (bool, Duration) {
    let start = Instant::now();
    stream.set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
    let mut buf = [0u8; 1024];
    while start.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => return (true, start.elapsed()),
            Ok(_) => {} // an answer (a 408, say) before closing
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return (true, start.elapsed()), // reset
        }
    }
    (false, start.elapsed())
}

/// A client that sends half its headers and stalls is cut off after the
/// header time-out, and so is one that connects and sends nothing.
#[test]
fn a_slow_client_is_cut_off() {
    let settings = Settings { header_timeout: Duration::from_secs(1), ..Settings::default() };
    let server = Server::start("slow", settings);

    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream.write_all(b"POST /v1/query HTTP/1.1\r\nHost: localhost\r\nContent-Type: app").expect("write");
    let (closed, after) = closed_within(&mut stream, Duration::from_secs(6));
    assert!(closed, "a client stalled in its headers was still connected after {after:.2?}");
    assert!(after >= Duration::from_millis(800), "cut off after {after:.2?}, before the time-out");
    eprintln!("stalled headers: cut off after {after:.2?}");

    let mut silent = TcpStream::connect(server.addr).expect("connect");
    let (closed, after) = closed_within(&mut silent, Duration::from_secs(6));
    assert!(closed, "a client that sent nothing was still connected after {after:.2?}");
    eprintln!("silent client: cut off after {after:.2?}");

    // The server still answers others.
    assert_eq!(server.client.documents(), 0);
}

/// The HTML views: the front page and a story drawn as the HTML report.
#[test]
fn the_html_views_answer() {
    let server = Server::start("html", Settings::default());
    let client = &server.client;
    let empty = client.get("/");
    assert_eq!(empty.status, 200);
    assert!(empty.content_type.starts_with("text/html"), "{}", empty.content_type);
    assert!(empty.body.contains("0 articles"), "{}", empty.body);

    let lines: Vec<String> = examples().iter().map(|a| serde_json::to_string(a).expect("json")).collect();
    let added = client.post("/v1/articles", lines.join("\n").as_bytes(), None);
    assert_eq!(added.status, 200, "{}", added.body);
    let json = added.json();
    let story = json["articles"][1]["story"].as_u64().expect("story");

    let front = client.get("/");
    assert_eq!(front.status, 200);
    assert!(front.content_type.starts_with("text/html"), "{}", front.content_type);
    assert!(front.body.contains("5 articles"), "{}", front.body);
    assert!(front.body.contains(&format!("href=\"/?story={story}\"")), "{}", front.body);

    let page = client.get(&format!("/?story={story}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.content_type.starts_with("text/html"), "{}", page.content_type);
    assert!(page.body.starts_with("<!doctype html") || page.body.starts_with("<!DOCTYPE html"), "{}", &page.body[..80]);
    assert!(page.body.contains("02_wire_version"), "the story page does not name its articles");

    let missing = client.get("/?story=424242");
    assert_eq!(missing.status, 404, "{}", missing.body);
    let bad = client.get("/?story=x");
    assert_eq!(bad.status, 400, "{}", bad.body);
}
