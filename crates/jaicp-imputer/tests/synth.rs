//! Imputer replicas on a scripted transport: query layout, validation, the cache.

use std::sync::Arc;

use jaicp_core::testing::{ScriptedTransport, Step};
use jaicp_core::{Client, Error, Host, ImputerToken};
use jaicp_imputer::{Imputer, Replica};

fn imputer(t: &ScriptedTransport) -> Imputer {
    let client = Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(t.clone()))
        .build()
        .unwrap();
    Imputer::new(
        &client,
        &ImputerToken::new("abcd1234:CANARYimputer").unwrap(),
    )
}

fn wav() -> Step {
    Step::Respond {
        status: 200,
        headers: vec![("content-type".into(), "audio/wav".into())],
        body: bytes::Bytes::from_static(b"RIFF....WAVE"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_replica_is_sent_as_query_parameters_and_cached() {
    let t = ScriptedTransport::new([wav(), wav()]);
    let imp = imputer(&t);
    let r = Replica::new("tpl-1").var("name", "Анна").speed(1.5);
    let a = imp.synthesize(&r).await.unwrap();
    assert_eq!(a.bytes, b"RIFF....WAVE");
    assert_eq!(a.content_type.as_deref(), Some("audio/wav"));
    let b = imp.synthesize(&r).await.unwrap();
    assert_eq!(a, b);
    assert_eq!(t.count(), 1, "the second render came from the cache");
    imp.synthesize(&r.clone().speed(1.0)).await.unwrap();
    assert_eq!(t.count(), 2, "another speed is another replica");
    assert_eq!(imp.cached(), 2);
    let url = &t.requests()[0].url;
    assert!(url.path().ends_with("/imputing/generate-audio"));
    let q: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    assert!(q.contains(&("replicaTemplateId".into(), "tpl-1".into())));
    assert!(q.contains(&("voiceSpeed".into(), "1.5".into())));
    assert!(q.contains(&("name".into(), "Анна".into())));
}

#[tokio::test(start_paused = true)]
async fn bad_replicas_fail_before_the_network() {
    let t = ScriptedTransport::new([]);
    let imp = imputer(&t);
    for r in [
        Replica::new(""),
        Replica::new("t").speed(3.0),
        Replica::new("t").var("voiceSpeed", "1"),
    ] {
        assert!(matches!(
            imp.synthesize(&r).await,
            Err(Error::InvalidInput { .. })
        ));
    }
    assert_eq!(t.count(), 0);
}

#[tokio::test(start_paused = true)]
async fn to_file_writes_the_bytes() {
    let t = ScriptedTransport::new([wav()]);
    let dir = std::env::temp_dir().join(format!("jaicp-imputer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.wav");
    imputer(&t)
        .synthesize_to_file(&Replica::new("t"), &path)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"RIFF....WAVE");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(start_paused = true)]
async fn a_stream_writes_to_any_async_writer_and_is_not_cached() {
    let t = ScriptedTransport::new([wav(), wav()]);
    let imp = imputer(&t);
    let r = Replica::new("t").var("n", "1");
    let mut sink: Vec<u8> = Vec::new();
    let n = imp
        .synthesize_stream(&r)
        .await
        .unwrap()
        .write_to(&mut sink, jaicp_core::download::DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!((n, sink.as_slice()), (12, &b"RIFF....WAVE"[..]));
    assert_eq!(imp.cached(), 0);
    imp.synthesize_stream(&r).await.unwrap();
    assert_eq!(t.count(), 2);
}
