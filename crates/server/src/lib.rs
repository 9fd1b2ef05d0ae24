//! Stemma over HTTP: a persistent index ([`stemma_index::Index`]) served on
//! a port, so that a newsroom's or a wire service's systems can ask, as each
//! article arrives, what it is a copy of and what it changed. The API is
//! documented in `docs/api.md`; every handler is in this file.
//!
//! Safe by default: it listens on the loopback interface unless a token is
//! set, and then every write must carry it; bodies are limited in size,
//! requests and slow clients in time; malformed input is a 400 naming the
//! problem, an unknown id a 404, and no request names a file.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use stemma::ingest::{Article, JsonFields};
use stemma_index::{Index, IndexError};
use tower::ServiceExt;

/// How the server runs: where it listens and what it accepts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on (default 127.0.0.1:7878).
    pub addr: SocketAddr,
    /// Secret every write must carry (`Authorization: Bearer …`); required
    /// to listen on any address but the loopback.
    pub token: Option<String>,
    /// Largest request body in bytes; a larger one is answered 413.
    pub max_body_bytes: usize,
    /// Longest a request may take, body included; then 408.
    pub request_timeout: Duration,
    /// Longest a client may take to send its request's headers.
    pub header_timeout: Duration,
    /// Which JSON fields hold which article attribute.
    pub fields: JsonFields,
    /// Most articles a story view analyses (the latest are left out).
    pub max_story_articles: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: SocketAddr::from(([127, 0, 0, 1], 7878)),
            token: None,
            max_body_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            fields: JsonFields::default(),
            max_story_articles: 200,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A non-loopback address without a token.
    #[error(
        "refusing to listen on {0} without a token: anyone who can reach it could write to the index. \
         Set --token (or STEMMA_TOKEN), or listen on 127.0.0.1"
    )]
    Exposed(SocketAddr),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Refuses settings that would expose the index.
pub fn check(settings: &Settings) -> Result<(), ServerError> {
    if !settings.addr.ip().is_loopback() && settings.token.as_deref().is_none_or(str::is_empty) {
        return Err(ServerError::Exposed(settings.addr));
    }
    Ok(())
}

/// What every handler shares.
struct Shared {
    index: Arc<Index>,
    settings: Settings,
}

type AppState = State<Arc<Shared>>;

/// The application: every route, with the body limit, the time-out and a
/// guard that turns a panic into a 500.
pub fn router(index: Arc<Index>, settings: Settings) -> Router {
    let limit = settings.max_body_bytes;
    let timeout = settings.request_timeout;
    let shared = Arc::new(Shared { index, settings });
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(health))
        .route("/v1/articles", post(add))
        .route("/v1/query", post(query))
        .route("/v1/articles/{*id}", get(article))
        .route("/v1/stories", get(stories))
        .route("/v1/stories/{id}", get(story))
        .fallback(not_found)
        .with_state(shared)
        .layer(DefaultBodyLimit::max(limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(axum::middleware::map_response(move |response| json_error(response, limit)))
}

/// Gives the errors that axum and the layers answer themselves (a path or
/// query that does not parse, a body over the limit, a method not allowed,
/// a time-out, a panic) the JSON body every other error has.
async fn json_error(response: Response, limit: usize) -> Response {
    let status = response.status();
    let json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!("the body is larger than this server's limit of {limit} bytes")
    } else {
        let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&text).trim().to_string();
        if text.is_empty() {
            status.canonical_reason().unwrap_or("error").to_lowercase()
        } else {
            text
        }
    };
    let mut answer = error(status, message);
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

/// Binds `settings.addr` and serves until `shutdown` completes. Each
/// connection must send its headers within `header_timeout`.
pub async fn serve(
    index: Arc<Index>,
    settings: Settings,
    shutdown: impl std::future::Future<Output = ()>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    check(&settings)?;
    let addr = settings.addr;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| ServerError::Bind { addr, source })?;
    let bound = listener.local_addr().map_err(|source| ServerError::Bind { addr, source })?;
    ready(bound);
    let header_timeout = settings.header_timeout;
    let app = router(index, settings);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, say: wait, do not die.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => return Ok(()),
        };
        let service = hyper_util::service::TowerToHyperService::new(
            app.clone().map_request(|req: Request<hyper::body::Incoming>| req.map(Body::new)),
        );
        tokio::spawn(async move {
            // The header time-out starts once the protocol is known, that
            // is, at the first byte: a client that sends none is cut off
            // here.
            let mut first = [0u8; 1];
            match tokio::time::timeout(header_timeout, stream.peek(&mut first)).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => return,
            }
            let mut builder = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            builder.http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(header_timeout);
            // A client that goes away mid-request is its own business.
            let _ = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
        });
    }
}

/// A JSON error body with a status.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": message.into() }))).into_response()
}

fn internal(err: IndexError) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
}

/// Runs index work on a worker thread (it blocks on storage and on the
/// analysis); an index error, or a worker that died, is the 500 every
/// handler answers with.
async fn on_index<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, IndexError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(internal(err)),
        Err(_) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed inside the server")),
    }
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such endpoint; see docs/api.md")
}

async fn health(State(shared): AppState) -> Response {
    let index = shared.index.clone();
    match on_index(move || index.info()).await {
        Ok(info) => Json(serde_json::json!({ "status": "ok", "documents": info.documents })).into_response(),
        Err(response) => response,
    }
}

/// Whether the request may write: no token set, or the right one given.
fn authorized(headers: &HeaderMap, token: Option<&str>) -> bool {
    let Some(token) = token.filter(|t| !t.is_empty()) else { return true };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared in time independent of where they first differ.
    given.len() == token.len() && given.bytes().zip(token.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Most articles one request may carry.
pub const MAX_ARTICLES_PER_REQUEST: usize = 10_000;

/// The articles of a request body: one JSON object (pretty-printed or
/// not), an array of them, or JSON Lines. An article to be stored needs
/// its own id (`require_id`); a query's may go without. The message names
/// the record and what is wrong with it.
pub fn parse_articles(body: &[u8], fields: &JsonFields, require_id: bool) -> Result<Vec<Article>, String> {
    let text = std::str::from_utf8(body)
        .map_err(|e| format!("the body is not UTF-8 (invalid byte at offset {})", e.valid_up_to()))?;
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err("empty body: send one article as a JSON object, or several as JSON Lines".into());
    }
    let records: Vec<(usize, String)> = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => {
            items.into_iter().enumerate().map(|(i, v)| (i + 1, v.to_string())).collect()
        }
        Ok(value) => vec![(1, value.to_string())],
        Err(_) => text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| (i + 1, line.to_string()))
            .collect(),
    };
    if records.len() > MAX_ARTICLES_PER_REQUEST {
        return Err(format!("{} articles in one request; send at most {MAX_ARTICLES_PER_REQUEST}", records.len()));
    }
    let mut articles = Vec::with_capacity(records.len());
    for (n, record) in records {
        let article = stemma::ingest::parse_record(&record, fields, "request", "request", n).map_err(|message| {
            // The reader's hint names the command line's flag, which a
            // client of this server cannot give.
            let message = message.replace(
                "name the field holding the body with --text-field",
                &format!("this server reads the body from `{}`", fields.text),
            );
            format!("record {n}: {message}")
        })?;
        if require_id && article.id == format!("request:{n}") && !has_field(&record, &fields.id) {
            return Err(format!(
                "record {n} has no `{}` field: an article stored in the index needs its own id",
                fields.id
            ));
        }
        if article.id.trim().is_empty() {
            return Err(format!("record {n}: the `{}` field is blank", fields.id));
        }
        articles.push(article);
    }
    Ok(articles)
}

/// Whether a JSON object has `name`, and not as null.
fn has_field(record: &str, name: &str) -> bool {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(record)
        .is_ok_and(|object| object.get(name).is_some_and(|v| !v.is_null()))
}

async fn add(State(shared): AppState, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&headers, shared.settings.token.as_deref()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "this server takes writes only with its token: Authorization: Bearer …",
        );
    }
    answer(shared, &body, true).await
}

async fn query(State(shared): AppState, body: Bytes) -> Response {
    answer(shared, &body, false).await
}

/// Adds or queries the articles of a body, in a worker thread.
async fn answer(shared: Arc<Shared>, body: &[u8], store: bool) -> Response {
    let articles = match parse_articles(body, &shared.settings.fields, store) {
        Ok(articles) => articles,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let index = shared.index.clone();
    match on_index(move || if store { index.add(articles) } else { index.query(articles) }).await {
        Ok(outcomes) => Json(serde_json::json!({ "articles": outcomes })).into_response(),
        Err(response) => response,
    }
}

async fn article(State(shared): AppState, Path(id): Path<String>) -> Response {
    let index = shared.index.clone();
    let wanted = id.clone();
    match on_index(move || index.get(&wanted)).await {
        Ok(Some(held)) => Json(held).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, format!("no article {id:?} in the index")),
        Err(response) => response,
    }
}

/// `GET /v1/stories` parameters.
#[derive(Deserialize)]
struct StoriesQuery {
    /// RFC 3339 time, date, or Unix seconds: stories grown since then.
    since: Option<String>,
    /// Smallest story listed (default 2).
    min_size: Option<u32>,
    /// Most stories listed (default 100).
    limit: Option<usize>,
}

/// Parses `since`: Unix seconds, a date or an RFC 3339 time.
fn since(value: Option<&str>) -> Result<u64, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(0) };
    if let Ok(seconds) = value.parse::<u64>() {
        return Ok(seconds);
    }
    stemma::ingest::parse_published(value)
        .map(|t| t.max(0) as u64)
        .ok_or_else(|| format!("since={value:?} is neither Unix seconds, a date (2026-12-01) nor an RFC 3339 time"))
}

async fn stories(State(shared): AppState, Query(q): Query<StoriesQuery>) -> Response {
    let since = match since(q.since.as_deref()) {
        Ok(since) => since,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let (min_size, limit) = (q.min_size.unwrap_or(2), q.limit.unwrap_or(100).min(10_000));
    let index = shared.index.clone();
    match on_index(move || index.stories_since(since, min_size, limit)).await {
        Ok(list) => Json(serde_json::json!({ "stories": list })).into_response(),
        Err(response) => response,
    }
}

/// A story analysed as a batch of its articles: relations, families and
/// the collation of its independent accounts, as `stemma analyze` reports
/// them.
fn story_analysis(
    shared: &Shared,
    id: u32,
) -> Result<Option<(stemma_index::StorySummary, stemma::Analysis)>, IndexError> {
    let Some((summary, articles)) = shared.index.story(id, shared.settings.max_story_articles)? else {
        return Ok(None);
    };
    let analysis = stemma::analyze(&articles, shared.index.config(), &stemma::Quiet);
    Ok(Some((summary, analysis)))
}

async fn story(State(shared): AppState, Path(id): Path<u32>) -> Response {
    let done = on_index(move || {
        Ok(story_analysis(&shared, id)?.map(|(summary, analysis)| {
            let report = stemma::report::Report::new(&analysis, &[]);
            serde_json::json!({ "story": summary, "report": report })
        }))
    });
    match done.await {
        Ok(Some(json)) => Json(json).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, format!("no story {id} in the index")),
        Err(response) => response,
    }
}

/// `GET /` parameters.
#[derive(Deserialize)]
struct HomeQuery {
    /// A story to show as the HTML report shows a batch.
    story: Option<u32>,
}

/// The HTML views: the stories most recently grown, and a story as the
/// HTML report draws it.
async fn home(State(shared): AppState, Query(q): Query<HomeQuery>) -> Response {
    let done = on_index(move || -> Result<Option<String>, IndexError> {
        match q.story {
            Some(id) => {
                let Some((_, analysis)) = story_analysis(&shared, id)? else { return Ok(None) };
                let mut page = Vec::new();
                stemma::report::html::write_html(&mut page, &analysis, &[], 32 * 1024 * 1024)
                    .map_err(|e| IndexError::Damaged { what: "page".into(), message: e.to_string() })?;
                Ok(Some(String::from_utf8_lossy(&page).into_owned()))
            }
            None => {
                let info = shared.index.info()?;
                let list = shared.index.stories_since(0, 2, 200)?;
                Ok(Some(home_page(&info, &list)))
            }
        }
    });
    match done.await {
        Ok(Some(page)) => Html(page).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such story in the index"),
        Err(response) => response,
    }
}

/// The index's front page: counts and the stories most recently grown.
fn home_page(info: &stemma_index::Info, list: &[stemma_index::StorySummary]) -> String {
    let mut rows = String::new();
    for s in list {
        rows.push_str(&format!(
            "<tr><td><a href=\"/?story={id}\">story {id}</a></td><td>{size}</td><td>{last}</td></tr>\n",
            id = s.id,
            size = s.size,
            last = s.last_added
        ));
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Stemma index</title>\
         <style>body{{font:15px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}}\
         td,th{{padding:.2rem .8rem;text-align:left}}</style></head><body>\
         <h1>Stemma index</h1><p>{docs} articles, {rels} derived pairs, {stories} stories.</p>\
         <h2>Stories most recently grown</h2><table><tr><th>story</th><th>articles</th><th>last added (Unix s)</th></tr>\n{rows}</table>\
         <p>The API: <code>POST /v1/articles</code>, <code>POST /v1/query</code>, <code>GET /v1/stories</code> (docs/api.md).</p>\
         </body></html>",
        docs = info.documents,
        rels = info.relations,
        stories = info.stories,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_needed_off_the_loopback() {
        let open = Settings { addr: SocketAddr::from(([0, 0, 0, 0], 7878)), ..Settings::default() };
        assert!(matches!(check(&open), Err(ServerError::Exposed(_))));
        let with_token = Settings { token: Some("s3cret".into()), ..open };
        assert!(check(&with_token).is_ok());
        assert!(check(&Settings::default()).is_ok());
    }

    #[test]
    fn writes_carry_the_token() {
        let mut headers = HeaderMap::new();
        assert!(authorized(&headers, None));
        assert!(!authorized(&headers, Some("s3cret")));
        headers.insert(header::AUTHORIZATION, "Bearer s3cre".parse().unwrap());
        assert!(!authorized(&headers, Some("s3cret")));
        headers.insert(header::AUTHORIZATION, "Bearer s3cret".parse().unwrap());
        assert!(authorized(&headers, Some("s3cret")));
    }

    #[test]
    fn bodies_are_one_object_an_array_or_json_lines() {
        let fields = JsonFields::default();
        let one = parse_articles(b"{\n  \"id\": \"a\",\n  \"text\": \"Body.\"\n}", &fields, true).unwrap();
        assert_eq!(one.len(), 1);
        let lines =
            parse_articles(b"{\"id\":\"a\",\"text\":\"x\"}\n\n{\"id\":\"b\",\"text\":\"y\"}\n", &fields, true).unwrap();
        assert_eq!(lines.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        let array =
            parse_articles(b"[{\"id\":\"a\",\"text\":\"x\"},{\"id\":2,\"text\":\"y\"}]", &fields, true).unwrap();
        assert_eq!(array[1].id, "2");
        let missing = parse_articles(b"{\"id\":\"a\",\"body\":\"x\"}", &fields, true).unwrap_err();
        assert!(missing.contains("record 1") && missing.contains("`text`"), "{missing}");
        assert!(!missing.contains("--text-field") && missing.contains("reads the body from `text`"), "{missing}");
        let named = parse_articles(b"{\"id\":\"request:1\",\"text\":\"x\"}", &fields, true).unwrap();
        assert_eq!(named[0].id, "request:1");
        let no_id = parse_articles(b"{\"text\":\"x\"}", &fields, true).unwrap_err();
        assert!(no_id.contains("needs its own id"), "{no_id}");
        assert!(parse_articles(b"{\"text\":\"x\"}", &fields, false).is_ok());
        assert!(parse_articles(b"\xff\xfe", &fields, true).unwrap_err().contains("UTF-8"));
        assert!(parse_articles(b"  ", &fields, true).unwrap_err().contains("empty"));
    }

    #[test]
    fn since_takes_seconds_dates_and_times() {
        assert_eq!(since(None), Ok(0));
        assert_eq!(since(Some("86400")), Ok(86400));
        assert_eq!(since(Some("1970-01-02")), Ok(86400));
        assert_eq!(since(Some("1970-01-02T00:00:10Z")), Ok(86410));
        assert!(since(Some("yesterday")).is_err());
    }
}
