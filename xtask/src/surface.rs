//! `cargo xtask surface [--check]`: a plain-text listing of a crate's public API, checked in as
//! `public-api.txt` beside the crate's `Cargo.toml`, so a change to the surface shows in review.
//!
//! Read from the source with `syn` (no nightly rustdoc JSON): every module, whether it is public,
//! its `pub use` re-exports, and the public items with their signatures (bodies, docs and private
//! fields removed). Items of private modules are listed only when some `pub use` names them —
//! elsewhere a `pub` in a private module is unreachable.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use syn::{Attribute, Fields, ImplItem, Item, TraitItem, UseTree, Visibility};

/// The crates whose surface is listed (relative to the workspace root).
pub const LISTED: &[&str] = &["crates/jaicp-core", "crates/jaicp"];

/// The listing file of a crate.
pub fn listing_path(crate_dir: &Path) -> PathBuf {
    crate_dir.join("public-api.txt")
}

struct Module {
    path: String,
    public: bool,
    cfg: Option<String>,
    items: Vec<Item>,
}

/// The public API of the crate whose sources start at `crate_dir/src/lib.rs`.
pub fn listing(crate_dir: &Path, crate_name: &str) -> Result<String> {
    let lib = crate_dir.join("src/lib.rs");
    let mut modules = Vec::new();
    load(
        &lib,
        crate_dir.join("src"),
        crate_name.to_owned(),
        true,
        None,
        &mut modules,
    )?;
    let mut exported = BTreeSet::new();
    for m in &modules {
        for item in &m.items {
            if let Item::Use(u) = item
                && is_pub(&u.vis)
            {
                leaves(&u.tree, &mut exported);
            }
        }
    }
    let mut out =
        format!("# Public API of `{crate_name}` (cargo xtask surface; do not edit by hand)\n");
    for m in &modules {
        let named = |name: &str| m.public || exported.contains(name);
        let mut body = String::new();
        for item in &m.items {
            if let Some(text) = render(item, &named) {
                body.push_str(&text);
            }
        }
        if body.is_empty() && !m.public {
            continue;
        }
        let kind = if m.public { "pub mod" } else { "mod (private)" };
        let cfg = m
            .cfg
            .as_deref()
            .map(|c| format!(" #[cfg({c})]"))
            .unwrap_or_default();
        let _ = write!(out, "\n## {kind} {}{cfg}\n{body}", m.path);
    }
    Ok(out)
}

fn load(
    file: &Path,
    dir: PathBuf,
    path: String,
    public: bool,
    cfg: Option<String>,
    out: &mut Vec<Module>,
) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let parsed = syn::parse_file(&text).with_context(|| format!("parsing {}", file.display()))?;
    walk(parsed.items, dir, path, public, cfg, out)
}

fn walk(
    items: Vec<Item>,
    dir: PathBuf,
    path: String,
    public: bool,
    cfg: Option<String>,
    out: &mut Vec<Module>,
) -> Result<()> {
    let index = out.len();
    out.push(Module {
        path: path.clone(),
        public,
        cfg,
        items: Vec::new(),
    });
    let mut kept = Vec::new();
    for item in items {
        if is_test_only(attrs_of(&item)) {
            continue;
        }
        match item {
            Item::Mod(m) => {
                let name = m.ident.to_string();
                let child_public = public && is_pub(&m.vis);
                let child_cfg = cfg_of(&m.attrs);
                let child_path = format!("{path}::{name}");
                match m.content {
                    Some((_, inner)) => {
                        walk(
                            inner,
                            dir.join(&name),
                            child_path,
                            child_public,
                            child_cfg,
                            out,
                        )?;
                    }
                    None => {
                        let flat = dir.join(format!("{name}.rs"));
                        let nested = dir.join(&name).join("mod.rs");
                        let source = if flat.exists() { flat } else { nested };
                        load(
                            &source,
                            dir.join(&name),
                            child_path,
                            child_public,
                            child_cfg,
                            out,
                        )?;
                    }
                }
            }
            other => kept.push(other),
        }
    }
    out[index].items = kept;
    Ok(())
}

fn attrs_of(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        _ => &[],
    }
}

fn cfg_of(attrs: &[Attribute]) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.path().is_ident("cfg"))
        .and_then(|a| a.meta.require_list().ok())
        .map(|l| l.tokens.to_string())
}

fn is_test_only(attrs: &[Attribute]) -> bool {
    matches!(cfg_of(attrs).as_deref(), Some("test" | "doctest"))
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn leaves(tree: &UseTree, out: &mut BTreeSet<String>) {
    match tree {
        UseTree::Path(p) => leaves(&p.tree, out),
        UseTree::Name(n) => {
            out.insert(n.ident.to_string());
        }
        UseTree::Rename(r) => {
            out.insert(r.ident.to_string());
        }
        UseTree::Group(g) => g.items.iter().for_each(|t| leaves(t, out)),
        UseTree::Glob(_) => {}
    }
}

/// Keeps what a user sees of an attribute list: derives, `non_exhaustive`, `must_use`, cfgs.
fn visible_attrs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| {
            ["derive", "non_exhaustive", "must_use", "cfg"]
                .iter()
                .any(|n| a.path().is_ident(n))
        })
        .cloned()
        .collect()
}

fn render(item: &Item, named: &dyn Fn(&str) -> bool) -> Option<String> {
    let item = match item {
        Item::Use(u) if is_pub(&u.vis) => {
            let mut u = u.clone();
            u.attrs = visible_attrs(&u.attrs);
            Item::Use(u)
        }
        Item::Struct(s) if is_pub(&s.vis) && named(&s.ident.to_string()) => {
            let mut s = s.clone();
            s.attrs = visible_attrs(&s.attrs);
            let mut hidden = false;
            let had_fields = !s.fields.is_empty();
            let strip = |fields: &mut syn::punctuated::Punctuated<syn::Field, syn::Token![,]>,
                         hidden: &mut bool| {
                let kept: Vec<syn::Field> = fields
                    .iter()
                    .filter(|f| {
                        let shown = is_pub(&f.vis);
                        *hidden |= !shown;
                        shown
                    })
                    .cloned()
                    .map(|mut f| {
                        f.attrs.clear();
                        f
                    })
                    .collect();
                *fields = kept.into_iter().collect();
            };
            match &mut s.fields {
                Fields::Named(n) => strip(&mut n.named, &mut hidden),
                Fields::Unnamed(u) => strip(&mut u.unnamed, &mut hidden),
                Fields::Unit => {}
            }
            let shown_fields = !s.fields.is_empty();
            let mut text = unparse(Item::Struct(s));
            if hidden && !shown_fields && had_fields {
                let head = text
                    .trim_end()
                    .trim_end_matches(';')
                    .trim_end_matches("{}")
                    .trim_end();
                text = match head.strip_suffix("()") {
                    Some(tuple) => format!("{tuple}(/* private fields */);\n"),
                    None => format!("{head} {{ /* private fields */ }}\n"),
                };
            } else if hidden {
                text = text.trim_end().to_owned() + " // and private fields\n";
            }
            return Some(text);
        }
        Item::Enum(e) if is_pub(&e.vis) && named(&e.ident.to_string()) => {
            let mut e = e.clone();
            e.attrs = visible_attrs(&e.attrs);
            for v in &mut e.variants {
                v.attrs = visible_attrs(&v.attrs);
                for f in v.fields.iter_mut() {
                    f.attrs.clear();
                }
            }
            Item::Enum(e)
        }
        Item::Fn(f) if is_pub(&f.vis) && named(&f.sig.ident.to_string()) => {
            let mut f = f.clone();
            f.attrs = visible_attrs(&f.attrs);
            f.block = Box::new(syn::parse_quote!({}));
            Item::Fn(f)
        }
        Item::Const(c) if is_pub(&c.vis) && named(&c.ident.to_string()) => {
            let mut c = c.clone();
            c.attrs.clear();
            Item::Const(c)
        }
        Item::Static(s) if is_pub(&s.vis) && named(&s.ident.to_string()) => {
            let mut s = s.clone();
            s.attrs.clear();
            s.expr = Box::new(syn::parse_quote!(..));
            Item::Static(s)
        }
        Item::Type(t) if is_pub(&t.vis) && named(&t.ident.to_string()) => {
            let mut t = t.clone();
            t.attrs.clear();
            Item::Type(t)
        }
        Item::Trait(t) if is_pub(&t.vis) && named(&t.ident.to_string()) => {
            let mut t = t.clone();
            t.attrs = visible_attrs(&t.attrs);
            for i in &mut t.items {
                match i {
                    TraitItem::Fn(f) => {
                        f.attrs.clear();
                        f.default = None;
                        f.semi_token = Some(Default::default());
                    }
                    TraitItem::Const(c) => {
                        c.attrs.clear();
                        c.default = None;
                    }
                    TraitItem::Type(t) => t.attrs.clear(),
                    _ => {}
                }
            }
            Item::Trait(t)
        }
        Item::Impl(i) => {
            let self_name = type_name(&i.self_ty)?;
            if !named(&self_name) {
                return None;
            }
            let mut i = i.clone();
            i.attrs = visible_attrs(&i.attrs);
            if i.trait_.is_some() {
                // A trait impl is part of the surface; its members are the trait's.
                i.items.clear();
            } else {
                i.items.retain(|m| {
                    matches!(m, ImplItem::Fn(f) if is_pub(&f.vis))
                        || matches!(m, ImplItem::Const(c) if is_pub(&c.vis))
                });
                if i.items.is_empty() {
                    return None;
                }
                for m in &mut i.items {
                    match m {
                        ImplItem::Fn(f) => {
                            f.attrs = visible_attrs(&f.attrs);
                            f.block = syn::parse_quote!({});
                        }
                        ImplItem::Const(c) => c.attrs.clear(),
                        _ => {}
                    }
                }
            }
            Item::Impl(i)
        }
        Item::Macro(m) if m.mac.path.is_ident("credential") => {
            // The credential types are made by a local macro: list what it declares.
            let tokens = m.mac.tokens.to_string();
            let name = tokens
                .split(',')
                .next()
                .and_then(|head| head.split_whitespace().last())
                .unwrap_or("?")
                .to_owned();
            if !named(&name) {
                return None;
            }
            return Some(format!(
                "credential!({name}) // see credentials.rs: struct, ENV, new, from_env, expose, Debug, Clone, Credential\n"
            ));
        }
        _ => return None,
    };
    Some(unparse(item))
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn unparse(item: Item) -> String {
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    };
    let text = prettyplease::unparse(&file);
    // Empty bodies read better as declarations.
    text.replace(" {}\n", ";\n")
}

/// Writes (or with `check`, compares) the listing of every crate in [`LISTED`]. Returns the
/// crates whose listing differs.
pub fn run(root: &Path, check: bool) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for dir in LISTED {
        let crate_dir = root.join(dir);
        let name = dir.rsplit('/').next().unwrap_or(dir).replace('-', "_");
        let text = listing(&crate_dir, &name)?;
        let path = listing_path(&crate_dir);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != text {
            stale.push((*dir).to_owned());
            if !check {
                std::fs::write(&path, &text)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    Ok(stale)
}
