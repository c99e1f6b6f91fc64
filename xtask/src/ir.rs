//! The intermediate representation: what the emitters need to know about one API document,
//! already resolved (references followed, names chosen, overrides applied).
//!
//! Mapping of OpenAPI constructs (and the documented fallbacks):
//! - `type: object` with `properties` (or `allOf` of such parts, merged) → struct;
//! - string `enum` → open enum with an `Unknown(String)` variant;
//! - an object with a `discriminator` → enum over the mapped schemas with an `Unknown(Value)` variant;
//! - `type: array` → `Vec<T>`; `additionalProperties: <schema>` only → `BTreeMap<String, T>`;
//! - `oneOf` / `anyOf` without a discriminator, free `type: object`, no type at all → `serde_json::Value`;
//! - a string property with `x-secret: true` → `jaicp_core::secret::SecretText` (redacted `Debug`);
//! - `x-direction: jaicp-to-integrator` operations → models and an `OperationSpec` only;
//!   `x-idempotency` → the retry class (codegen.toml still wins);
//! - `string` + `date-time` (or a field marked by the `epoch_millis` fix) → `jaicp_core::Timestamp`;
//!   `format: date` and other formats → `String`; integer `int32` → `i32`, other integers → `i64`;
//!   `number` → `f64`;
//! - request bodies: JSON → a typed body; `application/x-www-form-urlencoded` → one argument or
//!   setter per field plus an optional free map; multipart and other media types → raw bytes with a
//!   content type (the caller encodes them);
//! - responses (the first 2xx): JSON string schemas → read leniently as text and converted, other
//!   JSON → decoded; `text/*` → `String`; other media types → a streaming body; none → `()`.
//!
//! Unsupported constructs (cookie parameters, object-valued path parameters, unknown `type`
//! keywords, ...) are errors that name the spot in the document.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow, bail};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value};

use crate::config::DocumentConfig;
use crate::facts::facts;
use crate::limits::Limits;
use crate::load::{escape, unescape};
use crate::normalize::{TIMESTAMP_MARKER, operations};

mod operations;

/// The Rust type of an `x-secret: true` string property.
pub const SECRET_TEXT: &str = "jaicp_core::secret::SecretText";

/// One API document, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    /// API name written into every `OperationSpec`.
    pub api: String,
    /// The document's file name.
    pub file: String,
    /// The handle type that gets one method per operation.
    pub handle: Option<String>,
    /// Server side (`side = "server"`): every model is built and parsed; no request builders.
    pub server: bool,
    /// Structs keep unknown fields in a flattened `extra` map (`keep_unknown_fields`).
    pub keep_unknown: bool,
    /// Models, sorted by name.
    pub models: Vec<Model>,
    /// Operations, sorted by path then method.
    pub operations: Vec<Operation>,
}

/// Whether a model is built by users (sent) or only received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Reachable from a request: public fields, required ones without `Option`, no `non_exhaustive`.
    Input,
    /// Only received: `non_exhaustive`, every field optional.
    Output,
}

/// A generated type.
#[derive(Debug, Clone)]
pub struct Model {
    /// Rust name.
    pub name: String,
    /// Where it comes from, for doc comments (``schema `CallJobIDList` ``).
    pub origin: String,
    /// Doc text from codegen.toml.
    pub doc: Option<String>,
    /// Input or output.
    pub direction: Direction,
    /// Operations that use it directly, for doc comments (``request body of `addPhones` ``).
    pub used_by: BTreeSet<String>,
    /// The shape.
    pub kind: ModelKind,
}

/// Shapes of models.
#[derive(Debug, Clone)]
pub enum ModelKind {
    /// An object.
    Struct(Vec<Field>),
    /// An open string enum.
    Enum(Vec<Variant>),
    /// An object whose `tag` property selects one of several shapes.
    Tagged {
        /// The tag property.
        tag: String,
        /// (tag value, variant name, type).
        variants: Vec<(String, String, TypeRef)>,
    },
    /// A type alias.
    Alias {
        /// The aliased type.
        ty: TypeRef,
        /// What the document says about it (``array of `string` ``).
        facts: String,
        /// Its rules, for the `strict` checks.
        limits: Limits,
    },
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name in JSON.
    pub wire: String,
    /// Rust name (without `r#`).
    pub name: String,
    /// Type (without the `Option` that optionality adds).
    pub ty: TypeRef,
    /// Required by the document.
    pub required: bool,
    /// Facts for the doc comment.
    pub facts: String,
    /// Rules a typed model cannot hold, for the `strict` checks.
    pub limits: Limits,
    /// Doc text from codegen.toml.
    pub doc: Option<String>,
}

/// An enum variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The wire value.
    pub wire: String,
    /// Rust name.
    pub name: String,
}

/// A Rust type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// `jaicp_core::Timestamp`.
    Timestamp,
    /// `serde_json::Value`.
    Value,
    /// A generated model.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Box<T>` (breaks recursion).
    Boxed(Box<TypeRef>),
    /// A type path from codegen.toml.
    Path(String),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` path segment.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// A field of an `application/x-www-form-urlencoded` body.
    Form,
}

impl Location {
    /// The word used in docs.
    pub fn word(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Form => "form",
        }
    }
}

/// How a parameter's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One value.
    Single,
    /// An array, one `name=value` pair per item.
    Many,
    /// A free map, one `key=value` pair per entry.
    Map,
}

/// A request parameter (or form field).
#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the wire.
    pub wire: String,
    /// Rust name (without `r#`).
    pub name: String,
    /// Location.
    pub location: Location,
    /// Item type for `Many`, value type for `Map`, else the type.
    pub ty: TypeRef,
    /// Required.
    pub required: bool,
    /// Shape.
    pub shape: Shape,
    /// Facts for the doc comment.
    pub facts: String,
    /// Rules the type cannot hold, for the `strict` checks (of each value: an item for `Many`,
    /// a value for `Map`).
    pub limits: Limits,
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// A JSON value.
    Json {
        /// Its type.
        ty: TypeRef,
        /// Required by the document.
        required: bool,
    },
    /// An `application/x-www-form-urlencoded` body.
    Form {
        /// Declared fields.
        fields: Vec<Param>,
        /// Name of the free map of extra fields, when the schema allows them.
        extra: Option<String>,
    },
    /// Bytes the caller encodes (multipart, files).
    Raw {
        /// The declared media type.
        content_type: String,
        /// Required by the document.
        required: bool,
    },
}

/// How the success response is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// No body (or one that is ignored).
    Unit,
    /// A JSON value.
    Json(TypeRef),
    /// A string, JSON-quoted or bare, converted into the type.
    String(TypeRef),
    /// A `text/*` body.
    Text,
    /// A download.
    Streaming,
    /// No body, but declared headers the caller needs (e.g. `Z-Request-id` of an async start):
    /// the whole `jaicp_core::request::RawResponse` is returned.
    Headers,
}

/// Retry classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// `Idempotency::Idempotent`.
    Idempotent,
    /// `Idempotency::NonIdempotent`.
    NonIdempotent,
    /// `Idempotency::Keyed(KeyPlacement::Header)`.
    KeyedHeader,
    /// `Idempotency::Keyed(KeyPlacement::Query)`.
    KeyedQuery,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// operationId.
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Name of the `OperationSpec` static.
    pub static_name: String,
    /// Name of the request builder.
    pub builder: String,
    /// Name of the handle method.
    pub handle_method: String,
    /// Retry class.
    pub idempotency: Idempotency,
    /// Whether the builder has an `idempotence_key` setter.
    pub key_setter: bool,
    /// Path, query and header parameters, in document order (the credential and the key excluded).
    pub params: Vec<Param>,
    /// Body.
    pub body: Option<Body>,
    /// Response.
    pub response: Response,
    /// Doc text from codegen.toml.
    pub doc: Option<String>,
    /// `x-direction: jaicp-to-integrator`: JAICP calls the integrator. Such an operation gets its
    /// models and an `OperationSpec` describing the route, but no request builder or handle method.
    pub inbound: bool,
}

impl Operation {
    /// Whether the operation is keyed.
    pub fn keyed(&self) -> bool {
        matches!(
            self.idempotency,
            Idempotency::KeyedHeader | Idempotency::KeyedQuery
        )
    }
}

/// Builds the IR of a normalised document.
pub fn build(doc: &Value, config: &DocumentConfig) -> Result<Api> {
    let mut b = Builder {
        doc,
        config,
        models: BTreeMap::new(),
        schema_names: BTreeMap::new(),
        inline_sources: BTreeMap::new(),
        used_overrides: BTreeSet::new(),
        input_roots: BTreeSet::new(),
        output_roots: BTreeSet::new(),
    };
    b.name_schemas()?;
    let schema_keys: Vec<String> = b.schema_names.keys().cloned().collect();
    for key in schema_keys {
        b.build_schema(&key)
            .with_context(|| format!("schema `{key}`"))?;
    }
    let mut ops = Vec::new();
    let mut seen_ids = BTreeSet::new();
    for (path, method, op) in operations(doc) {
        let spot = format!("{} {path}", method.to_uppercase());
        let operation = b
            .build_operation(path, method, op)
            .with_context(|| format!("operation {spot}"))?;
        seen_ids.insert(operation.id.clone());
        ops.push(operation);
    }
    for key in config.operations.keys() {
        if !seen_ids.contains(key) {
            bail!(
                "codegen.toml lists operation `{key}`, which `{}` does not have",
                config.file
            );
        }
    }
    for key in config.types.keys() {
        if !b.used_overrides.contains(key) {
            bail!(
                "codegen.toml type override `{key}` matches nothing in `{}`",
                config.file
            );
        }
    }
    check_unique(
        ops.iter().map(|o| (&o.handle_method, &o.id)),
        "handle method",
    )?;
    check_unique(ops.iter().map(|o| (&o.static_name, &o.id)), "static")?;
    check_unique(ops.iter().map(|o| (&o.builder, &o.id)), "builder")?;
    b.document_inline_models()?;
    b.mark_directions();
    let server = config.side == crate::config::Side::Server;
    if !server {
        b.refuse_patterns_on_input(&ops)?;
    }
    if server {
        // A server parses what the client sends and builds what it answers: every model must be
        // constructible (public fields, no `non_exhaustive`) and tolerant when parsed.
        for m in b.models.values_mut() {
            m.direction = Direction::Input;
        }
    }
    b.box_recursion();
    Ok(Api {
        api: config.api.clone(),
        file: config.file.clone(),
        handle: config.handle.clone(),
        server,
        keep_unknown: config.keep_unknown_fields,
        models: b.models.into_values().collect(),
        operations: ops,
    })
}

fn check_unique<'a>(
    items: impl Iterator<Item = (&'a String, &'a String)>,
    what: &str,
) -> Result<()> {
    let mut seen: BTreeMap<&String, &String> = BTreeMap::new();
    for (name, id) in items {
        if let Some(prev) = seen.insert(name, id) {
            bail!(
                "operations `{prev}` and `{id}` would both get the {what} name `{name}` (rename one in codegen.toml)"
            );
        }
    }
    Ok(())
}

struct Builder<'a> {
    doc: &'a Value,
    config: &'a DocumentConfig,
    models: BTreeMap<String, Model>,
    /// Component schema name → Rust name.
    schema_names: BTreeMap<String, String>,
    /// Rust name of an inline model → the schema it was made from (to reuse identical ones).
    inline_sources: BTreeMap<String, Value>,
    used_overrides: BTreeSet<String>,
    input_roots: BTreeSet<String>,
    output_roots: BTreeSet<String>,
}

impl<'a> Builder<'a> {
    fn schemas(&self) -> Option<&'a Map<String, Value>> {
        self.doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
    }

    fn name_schemas(&mut self) -> Result<()> {
        let Some(schemas) = self.schemas() else {
            return Ok(());
        };
        let mut by_rust: BTreeMap<String, String> = BTreeMap::new();
        for key in schemas.keys() {
            let name = match self.config.schemas.get(key).and_then(|s| s.rename.clone()) {
                Some(n) => n,
                None => type_name(key),
            };
            if let Some(prev) = by_rust.insert(name.clone(), key.clone()) {
                bail!(
                    "schemas `{prev}` and `{key}` both become `{name}` (add a `rename` in codegen.toml)"
                );
            }
            self.schema_names.insert(key.clone(), name);
        }
        Ok(())
    }

    /// codegen.toml entries for models made from inline schemas, addressed by their Rust name.
    fn document_inline_models(&mut self) -> Result<()> {
        for (key, settings) in &self.config.schemas {
            if self.schema_names.contains_key(key) {
                continue;
            }
            let model = match self.models.get_mut(key) {
                Some(m) if self.inline_sources.contains_key(key) => m,
                _ => bail!(
                    "codegen.toml lists schema `{key}`, which is neither a schema of `{}` nor a type made from an inline schema",
                    self.config.file
                ),
            };
            if !settings.variants.is_empty() || settings.rename.is_some() {
                bail!(
                    "codegen.toml: `{key}` is made from an inline schema; only `doc` and `fields` apply"
                );
            }
            model.doc = settings.doc.clone();
            for (wire, text) in &settings.fields {
                match &mut model.kind {
                    ModelKind::Struct(fields) => {
                        match fields.iter_mut().find(|f| &f.wire == wire) {
                            Some(f) => f.doc = Some(text.clone()),
                            None => bail!(
                                "codegen.toml documents field `{wire}`, which `{key}` does not have"
                            ),
                        }
                    }
                    _ => bail!(
                        "codegen.toml documents field `{wire}` of `{key}`, which is not a struct"
                    ),
                }
            }
        }
        Ok(())
    }

    fn override_for(&mut self, key: &str) -> Option<TypeRef> {
        let path = self.config.types.get(key)?;
        self.used_overrides.insert(key.to_owned());
        Some(TypeRef::Path(path.clone()))
    }

    /// Follows a `$ref` (any kind) to its target.
    fn resolve<'b>(&self, v: &'b Value) -> Result<&'b Value>
    where
        'a: 'b,
    {
        let mut v = v;
        for _ in 0..32 {
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let ptr = r
                        .strip_prefix('#')
                        .ok_or_else(|| anyhow!("`{r}` is not a local reference"))?;
                    v = self
                        .doc
                        .pointer(ptr)
                        .ok_or_else(|| anyhow!("`{r}` does not resolve"))?;
                }
                None => return Ok(v),
            }
        }
        bail!("reference chain too long")
    }

    fn schema_ref_name(&self, r: &str) -> Result<String> {
        let key = r
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| anyhow!("`{r}` does not point into components/schemas"))?;
        let key = unescape(key);
        self.schema_names
            .get(&key)
            .cloned()
            .ok_or_else(|| anyhow!("`{r}` does not resolve"))
    }

    fn build_schema(&mut self, key: &str) -> Result<()> {
        let schema = &self.schemas().expect("schemas exist")[key];
        let name = self.schema_names[key].clone();
        let settings = self.config.schemas.get(key).cloned().unwrap_or_default();
        let origin = format!("schema `{key}`");
        let kind = if let Some(ty) = self.override_for(key) {
            ModelKind::Alias {
                facts: facts(schema),
                limits: Limits::of(schema),
                ty,
            }
        } else if schema.get("$ref").is_some() {
            ModelKind::Alias {
                facts: facts(schema),
                limits: Limits::of(schema),
                ty: self.type_of(schema, &name, key)?,
            }
        } else if let Some(disc) = schema.get("discriminator") {
            self.tagged(key, schema, disc)?
        } else if let Some(values) = string_enum(schema) {
            ModelKind::Enum(variants(&values, &settings.variants))
        } else if is_struct(schema) {
            let (props, required) = self.collect_object(schema, 0)?;
            ModelKind::Struct(self.fields(&name, Some(key), &props, &required, &settings.fields)?)
        } else {
            let ty = if schema.get("type").and_then(Value::as_str) == Some("array") {
                match self.override_for(&format!("{key}[]")) {
                    Some(item) => TypeRef::Vec(Box::new(item)),
                    None => self.type_of(schema, &name, key)?,
                }
            } else {
                self.type_of(schema, &name, key)?
            };
            ModelKind::Alias {
                facts: facts(schema),
                limits: Limits::of(schema),
                ty,
            }
        };
        for wire in settings.fields.keys() {
            if let ModelKind::Struct(fields) = &kind
                && !fields.iter().any(|f| &f.wire == wire)
            {
                bail!("codegen.toml documents field `{wire}`, which schema `{key}` does not have");
            }
        }
        self.models.insert(
            name.clone(),
            Model {
                name,
                origin,
                doc: settings.doc.clone(),
                direction: Direction::Output,
                used_by: BTreeSet::new(),
                kind,
            },
        );
        Ok(())
    }

    fn tagged(&mut self, key: &str, schema: &Value, disc: &Value) -> Result<ModelKind> {
        let tag = disc
            .get("propertyName")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("discriminator without propertyName"))?
            .to_owned();
        let mut variants = Vec::new();
        if let Some(mapping) = disc.get("mapping").and_then(Value::as_object) {
            let mut mapping: Vec<(&String, &Value)> = mapping.iter().collect();
            mapping.sort_by(|a, b| a.0.cmp(b.0));
            for (value, target) in mapping {
                let r = target
                    .as_str()
                    .ok_or_else(|| anyhow!("mapping `{value}` is not a reference"))?;
                variants.push((value.clone(), self.schema_ref_name(r)?));
            }
        } else {
            // No mapping: every schema that extends this one through `allOf`, tagged by its name.
            let me = format!("#/components/schemas/{}", escape(key));
            let mut all: Vec<(&String, &Value)> = self.schemas().into_iter().flatten().collect();
            all.sort_by(|a, b| a.0.cmp(b.0));
            for (other, s) in all {
                let extends = s
                    .get("allOf")
                    .and_then(Value::as_array)
                    .is_some_and(|parts| {
                        parts
                            .iter()
                            .any(|p| p.get("$ref").and_then(Value::as_str) == Some(&me))
                    });
                if extends {
                    variants.push((other.clone(), self.schema_names[other].clone()));
                }
            }
        }
        if variants.is_empty() {
            // Nothing to choose from: an ordinary struct.
            let (props, required) = self.collect_object(schema, 0)?;
            let name = self.schema_names[key].clone();
            let docs = self
                .config
                .schemas
                .get(key)
                .map(|s| s.fields.clone())
                .unwrap_or_default();
            return Ok(ModelKind::Struct(self.fields(
                &name,
                Some(key),
                &props,
                &required,
                &docs,
            )?));
        }
        let values: Vec<String> = variants.iter().map(|(v, _)| v.clone()).collect();
        let names = variants_names(&values, &BTreeMap::new());
        Ok(ModelKind::Tagged {
            tag,
            variants: variants
                .into_iter()
                .zip(names)
                .map(|((value, ty), name)| (value, name, TypeRef::Named(ty)))
                .collect(),
        })
    }

    /// Properties and required names of an object schema, `allOf` parts merged.
    fn collect_object(
        &self,
        schema: &Value,
        depth: usize,
    ) -> Result<(Map<String, Value>, BTreeSet<String>)> {
        if depth > 16 {
            bail!("allOf nesting too deep");
        }
        let schema = self.resolve(schema)?;
        let mut props = Map::new();
        let mut required = BTreeSet::new();
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                let (p, r) = self.collect_object(part, depth + 1)?;
                props.extend(p);
                required.extend(r);
            }
        }
        if let Some(p) = schema.get("properties").and_then(Value::as_object) {
            props.extend(p.clone());
        }
        if let Some(r) = schema.get("required").and_then(Value::as_array) {
            required.extend(r.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        Ok((props, required))
    }

    fn fields(
        &mut self,
        owner: &str,
        schema_key: Option<&str>,
        props: &Map<String, Value>,
        required: &BTreeSet<String>,
        docs: &BTreeMap<String, String>,
    ) -> Result<Vec<Field>> {
        let mut fields = Vec::new();
        let mut taken = BTreeSet::new();
        // Sorted explicitly: the order must not depend on how serde_json's Map is built.
        let mut sorted: Vec<(&String, &Value)> = props.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        for (wire, prop) in sorted {
            let mut name = field_name(wire);
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{}_{n}", field_name(wire));
                n += 1;
            }
            let by_schema = schema_key.map(|k| format!("{k}.{wire}"));
            let over = match by_schema.and_then(|k| self.override_for(&k)) {
                Some(t) => Some(t),
                None => self.override_for(&format!("*.{wire}")),
            };
            let secret = prop.get("x-secret").and_then(Value::as_bool) == Some(true)
                && prop.get("type").and_then(Value::as_str) == Some("string");
            let ty = match over {
                Some(t) => t,
                // `x-secret` strings (an echoed token, a link) never show up in `Debug`.
                None if secret => TypeRef::Path(SECRET_TEXT.to_owned()),
                None => self
                    .type_of(
                        prop,
                        &format!("{owner}{}", type_name(wire)),
                        &format!("`{owner}.{wire}`"),
                    )
                    .with_context(|| format!("property `{wire}`"))?,
            };
            fields.push(Field {
                wire: wire.clone(),
                name,
                ty,
                required: required.contains(wire),
                facts: facts(prop),
                limits: Limits::of(prop),
                doc: docs.get(wire).cloned(),
            });
        }
        Ok(fields)
    }

    /// The Rust type of a schema; inline objects and enums become models named after `hint`.
    fn type_of(&mut self, schema: &Value, hint: &str, spot: &str) -> Result<TypeRef> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            return Ok(TypeRef::Named(self.schema_ref_name(r)?));
        }
        if schema.get(TIMESTAMP_MARKER).and_then(Value::as_bool) == Some(true) {
            return Ok(TypeRef::Timestamp);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            if parts.len() == 1 && schema.get("properties").is_none() {
                return self.type_of(&parts[0], hint, spot);
            }
            return self.inline_struct(schema, hint, spot);
        }
        if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
            // Documented fallback: no discriminator to choose a shape by.
            return Ok(TypeRef::Value);
        }
        if let Some(values) = string_enum(schema) {
            let name = self.inline_model(
                hint,
                schema,
                |_| Ok(ModelKind::Enum(variants(&values, &BTreeMap::new()))),
                spot,
            )?;
            return Ok(TypeRef::Named(name));
        }
        let ty = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        Ok(match ty {
            Some("string") => match format {
                Some("date-time") => TypeRef::Timestamp,
                _ => TypeRef::String,
            },
            Some("integer") => match format {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            },
            Some("number") => TypeRef::F64,
            Some("boolean") => TypeRef::Bool,
            Some("array") => match schema.get("items") {
                Some(items) => TypeRef::Vec(Box::new(self.type_of(
                    items,
                    &format!("{hint}Item"),
                    spot,
                )?)),
                None => TypeRef::Vec(Box::new(TypeRef::Value)),
            },
            Some("object") | None => {
                if is_struct(schema) {
                    return self.inline_struct(schema, hint, spot);
                }
                match schema.get("additionalProperties") {
                    Some(ap) if ap.is_object() && !ap.as_object().is_some_and(Map::is_empty) => {
                        TypeRef::Map(Box::new(self.type_of(ap, &format!("{hint}Value"), spot)?))
                    }
                    _ if ty.is_none() && schema.get("items").is_some() => TypeRef::Vec(Box::new(
                        self.type_of(&schema["items"], &format!("{hint}Item"), spot)?,
                    )),
                    _ => TypeRef::Value,
                }
            }
            Some(other) => bail!("unsupported `type: {other}` at {spot}"),
        })
    }

    fn inline_struct(&mut self, schema: &Value, hint: &str, spot: &str) -> Result<TypeRef> {
        let name = self.inline_model(
            hint,
            schema,
            |b| {
                let (props, required) = b.collect_object(schema, 0)?;
                Ok(ModelKind::Struct(b.fields(
                    hint,
                    None,
                    &props,
                    &required,
                    &BTreeMap::new(),
                )?))
            },
            spot,
        )?;
        Ok(TypeRef::Named(name))
    }

    /// Registers a model made from an inline schema, reusing an identical one.
    fn inline_model(
        &mut self,
        hint: &str,
        schema: &Value,
        make: impl FnOnce(&mut Self) -> Result<ModelKind>,
        spot: &str,
    ) -> Result<String> {
        let mut name = hint.to_owned();
        let mut n = 2;
        loop {
            match self.inline_sources.get(&name) {
                Some(src) if src == schema => return Ok(name),
                None if !self.models.contains_key(&name)
                    && !self.schema_names.values().any(|v| *v == name) =>
                {
                    break;
                }
                _ => {
                    name = format!("{hint}{n}");
                    n += 1;
                }
            }
        }
        self.inline_sources.insert(name.clone(), schema.clone());
        // Reserve the name before building (a nested inline schema may need a name too).
        self.models.insert(name.clone(), placeholder(&name));
        let kind = make(self)?;
        self.models.insert(
            name.clone(),
            Model {
                name: name.clone(),
                origin: format!("an inline schema at {spot}"),
                doc: None,
                direction: Direction::Output,
                used_by: BTreeSet::new(),
                kind,
            },
        );
        Ok(name)
    }

    /// What kind of value a type is, following aliases.
    fn shape_of(&self, ty: &TypeRef) -> Option<TypeShape> {
        let mut ty = ty.clone();
        for _ in 0..32 {
            match ty {
                TypeRef::Named(n) => match self.models.get(&n).map(|m| &m.kind) {
                    Some(ModelKind::Alias { ty: inner, .. }) => ty = inner.clone(),
                    Some(ModelKind::Enum(_)) => return Some(TypeShape::Scalar),
                    Some(_) => return Some(TypeShape::Composite),
                    None => return None,
                },
                TypeRef::Vec(_) | TypeRef::Map(_) => return Some(TypeShape::Collection),
                TypeRef::Value => return Some(TypeShape::Composite),
                TypeRef::Boxed(inner) => ty = *inner,
                _ => return Some(TypeShape::Scalar),
            }
        }
        None
    }

    fn edges(&self, m: &Model) -> Vec<TypeRef> {
        match &m.kind {
            ModelKind::Struct(fields) => fields.iter().map(|f| f.ty.clone()).collect(),
            ModelKind::Tagged { variants, .. } => variants.iter().map(|v| v.2.clone()).collect(),
            ModelKind::Alias { ty, .. } => vec![ty.clone()],
            ModelKind::Enum(_) => Vec::new(),
        }
    }

    fn mark_directions(&mut self) {
        let mut stack: Vec<String> = self.input_roots.iter().cloned().collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(m) = self.models.get(&name) else {
                continue;
            };
            for ty in self.edges(m) {
                stack.extend(named(&ty));
            }
        }
        for name in seen {
            if let Some(m) = self.models.get_mut(&name) {
                m.direction = Direction::Input;
            }
        }
    }

    /// The `strict` checks of request models cover every rule of [`Limits`] except `pattern`:
    /// no document declares one on a typed request field, and checking one would need a regex
    /// engine in the API crates. A document that starts to is an error here, not a rule the
    /// emulator silently skips.
    fn refuse_patterns_on_input(&self, ops: &[Operation]) -> Result<()> {
        for (op, p) in ops
            .iter()
            .flat_map(|o| o.params.iter().map(move |p| (o, p)))
        {
            if p.location == Location::Query
                && let Some(pattern) = p.limits.any_pattern()
            {
                bail!(
                    "operation `{}`, query parameter `{}`: `pattern: {pattern}`, which the generated \
                     `strict` checks cannot enforce (add a regex check to emit_models.rs first)",
                    op.id,
                    p.wire
                );
            }
        }
        for m in self.models.values() {
            if m.direction != Direction::Input {
                continue;
            }
            let found = match &m.kind {
                ModelKind::Struct(fields) => fields
                    .iter()
                    .find_map(|f| f.limits.any_pattern().map(|p| (format!(".{}", f.wire), p))),
                ModelKind::Alias { limits, .. } => limits.any_pattern().map(|p| (String::new(), p)),
                _ => None,
            };
            if let Some((at, p)) = found {
                bail!(
                    "{}{at}: `pattern: {p}` on a request type, which the generated `strict` checks \
                     cannot enforce (add a regex check to emit_models.rs first)",
                    m.origin
                );
            }
        }
        Ok(())
    }

    /// Boxes struct fields that hold, by value, a model that holds the struct again by value.
    fn box_recursion(&mut self) {
        let by_value = |ty: &TypeRef| -> Option<String> {
            match ty {
                TypeRef::Named(n) => Some(n.clone()),
                _ => None,
            }
        };
        let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, m) in &self.models {
            let targets = self.edges(m).iter().filter_map(by_value).collect();
            graph.insert(name.clone(), targets);
        }
        let reaches = |from: &str, to: &str| {
            let mut stack = vec![from.to_owned()];
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone())
                    && let Some(next) = graph.get(&n)
                {
                    stack.extend(next.iter().cloned());
                }
            }
            false
        };
        let mut to_box = Vec::new();
        for (name, m) in &self.models {
            if let ModelKind::Struct(fields) = &m.kind {
                for (i, f) in fields.iter().enumerate() {
                    if let TypeRef::Named(target) = &f.ty
                        && reaches(target, name)
                    {
                        to_box.push((name.clone(), i));
                    }
                }
            }
        }
        for (name, i) in to_box {
            if let Some(Model {
                kind: ModelKind::Struct(fields),
                ..
            }) = self.models.get_mut(&name)
            {
                let ty = std::mem::replace(&mut fields[i].ty, TypeRef::Value);
                fields[i].ty = TypeRef::Boxed(Box::new(ty));
            }
        }
    }
}

enum TypeShape {
    Scalar,
    Collection,
    Composite,
}

fn placeholder(name: &str) -> Model {
    Model {
        name: name.to_owned(),
        origin: String::new(),
        doc: None,
        direction: Direction::Output,
        used_by: BTreeSet::new(),
        kind: ModelKind::Alias {
            ty: TypeRef::Value,
            facts: String::new(),
            limits: Limits::default(),
        },
    }
}

/// Every model a type mentions.
pub fn named(ty: &TypeRef) -> Vec<String> {
    match ty {
        TypeRef::Named(n) => vec![n.clone()],
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Boxed(t) => named(t),
        _ => Vec::new(),
    }
}

fn is_struct(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
        || schema
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() > 1)
        || (schema.get("allOf").is_some() && schema.get("properties").is_some())
}

/// The values of a string enum.
fn string_enum(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    let ty = schema.get("type").and_then(Value::as_str);
    if !matches!(ty, Some("string") | None) {
        return None;
    }
    let strings: Vec<String> = values
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if strings.is_empty() || strings.len() != values.iter().filter(|v| !v.is_null()).count() {
        return None;
    }
    let mut seen = BTreeSet::new();
    Some(
        strings
            .into_iter()
            .filter(|s| seen.insert(s.clone()))
            .collect(),
    )
}

fn variants(values: &[String], renames: &BTreeMap<String, String>) -> Vec<Variant> {
    variants_names(values, renames)
        .into_iter()
        .zip(values)
        .map(|(name, wire)| Variant {
            wire: wire.clone(),
            name,
        })
        .collect()
}

fn variants_names(values: &[String], renames: &BTreeMap<String, String>) -> Vec<String> {
    let mut taken = BTreeSet::new();
    values
        .iter()
        .map(|v| {
            let base = renames.get(v).cloned().unwrap_or_else(|| {
                let mut n = v.to_upper_camel_case();
                if n.is_empty() {
                    n = "Empty".into();
                } else if n.starts_with(|c: char| c.is_ascii_digit()) {
                    n = format!("V{n}");
                }
                if n == "Unknown" {
                    n = "UnknownValue".into();
                }
                n
            });
            let mut name = base.clone();
            let mut i = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}{i}");
                i += 1;
            }
            name
        })
        .collect()
}

/// UpperCamelCase type name (`CallJobIDList` → `CallJobIdList`).
pub fn type_name(s: &str) -> String {
    let n = s.to_upper_camel_case();
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{n}")
    } else {
        n
    }
}

/// snake_case field or parameter name (without `r#`; see [`crate::emit::ident`]).
pub fn field_name(s: &str) -> String {
    let n = s.to_snake_case();
    if n.is_empty() {
        "field".to_owned()
    } else if n.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{n}")
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_facts() {
        assert_eq!(type_name("CallJobIDList"), "CallJobIdList");
        assert_eq!(
            field_name("retryIntervalInMinutes"),
            "retry_interval_in_minutes"
        );
        let names = variants_names(
            &["unknown".into(), "in-process".into(), "1x".into()],
            &BTreeMap::new(),
        );
        assert_eq!(names, ["UnknownValue", "InProcess", "V1x"]);
    }
}
