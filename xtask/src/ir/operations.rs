//! The operation side of the IR: parameters, bodies, responses, idempotency.

use std::collections::BTreeSet;

use anyhow::{Context, Result, anyhow, bail};
use heck::{ToShoutySnakeCase, ToSnakeCase};
use serde_json::Value;

use super::{
    Body, Builder, Idempotency, Location, Operation, Param, Response, Shape, TypeRef, TypeShape,
    field_name, is_struct, named, string_enum, type_name,
};
use crate::config::{AuthKind, IdempotencyConfig};
use crate::facts::facts;
use crate::limits::Limits;
use crate::load::escape;
use crate::normalize::TIMESTAMP_MARKER;

impl<'a> Builder<'a> {
    fn parameters(&self, path: &str, op: &'a Value) -> Result<Vec<&'a Value>> {
        let mut out: Vec<&'a Value> = Vec::new();
        let item_params = self
            .doc
            .pointer(&format!("/paths/{}/parameters", escape(path)))
            .and_then(Value::as_array);
        let op_params = op.get("parameters").and_then(Value::as_array);
        let mut op_resolved = Vec::new();
        for p in op_params.into_iter().flatten() {
            op_resolved.push(self.resolve(p)?);
        }
        let key = |p: &Value| {
            (
                p.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                p.get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            )
        };
        for p in item_params.into_iter().flatten() {
            let p = self.resolve(p)?;
            if !op_resolved.iter().any(|o| key(o) == key(p)) {
                out.push(p);
            }
        }
        out.extend(op_resolved);
        Ok(out)
    }

    pub(super) fn build_operation(
        &mut self,
        path: &str,
        method: &str,
        op: &'a Value,
    ) -> Result<Operation> {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("no operationId"))?
            .to_owned();
        let settings = self.config.operations.get(&id).cloned().unwrap_or_default();
        let op_camel = type_name(&id);
        let inbound = match op.get("x-direction").and_then(Value::as_str) {
            None | Some("integrator-to-jaicp") => false,
            Some("jaicp-to-integrator") => true,
            Some(other) => bail!("unknown `x-direction` value `{other}`"),
        };
        let auth = self
            .config
            .auth
            .as_ref()
            .filter(|a| a.kind != AuthKind::None);
        let mut params = Vec::new();
        let mut has_key_param = false;
        let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
        for p in self.parameters(path, op)? {
            let wire = p
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow!("a parameter has no name"))?
                .to_owned();
            let location = match p.get("in").and_then(Value::as_str) {
                Some("path") => Location::Path,
                Some("query") => Location::Query,
                Some("header") => Location::Header,
                other => bail!("parameter `{wire}`: location {other:?} is not supported"),
            };
            if let Some(a) = auth {
                let param = a.param.as_deref().unwrap_or_default();
                let hit = match (a.kind, location) {
                    (AuthKind::Path, Location::Path) => wire == param,
                    (AuthKind::Header, Location::Header) => wire.eq_ignore_ascii_case(param),
                    _ => false,
                };
                if hit {
                    continue;
                }
            }
            if wire.eq_ignore_ascii_case(crate::IDEMPOTENCE_KEY) && location != Location::Path {
                has_key_param = true;
                continue;
            }
            let spot = format!("parameter `{wire}`");
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            let param = self
                .param(&wire, location, &schema, p, &op_camel, &mut taken)
                .with_context(|| spot.clone())?;
            params.push(param);
        }
        if let Some(a) = auth
            && a.kind == AuthKind::Path
            && !inbound
        {
            let placeholder = format!("{{{}}}", a.param.as_deref().unwrap_or_default());
            if !path.contains(&placeholder) {
                bail!("the credential's path parameter `{placeholder}` is not in the path");
            }
        }
        for seg in path.split('{').skip(1) {
            let name = seg.split('}').next().unwrap_or_default();
            let is_auth =
                auth.is_some_and(|a| a.kind == AuthKind::Path && a.param.as_deref() == Some(name));
            if !is_auth
                && !params
                    .iter()
                    .any(|p| p.location == Location::Path && p.wire == name)
            {
                bail!(
                    "path parameter `{name}` is not declared (add it with a patch in codegen.toml)"
                );
            }
        }
        let body = match op.get("requestBody") {
            Some(rb) => Some(
                self.body(rb, &op_camel, &settings.extra_fields, &mut taken)
                    .context("request body")?,
            ),
            None => None,
        };
        let response = self.response(op, &op_camel).context("response")?;
        let idempotency = match settings.idempotency {
            Some(IdempotencyConfig::Idempotent) => Idempotency::Idempotent,
            Some(IdempotencyConfig::NonIdempotent) => Idempotency::NonIdempotent,
            Some(IdempotencyConfig::KeyedHeader) => Idempotency::KeyedHeader,
            Some(IdempotencyConfig::KeyedQuery) => Idempotency::KeyedQuery,
            None if has_key_param => Idempotency::KeyedHeader,
            None if op.get("x-idempotency").is_some() => {
                match op.get("x-idempotency").and_then(Value::as_str) {
                    Some("idempotent") => Idempotency::Idempotent,
                    Some("non-idempotent") => Idempotency::NonIdempotent,
                    other => bail!("unknown `x-idempotency` value {other:?}"),
                }
            }
            None => match method {
                "get" | "put" | "delete" | "head" | "options" => Idempotency::Idempotent,
                _ => Idempotency::NonIdempotent,
            },
        };
        // Record which models each operation uses directly (directions and docs).
        let mut inputs = Vec::new();
        for p in &params {
            inputs.push(p.ty.clone());
        }
        match &body {
            Some(Body::Json { ty, .. }) => inputs.push(ty.clone()),
            Some(Body::Form { fields, .. }) => inputs.extend(fields.iter().map(|f| f.ty.clone())),
            _ => {}
        }
        // For an inbound operation the roles swap: the integrator receives the request and
        // writes the response.
        for ty in inputs {
            for name in named(&ty) {
                if inbound {
                    self.output_roots.insert(name.clone());
                } else {
                    self.input_roots.insert(name.clone());
                }
                if let Some(m) = self.models.get_mut(&name) {
                    m.used_by.insert(format!("request of `{id}`"));
                }
            }
        }
        if let Response::Json(ty) | Response::String(ty) = &response {
            for name in named(ty) {
                if inbound {
                    self.input_roots.insert(name.clone());
                } else {
                    self.output_roots.insert(name.clone());
                }
                if let Some(m) = self.models.get_mut(&name) {
                    m.used_by.insert(format!("response of `{id}`"));
                }
            }
        }
        Ok(Operation {
            static_name: id.to_shouty_snake_case(),
            builder: format!("{op_camel}Request"),
            handle_method: settings
                .method
                .clone()
                .unwrap_or_else(|| id.to_snake_case()),
            key_setter: has_key_param
                || matches!(
                    idempotency,
                    Idempotency::KeyedHeader | Idempotency::KeyedQuery
                ),
            method: method.to_uppercase(),
            path: path.to_owned(),
            idempotency,
            params,
            body,
            response,
            doc: settings.doc.clone(),
            inbound,
            id,
        })
    }

    fn param(
        &mut self,
        wire: &str,
        location: Location,
        schema: &Value,
        p: &Value,
        op_camel: &str,
        taken: &mut BTreeSet<String>,
    ) -> Result<Param> {
        let required =
            location == Location::Path || p.get("required").and_then(Value::as_bool) == Some(true);
        let resolved = self.resolve(schema)?;
        let spot = format!("parameter `{wire}`");
        let (shape, ty, limits) = match resolved.get("type").and_then(Value::as_str) {
            Some("array") => {
                if location == Location::Path {
                    bail!("array path parameters are not supported");
                }
                let items = resolved.get("items").unwrap_or(&Value::Null);
                let ty = self.param_type(items, wire, op_camel, &spot)?;
                (Shape::Many, ty, Limits::of(items))
            }
            Some("object") => {
                if location == Location::Path {
                    bail!("object path parameters are not supported");
                }
                if is_struct(resolved) {
                    bail!("object parameters with properties are not supported");
                }
                let (value, limits) = match resolved.get("additionalProperties") {
                    Some(ap) if ap.is_object() => {
                        (self.param_type(ap, wire, op_camel, &spot)?, Limits::of(ap))
                    }
                    _ => (TypeRef::String, Limits::default()),
                };
                (Shape::Map, value, limits)
            }
            _ => (
                Shape::Single,
                self.param_type(schema, wire, op_camel, &spot)?,
                Limits::of(resolved),
            ),
        };
        if matches!(self.shape_of(&ty), Some(TypeShape::Composite)) {
            bail!("parameters of structured types are not supported");
        }
        Ok(Param {
            wire: wire.to_owned(),
            name: unique_name(&field_name(wire), location, taken),
            location,
            ty,
            required,
            shape,
            facts: facts(schema),
            limits,
        })
    }

    /// A parameter's type; an inline enum is named after the parameter (or, when that name is
    /// taken by something else, after the operation and the parameter).
    fn param_type(
        &mut self,
        schema: &Value,
        wire: &str,
        op_camel: &str,
        spot: &str,
    ) -> Result<TypeRef> {
        let hint = type_name(wire);
        if string_enum(schema).is_some() && schema.get("$ref").is_none() {
            let free = match self.inline_sources.get(&hint) {
                Some(src) => src == schema,
                None => {
                    !self.models.contains_key(&hint)
                        && !self.schema_names.values().any(|v| *v == hint)
                }
            };
            let hint = if free {
                hint
            } else {
                format!("{op_camel}{hint}")
            };
            return self.type_of(schema, &hint, spot);
        }
        self.type_of(schema, &hint, spot)
    }

    fn body(
        &mut self,
        rb: &Value,
        op_camel: &str,
        extra_name: &Option<String>,
        taken: &mut BTreeSet<String>,
    ) -> Result<Body> {
        let rb = self.resolve(rb)?;
        let required = rb.get("required").and_then(Value::as_bool) == Some(true);
        let content = rb
            .get("content")
            .and_then(Value::as_object)
            .ok_or_else(|| anyhow!("no content"))?;
        let mut content: Vec<(&String, &Value)> = content.iter().collect();
        content.sort_by(|a, b| a.0.cmp(b.0));
        let pick = |pred: &dyn Fn(&str) -> bool| {
            content
                .iter()
                .copied()
                .find(|(ct, _)| pred(&ct.to_ascii_lowercase()))
        };
        if let Some((_, media)) = pick(&|ct| ct.contains("json")) {
            let ty = match media.get("schema") {
                Some(s) => self.type_of(s, &format!("{op_camel}Body"), "a request body")?,
                None => TypeRef::Value,
            };
            return Ok(Body::Json { ty, required });
        }
        if let Some((_, media)) = pick(&|ct| ct == "application/x-www-form-urlencoded") {
            let schema = media.get("schema").unwrap_or(&Value::Null);
            let resolved = self.resolve(schema)?;
            let (props, req) = self.collect_object(resolved, 0)?;
            let mut fields = Vec::new();
            let mut sorted: Vec<(&String, &Value)> = props.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (wire, prop) in sorted {
                let mut p = self
                    .param(wire, Location::Form, prop, &Value::Null, op_camel, taken)
                    .with_context(|| format!("form field `{wire}`"))?;
                p.required = req.contains(wire);
                fields.push(p);
            }
            let extra = match resolved.get("additionalProperties") {
                Some(Value::Bool(false)) | None => None,
                Some(_) => {
                    let name = extra_name.clone().unwrap_or_else(|| "extra".to_owned());
                    if !taken.insert(name.clone()) {
                        bail!("the extra-fields setter `{name}` collides with a parameter");
                    }
                    Some(name)
                }
            };
            return Ok(Body::Form { fields, extra });
        }
        let (ct, _) = content
            .first()
            .copied()
            .ok_or_else(|| anyhow!("no media type"))?;
        Ok(Body::Raw {
            content_type: ct.clone(),
            required,
        })
    }

    fn response(&mut self, op: &Value, op_camel: &str) -> Result<Response> {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            return Ok(Response::Unit);
        };
        let mut codes: Vec<&String> = responses.keys().filter(|c| c.starts_with('2')).collect();
        codes.sort();
        let Some(code) = codes.first() else {
            return Ok(Response::Unit);
        };
        let response = self.resolve(&responses[*code])?;
        let declares_headers = response
            .get("headers")
            .and_then(Value::as_object)
            .is_some_and(|h| !h.is_empty());
        let no_body = if declares_headers {
            Response::Headers
        } else {
            Response::Unit
        };
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Ok(no_body);
        };
        if content.is_empty() {
            return Ok(no_body);
        }
        let mut content: Vec<(&String, &Value)> = content.iter().collect();
        content.sort_by(|a, b| a.0.cmp(b.0));
        let find = |pred: &dyn Fn(&str) -> bool| {
            content
                .iter()
                .copied()
                .find(|(ct, _)| pred(&ct.to_ascii_lowercase()))
        };
        if let Some((_, media)) = find(&|ct| ct.contains("json")) {
            let Some(schema) = media.get("schema") else {
                return Ok(Response::Json(TypeRef::Value));
            };
            let resolved = self.resolve(schema)?;
            let stringy = resolved.get("type").and_then(Value::as_str) == Some("string")
                && resolved.get("format").and_then(Value::as_str) != Some("binary")
                && resolved.get(TIMESTAMP_MARKER).is_none();
            let ty = self.type_of(schema, &format!("{op_camel}Response"), "a response")?;
            if stringy && !matches!(ty, TypeRef::Timestamp) {
                return Ok(Response::String(ty));
            }
            return Ok(Response::Json(ty));
        }
        if find(&|ct| ct.starts_with("text/")).is_some() {
            return Ok(Response::Text);
        }
        Ok(Response::Streaming)
    }
}

/// Names a builder uses for itself; parameters with these names get a suffix.
const RESERVED: [&str; 8] = [
    "ctx",
    "context",
    "options",
    "body",
    "content_type",
    "send",
    "new",
    "idempotence_key",
];

fn unique_name(base: &str, location: Location, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.to_owned();
    if taken.contains(&name) {
        name = format!("{base}_{}", location.word());
    }
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}_{}{n}", location.word());
        n += 1;
    }
    taken.insert(name.clone());
    name
}
