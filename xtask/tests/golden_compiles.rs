//! The golden output compiles against `jaicp-core` and behaves: open enums keep unknown values,
//! tagged enums choose by their tag, response types tolerate `null` and unknown fields.

#[path = "golden/shop/mod.rs"]
// The `strict` module is behind an API crate's `strict` feature, which xtask has too (on by
// default) so that the module is compiled and tested here.
#[allow(dead_code)]
mod shop;

use jaicp_core::request::ApiContext;
use shop::models::{Colour, Filter, Item, NewItem, NewItemShipping, PriceFilter, ShopStatus};

/// The handle the golden document's operations hang off.
pub struct Shop {
    ctx: ApiContext,
}

impl Shop {
    /// The context.
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}

#[test]
fn open_enums_round_trip_and_keep_unknown_values() {
    let c: Colour = serde_json::from_str("\"green\"").unwrap();
    assert_eq!(c, Colour::Green);
    assert_eq!(
        serde_json::from_str::<Colour>("\"unknown\"").unwrap(),
        Colour::Undetermined
    );
    let other: Colour = serde_json::from_str("\"teal\"").unwrap();
    assert_eq!(other, Colour::Unknown("teal".into()));
    assert_eq!(serde_json::to_string(&other).unwrap(), "\"teal\"");
    assert_eq!(Colour::default(), Colour::Red);
    assert_eq!(
        "closed".parse::<ShopStatus>().unwrap().to_string(),
        "closed"
    );
}

#[test]
fn response_types_are_tolerant() {
    let item: Item = serde_json::from_str(
        r#"{"id": 7, "name": "x", "tags": null, "createdAt": 1566570001055, "surprise": true,
            "category": {"name": "a", "parent": {"name": "b"}}}"#,
    )
    .unwrap();
    assert_eq!(item.id.unwrap().as_str(), "7");
    assert!(item.tags.is_empty());
    assert_eq!(item.created_at.unwrap().as_millis(), 1_566_570_001_055);
    assert_eq!(
        item.category.unwrap().parent.unwrap().name.as_deref(),
        Some("b")
    );
    assert!(serde_json::from_str::<Item>("{}").is_ok());
}

#[test]
fn request_types_are_built_with_defaults_and_skip_absent_fields() {
    let item = NewItem {
        name: "lamp".into(),
        shipping: NewItemShipping {
            express: Some(true),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&item).unwrap(),
        serde_json::json!({"name": "lamp", "shipping": {"express": true}})
    );
}

#[test]
fn tagged_enums_follow_their_tag() {
    let f: Filter = serde_json::from_str(r#"{"type": "price", "min": 1.5}"#).unwrap();
    let Filter::Price(p) = &f else {
        panic!("{f:?}")
    };
    assert_eq!(p.min, Some(1.5));
    assert_eq!(
        serde_json::to_value(&f).unwrap(),
        serde_json::json!({"type": "price", "min": 1.5})
    );
    let built = Filter::Price(PriceFilter {
        max: Some(2.0),
        ..Default::default()
    });
    assert_eq!(serde_json::to_value(&built).unwrap()["type"], "price");
    let other: Filter = serde_json::from_str(r#"{"type": "colour", "is": "red"}"#).unwrap();
    assert!(matches!(other, Filter::Unknown(_)));
}

/// The first broken rule of a `NewItem` body, as (path, reason).
fn new_item_violation(body: serde_json::Value) -> Option<(String, String)> {
    use shop::models::strict::Rules;
    // The checks run on input that already parses as the model.
    serde_json::from_value::<NewItem>(body.clone()).unwrap();
    NewItem::invalid(&body, "$")
}

#[test]
fn strict_checks_refuse_what_the_models_accept() {
    use serde_json::json;
    let ok = json!({"name": "lamp", "shipping": {}, "colour": "green", "labels": ["a"],
        "discount": 0.5, "stock": {"x": 100}, "colours": ["red"], "size": {"width": 1}});
    assert_eq!(new_item_violation(ok), None);
    let cases = [
        (
            json!({"name": ""}),
            "$.name",
            "length 0, at least 1 required",
        ),
        (
            json!({"name": "é".repeat(81)}),
            "$.name",
            "length 81, at most 80 allowed",
        ),
        (
            json!({"colour": "teal"}),
            "$.colour",
            "not one of `red`, `green`, `unknown`",
        ),
        (
            json!({"colours": ["red", "teal"]}),
            "$.colours[1]",
            "not one of",
        ),
        (
            json!({"labels": []}),
            "$.labels",
            "0 items, at least 1 required",
        ),
        (
            json!({"labels": ["a", "b", "c", "d"]}),
            "$.labels",
            "4 items, at most 3 allowed",
        ),
        (
            json!({"labels": ["a", "toolong"]}),
            "$.labels[1]",
            "length 7, at most 5 allowed",
        ),
        (json!({"discount": 0}), "$.discount", "must be above 0"),
        (json!({"discount": 1.5}), "$.discount", "must be at most 1"),
        (json!({"price": -1}), "$.price", "must be at least 0"),
        (
            json!({"stock": {"x": 101}}),
            "$.stock.x",
            "must be at most 100",
        ),
        (
            json!({"size": {"height": 0}}),
            "$.size.height",
            "must be at least 1",
        ),
    ];
    for (fields, path, reason) in cases {
        let mut body = json!({"name": "lamp", "shipping": {}});
        body.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let (at, why) = new_item_violation(body.clone()).unwrap_or_else(|| panic!("{body}"));
        assert_eq!(at, path, "{body}");
        assert!(why.contains(reason), "{body}: {why}");
    }
    // `null` means "not given": nothing to check.
    assert_eq!(
        new_item_violation(json!({"name": "x", "shipping": {}, "colour": null})),
        None
    );
}

#[test]
fn strict_checks_follow_tags_and_report_every_missing_field() {
    use serde_json::json;
    use shop::models::strict::Rules;
    let mut missing = Vec::new();
    NewItem::missing(&json!({"price": 1}), "$", &mut missing);
    assert_eq!(missing, ["$.name", "$.shipping"]);
    let mut missing = Vec::new();
    Filter::missing(&json!({"type": "text"}), "$", &mut missing);
    assert_eq!(missing, ["$.contains"]);
    let (at, why) = Filter::invalid(&json!({"type": "colour"}), "$").unwrap();
    assert_eq!(at, "$.type");
    assert!(why.starts_with("not one of `price`, `text`"), "{why}");
    assert_eq!(
        Filter::invalid(&json!({"type": "price", "min": 1}), "$"),
        None
    );
}

#[test]
fn strict_query_rules_follow_the_operation_the_path_matches() {
    use shop::models::strict::query;
    let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let items = "/served/under/api/shop/tok-1/items";
    assert_eq!(
        query("GET", items, &q(&[("sort", "price"), ("page", "99")])),
        None
    );
    let (name, why) = query("GET", items, &q(&[("page", "1"), ("sort", "colour")])).unwrap();
    assert_eq!(name, "sort");
    assert!(why.starts_with("not one of `name`, `price`"), "{why}");
    let (name, why) = query("GET", items, &q(&[("page", "100")])).unwrap();
    assert_eq!(
        (name.as_str(), why.as_str()),
        ("page", "100 is out of range: must be at most 99")
    );
    // A value of the wrong type is left to the parser; other operations and paths have no rules.
    assert_eq!(query("GET", items, &q(&[("page", "many")])), None);
    assert_eq!(query("POST", items, &q(&[("page", "100")])), None);
    assert_eq!(
        query("GET", "/api/shop//items", &q(&[("page", "100")])),
        None
    );
    assert_eq!(
        query("GET", "/api/shop/t/items/x", &q(&[("page", "100")])),
        None
    );
}

#[path = "golden/talk/mod.rs"]
#[allow(dead_code)]
mod talk;

/// The handle of the conversation-extensions golden document.
pub struct Talk {
    ctx: ApiContext,
}

impl Talk {
    /// The context.
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}

#[test]
fn inbound_operations_get_a_route_and_the_retry_class_follows_x_idempotency() {
    use jaicp_core::request::Idempotency;
    let hook = &talk::operations::RECEIVE_SAID;
    assert_eq!(
        (hook.api, hook.operation, hook.path),
        ("talk", "receiveSaid", "/hooks/talk/{secret}")
    );
    assert_eq!(
        talk::operations::SAY_VIA_GET.idempotency,
        Idempotency::NonIdempotent
    );
    assert_eq!(
        talk::operations::STORE_NOTE.idempotency,
        Idempotency::Idempotent
    );
}

#[test]
fn secret_strings_are_hidden_and_unions_keep_unknown_kinds() {
    use talk::models::{Part, Said};
    let said: Said = serde_json::from_str(
        r#"{"token": "tok-SECRET-1", "parts": [{"kind": "words", "text": "hi"},
            {"kind": "picture", "url": "u"}, {"kind": "sticker", "id": 3}]}"#,
    )
    .unwrap();
    assert!(!format!("{said:?}").contains("tok-SECRET-1"));
    assert!(said.token.as_ref().unwrap().matches("tok-SECRET-1"));
    assert!(matches!(&said.parts[0], Part::Words(w) if w.text.as_deref() == Some("hi")));
    assert!(matches!(&said.parts[1], Part::Picture(_)));
    assert!(matches!(&said.parts[2], Part::Unknown(v) if v["kind"] == "sticker"));
    assert_eq!(
        serde_json::to_value(&said).unwrap()["token"],
        "tok-SECRET-1"
    );
}

#[test]
fn kept_unknown_fields_survive_a_round_trip() {
    use talk::models::Said;
    let wire = serde_json::json!({
        "token": "t", "parts": [{"kind": "words", "text": "hi", "lang": "en"}],
        "userId": 42, "meta": {"a": [1, null]}
    });
    let said: Said = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(said.extra["userId"], 42);
    assert_eq!(serde_json::to_value(&said).unwrap(), wire);
}

#[path = "golden/hook/mod.rs"]
#[allow(dead_code)]
mod hook;

#[test]
fn server_side_models_parse_leniently_and_build() {
    // A request missing its required field parses (the server decides what to do with it).
    let req: hook::models::ScoreRequest = serde_json::from_str(r#"{"extra": 1}"#).unwrap();
    assert!(req.texts.is_empty());
    let req: hook::models::ScoreRequest =
        serde_json::from_str(r#"{"texts": ["a"], "strict": true}"#).unwrap();
    assert_eq!(req.texts, vec!["a".to_owned()]);
    let resp = hook::models::ScoreResponse {
        scores: Some(vec![0.5]),
    };
    assert_eq!(serde_json::to_string(&resp).unwrap(), r#"{"scores":[0.5]}"#);
    assert_eq!(hook::operations::SCORE.path, "/score");
    assert_eq!(
        hook::operations::RESET_MODEL.method,
        jaicp_core::export::Method::POST
    );
    let models = include_str!("golden/hook/models.rs");
    assert!(!models.contains("non_exhaustive"));
    let ops = include_str!("golden/hook/operations.rs");
    assert!(
        !ops.contains("Request {"),
        "no request builders on the server side"
    );
}
