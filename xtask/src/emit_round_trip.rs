//! `round_trip.rs` (only for documents with `keep_unknown_fields`): a test that decodes a sample
//! of every model, with every field set and with fields the document does not declare at every
//! level, and checks that encoding it again gives the same JSON. The samples are built from the
//! field types (never from the document's examples or prose).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value, json};

use crate::emit::{Scope, inner_doc, ty};
use crate::ir::{Api, Field, ModelKind, TypeRef};

/// The undeclared field put into every object of a sample.
const UNKNOWN_KEY: &str = "x-jaicp-rs-unknown";

/// The tokens of `round_trip.rs`, or `None` when the document does not keep unknown fields.
pub fn emit(api: &Api) -> Option<TokenStream> {
    if !api.keep_unknown {
        return None;
    }
    let mut checks = Vec::new();
    for m in &api.models {
        let sample = match &m.kind {
            ModelKind::Struct(_) | ModelKind::Tagged { .. } | ModelKind::Enum(_) => {
                sample(api, &TypeRef::Named(m.name.clone()), &mut BTreeSet::new())
            }
            ModelKind::Alias { .. } => None,
        };
        let Some(sample) = sample else { continue };
        let name = &m.name;
        let t = ty(&TypeRef::Named(m.name.clone()), Scope::Operations);
        let text = sample.to_string();
        checks.push(quote!(check::<#t>(#name, #text);));
        if let ModelKind::Tagged { tag, .. } = &m.kind {
            // A kind this SDK does not know comes back as it came.
            let other =
                json!({ tag: "x-jaicp-rs-new-kind", "payload": {"n": [1, null]} }).to_string();
            checks.push(quote!(check::<#t>(#name, #other);));
        }
    }
    let file_doc = inner_doc(&format!(
        "Round trip of every model of `{}`: a sample with every field set and an undeclared field \
         in every object decodes and encodes back to the same JSON.",
        api.file
    ));
    Some(quote! {
        #file_doc

        use jaicp_core::export::serde::Serialize;
        use jaicp_core::export::serde::de::DeserializeOwned;
        use jaicp_core::export::serde_json::{self, Value};

        fn check<T: Serialize + DeserializeOwned>(name: &str, sample: &str) {
            let wire: Value = serde_json::from_str(sample).expect("sample is JSON");
            let decoded: T = serde_json::from_value(wire.clone())
                .unwrap_or_else(|e| panic!("{name} does not decode its sample: {e}"));
            let back = serde_json::to_value(&decoded).expect("encodes");
            assert_eq!(back, wire, "{name} changed in a round trip");
        }

        #[test]
        fn every_model_round_trips_and_keeps_unknown_fields() {
            #(#checks)*
        }
    })
}

/// A sample value of a type; `None` when the type recurses into itself.
fn sample(api: &Api, t: &TypeRef, stack: &mut BTreeSet<String>) -> Option<Value> {
    Some(match t {
        TypeRef::String => json!("text"),
        TypeRef::I32 | TypeRef::I64 => json!(7),
        TypeRef::F64 => json!(1.5),
        TypeRef::Bool => json!(true),
        TypeRef::Timestamp => json!("2025-01-31T23:59:59.000Z"),
        TypeRef::Value => json!({"free": [1, "two", null]}),
        TypeRef::Vec(inner) => json!([sample(api, inner, stack)?]),
        TypeRef::Map(inner) => json!({"key": sample(api, inner, stack)?}),
        TypeRef::Boxed(inner) => sample(api, inner, stack)?,
        TypeRef::Path(p) => path_sample(p),
        TypeRef::Named(n) => {
            let m = api.models.iter().find(|m| &m.name == n)?;
            match &m.kind {
                ModelKind::Enum(variants) => json!(variants[0].wire),
                ModelKind::Alias { ty, .. } => sample(api, ty, stack)?,
                ModelKind::Tagged { variants, .. } => sample(api, &variants.first()?.2, stack)?,
                ModelKind::Struct(fields) => {
                    if !stack.insert(n.clone()) {
                        return None;
                    }
                    let object = object(api, fields, stack);
                    stack.remove(n);
                    Value::Object(object?)
                }
            }
        }
    })
}

fn object(api: &Api, fields: &[Field], stack: &mut BTreeSet<String>) -> Option<Map<String, Value>> {
    let mut object = Map::new();
    for f in fields {
        match sample(api, &f.ty, stack) {
            Some(v) => {
                object.insert(f.wire.clone(), v);
            }
            // A field that leads back to its own struct is left out (it decodes as absent).
            None if !f.required => {}
            None => return None,
        }
    }
    object.insert(
        UNKNOWN_KEY.to_owned(),
        json!({"kept": [1, "two", null, true]}),
    );
    Some(object)
}

/// Samples of the runtime types that codegen.toml can name.
fn path_sample(p: &str) -> Value {
    match p.rsplit("::").next().unwrap_or(p) {
        "Id" => json!("42"),
        "Timestamp" => json!("2025-01-31T23:59:59.000Z"),
        "EpochMillis" => json!(1_738_367_999_000_i64),
        _ => json!("text"),
    }
}
