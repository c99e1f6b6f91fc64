//! Doctor's tables against `specs/*.yml`: the markers it claims to exercise carry an
//! `x-unconfirmed` note, every `x-doctor-check` tag names a check it has (at the place the table
//! says), and every shape it compares answers with is the schema of that name.

use std::collections::BTreeSet;
use std::path::PathBuf;

use jaicp_doctor::shape::Ty;
use jaicp_doctor::{CHECKS, MARKERS, documented};
use serde_json::Value;

fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs")
}

fn load(file: &str) -> Value {
    let text = std::fs::read_to_string(specs_dir().join(file)).unwrap();
    serde_norway::from_str(&text).unwrap()
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every (pointer, tag) of `x-doctor-check` in a document.
fn tags(node: &Value, pointer: String, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "x-doctor-check" || k == "x-doctor-check-planned" {
                    out.push((pointer.clone(), v.as_str().unwrap_or_default().to_owned()));
                } else {
                    tags(v, format!("{pointer}/{}", escape(k)), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                tags(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// A tag that names a check looks like `<api>.<name>`; other values say why no check can run.
fn names_a_check(tag: &str) -> bool {
    tag.split_once('.').is_some_and(|(api, name)| {
        !api.is_empty()
            && api.chars().all(|c| c.is_ascii_lowercase())
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
    })
}

#[test]
fn markers_and_tags_agree_with_the_documents() {
    for spec in [
        "chat.yml",
        "operator.yml",
        "prompter.yml",
        "pushgate.yml",
        "imputer.yml",
    ] {
        let doc = load(spec);
        for marker in MARKERS.iter().filter(|m| m.spec == spec) {
            let node = doc
                .pointer(marker.pointer)
                .unwrap_or_else(|| panic!("{spec}#{} does not exist", marker.pointer));
            // A fact a public source confirmed may keep its check (`x-confirmed-by`).
            assert!(
                node.get("x-unconfirmed").is_some() || node.get("x-confirmed-by").is_some(),
                "{spec}#{} carries no x-unconfirmed (or x-confirmed-by) note",
                marker.pointer
            );
            let tag = node
                .get("x-doctor-check")
                .or_else(|| node.get("x-doctor-check-planned"))
                .and_then(Value::as_str);
            assert_eq!(
                tag.map(jaicp_doctor::checks::resolve),
                Some(marker.check),
                "{spec}#{}: the documents tag another check (or none)",
                marker.pointer
            );
            assert!(CHECKS.iter().any(|c| c.id == marker.check));
        }
        let mut found = Vec::new();
        tags(&doc, String::new(), &mut found);
        let mut missing = Vec::new();
        for (pointer, tag) in found.iter().filter(|(_, t)| names_a_check(t)) {
            let tag = jaicp_doctor::checks::resolve(tag);
            assert!(
                CHECKS.iter().any(|c| c.id == tag),
                "{spec}#{pointer} names `{tag}`, which doctor does not have"
            );
            if !MARKERS
                .iter()
                .any(|m| m.spec == spec && m.pointer == pointer && m.check == tag)
            {
                // Printed as the line to add to src/markers.rs.
                missing.push(format!(
                    "    marker!(\"{spec}\", \"{pointer}\", \"{tag}\"),"
                ));
            }
        }
        assert!(
            missing.is_empty(),
            "tagged in {spec} but missing from src/markers.rs:\n{}",
            missing.join("\n")
        );
    }
}

/// A schema of the document, in the terms of [`Ty`].
#[derive(Debug, PartialEq)]
enum Spec {
    Any,
    Bool,
    Integer,
    Number,
    String,
    Array(Box<Spec>),
    Object(Vec<(String, Spec, bool)>),
    Map,
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("unresolved {r}")),
        None => schema,
    }
}

fn spec_of(doc: &Value, schema: &Value, depth: usize) -> Spec {
    assert!(depth < 12, "schema too deep");
    let schema = resolve(doc, schema);
    if ["oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| schema.get(k).is_some())
    {
        return Spec::Any;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("boolean") => Spec::Bool,
        Some("integer") => Spec::Integer,
        Some("number") => Spec::Number,
        Some("string") => Spec::String,
        Some("array") => Spec::Array(Box::new(
            schema
                .get("items")
                .map_or(Spec::Any, |i| spec_of(doc, i, depth + 1)),
        )),
        Some("object") | None if schema.get("properties").is_some() => {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let props = schema["properties"].as_object().unwrap();
            Spec::Object(
                props
                    .iter()
                    .map(|(name, s)| {
                        (
                            name.clone(),
                            spec_of(doc, s, depth + 1),
                            required.contains(&name.as_str()),
                        )
                    })
                    .collect(),
            )
        }
        Some("object") => Spec::Map,
        _ => Spec::Any,
    }
}

/// Whether the hand-written shape says what the document says. A hand-written `Map` stands for
/// any object doctor deliberately does not look into.
fn agrees(ty: &Ty, spec: &Spec, at: &str) -> Result<(), String> {
    let bad = || Err(format!("{at}: doctor has {ty:?}, the document {spec:?}"));
    match (ty, spec) {
        (Ty::Any, Spec::Any)
        | (Ty::Bool, Spec::Bool)
        | (Ty::Integer, Spec::Integer)
        | (Ty::Number, Spec::Number)
        | (Ty::String, Spec::String)
        | (Ty::Map, Spec::Map | Spec::Object(_)) => Ok(()),
        (Ty::Array(a), Spec::Array(b)) => agrees(a, b, &format!("{at}[]")),
        (Ty::Object(fields), Spec::Object(props)) => {
            let ours: BTreeSet<&str> = fields.iter().map(|f| f.name).collect();
            let theirs: BTreeSet<&str> = props.iter().map(|(n, _, _)| n.as_str()).collect();
            if ours != theirs {
                return Err(format!(
                    "{at}: doctor has fields {ours:?}, the document {theirs:?}"
                ));
            }
            for (name, s, required) in props {
                let field = fields.iter().find(|f| f.name == name).unwrap();
                if field.required != *required {
                    return Err(format!("{at}.{name}: required differs"));
                }
                agrees(&field.ty, s, &format!("{at}.{name}"))?;
            }
            Ok(())
        }
        _ => bad(),
    }
}

#[test]
fn compared_shapes_are_the_documents_schemas() {
    let mut errors = Vec::new();
    for schema in documented::ALL {
        let doc = load(schema.spec);
        let node = doc
            .pointer(&format!("/components/schemas/{}", schema.name))
            .unwrap_or_else(|| panic!("{} has no schema {}", schema.spec, schema.name));
        if let Err(e) = agrees(&schema.ty, &spec_of(&doc, node, 0), schema.name) {
            errors.push(format!("{}: {e}", schema.spec));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn tag_names_are_recognised() {
    assert!(names_a_check("chat.events-empty"));
    assert!(!names_a_check("none: the platform calls us"));
    assert!(!names_a_check("chat"));
}
