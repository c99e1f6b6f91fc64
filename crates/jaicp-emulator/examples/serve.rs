//! Serves the emulator on a fixed port until Ctrl-C, without the CLI.
//!
//! `cargo run -p jaicp-emulator --example serve -- 8080 [seed] [rfc3339]`

use std::net::{Ipv4Addr, SocketAddr};

use jaicp_emulator::{Emulator, TimestampFormat};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(8080);
    let seed: u64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(jaicp_emulator::DEFAULT_SEED);
    let timestamps = match args.next().as_deref() {
        Some("rfc3339") => TimestampFormat::Rfc3339,
        _ => TimestampFormat::EpochMillis,
    };
    let builder = Emulator::builder()
        .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .seed(seed)
        .timestamps(timestamps);
    println!(
        "emulator on http://127.0.0.1:{port}, campaign token {}",
        jaicp_emulator::DEFAULT_CAMPAIGN_TOKEN
    );
    jaicp_emulator::serve(builder, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
