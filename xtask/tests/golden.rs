//! Golden tests: the documents in `tests/golden/` generate exactly the files committed beside them.
//! `UPDATE_GOLDEN=1 cargo test -p xtask` rewrites the expected files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xtask::check::{Stale, prose, prose_leaks, stale_files};
use xtask::config::{Config, DocumentConfig};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn generate(doc: &DocumentConfig) -> (serde_json::Value, Vec<(String, String)>) {
    let dir = golden_dir();
    let value = xtask::prepare(&dir.join(&doc.file), doc).unwrap();
    let files = xtask::generate(&value, doc, &xtask::workspace_root()).unwrap();
    (value, files)
}

fn stem(doc: &DocumentConfig) -> String {
    Path::new(&doc.file)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn golden_outputs_match() {
    let dir = golden_dir();
    let config = Config::load(&dir.join("codegen.toml")).unwrap();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for doc in &config.documents {
        let (value, files) = generate(doc);
        let out = dir.join(stem(doc));
        for (name, text) in &files {
            let path = out.join(name);
            if update {
                std::fs::create_dir_all(&out).unwrap();
                std::fs::write(&path, text).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                mismatches.push(path.display().to_string());
            }
        }
        // Doc comments come from facts and codegen.toml, never from the document's prose.
        let mut prose_texts = prose(&value);
        prose_texts.extend(prose(
            &xtask::load::read_value(&dir.join("shared.yml")).unwrap(),
        ));
        let ours: Vec<(String, &str)> =
            files.iter().map(|(n, t)| (n.clone(), t.as_str())).collect();
        let leaks = prose_leaks(&prose_texts, &ours);
        assert!(leaks.is_empty(), "prose leaked: {leaks:?}");
        assert!(!files.iter().any(|(_, t)| t.contains("must never reach")));
    }
    assert!(
        mismatches.is_empty(),
        "golden files differ (rerun with UPDATE_GOLDEN=1 and review the diff): {mismatches:?}"
    );
}

#[test]
fn generation_is_deterministic() {
    let config = Config::load(&golden_dir().join("codegen.toml")).unwrap();
    for doc in &config.documents {
        assert_eq!(generate(doc).1, generate(doc).1);
    }
}

#[test]
fn check_detects_a_stale_file() {
    let config = Config::load(&golden_dir().join("codegen.toml")).unwrap();
    let doc = &config.documents[0];
    let (_, files) = generate(doc);
    let dir = std::env::temp_dir().join(format!("xtask-golden-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let expected: BTreeMap<PathBuf, String> =
        files.into_iter().map(|(n, t)| (dir.join(n), t)).collect();
    xtask::check::write_files(&expected).unwrap();
    assert!(stale_files(&expected).unwrap().is_empty());

    // A hand edit of a generated file is caught.
    let models = dir.join("models.rs");
    let edited = expected[&models].replace(
        "pub struct Item {",
        "pub struct Item {\n    pub sneaky: u8,",
    );
    std::fs::write(&models, edited).unwrap();
    assert_eq!(
        stale_files(&expected).unwrap(),
        vec![(models.clone(), Stale::Differs)]
    );

    // So is a document change that alters the output.
    let mut changed = expected.clone();
    changed.insert(
        models.clone(),
        expected[&models].replace("An item for sale.", "Changed."),
    );
    xtask::check::write_files(&expected).unwrap();
    assert_eq!(
        stale_files(&changed).unwrap(),
        vec![(models, Stale::Differs)]
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Writes a one-off document and returns the generator's error.
fn error_of(spec: &str, config: &str) -> String {
    let dir = std::env::temp_dir().join(format!(
        "xtask-golden-err-{}-{}",
        std::process::id(),
        spec.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(golden_dir().join("shared.yml"), dir.join("shared.yml")).unwrap();
    std::fs::write(dir.join("doc.yml"), spec).unwrap();
    let config = Config::parse(&format!(
        "[[document]]\nfile = \"doc.yml\"\napi = \"t\"\n{config}"
    ))
    .unwrap();
    let doc = &config.documents[0];
    let result =
        xtask::prepare(&dir.join("doc.yml"), doc).and_then(|v| xtask::generate(&v, doc, &dir));
    std::fs::remove_dir_all(&dir).ok();
    format!("{:#}", result.expect_err("generation should fail"))
}

const HEAD: &str = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\n";

#[test]
fn unsupported_constructs_name_the_spot() {
    let e = error_of(
        &format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    ApiError:\n      properties:\n        code: {{type: String}}\n"
        ),
        "",
    );
    assert!(
        e.contains("schema `ApiError`") && e.contains("`type: String`"),
        "{e}"
    );

    let e = error_of(
        &format!(
            "{HEAD}paths:\n  /a:\n    get: {{operationId: x, responses: {{}}}}\n    post: {{operationId: x, responses: {{}}}}\n"
        ),
        "",
    );
    assert!(
        e.contains("operationId `x` is used by GET /a and POST /a"),
        "{e}"
    );

    let e = error_of(
        &format!("{HEAD}paths:\n  /a/{{id}}:\n    put: {{operationId: x, responses: {{}}}}\n"),
        "",
    );
    assert!(
        e.contains("PUT /a/{id}") && e.contains("path parameter `id` is not declared"),
        "{e}"
    );

    let e = error_of(
        &format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: x\n      parameters: [{{$ref: 'shared.yml/#/components/parameters/idempotenceKey'}}]\n      responses: {{}}\n"
        ),
        "",
    );
    assert!(
        e.contains("lenient_refs") && e.contains("/paths/~1a/get/parameters/0/$ref"),
        "{e}"
    );

    let e = error_of(
        &format!("{HEAD}paths:\n  /a:\n    get: {{operationId: x, responses: {{}}}}\n"),
        "[document.operations.y]\ndoc = 'z'\n",
    );
    assert!(e.contains("operation `y`"), "{e}");

    let e = error_of(
        &format!("{HEAD}paths:\n  /a:\n    get: {{operationId: x, responses: {{}}}}\n"),
        "[document.types]\n'Nope' = 'u8'\n",
    );
    assert!(e.contains("type override `Nope`"), "{e}");
}

#[test]
fn bad_conversation_extensions_are_refused() {
    let e = error_of(
        &format!(
            "{HEAD}paths:\n  /a:\n    get: {{operationId: x, x-direction: sideways, responses: {{}}}}\n"
        ),
        "",
    );
    assert!(
        e.contains("GET /a") && e.contains("`x-direction` value `sideways`"),
        "{e}"
    );
    let e = error_of(
        &format!(
            "{HEAD}paths:\n  /a:\n    get: {{operationId: x, x-idempotency: maybe, responses: {{}}}}\n"
        ),
        "",
    );
    assert!(e.contains("`x-idempotency` value"), "{e}");
    // An outbound operation must still carry the credential in its path; an inbound one need not.
    let e = error_of(
        &format!("{HEAD}paths:\n  /a:\n    get: {{operationId: x, responses: {{}}}}\n"),
        "auth = { kind = \"path\", param = \"token\" }\n",
    );
    assert!(e.contains("`{token}` is not in the path"), "{e}");
}
