//! The bench server: fixed answers, as cheap as possible, so that the clients are what is measured.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Path;
use axum::routing::{get, post};
use futures_util::stream;

/// A campaign info answer of realistic size.
pub const CAMPAIGN: &str = r#"{"id":7,"name":"Bench campaign","projectName":"p-1","creationDate":1735725600000,"botId":"b-1","status":"inProgress","shortReport":{"totalNumbers":1000,"processedNumbers":10,"usedTalkingTime":60,"usedAsrSeconds":60,"inProcessCalls":1,"retryCalls":0},"startTime":1735725600000,"maxSimultaneousCalls":10}"#;

/// Size of one streamed chunk of the download.
const CHUNK: usize = 64 * 1024;

async fn add_phones(body: Bytes) -> axum::response::Response {
    // Count the numbers without building them: the client side is what is being measured.
    let count = body.windows(8).filter(|w| w == b"\"phone\":").count();
    let mut ids = String::with_capacity(count * 10 + 2);
    ids.push('[');
    for i in 0..count {
        if i > 0 {
            ids.push(',');
        }
        ids.push('"');
        ids.push_str(&i.to_string());
        ids.push('"');
    }
    ids.push(']');
    ([("content-type", "application/json")], ids).into_response()
}

async fn download(Path(mib): Path<u64>) -> axum::response::Response {
    let chunks = mib * 1024 * 1024 / CHUNK as u64;
    let data = Bytes::from(vec![b'x'; CHUNK]);
    let body = stream::iter((0..chunks).map(move |_| Ok::<_, std::io::Error>(data.clone())));
    (
        [
            ("content-type", "text/csv"),
            ("content-length", &(chunks * CHUNK as u64).to_string()),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

use axum::response::IntoResponse;

/// Serves until killed; prints the bound port on stdout first.
pub async fn serve(port: u16) -> std::io::Result<()> {
    let app = Router::new()
        .route(
            "/api/calls/campaign/{token}",
            get(|| async { ([("content-type", "application/json")], CAMPAIGN) }),
        )
        .route("/api/calls/campaign/{token}/addPhones", post(add_phones))
        .route("/download/{mib}", get(download))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("{}", listener.local_addr()?.port());
    axum::serve(listener, app).await
}
