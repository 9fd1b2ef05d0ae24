//! The `stemma` program as a user runs it: inputs, errors, exit codes,
//! formats and configuration.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn stemma(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stemma")).args(args).output().expect("run stemma")
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stemma-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn bad_inputs_are_named_and_the_rest_is_analysed() {
    let dir = scratch("bad");
    std::fs::copy(examples().join("articles/01_wire_original.txt"), dir.join("a.txt")).unwrap();
    std::fs::copy(examples().join("articles/02_wire_version.txt"), dir.join("b.txt")).unwrap();
    std::fs::write(dir.join("empty.txt"), "\n\n").unwrap();
    std::fs::write(dir.join("latin1.txt"), b"Caf\xe9 au lait\n").unwrap();
    std::fs::write(dir.join("blob.txt"), b"\x00\x01\x02").unwrap();
    std::fs::write(dir.join("notes.csv"), "a,b\n").unwrap();
    std::fs::write(dir.join("more.jsonl"), "{\"id\":\"x\",\"text\":\"Short text here.\"}\n{broken\n").unwrap();

    let out = stemma(&["analyze", "--format", "json", dir.to_str().unwrap()]);
    assert!(out.status.success(), "partial input still succeeds: {:?}", out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "empty.txt: empty document",
        "latin1.txt:1: column 4: invalid UTF-8",
        "blob.txt:1: binary",
        "notes.csv: skipped",
        "more.jsonl:2: column 2: malformed JSON",
    ] {
        assert!(stderr.contains(needle), "stderr lacks {needle:?}:\n{stderr}");
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["documents"].as_array().unwrap().len(), 3);
    assert_eq!(report["input_errors"].as_array().unwrap().len(), 5);
    assert_eq!(report["relations"][0]["kind"], "version");
}

#[test]
fn nothing_readable_exits_with_1() {
    let dir = scratch("none");
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    let out = stemma(&["analyze", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article could be read"));
}

#[test]
fn a_missing_input_fails_at_once_even_among_good_ones() {
    let good = examples().join("corpus.jsonl");
    for args in
        [vec!["analyze", "/nonexistent/file.txt"], vec!["analyze", good.to_str().unwrap(), "/nonexistent/file.txt"]]
    {
        let out = stemma(&args);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("input not found: /nonexistent/file.txt"), "{out:?}");
        assert!(out.stdout.is_empty(), "nothing is analysed when an input is mistyped");
    }
}

#[test]
fn a_bad_output_path_fails_before_reading_and_one_late_failure_spares_the_other() {
    let corpus = examples().join("corpus.jsonl");
    for flag in ["--html", "-o"] {
        let started = std::time::Instant::now();
        let out = stemma(&["analyze", corpus.to_str().unwrap(), flag, "/nonexistent/dir/x.out"]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(started.elapsed().as_secs_f64() < 1.0);
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the output file /nonexistent/dir/x.out"));
    }
    // /dev/full accepts the open and fails the write: the HTML fails late,
    // and the JSON is still written, with exit status 2.
    if Path::new("/dev/full").exists() {
        let dir = scratch("late");
        let json = dir.join("o.json");
        let out = stemma(&[
            "analyze",
            "--format",
            "json",
            corpus.to_str().unwrap(),
            "--html",
            "/dev/full",
            "-o",
            json.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("writing the report to /dev/full"), "{out:?}");
        let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        assert_eq!(report["documents"].as_array().unwrap().len(), 5);
    }
    // Devices are outputs too: a report to /dev/null is no error.
    let null = stemma(&["analyze", corpus.to_str().unwrap(), "-o", "/dev/null", "--html", "/dev/null"]);
    assert!(null.status.success(), "{null:?}");
    let same = stemma(&["analyze", corpus.to_str().unwrap(), "--html", "/tmp/x.html", "-o", "/tmp/./x.html"]);
    assert_eq!(same.status.code(), Some(2));
}

#[test]
fn what_is_given_twice_is_read_once() {
    let corpus = examples().join("corpus.jsonl");
    for args in [
        vec!["analyze", "--format", "json", corpus.to_str().unwrap(), corpus.to_str().unwrap()],
        vec!["analyze", "--format", "json", examples().to_str().unwrap()],
    ] {
        let out = stemma(&args);
        assert!(out.status.success(), "{out:?}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["documents"].as_array().unwrap().len(), 5, "{args:?}");
        assert!(report["relations"].as_array().unwrap().iter().all(|r| r["kind"] != "duplicate"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("read once"), "a notice says what was skipped: {stderr}");
    }
}

#[test]
fn dedup_threshold_reaches_the_banding() {
    let corpus = examples().join("corpus.jsonl");
    let pairs = |threshold: &str| {
        let out = stemma(&["dedup", "--format", "json", "--threshold", threshold, corpus.to_str().unwrap()]);
        assert!(out.status.success(), "{out:?}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (report["pairs"].as_array().unwrap().len(), report["banding"]["rows"].as_u64().unwrap())
    };
    let (strict, strict_rows) = pairs("0.9");
    let (loose, loose_rows) = pairs("0.3");
    assert!(loose_rows < strict_rows, "a lower threshold cuts shorter bands");
    // 01 and 02 share about 0.55 of their shingles.
    assert!(loose >= 1 && strict == 0, "{loose} pairs at 0.3, {strict} at 0.9");
    let help = String::from_utf8_lossy(&stemma(&["dedup", "--help"]).stdout).to_string();
    assert!(!help.contains("then its changes"), "dedup has no changes to list:\n{help}");
}

#[test]
fn input_problems_are_named_once_with_a_hint() {
    let dir = scratch("inputs");
    let corpus = std::fs::read_to_string(examples().join("corpus.jsonl")).unwrap();
    // A byte-order mark, a wrong field name, a number for a text.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(corpus.as_bytes());
    std::fs::write(dir.join("bom.jsonl"), bom).unwrap();
    std::fs::write(dir.join("body.jsonl"), corpus.replace("\"text\"", "\"body\"")).unwrap();
    let out = stemma(&["analyze", "--format", "json", dir.join("bom.jsonl").to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["documents"].as_array().unwrap().len(), 5, "{out:?}");

    let out = stemma(&["analyze", dir.join("body.jsonl").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("no `text` field").count(), 4, "3 in full, then one count:\n{stderr}");
    assert!(
        stderr.contains("--text-field") && stderr.contains("2 more records with the same problem (lines 4-5)"),
        "{stderr}"
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_stemma"))
        .args(["analyze", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"A plain article.\nIt has lines.\nNot JSON at all.\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("-:").count(), 1, "one message, not one per line:\n{stderr}");
    assert!(stderr.contains("save it as a .txt file"), "{stderr}");

    // Invalid bytes: skipped with line and column, or read with --lossy-utf8.
    std::fs::write(dir.join("bad.txt"), b"Headline\n\nThe caf\xe9 opened on the quay this morning to crowds.\n")
        .unwrap();
    let strict = stemma(&["analyze", dir.join("bad.txt").to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&strict.stderr).contains("bad.txt:3: column 8: invalid UTF-8"), "{strict:?}");
    let lossy = stemma(&["analyze", "--format", "json", "--lossy-utf8", dir.join("bad.txt").to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&lossy.stdout).unwrap();
    assert_eq!(report["documents"].as_array().unwrap().len(), 1, "{lossy:?}");
}

#[test]
fn json_follows_the_contract() {
    let out = stemma(&["analyze", "--format", "json", examples().join("corpus.jsonl").to_str().unwrap()]);
    assert!(out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["schema_version"], 1);
    assert!(r["config"]["relate"]["rewrite_coverage"].is_number());
    let doc = &r["documents"][0];
    for field in ["id", "title", "outlet", "published", "path", "sentences"] {
        assert!(doc.get(field).is_some(), "document lacks {field}");
    }
    let rel = r["relations"].as_array().unwrap().iter().find(|x| x["kind"] == "rewrite").unwrap();
    for field in ["a", "b", "kind", "direction", "score", "coverage_a", "coverage_b", "alignment", "changes"] {
        assert!(rel.get(field).is_some(), "relation lacks {field}");
    }
    assert_eq!(rel["direction"], "a->b");
    let link = &rel["alignment"][0];
    let a_sentence = link["a_sentence"].as_u64().unwrap() as usize;
    assert!(a_sentence < doc["sentences"].as_array().unwrap().len() || rel["a"] != doc["id"]);
    for field in ["altered_quotes", "changed_facts", "dropped_attributions", "dropped_sentences", "added_sentences"] {
        assert!(rel["changes"].get(field).is_some(), "changes lack {field}");
    }
    let q = &rel["changes"]["altered_quotes"][0];
    assert!(q["a"].is_string() && q["b"].is_string() && q.get("speaker").is_some());
}

#[test]
fn standard_input_reads_jsonl() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stemma"))
        .args(["analyze", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let corpus = std::fs::read(examples().join("corpus.jsonl")).unwrap();
    child.stdin.take().unwrap().write_all(&corpus).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("5 documents, 2 derived pairs"), "{text}");
    assert!(text.contains("rewrite   01_wire_original -> 03_paraphrased_rewrite"), "{text}");
    assert!(out.stderr.is_empty(), "no progress when stderr is not a terminal");
}

#[test]
fn configuration_overrides_apply_and_bad_keys_fail() {
    let dir = scratch("config");
    let strict = dir.join("strict.toml");
    std::fs::write(&strict, "[relate]\nrewrite_coverage = 1.0\n").unwrap();
    let out = stemma(&[
        "analyze",
        "--format",
        "json",
        "--config",
        strict.to_str().unwrap(),
        examples().join("corpus.jsonl").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["config"]["relate"]["rewrite_coverage"], 1.0);
    assert!(r["relations"].as_array().unwrap().iter().all(|x| x["kind"] != "rewrite"));

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[relate]\nrewrite_coverag = 0.4\n").unwrap();
    let out = stemma(&["analyze", "--config", bad.to_str().unwrap(), examples().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("parsing config file") && stderr.contains("bad.toml"), "{stderr}");
    assert_eq!(stderr.matches("unknown field `rewrite_coverag`").count(), 1, "the cause is said once:\n{stderr}");
    std::fs::write(&bad, "[stories]\nlink_threshold = nan\n").unwrap();
    let out = stemma(&["analyze", "--config", bad.to_str().unwrap(), examples().to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("stories.link_threshold must lie in 0..=1, got NaN"),
        "{out:?}"
    );

    let defaults = stemma(&["config"]);
    let parsed: stemma::config::Config = toml::from_str(&String::from_utf8_lossy(&defaults.stdout)).unwrap();
    assert_eq!(parsed, stemma::config::Config::default());
}

#[test]
fn dedup_clusters_near_duplicates() {
    let dir = scratch("dedup");
    let original = std::fs::read_to_string(examples().join("articles/01_wire_original.txt")).unwrap();
    std::fs::write(dir.join("a.txt"), &original).unwrap();
    std::fs::write(dir.join("b.txt"), original.replace("Friday", "Saturday")).unwrap();
    std::fs::copy(examples().join("articles/05_unrelated.txt"), dir.join("c.txt")).unwrap();
    let out = stemma(&["dedup", "--format", "json", dir.to_str().unwrap()]);
    assert!(out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["mode"], "near_duplicates");
    assert_eq!(r["summary"]["documents"], 3);
    assert_eq!(r["clusters"], serde_json::json!([{"keep": "a", "duplicates": ["b"]}]));
    assert!(r["pairs"][0]["jaccard"].as_f64().unwrap() > 0.8);
    let text = stemma(&["dedup", dir.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("keep a  drop b"));
    let bad = stemma(&["dedup", "--threshold", "2", dir.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn stories_are_in_the_json_and_html_is_written_alongside() {
    let dir = scratch("html");
    let page = dir.join("report.html");
    let out = stemma(&[
        "analyze",
        "--format",
        "json",
        "--html",
        page.to_str().unwrap(),
        examples().join("corpus.jsonl").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stories = r["stories"].as_array().unwrap();
    assert!(!stories.is_empty());
    assert_eq!(r["summary"]["stories"], stories.len());
    for field in ["id", "documents", "families", "collated", "agreements", "unique", "conflicts"] {
        assert!(stories[0].get(field).is_some(), "story lacks {field}");
    }
    // Every relation's two documents share a family, and so a story.
    for rel in r["relations"].as_array().unwrap() {
        assert!(stories.iter().any(|s| s["families"].as_array().unwrap().iter().any(|f| f["members"]
            .as_array()
            .unwrap()
            .contains(&rel["a"])
            && f["members"].as_array().unwrap().contains(&rel["b"]))));
    }
    // The fields of the contract (docs/schema.md) that say how a relation
    // was decided: its direction's evidence, and the family root (the wire
    // original, published first) with the witness that names the family.
    for rel in r["relations"].as_array().unwrap() {
        for field in ["direction_evidence", "vocabulary_a", "vocabulary_b"] {
            assert!(rel.get(field).is_some(), "relation lacks {field}");
        }
        assert!(rel["changes"]["meaning_shifts"].is_array(), "changes lack meaning_shifts");
        assert!(!rel["direction_evidence"].as_array().unwrap().is_empty(), "dated relations have a direction: {rel}");
    }
    let family =
        stories[0]["families"].as_array().unwrap().iter().find(|f| f["members"].as_array().unwrap().len() == 3);
    let family = family.expect("the wire family");
    assert_eq!(family["root"], family["witness"]);
    assert!(family["root"].as_str().unwrap().starts_with("01"));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("id=\"data\""));
    let size_kb = std::fs::metadata(&page).unwrap().len() as f64 / 1e3;
    let said = format!("({:.0} KB)", size_kb);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("HTML report written to {} {said}", page.display())),
        "{out:?}"
    );

    // The terminal numbers sentences from 1, as the page does; the JSON
    // keeps 0-based indices. The seeds have conflicts to cite.
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if seeds.is_dir() {
        let json = stemma(&["analyze", "--format", "json", seeds.to_str().unwrap()]);
        let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let text = stemma(&["analyze", seeds.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&text.stdout).to_string();
        let citation = &json["stories"][0]["conflicts"][0]["statements"][0]["citation"];
        let cited =
            format!("[{}#{}]", citation["document"].as_str().unwrap(), citation["sentence"].as_u64().unwrap() + 1);
        assert!(text.contains(&cited), "{cited} not in:\n{text}");
    } else {
        eprintln!("SKIPPED: ../shared/seeds is absent; the 1-based sentence check needs it");
    }

    // --no-stories leaves them out; a zero page budget is refused.
    let out =
        stemma(&["analyze", "--format", "json", "--no-stories", examples().join("corpus.jsonl").to_str().unwrap()]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["stories"].as_array().unwrap().is_empty());
    let out = stemma(&[
        "analyze",
        "--html",
        page.to_str().unwrap(),
        "--html-max-mb",
        "0",
        examples().join("corpus.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn timings_name_every_stage_with_its_time() {
    let corpus = examples().join("corpus.jsonl");
    let out = stemma(&["analyze", "--timings", "--format", "json", corpus.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for stage in ["read+text", "sketch", "candidates", "align", "stories", "confirm", "witnesses", "collate", "report"]
    {
        let line = stderr.lines().find(|l| l.split_whitespace().nth(1) == Some(stage));
        let line = line.unwrap_or_else(|| panic!("no timing line for {stage}:\n{stderr}"));
        let seconds =
            line.split_whitespace().nth(2).and_then(|s| s.strip_suffix('s')).and_then(|s| s.parse::<f64>().ok());
        assert!(seconds.is_some_and(|s| s >= 0.0), "unreadable time in {line:?}");
        if cfg!(target_os = "linux") {
            // "memory 0.01 GiB, peak 0.02 GiB": the peak is never below the present.
            let figures: Vec<f64> =
                line.split(|c: char| c == ',' || c.is_whitespace()).filter_map(|w| w.parse::<f64>().ok()).collect();
            assert!(
                line.contains("memory") && figures.len() == 2 && 0.0 < figures[0] && figures[0] <= figures[1],
                "no memory figures in {line:?}"
            );
        }
    }
    assert!(stderr.contains("documents in"), "closing rate line missing:\n{stderr}");
    let dedup = stemma(&["dedup", "--timings", corpus.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&dedup.stderr).contains(" verify "), "{dedup:?}");
}

#[test]
fn help_config_and_completions_serve_a_new_user() {
    for args in [vec!["--help"], vec!["analyze", "--help"], vec!["dedup", "--help"]] {
        let help = String::from_utf8_lossy(&stemma(&args).stdout).to_string();
        assert!(help.contains("Examples:") && help.contains("Exit status: 0"), "{args:?}:\n{help}");
    }
    let config = String::from_utf8_lossy(&stemma(&["config"]).stdout).to_string();
    assert!(config.contains("# Words per shingle") && config.contains("shingle_size = 5"), "{config}");
    let parsed: Result<toml::Value, _> = toml::from_str(&config);
    assert!(parsed.is_ok(), "stemma config prints valid TOML");
    for shell in ["bash", "zsh", "fish"] {
        let out = stemma(&["completions", shell]);
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("analyze"), "{shell}");
    }
    // Counts read as English.
    let one = stemma(&["dedup", "--threshold", "0.3", examples().join("corpus.jsonl").to_str().unwrap()]);
    let line = String::from_utf8_lossy(&one.stdout).lines().next().unwrap_or_default().to_string();
    assert!(
        line.contains("1 near-duplicate pair in 1 cluster") && line.contains("1 document can be dropped"),
        "{line}"
    );
}

#[test]
fn a_junk_document_is_named_and_spares_the_story() {
    let dir = scratch("junk");
    for name in ["01_wire_original", "02_wire_version", "03_paraphrased_rewrite", "04_independent_report"] {
        std::fs::copy(examples().join(format!("articles/{name}.txt")), dir.join(format!("{name}.txt"))).unwrap();
    }
    // Every article of the story, repeated on one line to 2 MB: it would
    // contain them all and root one family over the whole story.
    let all: String = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap().replace('\n', " "))
        .collect::<Vec<_>>()
        .join(" ");
    std::fs::write(dir.join("zz_dump.txt"), all.repeat(2_000_000 / all.len() + 1)).unwrap();
    let out = stemma(&["analyze", "--format", "json", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("zz_dump.txt: document of 2.0 MB is longer than ingest.max_document_bytes"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["documents"].as_array().unwrap().len(), 4);
    let story = &report["stories"][0];
    assert!(story["families"].as_array().unwrap().len() >= 2, "the independent report keeps its own family: {story}");
}

#[test]
fn a_run_that_reads_nothing_leaves_an_earlier_report_alone() {
    let dir = scratch("keep");
    let report = dir.join("report.json");
    std::fs::write(&report, "earlier report").unwrap();
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    let out = stemma(&[
        "analyze",
        dir.join("empty.txt").to_str().unwrap(),
        "-o",
        report.to_str().unwrap(),
        "--html",
        dir.join("new.html").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "earlier report");
    assert!(!dir.join("new.html").exists(), "a file this run created for nothing is removed");
}
