//! Benchmark cases, each measured in its own process so that peak memory belongs to one side.
//!
//! `jaicp-bench server --port P` serves fixed answers; `jaicp-bench run <case> <sdk|raw> <base-url>`
//! runs one case against it and prints one JSON line: `{"case", "side", "seconds", "requests",
//! "bytes", "peak_rss_kib"}`. `cargo xtask bench` orchestrates both and prints the ratios.
#![forbid(unsafe_code)]

mod cases;
mod decode;
mod server;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("server") => {
            let port = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(0);
            server::serve(port).await.map_err(|e| e.to_string())
        }
        Some("emulator") => emulator().await.map_err(|e| e.to_string()),
        Some("decode") => decode::run(),
        Some("run") if args.len() >= 4 => cases::run(&args[1], &args[2], &args[3])
            .await
            .map_err(|e| e.to_string()),
        _ => Err(
            "usage: jaicp-bench server --port P | emulator | decode | run <case> <sdk|raw> <base-url>"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jaicp-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Serves the JAICP emulator (for the report-file case) until killed; prints its port first.
async fn emulator() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = jaicp_emulator::Emulator::builder()
        .dial_interval(std::time::Duration::ZERO)
        .start()
        .await?;
    println!("{}", emulator.addr().port());
    std::future::pending::<()>().await;
    drop(emulator);
    Ok(())
}
