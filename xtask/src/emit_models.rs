//! `models.rs`: one item per schema.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{Resolved, Scope, doc, ident, inner_doc, resolve, ty, ty_text};
use crate::ir::{Api, Direction, Field, Location, Model, ModelKind, TypeRef, Variant};
use crate::limits::{Bound, Limits};

/// The tokens of `models.rs`.
pub fn emit(api: &Api) -> TokenStream {
    let mut uses = Uses::default();
    let items: Vec<TokenStream> = api
        .models
        .iter()
        .map(|m| model(api, m, &mut uses))
        .collect();
    let file_doc = inner_doc(&if api.server {
        format!(
            "Types of the `{}` API, one per schema of `{}`.\n\n\
             Your service parses the requests and builds the responses: every type has public fields\n\
             and `Default` (build with `..Default::default()`); missing fields parse as their default.",
            api.api, api.file
        )
    } else {
        let unknown = if api.keep_unknown {
            "kept in each struct's `extra` map"
        } else {
            "ignored"
        };
        format!(
            "Types of the `{}` API, one per schema of `{}`.\n\n\
             Request types have public fields and `Default`: build them with struct literal syntax and\n\
             `..Default::default()`. Response types are `#[non_exhaustive]`, every field is optional and\n\
             unknown fields are {unknown}. Enums keep values this SDK does not know in an `Unknown` variant.",
            api.api, api.file
        )
    });
    let serde_names: Vec<TokenStream> = [
        (uses.deserialize, quote!(Deserialize)),
        (uses.deserializer, quote!(Deserializer)),
        (uses.serialize, quote!(Serialize)),
        (uses.serializer, quote!(Serializer)),
    ]
    .into_iter()
    .filter(|(used, _)| *used)
    .map(|(_, t)| t)
    .collect();
    let serde_use = if serde_names.is_empty() {
        quote!()
    } else {
        quote!(use jaicp_core::export::serde::{#(#serde_names),*};)
    };
    let helper = if uses.null_as_default {
        quote! {
            /// Reads `null` as the empty value: servers send `null` for empty lists and maps.
            fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
            where
                D: Deserializer<'de>,
                T: Default + Deserialize<'de>,
            {
                Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
            }
        }
    } else {
        quote!()
    };
    let strict = if api.server { quote!() } else { strict(api) };
    quote! {
        #file_doc
        #serde_use
        #(#items)*
        #helper
        #strict
    }
}

/// The `strict` module (behind the crate's `strict` feature): for a server that reads these
/// request types, the rules of the document that the models do not hold themselves. Serde
/// already refuses wrong types; the models stay lenient so the SDK can read what a server sends
/// (optional required fields, enums with an `Unknown` variant, no length or range checks), which
/// is why those rules are checked here, on the JSON value, and not by the derive.
fn strict(api: &Api) -> TokenStream {
    let mut helpers = Helpers::default();
    let impls: Vec<TokenStream> = api
        .models
        .iter()
        .filter(|m| m.direction == Direction::Input)
        .filter_map(|m| match &m.kind {
            ModelKind::Struct(fields) => Some(struct_rules(api, m, fields, &mut helpers)),
            ModelKind::Enum(variants) => Some(enum_rules(m, variants, &mut helpers)),
            ModelKind::Tagged { tag, variants } => {
                Some(tagged_rules(api, m, tag, variants, &mut helpers))
            }
            ModelKind::Alias { .. } => None,
        })
        .collect();
    let query = query_rules(api, &mut helpers);
    if impls.is_empty() && query.is_empty() {
        return quote!();
    }
    let helpers = helpers.emit();
    quote! {
        /// The document's rules for the request types, for servers that must refuse a request
        /// the document does not allow (the emulator). Compiled only with the `strict` feature.
        #[cfg(feature = "strict")]
        pub mod strict {
            use jaicp_core::export::serde_json::Value;
            #helpers

            // One trait for every API crate (in jaicp-core), re-exported here so that
            // `models::strict::Rules` names it.
            pub use jaicp_core::strict::{Rules, Violation};

            #(#impls)*

            #query
        }
    }
}

/// `strict::query`: the rules of the query parameters of every operation that declares any a
/// typed parameter cannot hold (enum values, lengths, ranges), one private function per
/// operation; empty when no operation has one.
fn query_rules(api: &Api, helpers: &mut Helpers) -> TokenStream {
    let mut arms = Vec::new();
    let mut fns = Vec::new();
    for op in api.operations.iter().filter(|o| !o.inbound) {
        let checks: Vec<TokenStream> = op
            .params
            .iter()
            .filter(|p| p.location == Location::Query)
            .filter_map(|p| {
                let check = rule_check(
                    api,
                    &p.ty,
                    &p.limits,
                    &quote!(&value),
                    &quote!(name),
                    helpers,
                    0,
                )?;
                let numeric = is_number(api, &p.ty);
                helpers.number |= numeric;
                // A value that does not read as the parameter's type is the handler's to refuse.
                let value = if numeric {
                    quote!(number(raw)?)
                } else {
                    quote!(Value::from(raw))
                };
                let wire = &p.wire;
                Some(quote! {
                    #wire => {
                        let value = #value;
                        #check
                    }
                })
            })
            .collect();
        if checks.is_empty() {
            continue;
        }
        let f = ident(&format!("query_{}", op.static_name.to_lowercase()));
        let method = &op.method;
        let path = &op.path;
        let d = doc(&format!(
            "The query rules of `{}` (`{method} {path}`).",
            op.id
        ));
        arms.push(quote!(#method if path_matches(path, #path) => #f,));
        fns.push(quote! {
            #d
            fn #f(name: &str, raw: &str) -> Option<Violation> {
                match name {
                    #(#checks)*
                    _ => None,
                }
            }
        });
    }
    if arms.is_empty() {
        return quote!();
    }
    helpers.path_matches = true;
    quote! {
        /// The first parameter of a request's query string (`query`, decoded name and value
        /// pairs) that breaks a rule of the operation `method` `path` matches, as (parameter
        /// name, reason): an enum value, a length or a range. The path matches an operation's
        /// template at its end, so a server may serve the API under a prefix; `None` for a
        /// path no operation with such rules matches.
        pub fn query(method: &str, path: &str, query: &[(String, String)]) -> Option<Violation> {
            let check: fn(&str, &str) -> Option<Violation> = match method {
                #(#arms)*
                _ => return None,
            };
            query.iter().find_map(|(name, raw)| check(name, raw))
        }

        #(#fns)*
    }
}

/// Whether `t` is read from a number (after aliases).
fn is_number(api: &Api, t: &TypeRef) -> bool {
    matches!(unalias(api, t), TypeRef::I32 | TypeRef::I64 | TypeRef::F64)
}

/// Which of the helpers in `jaicp_core::strict` (hand-written there once, behind jaicp-core's
/// `strict` feature) the generated checks call, so that only those are imported.
#[derive(Default)]
struct Helpers {
    length: bool,
    range: bool,
    count: bool,
    each: bool,
    not_one_of: bool,
    number: bool,
    path_matches: bool,
}

impl Helpers {
    /// The `use` of the helpers called; nothing when none is.
    fn emit(&self) -> TokenStream {
        let used: Vec<proc_macro2::Ident> = [
            ("count", self.count),
            ("each", self.each),
            ("length", self.length),
            ("not_one_of", self.not_one_of),
            ("number", self.number),
            ("path_matches", self.path_matches),
            ("range", self.range),
        ]
        .into_iter()
        .filter(|&(_, used)| used)
        .map(|(name, _)| ident(name))
        .collect();
        if used.is_empty() {
            return quote!();
        }
        quote! {
            use jaicp_core::strict::{#(#used),*};
        }
    }
}

fn struct_rules(api: &Api, m: &Model, fields: &[Field], helpers: &mut Helpers) -> TokenStream {
    let name = ident(&m.name);
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.wire.as_str())
        .collect();
    let nested: Vec<TokenStream> = fields.iter().filter_map(|f| nested_check(api, f)).collect();
    let missing = if required.is_empty() && nested.is_empty() {
        quote! { let _ = (value, at, out); }
    } else {
        let own = if required.is_empty() {
            quote!()
        } else {
            quote! {
                for name in [#(#required),*] {
                    if object.get(name).is_none_or(Value::is_null) {
                        out.push(format!("{at}.{name}"));
                    }
                }
            }
        };
        quote! {
            let Some(object) = value.as_object() else {
                return;
            };
            #own
            #(#nested)*
        }
    };
    let checks: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let check = rule_check(api, &f.ty, &f.limits, &quote!(v), &quote!(&at), helpers, 0)?;
            let wire = &f.wire;
            Some(quote! {
                if let Some(v) = object.get(#wire) {
                    let at = format!("{at}.{}", #wire);
                    if let Some(found) = #check {
                        return Some(found);
                    }
                }
            })
        })
        .collect();
    let invalid = if checks.is_empty() {
        quote! {
            let _ = (value, at);
            None
        }
    } else {
        quote! {
            let object = value.as_object()?;
            #(#checks)*
            None
        }
    };
    quote! {
        impl Rules for super::#name {
            fn missing(value: &Value, at: &str, out: &mut Vec<String>) {
                #missing
            }

            fn invalid(value: &Value, at: &str) -> Option<Violation> {
                #invalid
            }
        }
    }
}

/// An enum refuses, on input, every value the model would keep as `Unknown`.
fn enum_rules(m: &Model, variants: &[Variant], helpers: &mut Helpers) -> TokenStream {
    helpers.not_one_of = true;
    let name = ident(&m.name);
    let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
    quote! {
        impl Rules for super::#name {
            fn missing(_: &Value, _: &str, _: &mut Vec<String>) {}

            fn invalid(value: &Value, at: &str) -> Option<Violation> {
                match super::#name::from(value.as_str()?) {
                    super::#name::Unknown(_) => Some(not_one_of(at, &[#(#wires),*])),
                    _ => None,
                }
            }
        }
    }
}

/// A tagged type checks the shape its tag selects; on input, a tag the document does not list
/// (which the model would keep as `Unknown`) is refused.
fn tagged_rules(
    api: &Api,
    m: &Model,
    tag: &str,
    variants: &[(String, String, TypeRef)],
    helpers: &mut Helpers,
) -> TokenStream {
    helpers.not_one_of = true;
    let name = ident(&m.name);
    let values: Vec<&str> = variants.iter().map(|(v, _, _)| v.as_str()).collect();
    let (checked, types): (Vec<&str>, Vec<TokenStream>) = variants
        .iter()
        .filter_map(|(value, _, t)| match unalias(api, t) {
            TypeRef::Named(n) if has_rules(api, &n) => {
                let ty = ident(&n);
                Some((value.as_str(), quote!(super::#ty)))
            }
            _ => None,
        })
        .unzip();
    let rest: Vec<&str> = values
        .iter()
        .copied()
        .filter(|v| !checked.contains(v))
        .collect();
    let unchecked = if rest.is_empty() {
        quote!()
    } else {
        quote!(#(Some(#rest))|* => None,)
    };
    let missing = if checked.is_empty() {
        quote! { let _ = (value, at, out); }
    } else {
        quote! {
            match value.get(#tag).and_then(Value::as_str) {
                #(Some(#checked) => <#types as Rules>::missing(value, at, out),)*
                _ => {}
            }
        }
    };
    quote! {
        impl Rules for super::#name {
            fn missing(value: &Value, at: &str, out: &mut Vec<String>) {
                #missing
            }

            fn invalid(value: &Value, at: &str) -> Option<Violation> {
                // Without a known tag the model would keep the object as `Unknown`.
                match value.as_object()?.get(#tag).and_then(Value::as_str) {
                    #(Some(#checked) => <#types as Rules>::invalid(value, at),)*
                    #unchecked
                    _ => Some(not_one_of(&format!("{at}.{}", #tag), &[#(#values),*])),
                }
            }
        }
    }
}

/// Whether the model `name` implements the generated `Rules` (a request struct, enum or tagged
/// type).
fn has_rules(api: &Api, name: &str) -> bool {
    api.models.iter().any(|m| {
        m.name == name
            && m.direction == Direction::Input
            && !matches!(m.kind, ModelKind::Alias { .. })
    })
}

/// The expression (an `Option<Violation>`) that checks the JSON value `v` at the path `at`
/// against `limits` and the rules of its type `t`; `None` when there is nothing to check.
fn rule_check(
    api: &Api,
    t: &TypeRef,
    limits: &Limits,
    v: &TokenStream,
    at: &TokenStream,
    helpers: &mut Helpers,
    depth: usize,
) -> Option<TokenStream> {
    let mut parts: Vec<TokenStream> = Vec::new();
    if limits.min_length.is_some() || limits.max_length.is_some() {
        helpers.length = true;
        let (min, max) = sizes(limits.min_length, limits.max_length);
        parts.push(quote!(length(#v, #at, #min, #max)));
    }
    if limits.minimum.is_some() || limits.maximum.is_some() {
        helpers.range = true;
        let bound = |b: &Option<Bound>| match b {
            Some(Bound {
                value,
                text,
                exclusive,
            }) => {
                let value = proc_macro2::Literal::f64_suffixed(*value);
                quote!(Some((#value, #text, #exclusive)))
            }
            None => quote!(None),
        };
        let (min, max) = (bound(&limits.minimum), bound(&limits.maximum));
        parts.push(quote!(range(#v, #at, #min, #max)));
    }
    if limits.min_items.is_some() || limits.max_items.is_some() {
        helpers.count = true;
        let (min, max) = sizes(limits.min_items, limits.max_items);
        parts.push(quote!(count(#v, #at, #min, #max)));
    }
    if depth < 32 {
        let none = Limits::default();
        let inner = |inner: &TypeRef, l: &Option<Box<Limits>>, helpers: &mut Helpers| {
            let l = l.as_deref().unwrap_or(&none);
            rule_check(api, inner, l, &quote!(v), &quote!(at), helpers, depth + 1)
        };
        match t {
            TypeRef::Named(n) => match api.models.iter().find(|m| &m.name == n).map(|m| &m.kind) {
                Some(ModelKind::Alias { ty, limits, .. }) => {
                    parts.extend(rule_check(api, ty, limits, v, at, helpers, depth + 1));
                }
                Some(_) if has_rules(api, n) => {
                    let ty = ident(n);
                    parts.push(quote!(<super::#ty as Rules>::invalid(#v, #at)));
                }
                _ => {}
            },
            TypeRef::Boxed(boxed) => {
                parts.extend(rule_check(api, boxed, &none, v, at, helpers, depth + 1));
            }
            TypeRef::Vec(item) | TypeRef::Map(item) => {
                let own = if matches!(t, TypeRef::Vec(_)) {
                    &limits.items
                } else {
                    &limits.values
                };
                // A request type's own check is passed as is (a closure around it is redundant).
                let direct = match item.as_ref() {
                    TypeRef::Named(n) if own.is_none() && has_rules(api, n) => Some(ident(n)),
                    _ => None,
                };
                if let Some(ty) = direct {
                    helpers.each = true;
                    parts.push(quote!(each(#v, #at, <super::#ty as Rules>::invalid)));
                } else if let Some(check) = inner(item, own, helpers) {
                    helpers.each = true;
                    parts.push(quote!(each(#v, #at, |v, at| #check)));
                }
            }
            _ => {}
        }
    }
    let mut parts = parts.into_iter();
    let first = parts.next()?;
    Some(parts.fold(first, |acc, next| quote!(#acc.or_else(|| #next))))
}

/// `min` and `max` as `usize` literals (no bound: 0 and `usize::MAX`).
fn sizes(min: Option<u64>, max: Option<u64>) -> (TokenStream, TokenStream) {
    let min = proc_macro2::Literal::usize_unsuffixed(min.unwrap_or(0) as usize);
    let max = match max {
        Some(m) => {
            let m = proc_macro2::Literal::usize_unsuffixed(m as usize);
            quote!(#m)
        }
        None => quote!(usize::MAX),
    };
    (quote!(#min), max)
}

/// The check of a field whose type is (a list or map of) a request struct, if it is one.
fn nested_check(api: &Api, f: &Field) -> Option<TokenStream> {
    enum Shape {
        One,
        List,
        Map,
    }
    let (shape, model) = match unalias(api, &f.ty) {
        TypeRef::Named(n) => (Shape::One, n),
        TypeRef::Vec(inner) => match unalias(api, &inner) {
            TypeRef::Named(n) => (Shape::List, n),
            _ => return None,
        },
        TypeRef::Map(inner) => match unalias(api, &inner) {
            TypeRef::Named(n) => (Shape::Map, n),
            _ => return None,
        },
        _ => return None,
    };
    let target = api.models.iter().find(|m| m.name == model)?;
    if target.direction != Direction::Input
        || !matches!(target.kind, ModelKind::Struct(_) | ModelKind::Tagged { .. })
    {
        return None;
    }
    let ty = ident(&model);
    let wire = &f.wire;
    Some(match shape {
        Shape::One => quote! {
            if let Some(v) = object.get(#wire) {
                <super::#ty as Rules>::missing(v, &format!("{at}.{}", #wire), out);
            }
        },
        Shape::List => quote! {
            if let Some(Value::Array(items)) = object.get(#wire) {
                for (i, v) in items.iter().enumerate() {
                    <super::#ty as Rules>::missing(v, &format!("{at}.{}[{i}]", #wire), out);
                }
            }
        },
        Shape::Map => quote! {
            if let Some(Value::Object(entries)) = object.get(#wire) {
                for (k, v) in entries {
                    <super::#ty as Rules>::missing(v, &format!("{at}.{}.{k}", #wire), out);
                }
            }
        },
    })
}

/// `t` with aliases and boxes followed.
fn unalias(api: &Api, t: &TypeRef) -> TypeRef {
    let mut t = t.clone();
    for _ in 0..32 {
        match t {
            TypeRef::Boxed(inner) => t = *inner,
            TypeRef::Named(ref n) => {
                match api.models.iter().find(|m| &m.name == n).map(|m| &m.kind) {
                    Some(ModelKind::Alias { ty, .. }) => t = ty.clone(),
                    _ => return t,
                }
            }
            _ => return t,
        }
    }
    t
}

#[derive(Default)]
struct Uses {
    serialize: bool,
    deserialize: bool,
    serializer: bool,
    deserializer: bool,
    null_as_default: bool,
}

fn model(api: &Api, m: &Model, uses: &mut Uses) -> TokenStream {
    match &m.kind {
        ModelKind::Struct(fields) => structure(api, m, fields, uses),
        ModelKind::Enum(variants) => enumeration(m, variants, uses),
        ModelKind::Tagged { tag, variants } => tagged(m, tag, variants, uses),
        ModelKind::Alias { ty: t, facts, .. } => {
            let name = ident(&m.name);
            let t = ty(t, Scope::Models);
            let mut text = heading(m);
            let facts = if facts.is_empty() {
                String::new()
            } else {
                format!(": {facts}")
            };
            text.push_str(&format!("\n\nFrom {}{facts}.{}", m.origin, used_by(m)));
            let d = doc(&text);
            quote! {
                #d
                pub type #name = #t;
            }
        }
    }
}

fn heading(m: &Model) -> String {
    match &m.doc {
        Some(d) => d.trim().to_owned(),
        None => format!("The `{}` type.", m.name),
    }
}

fn used_by(m: &Model) -> String {
    if m.used_by.is_empty() {
        String::new()
    } else {
        let list: Vec<&str> = m.used_by.iter().map(String::as_str).collect();
        format!(" Used in the {}.", list.join(", the "))
    }
}

fn structure(api: &Api, m: &Model, fields: &[Field], uses: &mut Uses) -> TokenStream {
    uses.serialize = true;
    uses.deserialize = true;
    let name = ident(&m.name);
    let output = m.direction == Direction::Output;
    let mut text = heading(m);
    text.push_str(&format!("\n\nFrom {}.{}", m.origin, used_by(m)));
    if output && api.keep_unknown {
        text.push_str(
            " Received from the server: every field is optional and unknown fields are kept in `extra`.",
        );
    } else if output {
        text.push_str(
            " Received from the server: every field is optional and unknown fields are ignored.",
        );
    } else {
        text.push_str(" Build it with struct literal syntax and `..Default::default()`.");
    }
    let d = doc(&text);
    let non_exhaustive = if output {
        quote!(#[non_exhaustive])
    } else {
        quote!()
    };
    let extra = if api.keep_unknown {
        unknown_fields(fields)
    } else {
        quote!()
    };
    let fields: Vec<TokenStream> = fields.iter().map(|f| field(api, f, output, uses)).collect();
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(crate = "jaicp_core::export::serde", default)]
        #non_exhaustive
        pub struct #name {
            #(#fields)*
            #extra
        }
    }
}

/// The flattened map that keeps fields the document does not declare (`keep_unknown_fields`):
/// decoding then writing a value gives back every field the server sent. Named `extra`, or
/// `unknown_fields` when the schema has a property of that name.
fn unknown_fields(fields: &[Field]) -> TokenStream {
    let name = if fields.iter().any(|f| f.name == "extra") {
        ident("unknown_fields")
    } else {
        ident("extra")
    };
    let d = doc(
        "Fields this version of the SDK does not know, as received (written back when serialised).",
    );
    quote! {
        #d
        #[serde(flatten)]
        pub #name: jaicp_core::export::serde_json::Map<String, jaicp_core::export::serde_json::Value>,
    }
}

fn field(api: &Api, f: &Field, output: bool, uses: &mut Uses) -> TokenStream {
    let name = ident(&f.name);
    let resolved = resolve(api, &f.ty);
    let inner = ty(&f.ty, Scope::Models);
    let mut serde_args: Vec<TokenStream> = Vec::new();
    if f.name != f.wire {
        let wire = &f.wire;
        serde_args.push(quote!(rename = #wire));
    }
    let optional = if output {
        resolved != Resolved::Collection
    } else {
        !f.required || resolved == Resolved::NoDefault
    };
    let field_ty = if optional {
        serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
        quote!(Option<#inner>)
    } else if output {
        uses.null_as_default = true;
        uses.deserializer = true;
        let skip = if is_map(api, &f.ty) {
            "std::collections::BTreeMap::is_empty"
        } else {
            "Vec::is_empty"
        };
        serde_args.push(quote!(deserialize_with = "null_as_default"));
        serde_args.push(quote!(skip_serializing_if = #skip));
        inner
    } else {
        inner
    };
    let serde_attr = if serde_args.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#serde_args),*)])
    };
    let mut text = String::new();
    if let Some(d) = &f.doc {
        text.push_str(d.trim());
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{}`", f.wire));
    if !f.facts.is_empty() {
        text.push_str(&format!(": {}", f.facts));
    }
    text.push('.');
    if f.required {
        text.push_str(if output {
            " Marked required by the document."
        } else {
            " Required."
        });
    }
    let d = doc(&text);
    quote! {
        #d
        #serde_attr
        pub #name: #field_ty,
    }
}

fn is_map(api: &Api, t: &TypeRef) -> bool {
    let mut t = t.clone();
    for _ in 0..32 {
        match t {
            TypeRef::Map(_) => return true,
            TypeRef::Named(n) => match api.models.iter().find(|m| m.name == n).map(|m| &m.kind) {
                Some(ModelKind::Alias { ty, .. }) => t = ty.clone(),
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

fn enumeration(m: &Model, variants: &[Variant], uses: &mut Uses) -> TokenStream {
    uses.serialize = true;
    uses.deserialize = true;
    uses.serializer = true;
    uses.deserializer = true;
    let name = ident(&m.name);
    let values: Vec<String> = variants.iter().map(|v| format!("`{}`", v.wire)).collect();
    let mut text = heading(m);
    text.push_str(&format!(
        "\n\nFrom {}.{} Values: {}; any other value is kept in [`{}::Unknown`].",
        m.origin,
        used_by(m),
        values.join(", "),
        m.name
    ));
    let d = doc(&text);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
    let variant_docs: Vec<TokenStream> = variants
        .iter()
        .map(|v| doc(&format!("`{}`.", v.wire)))
        .collect();
    let first = &idents[0];
    let rest_docs = &variant_docs[1..];
    let rest = &idents[1..];
    let first_doc = &variant_docs[0];
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum #name {
            #first_doc
            #[default]
            #first,
            #(#rest_docs #rest,)*
            /// A value this version of the SDK does not know.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn tagged(
    m: &Model,
    tag: &str,
    variants: &[(String, String, TypeRef)],
    uses: &mut Uses,
) -> TokenStream {
    uses.serialize = true;
    uses.deserialize = true;
    uses.serializer = true;
    uses.deserializer = true;
    let name = ident(&m.name);
    let listed: Vec<String> = variants
        .iter()
        .map(|(value, _, t)| format!("`{value}` → [`{}`]", ty_text(t)))
        .collect();
    let mut text = heading(m);
    text.push_str(&format!(
        "\n\nFrom {}.{} The `{tag}` property selects the shape: {}; an object with another `{tag}` is kept as it came in [`{}::Unknown`].",
        m.origin,
        used_by(m),
        listed.join(", "),
        m.name
    ));
    let d = doc(&text);
    let idents: Vec<_> = variants.iter().map(|(_, v, _)| ident(v)).collect();
    let values: Vec<&str> = variants.iter().map(|(v, _, _)| v.as_str()).collect();
    let types: Vec<TokenStream> = variants
        .iter()
        .map(|(_, _, t)| ty(t, Scope::Models))
        .collect();
    let docs: Vec<TokenStream> = variants
        .iter()
        .map(|(v, _, _)| doc(&format!("`{tag}` is `{v}`.")))
        .collect();
    let first = &idents[0];
    let unknown_doc = doc(&format!(
        "An object with a `{tag}` this version of the SDK does not know, as received."
    ));
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#docs #idents(#types),)*
            #unknown_doc
            Unknown(jaicp_core::export::serde_json::Value),
        }

        impl Default for #name {
            fn default() -> Self {
                Self::#first(Default::default())
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use jaicp_core::export::serde::ser::Error as _;
                let (tag, value) = match self {
                    #(Self::#idents(inner) => (#values, jaicp_core::export::serde_json::to_value(inner)),)*
                    Self::Unknown(value) => return value.serialize(serializer),
                };
                let mut value = value.map_err(S::Error::custom)?;
                if let Some(object) = value.as_object_mut() {
                    object.insert(#tag.to_owned(), tag.into());
                }
                value.serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use jaicp_core::export::serde::de::Error as _;
                let value = jaicp_core::export::serde_json::Value::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(|t| t.as_str()).map(str::to_owned);
                match tag.as_deref() {
                    #(Some(#values) => jaicp_core::export::serde_json::from_value(value)
                        .map(Self::#idents)
                        .map_err(D::Error::custom),)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}
