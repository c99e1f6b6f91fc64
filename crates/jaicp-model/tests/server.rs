//! The Model API router over real HTTP: auth, body cap, lenient parsing, error bodies, panics.
#![cfg(feature = "server")]

use jaicp_model::models::{PredictRequestData, PredictResponseData, PredictedClassData};
use jaicp_model::server::{ServerOptions, router};
use jaicp_model::{ModelError, ModelService, async_trait};
use serde_json::{Value, json};

struct Echo;

#[async_trait]
impl ModelService for Echo {
    async fn predict(
        &self,
        classifier: &str,
        model: &str,
        request: PredictRequestData,
    ) -> Result<PredictResponseData, ModelError> {
        match classifier {
            "missing" => {
                return Err(ModelError::not_found(
                    "WrongClassifier",
                    "no such classifier",
                ));
            }
            "panic" => panic!("service bug"),
            _ => {}
        }
        let result = request
            .data
            .unwrap_or_default()
            .iter()
            .map(|d| {
                vec![PredictedClassData {
                    class: Some(format!("/{model}/{}", d.text.as_deref().unwrap_or(""))),
                    score: Some(1.0),
                }]
            })
            .collect();
        Ok(PredictResponseData {
            result: Some(result),
        })
    }
}

async fn start(options: ServerOptions) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(Echo, options);
    tokio::spawn(async move {
        axum::serve(listener, app).await.ok();
    });
    format!("http://{addr}")
}

async fn post(url: &str, body: &str, auth: Option<(&str, &str)>) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some((u, p)) = auth {
        req = req.basic_auth(u, Some(p));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn predicts_and_answers_errors_in_the_protocol_shape() {
    let base = start(ServerOptions::default()).await;
    let (s, v) = post(
        &format!("{base}/classifiers/default/predictnbest/m1"),
        r#"{"data":[{"text":"a"},{"text":"b"}],"additionalParams":null,"unknown":1}"#,
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["result"][1][0]["class"], "/m1/b");

    let (s, v) = post(
        &format!("{base}/classifiers/missing/predictnbest/m1"),
        "{}",
        None,
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(v["error"]["code"], "WrongClassifier");
    assert_eq!(v["errors"][0]["message"]["en"], "no such classifier");

    let (s, v) = post(&format!("{base}/ner"), "{not json", None).await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["code"], "MalformedJson");
    let (s, v) = post(&format!("{base}/ner"), r#"{"texts": "not a list"}"#, None).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("InvalidRequest"))
    );
    let (s, _) = post(
        &format!("{base}/process-text"),
        r#"{"documents":["x"]}"#,
        None,
    )
    .await;
    assert_eq!(s, 400, "language and engine are required");

    // A panic in the service becomes a 500 with the error body; the server keeps serving.
    let (s, v) = post(
        &format!("{base}/classifiers/panic/predictnbest/m"),
        "{}",
        None,
    )
    .await;
    assert_eq!(s, 500);
    assert_eq!(v["error"]["code"], "InternalError");
    let (s, _) = post(&format!("{base}/classifiers/x/predictnbest/m"), "", None).await;
    assert_eq!(s, 200, "no body reads as {{}}");
}

#[tokio::test]
async fn default_markup_and_ner_and_the_fix_spells_spelling() {
    let base = start(ServerOptions::default()).await;
    let body = json!({"documents": ["Hi, $Name"], "language": "en", "engine": "x",
                      "markPatterns": true, "fix_spells": true});
    let (s, v) = post(&format!("{base}/process-text"), &body.to_string(), None).await;
    assert_eq!(s, 200);
    let words = &v["result"][0]["words"];
    assert_eq!(words[2]["source"], "$Name");
    assert_eq!(words[2]["pattern"], true);
    assert_eq!(
        (words[0]["startPos"].as_i64(), words[0]["endPos"].as_i64()),
        (Some(0), Some(2))
    );
    let (s, v) = post(&format!("{base}/ner"), r#"{"texts":["a","b"]}"#, None).await;
    assert_eq!(s, 200);
    assert_eq!(v["result"].as_array().map(Vec::len), Some(2));
    let health = reqwest::get(format!("{base}/healthCheck")).await.unwrap();
    assert_eq!(health.text().await.unwrap(), "Ok");
    let version: Value = reqwest::get(format!("{base}/version"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(version["projectArtifactId"], "jaicp-model");
}

#[tokio::test]
async fn basic_auth_guards_the_nlu_routes_only() {
    let base = start(ServerOptions::default().basic_auth("jaicp", "pa:ss")).await;
    let url = format!("{base}/ner");
    let (s, v) = post(&url, "{}", None).await;
    assert_eq!(s, 401);
    assert_eq!(v["error"]["code"], "Unauthorized");
    assert_eq!(post(&url, "{}", Some(("jaicp", "wrong"))).await.0, 401);
    assert_eq!(post(&url, "{}", Some(("jaicp", "pa:s"))).await.0, 401);
    assert_eq!(post(&url, "{}", Some(("jaicp", "pa:ss"))).await.0, 200);
    let health = reqwest::get(format!("{base}/healthCheck")).await.unwrap();
    assert_eq!(health.status().as_u16(), 200, "health stays open");
    let debug = format!(
        "{:?}",
        ServerOptions::default().basic_auth("jaicp", "pa:ss")
    );
    assert!(!debug.contains("pa:ss"));
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let base = start(ServerOptions::default().body_limit(1024)).await;
    let big = format!(r#"{{"texts":["{}"]}}"#, "x".repeat(4096));
    let (s, v) = post(&format!("{base}/ner"), &big, None).await;
    assert_eq!(s, 413);
    assert_eq!(v["error"]["code"], "BodyTooLarge");
    let resp = reqwest::Client::new()
        .post(format!("{base}/ner"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 415);
}
