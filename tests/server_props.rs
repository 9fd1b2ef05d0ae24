//! Whatever it is sent, the router answers with one of the statuses the API
//! documents (200, 400, 401, 404, 405, 413), never a 500 nor a panic, and
//! every error as a JSON `{"error": …}`: arbitrary bodies (bytes, JSON
//! values, JSON Lines mixing good and bad records) on arbitrary paths,
//! with and without the token, in process over a real index.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request};
use http_body_util::BodyExt;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};
use stemma::ingest::{read_inputs, Reading};
use stemma_index::Index;
use stemma_server::Settings;
use tower::ServiceExt;

const TOKEN: &str = "t0ken";
const LIMIT: usize = 2048;

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["id", "text", "title", "outlet", "published", "url"]).prop_map(String::from),
        1 => "[a-z]{1,6}",
        1 => ".{0,8}",
    ]
}

/// Text that looks like news, or any text at all.
fn text() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "The",
        "council",
        "approved",
        "a",
        "budget",
        "of",
        "$4.5",
        "million",
        "on",
        "Monday",
        ".",
        "\"We",
        "will",
        "rebuild,\"",
        "said",
        "Mayor",
        "Ilse",
        "Varga",
        "—",
        "bridge",
        "collapsed",
        "37",
        "injured",
        "\n\n",
        "Reuters",
        "(AP)",
        "March",
        "14",
        "2026",
        "not",
        "could",
        "percent",
        "«",
        "»",
        "’s",
        "ﬁnal",
        "١٢",
        "東京",
    ]);
    prop_oneof![
        3 => prop::collection::vec(word, 0..80).prop_map(|w| w.join(" ")),
        1 => ".{0,200}",
        1 => Just(String::new()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((field_name(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// A record that is an article, with or without an id.
fn article() -> impl Strategy<Value = Value> {
    (
        prop::option::of(prop_oneof![
            "[a-z0-9/_ -]{0,12}".prop_map(Value::String),
            any::<u32>().prop_map(|n| json!(n)),
            prop::sample::select(vec!["ex-1", "ex-2", "01_wire_original"]).prop_map(|s| json!(s)),
        ]),
        text(),
        prop::option::of(text()),
        prop::option::of(prop::sample::select(vec![
            "2026-03-14",
            "2026-03-14T07:40:00Z",
            "2026-02-30",
            "yesterday",
            "",
            "1970-01-01T00:00:00+25:00",
        ])),
    )
        .prop_map(|(id, text, title, published)| {
            let mut record = Map::new();
            if let Some(id) = id {
                record.insert("id".into(), id);
            }
            record.insert("text".into(), Value::String(text));
            if let Some(title) = title {
                record.insert("title".into(), Value::String(title));
            }
            if let Some(published) = published {
                record.insert("published".into(), Value::String(published.into()));
            }
            Value::Object(record)
        })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        3 => article().prop_map(|a| a.to_string()),
        1 => json_value().prop_map(|v| v.to_string()),
        1 => ".{0,60}",
        1 => Just(String::new()),
    ];
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..(2 * LIMIT)),
        2 => json_value().prop_map(|v| v.to_string().into_bytes()),
        3 => article().prop_map(|a| serde_json::to_vec_pretty(&a).unwrap_or_default()),
        3 => prop::collection::vec(line, 0..8).prop_map(|lines| lines.join("\n").into_bytes()),
        1 => prop::collection::vec(article(), 0..5).prop_map(|a| Value::Array(a).to_string().into_bytes()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    let known = prop::sample::select(vec![
        "/",
        "/healthz",
        "/v1/articles",
        "/v1/articles/",
        "/v1/articles/01_wire_original",
        "/v1/query",
        "/v1/stories",
        "/v1/stories/",
        "/v1/stories/0",
        "/v1/stories/1",
        "/v1/stories?since=",
        "/v1/stories?min_size=",
        "/v1/stories?limit=",
        "/?story=",
    ]);
    prop_oneof![
        4 => prop::sample::select(vec!["/v1/articles", "/v1/query"]).prop_map(String::from),
        2 => known.clone().prop_map(String::from),
        3 => (known, "[a-zA-Z0-9/%?=&._~+:-]{0,24}").prop_map(|(k, rest)| format!("{k}{rest}")),
        1 => "/[ -~]{0,30}",
    ]
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        6 => Just(Method::POST),
        4 => Just(Method::GET),
        1 => prop::sample::select(vec![Method::PUT, Method::DELETE, Method::HEAD, Method::PATCH]),
    ]
}

#[test]
fn the_router_answers_every_request_with_a_documented_status() {
    let dir = TempDir(std::env::temp_dir().join(format!("stemma-server-props-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    let index = Arc::new(Index::create_or_open(&dir.0, None).expect("index"));
    let examples =
        read_inputs(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus.jsonl")], &Reading::default());
    index.add(examples.articles).expect("add");
    let settings = Settings { token: Some(TOKEN.into()), max_body_bytes: LIMIT, ..Settings::default() };
    let app = stemma_server::router(index.clone(), settings);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");

    let mut runner = TestRunner::new(Config { cases: 128, failure_persistence: None, ..Config::default() });
    let auth = prop_oneof![3 => Just(Some(TOKEN)), 1 => Just(None), 1 => Just(Some("wrong"))];
    let seen = std::cell::RefCell::new(std::collections::BTreeMap::new());
    runner
        .run(&(method(), path(), body(), auth), |(method, path, body, auth)| {
            let mut request = Request::builder().method(method.clone()).uri(path.as_str());
            if let Some(token) = auth {
                request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            // A path that is no URI never reaches the router.
            let Ok(request) = request.body(Body::from(body.clone())) else { return Ok(()) };
            let (status, content_type, bytes) = runtime.block_on(async {
                let response = app.clone().oneshot(request).await.expect("the router is infallible");
                let status = response.status().as_u16();
                let content_type = response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let bytes = response.into_body().collect().await.expect("body").to_bytes();
                (status, content_type, bytes)
            });
            *seen.borrow_mut().entry(status).or_insert(0) += 1;
            let what = || {
                format!("{method} {path} ({} body bytes) -> {status} {}", body.len(), String::from_utf8_lossy(&bytes))
            };
            if ![200, 400, 401, 404, 405, 413].contains(&status) {
                return Err(TestCaseError::fail(what()));
            }
            if status != 200 && method != Method::HEAD {
                let json: Value = serde_json::from_slice(&bytes)
                    .map_err(|e| TestCaseError::fail(format!("an error that is not JSON ({e}): {}", what())))?;
                prop_assert!(content_type.starts_with("application/json"), "{content_type}: {}", what());
                prop_assert!(json["error"].as_str().is_some_and(|m| !m.is_empty()), "{}", what());
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let seen = seen.into_inner();
    eprintln!("statuses: {seen:?}");
    assert!(seen.contains_key(&200) && seen.contains_key(&400), "too few kinds of answer: {seen:?}");
    // Whatever was added, the index is whole.
    assert!(index.check().expect("check") >= 5);
}
