//! `operations.rs`: per operation an `OperationSpec` static, a request builder and a method on the
//! API's handle.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{Resolved, Scope, doc, ident, inner_doc, resolve, ty, ty_text};
use crate::ir::{Api, Body, Idempotency, Location, Operation, Param, Response, Shape, TypeRef};

/// More arguments than this make clippy's `too_many_arguments` fire.
const MAX_ARGS: usize = 7;

/// The tokens of `operations.rs`.
pub fn emit(api: &Api) -> TokenStream {
    if api.server {
        return emit_routes(api);
    }
    let file_doc = inner_doc(&format!(
        "Operations of the `{}` API (`{}`): for each, an [`OperationSpec`] with its retry class, a\n\
         request builder with the optional parameters as setters, and a method on the handle.",
        api.api, api.file
    ));
    let keyed = api.operations.iter().any(|op| !op.inbound && op.keyed());
    let outbound = api.operations.iter().any(|op| !op.inbound);
    let key_placement = if keyed {
        quote!(KeyPlacement,)
    } else {
        quote!()
    };
    let uses = if api.operations.is_empty() {
        quote!(
            #[allow(unused_imports)]
            use jaicp_core::request::OperationSpec;
        )
    } else if !outbound {
        quote! {
            use jaicp_core::export::Method;
            use jaicp_core::request::{Idempotency, OperationSpec};
        }
    } else {
        quote! {
            use jaicp_core::export::Method;
            use jaicp_core::CallOptions;
            use jaicp_core::request::{ApiContext, Idempotency, #key_placement OperationSpec};
        }
    };
    let ops: Vec<TokenStream> = api.operations.iter().map(|op| operation(api, op)).collect();
    let handle = match &api.handle {
        Some(h) if outbound => {
            let path: syn::Path =
                syn::parse_str(h).unwrap_or_else(|_| syn::parse_quote!(crate::InvalidHandlePath));
            let methods: Vec<TokenStream> = api
                .operations
                .iter()
                .filter(|op| !op.inbound)
                .map(|op| handle_method(api, op))
                .collect();
            quote! {
                impl #path {
                    #(#methods)*
                }
            }
        }
        _ => quote!(),
    };
    quote! {
        #file_doc
        #uses
        #(#ops)*
        #handle
    }
}

/// Server side: one `OperationSpec` per operation describing the route the user's service serves
/// (method, path template), and nothing to call it with.
fn emit_routes(api: &Api) -> TokenStream {
    let file_doc = inner_doc(&format!(
        "Routes of the `{}` API (`{}`), which JAICP calls and your service serves: one\n\
         [`OperationSpec`] per operation with its method and path template.",
        api.api, api.file
    ));
    let specs: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| {
            let static_name = ident(&op.static_name);
            let (api_name, op_id, path) = (&api.api, &op.id, &op.path);
            let method = method_tokens(&op.method);
            let idem = idempotency_tokens(op.idempotency);
            let d = doc(&format!(
                "{} Served, not called: JAICP sends this request.",
                summary(op)
            ));
            quote! {
                #d
                pub static #static_name: OperationSpec = OperationSpec {
                    api: #api_name,
                    operation: #op_id,
                    method: #method,
                    path: #path,
                    idempotency: #idem,
                };
            }
        })
        .collect();
    let uses = if api.operations.is_empty() {
        quote!(
            #[allow(unused_imports)]
            use jaicp_core::request::OperationSpec;
        )
    } else {
        quote! {
            use jaicp_core::export::Method;
            use jaicp_core::request::{Idempotency, OperationSpec};
        }
    };
    quote! {
        #file_doc
        #uses
        #(#specs)*
    }
}

/// A value the builder stores: a parameter, a form field, the body.
struct Slot {
    /// Field / argument name.
    name: String,
    /// Stored type.
    stored: TokenStream,
    /// Argument type in `new` (required) or the setter (optional).
    arg: TokenStream,
    /// Conversion from the argument to the stored value.
    convert: TokenStream,
    /// Required (an argument of `new`).
    required: bool,
    /// Initial value when optional.
    empty: TokenStream,
    /// Doc line of the setter / argument.
    facts: String,
    /// The setter.
    setter: Option<TokenStream>,
}

fn arg_of(api: &Api, t: &TypeRef) -> (TokenStream, TokenStream, bool) {
    let stored = ty(t, Scope::Operations);
    if resolve(api, t) == Resolved::String {
        (quote!(impl Into<String>), quote!(.into()), true)
    } else {
        (stored, quote!(), false)
    }
}

fn setter_name(name: &str) -> proc_macro2::Ident {
    // `is_x(self)`, `as_x(self)`, `to_x(self)`, `from_x(self)` break clippy's naming conventions.
    if ["is_", "as_", "to_", "from_"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        format_ident!("with_{}", name)
    } else {
        ident(name)
    }
}

fn param_slot(api: &Api, p: &Param) -> Slot {
    let name = ident(&p.name);
    let where_ = match p.location {
        Location::Form => "form field".to_owned(),
        other => format!("{} parameter", other.word()),
    };
    let facts = if p.facts.is_empty() {
        String::new()
    } else {
        format!(": {}", p.facts)
    };
    let facts_tail = if p.facts.is_empty() {
        String::new()
    } else {
        format!("; {}", p.facts)
    };
    let item = ty(&p.ty, Scope::Operations);
    match p.shape {
        Shape::Single => {
            let (arg, convert, _) = arg_of(api, &p.ty);
            let stored = if p.required {
                item.clone()
            } else {
                quote!(Option<#item>)
            };
            let setter_doc = doc(&format!("Sets the {where_} `{}`{facts}.", p.wire));
            let setter_ident = setter_name(&p.name);
            Slot {
                name: p.name.clone(),
                stored,
                arg: arg.clone(),
                convert: convert.clone(),
                required: p.required,
                empty: quote!(None),
                facts: format!("`{}`: the {where_} `{}`{facts_tail}", p.name, p.wire),
                setter: (!p.required).then(|| {
                    quote! {
                        #setter_doc
                        pub fn #setter_ident(mut self, value: #arg) -> Self {
                            self.#name = Some(value #convert);
                            self
                        }
                    }
                }),
            }
        }
        Shape::Many => {
            let (elem, _, is_string) = arg_of(api, &p.ty);
            let setter_doc = doc(&format!(
                "Adds values to the {where_} `{}`{facts}; each value is sent as its own pair.",
                p.wire
            ));
            let setter_ident = setter_name(&p.name);
            let extend = if is_string {
                quote!(self.#name.extend(values.into_iter().map(Into::into));)
            } else {
                quote!(self.#name.extend(values);)
            };
            Slot {
                name: p.name.clone(),
                stored: quote!(Vec<#item>),
                arg: quote!(Vec<#item>),
                convert: quote!(),
                required: p.required,
                empty: quote!(Vec::new()),
                facts: format!("`{}`: the {where_} `{}`, one pair per value{facts_tail}", p.name, p.wire),
                setter: (!p.required).then(|| {
                    quote! {
                        #setter_doc
                        pub fn #setter_ident(mut self, values: impl IntoIterator<Item = #elem>) -> Self {
                            #extend
                            self
                        }
                    }
                }),
            }
        }
        Shape::Map => {
            let (value_arg, convert, _) = arg_of(api, &p.ty);
            let setter_doc = doc(&format!(
                "Adds an entry to the {where_} `{}`{facts}; each entry is sent as its own `key=value` pair.",
                p.wire
            ));
            let setter_ident = setter_name(&p.name);
            Slot {
                name: p.name.clone(),
                stored: quote!(std::collections::BTreeMap<String, #item>),
                arg: quote!(std::collections::BTreeMap<String, #item>),
                convert: quote!(),
                required: false,
                empty: quote!(std::collections::BTreeMap::new()),
                facts: String::new(),
                setter: Some(quote! {
                    #setter_doc
                    pub fn #setter_ident(mut self, key: impl Into<String>, value: #value_arg) -> Self {
                        self.#name.insert(key.into(), value #convert);
                        self
                    }
                }),
            }
        }
    }
}

fn slots(api: &Api, op: &Operation) -> Vec<Slot> {
    let mut out: Vec<Slot> = op.params.iter().map(|p| param_slot(api, p)).collect();
    match &op.body {
        Some(Body::Json { ty: t, required }) => {
            let (arg, convert, _) = arg_of(api, t);
            let stored = ty(t, Scope::Operations);
            out.push(Slot {
                name: "body".into(),
                stored: if *required {
                    stored.clone()
                } else {
                    quote!(Option<#stored>)
                },
                arg: arg.clone(),
                convert: convert.clone(),
                required: *required,
                empty: quote!(None),
                facts: format!("`body`: the JSON body ([`{}`])", ty_text_link(t)),
                setter: (!*required).then(|| {
                    quote! {
                        /// Sets the JSON body.
                        pub fn body(mut self, value: #arg) -> Self {
                            self.body = Some(value #convert);
                            self
                        }
                    }
                }),
            });
        }
        Some(Body::Form { fields, extra }) => {
            out.extend(fields.iter().map(|p| param_slot(api, p)));
            if let Some(extra) = extra {
                let name = ident(extra);
                let setter_ident = setter_name(extra);
                out.push(Slot {
                    name: extra.clone(),
                    stored: quote!(std::collections::BTreeMap<String, String>),
                    arg: quote!(),
                    convert: quote!(),
                    required: false,
                    empty: quote!(std::collections::BTreeMap::new()),
                    facts: String::new(),
                    setter: Some(quote! {
                        /// Adds a form field that the document does not declare (each one becomes its own
                        /// `key=value` pair of the body).
                        pub fn #setter_ident(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
                            self.#name.insert(key.into(), value.into());
                            self
                        }
                    }),
                });
            }
        }
        Some(Body::Raw {
            content_type,
            required,
        }) => {
            let multipart = content_type.starts_with("multipart/");
            let what = if multipart {
                format!("the encoded `{content_type}` body")
            } else {
                format!("the `{content_type}` body")
            };
            if *required {
                out.push(Slot {
                    name: "body".into(),
                    stored: quote!(Vec<u8>),
                    arg: quote!(impl Into<Vec<u8>>),
                    convert: quote!(.into()),
                    required: true,
                    empty: quote!(None),
                    facts: format!("`body`: {what}"),
                    setter: None,
                });
                if multipart {
                    out.push(Slot {
                        name: "content_type".into(),
                        stored: quote!(String),
                        arg: quote!(impl Into<String>),
                        convert: quote!(.into()),
                        required: true,
                        empty: quote!(None),
                        facts: "`content_type`: its content type, with the boundary".into(),
                        setter: None,
                    });
                }
            } else {
                let (stored, args, value, doc_text) = if multipart {
                    (
                        quote!((Vec<u8>, String)),
                        quote!(body: impl Into<Vec<u8>>, content_type: impl Into<String>),
                        quote!((body.into(), content_type.into())),
                        format!("Sets {what} and its content type (with the boundary)."),
                    )
                } else {
                    (
                        quote!(Vec<u8>),
                        quote!(body: impl Into<Vec<u8>>),
                        quote!(body.into()),
                        format!("Sets {what}."),
                    )
                };
                let setter_doc = doc(&doc_text);
                out.push(Slot {
                    name: "body".into(),
                    stored: quote!(Option<#stored>),
                    arg: quote!(),
                    convert: quote!(),
                    required: false,
                    empty: quote!(None),
                    facts: String::new(),
                    setter: Some(quote! {
                        #setter_doc
                        pub fn body(mut self, #args) -> Self {
                            self.body = Some(#value);
                            self
                        }
                    }),
                });
            }
        }
        None => {}
    }
    out
}

fn ty_text_link(t: &TypeRef) -> String {
    match t {
        TypeRef::Named(n) => format!("super::models::{n}"),
        other => ty_text(other),
    }
}

fn method_tokens(m: &str) -> TokenStream {
    let m = format_ident!("{}", m);
    quote!(Method::#m)
}

fn idempotency_tokens(i: Idempotency) -> TokenStream {
    match i {
        Idempotency::Idempotent => quote!(Idempotency::Idempotent),
        Idempotency::NonIdempotent => quote!(Idempotency::NonIdempotent),
        Idempotency::KeyedHeader => quote!(Idempotency::Keyed(KeyPlacement::Header)),
        Idempotency::KeyedQuery => quote!(Idempotency::Keyed(KeyPlacement::Query)),
    }
}

fn retry_text(i: Idempotency) -> &'static str {
    match i {
        Idempotency::Idempotent => "Retried on transient failures: the operation is idempotent.",
        Idempotency::NonIdempotent => "Not retried once the request may have reached the server.",
        Idempotency::KeyedHeader => {
            "Retried with the same `Idempotence-Key` header, so a repeat cannot act twice."
        }
        Idempotency::KeyedQuery => {
            "Retried with the same `Idempotence-Key` query parameter, so a repeat cannot act twice."
        }
    }
}

/// The doc text of an operation (ours, or a plain statement of what it is), then its route.
fn summary(op: &Operation) -> String {
    let doc = match &op.doc {
        Some(d) => d.trim().to_owned(),
        None => format!("The `{}` operation.", op.id),
    };
    format!("{doc}\n\n{}", route(op))
}

fn route(op: &Operation) -> String {
    format!("`{} {}` (`{}`).", op.method, op.path, op.id)
}

fn response_type(api: &Api, op: &Operation) -> TokenStream {
    match &op.response {
        Response::Unit => quote!(()),
        Response::Json(t) | Response::String(t) => {
            let _ = api;
            ty(t, Scope::Operations)
        }
        Response::Text => quote!(String),
        Response::Streaming => quote!(jaicp_core::request::StreamingResponse),
        Response::Headers => quote!(jaicp_core::request::RawResponse),
    }
}

fn response_text(op: &Operation) -> String {
    match &op.response {
        Response::Unit => "nothing (the body is ignored)".into(),
        Response::Json(t) => format!("the decoded JSON body ([`{}`])", ty_text_link(t)),
        Response::String(t) => format!(
            "the body read as a string, quoted or bare ([`{}`])",
            ty_text_link(t)
        ),
        Response::Text => "the body as text".into(),
        Response::Streaming => "the body as a stream (for downloads)".into(),
        Response::Headers => "the whole response, for its headers (there is no body)".into(),
    }
}

/// An operation JAICP sends to the integrator: only the route, as an `OperationSpec`.
fn inbound(api: &Api, op: &Operation) -> TokenStream {
    let static_name = ident(&op.static_name);
    let (api_name, op_id, path) = (&api.api, &op.id, &op.path);
    let method = method_tokens(&op.method);
    let idem = idempotency_tokens(op.idempotency);
    let static_doc = doc(&format!(
        "{}\n\nJAICP sends this request to the integrator (`x-direction: jaicp-to-integrator`): the\n\
         SDK has no client builder for it; the models describe its payloads and the crate's server\n\
         side receives it. The path is only the default route.",
        summary(op)
    ));
    quote! {
        #static_doc
        pub static #static_name: OperationSpec = OperationSpec {
            api: #api_name,
            operation: #op_id,
            method: #method,
            path: #path,
            idempotency: #idem,
        };
    }
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    if op.inbound {
        return inbound(api, op);
    }
    let static_name = ident(&op.static_name);
    let builder = ident(&op.builder);
    let (api_name, op_id, path) = (&api.api, &op.id, &op.path);
    let method = method_tokens(&op.method);
    let idem = idempotency_tokens(op.idempotency);
    let static_doc = doc(&format!("{} {}", summary(op), retry_text(op.idempotency)));
    let slots = slots(api, op);

    let mut fields = vec![quote!(ctx: ApiContext,)];
    let mut new_args = vec![quote!(ctx: ApiContext)];
    let mut inits = vec![quote!(ctx,)];
    let mut setters = Vec::new();
    for s in &slots {
        let name = ident(&s.name);
        let stored = &s.stored;
        fields.push(quote!(#name: #stored,));
        if s.required {
            let (arg, convert) = (&s.arg, &s.convert);
            new_args.push(quote!(#name: #arg));
            if convert.is_empty() {
                inits.push(quote!(#name,));
            } else {
                inits.push(quote!(#name: #name #convert,));
            }
        } else {
            let empty = &s.empty;
            inits.push(quote!(#name: #empty,));
        }
        if let Some(setter) = &s.setter {
            setters.push(setter.clone());
        }
    }
    if op.key_setter {
        fields.push(quote!(idempotence_key: Option<String>,));
        inits.push(quote!(idempotence_key: None,));
        let placement = match op.idempotency {
            Idempotency::KeyedQuery => "query parameter",
            _ => "header",
        };
        let key_doc = doc(&format!(
            "Sets the idempotence key (the `Idempotence-Key` {placement}). Without one, a fresh key is made\n\
             once per call and reused on every retry; pass your own to stay safe across restarts."
        ));
        setters.push(quote! {
            #key_doc
            pub fn idempotence_key(mut self, key: impl Into<String>) -> Self {
                self.idempotence_key = Some(key.into());
                self
            }
        });
    }
    fields.push(quote!(options: CallOptions,));
    inits.push(quote!(options: CallOptions::default(),));

    let required_facts: Vec<String> = slots
        .iter()
        .filter(|s| s.required)
        .map(|s| format!("- {}", s.facts))
        .collect();
    let new_doc = doc(&if required_facts.is_empty() {
        "A request with no required parameters.".to_owned()
    } else {
        format!(
            "A request with its required parameters:\n{}",
            required_facts.join("\n")
        )
    });
    let allow = if new_args.len() > MAX_ARGS {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };

    let builder_doc = doc(&{
        let mut s = format!("Request builder for [`{}`]: {}", op.static_name, route(op));
        if let Some(h) = &api.handle {
            s.push_str(&format!("\n\nMade by [`{h}::{}`];", op.handle_method));
        } else {
            s.push_str("\n\nMade by [`Self::new`];");
        }
        s.push_str(&format!(" [`Self::send`] returns {}.", response_text(op)));
        s
    });

    let send = send_body(api, op);
    let chain = request_chain(api, op);
    let with_raw = send_with_raw(api, op);
    let ret = response_type(api, op);
    quote! {
        #static_doc
        pub static #static_name: OperationSpec = OperationSpec {
            api: #api_name,
            operation: #op_id,
            method: #method,
            path: #path,
            idempotency: #idem,
        };

        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send().await`"]
        pub struct #builder {
            #(#fields)*
        }

        impl #builder {
            #new_doc
            #allow
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#inits)* }
            }

            #(#setters)*

            /// Overrides the client's timeouts and retry policy for this call.
            pub fn options(mut self, options: CallOptions) -> Self {
                self.options = options;
                self
            }

            /// The context the request is sent with (for helpers that follow up on the call).
            pub fn context(&self) -> &ApiContext {
                &self.ctx
            }

            fn into_request(self) -> jaicp_core::request::RequestBuilder {
                #chain
            }

            /// Sends the request.
            pub async fn send(self) -> jaicp_core::Result<#ret> {
                #send
            }

            #with_raw
        }
    }
}

/// `send_with_raw()` for operations whose answer is decoded (JSON, a lenient string or nothing):
/// the value plus the response it came from, so the raw JSON needs no second request.
fn send_with_raw(api: &Api, op: &Operation) -> TokenStream {
    let (terminal, ret) = match &op.response {
        Response::Json(_) => (
            quote!(request.send_json_with_raw().await),
            response_type(api, op),
        ),
        Response::Unit => (
            quote!(
                request
                    .send_raw()
                    .await
                    .map(|raw| jaicp_core::request::WithRaw::new((), raw))
            ),
            quote!(()),
        ),
        Response::String(t) => {
            if resolve(api, t) == Resolved::String {
                (
                    quote!(request.send_lenient_string_with_raw().await),
                    quote!(String),
                )
            } else {
                let t = ty(t, Scope::Operations);
                (
                    quote!(request
                    .send_lenient_string_with_raw()
                    .await
                    .map(|r| {
                        let (value, raw) = r.into_parts();
                        jaicp_core::request::WithRaw::new(#t::from(value), raw)
                    })),
                    quote!(#t),
                )
            }
        }
        Response::Text | Response::Streaming | Response::Headers => return quote!(),
    };
    quote! {
        /// Sends the request and returns the decoded answer together with the response it was
        /// decoded from (status, headers, body as received).
        pub async fn send_with_raw(self) -> jaicp_core::Result<jaicp_core::request::WithRaw<#ret>> {
            let request = self.into_request();
            #terminal
        }
    }
}

fn send_body(api: &Api, op: &Operation) -> TokenStream {
    let terminal = match &op.response {
        Response::Unit => quote!(request.send_unit().await),
        Response::Json(_) => quote!(request.send_json().await),
        Response::Text => quote!(request.send_text().await),
        Response::Streaming => quote!(request.send_streaming().await),
        Response::Headers => quote!(request.send_raw().await),
        Response::String(t) => {
            if resolve(api, t) == Resolved::String {
                quote!(request.send_lenient_string().await)
            } else {
                let t = ty(t, Scope::Operations);
                quote!(request.send_lenient_string().await.map(#t::from))
            }
        }
    };
    quote! {
        let request = self.into_request();
        #terminal
    }
}

/// The body of `into_request()`: the request built from the builder's fields.
fn request_chain(api: &Api, op: &Operation) -> TokenStream {
    let static_name = ident(&op.static_name);
    let mut chain = vec![quote!(self.ctx.request(&#static_name))];
    let mut loops = Vec::new();
    let mut pre = Vec::new();
    let to_text = |p: &Param, v: TokenStream| -> TokenStream {
        if resolve(api, &p.ty) == Resolved::String {
            v
        } else {
            quote!(#v.to_string())
        }
    };
    for p in &op.params {
        let name = ident(&p.name);
        let wire = &p.wire;
        let v = quote!(self.#name);
        chain.push(match (p.location, p.shape, p.required) {
            (Location::Path, _, _) => quote!(.path_param(#wire, #v)),
            (Location::Query, Shape::Single, true) => quote!(.query(#wire, #v)),
            (Location::Query, Shape::Single, false) => quote!(.query_opt(#wire, #v)),
            (Location::Query, Shape::Many, _) => quote!(.query_many(#wire, #v)),
            (Location::Header, Shape::Single, true) => {
                let v = to_text(p, v);
                quote!(.header(#wire, #v))
            }
            (Location::Header, Shape::Single, false) => {
                if resolve(api, &p.ty) == Resolved::String {
                    quote!(.header_opt(#wire, #v))
                } else {
                    quote!(.header_opt(#wire, #v.map(|v| v.to_string())))
                }
            }
            (Location::Header, Shape::Many, _) => {
                let item = if resolve(api, &p.ty) == Resolved::String {
                    quote!(#v.join(","))
                } else {
                    quote!(#v.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","))
                };
                quote!(.header_opt(#wire, (!#v.is_empty()).then(|| #item)))
            }
            (Location::Query, Shape::Map, _) | (Location::Header, Shape::Map, _) => {
                let call = if p.location == Location::Query {
                    quote!(request = request.query(key, value);)
                } else {
                    quote!(request = request.header(&key, value.to_string());)
                };
                loops.push(quote! {
                    for (key, value) in #v {
                        #call
                    }
                });
                continue;
            }
            (Location::Form, _, _) => continue,
        });
    }
    match &op.body {
        Some(Body::Json { required: true, .. }) => chain.push(quote!(.json(&self.body))),
        Some(Body::Json {
            required: false, ..
        }) => {
            loops.push(quote! {
                if let Some(body) = &self.body {
                    request = request.json(body);
                }
            });
        }
        Some(Body::Form { fields, extra }) => {
            let mut required = Vec::new();
            let mut optional = Vec::new();
            for f in fields {
                let name = ident(&f.name);
                let wire = &f.wire;
                match (f.shape, f.required) {
                    (Shape::Single, true) => {
                        let v = to_text(f, quote!(self.#name));
                        required.push(quote!((#wire.to_owned(), #v)));
                    }
                    (Shape::Single, false) => {
                        let v = to_text(f, quote!(value));
                        optional.push(quote! {
                            if let Some(value) = self.#name {
                                form.push((#wire.to_owned(), #v));
                            }
                        });
                    }
                    _ => {
                        let v = to_text(f, quote!(value));
                        optional.push(quote! {
                            for value in self.#name {
                                form.push((#wire.to_owned(), #v));
                            }
                        });
                    }
                }
            }
            if let Some(extra) = extra {
                let e = ident(extra);
                optional.push(quote!(form.extend(self.#e);));
            }
            let binding = if optional.is_empty() {
                quote!(let form)
            } else {
                quote!(let mut form)
            };
            pre.push(quote! {
                #binding: Vec<(String, String)> = vec![#(#required),*];
                #(#optional)*
            });
            chain.push(quote!(.form(form)));
        }
        Some(Body::Raw {
            content_type,
            required,
        }) => {
            let multipart = content_type.starts_with("multipart/");
            match (*required, multipart) {
                (true, true) => chain.push(quote!(.body_bytes(self.body, &self.content_type))),
                (true, false) => chain.push(quote!(.body_bytes(self.body, #content_type))),
                (false, true) => loops.push(quote! {
                    if let Some((body, content_type)) = self.body {
                        request = request.body_bytes(body, &content_type);
                    }
                }),
                (false, false) => loops.push(quote! {
                    if let Some(body) = self.body {
                        request = request.body_bytes(body, #content_type);
                    }
                }),
            }
        }
        None => {}
    }
    if op.key_setter {
        chain.push(quote!(.idempotency_key(self.idempotence_key)));
    }
    chain.push(quote!(.options(self.options)));
    if loops.is_empty() {
        return quote! {
            #(#pre)*
            #(#chain)*
        };
    }
    quote! {
        #(#pre)*
        let mut request = #(#chain)*;
        #(#loops)*
        request
    }
}

fn handle_method(api: &Api, op: &Operation) -> TokenStream {
    let method = ident(&op.handle_method);
    let builder = ident(&op.builder);
    let slots = slots(api, op);
    let required: Vec<&Slot> = slots.iter().filter(|s| s.required).collect();
    let args: Vec<TokenStream> = required
        .iter()
        .map(|s| {
            let n = ident(&s.name);
            let a = &s.arg;
            quote!(#n: #a)
        })
        .collect();
    let names: Vec<_> = required.iter().map(|s| ident(&s.name)).collect();
    let mut text = summary(op);
    let optional: Vec<String> = slots
        .iter()
        .filter(|s| !s.required && s.setter.is_some())
        .map(|s| format!("`{}`", setter_name(&s.name)))
        .chain(op.key_setter.then(|| "`idempotence_key`".to_owned()))
        .collect();
    if !optional.is_empty() {
        text.push_str(&format!(
            "\n\nOptional: {} (setters of [`{}`]).",
            optional.join(", "),
            op.builder
        ));
    }
    let d = doc(&text);
    let allow = if args.len() + 1 > MAX_ARGS {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    quote! {
        #d
        #allow
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder::new(self.context().clone(), #(#names),*)
        }
    }
}
