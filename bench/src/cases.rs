//! The measured cases. Each exists twice: through the SDK, and as the same requests written by hand
//! with reqwest + serde_json (what a user would write without the SDK).

use std::time::Instant;

use futures_util::{StreamExt, TryStreamExt};
use jaicp_calls::Calls;
use jaicp_calls::models::{CallJobParameters, CallTaskByTokenData};
use jaicp_core::auth::Auth;
use jaicp_core::export::Method;
use jaicp_core::{CampaignToken, Client, Host};

const TOKEN: &str = "1.1.bench-campaign";
/// Requests in the sequential case (`JAICP_BENCH_REQUESTS` overrides it: the instruction count
/// per request is the difference of two runs of different lengths).
fn sequential() -> usize {
    std::env::var("JAICP_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}
/// Requests in each throughput case.
const THROUGHPUT: usize = 20_000;
/// Numbers in the bulk case.
const BULK: usize = 1_000_000;
/// MiB in the download case.
const DOWNLOAD_MIB: u64 = 1024;

/// A case's failure, as text for the harness (the bench binary prints it and exits non-zero).
#[derive(Debug)]
pub struct Failed(pub String);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failed {}

impl From<String> for Failed {
    fn from(s: String) -> Self {
        Failed(s)
    }
}

type Result<T> = std::result::Result<T, Failed>;

fn e(err: impl std::fmt::Display) -> Failed {
    Failed(err.to_string())
}

/// CPU time this process has used, user + system, in seconds (all threads, exited ones too;
/// `/proc/self/stat` counts in USER_HZ ticks, which Linux fixes at 100 a second).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last `)`.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// Peak resident memory of this process (VmHWM), KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn sdk_client(base: &str) -> Result<Client> {
    Client::builder()
        .host(Host::custom(base).map_err(e)?)
        .allow_insecure_loopback(true)
        .build()
        .map_err(e)
}

fn raw_client() -> Result<reqwest::Client> {
    // The same safe settings a careful hand-written client would use.
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(e)
}

/// The numbers, generated lazily: neither side holds the whole input in memory.
fn numbers() -> impl Iterator<Item = CallJobParameters> + Send + 'static {
    (0..BULK).map(|i| CallJobParameters {
        phone: format!("+7900{i:07}"),
        ..Default::default()
    })
}

/// Runs one case on one side and prints its JSON line.
pub async fn run(case: &str, side: &str, base: &str) -> Result<()> {
    let base = base.trim_end_matches('/').to_owned();
    let mut started = Instant::now();
    let mut cpu_started = cpu_seconds();
    let (requests, bytes) = match (case, side) {
        ("report", side) => {
            let (n, download_started, cpu) = report_download(&base, side).await?;
            started = download_started;
            cpu_started = cpu;
            (1, n)
        }
        ("sequential", "sdk") => sdk_get(&base, sequential(), 1).await?,
        ("sequential", "raw") => raw_get(&base, sequential(), 1).await?,
        (c, s) if c.starts_with("concurrent-") => {
            let n: usize = c.trim_start_matches("concurrent-").parse().map_err(e)?;
            match s {
                "sdk" => sdk_get(&base, THROUGHPUT, n).await?,
                _ => raw_get(&base, THROUGHPUT, n).await?,
            }
        }
        ("bulk", "sdk") => {
            let calls = Calls::new(&sdk_client(&base)?, &CampaignToken::new(TOKEN).unwrap());
            let report = calls
                .add_phones_iter(numbers())
                .chunk_size(1000)
                .concurrency(4)
                .summary_only()
                .run()
                .await
                .map_err(e)?;
            if report.totals.created != BULK {
                return Err(Failed(format!(
                    "created {} of {BULK}",
                    report.totals.created
                )));
            }
            (BULK / 1000, 0)
        }
        ("bulk", "raw") => {
            let client = raw_client()?;
            let url = format!("{base}/api/calls/campaign/{TOKEN}/addPhones");
            let mut items = numbers();
            let chunks = std::iter::from_fn(move || {
                let chunk: Vec<CallJobParameters> = items.by_ref().take(1000).collect();
                (!chunk.is_empty()).then_some(chunk)
            });
            let created: usize = futures_util::stream::iter(chunks.map(|chunk| {
                let (client, url) = (client.clone(), url.clone());
                async move {
                    let body = serde_json::to_vec(&chunk).map_err(e)?;
                    let answer = client
                        .post(url)
                        .header("content-type", "application/json")
                        .header("Idempotence-Key", format!("k-{}", chunk[0].phone))
                        .body(body)
                        .send()
                        .await
                        .map_err(e)?
                        .error_for_status()
                        .map_err(e)?
                        .bytes()
                        .await
                        .map_err(e)?;
                    let ids: Vec<String> = serde_json::from_slice(&answer).map_err(e)?;
                    Ok::<usize, Failed>(ids.len())
                }
            }))
            .buffer_unordered(4)
            .try_fold(0, |acc, n| async move { Ok(acc + n) })
            .await?;
            if created != BULK {
                return Err(Failed(format!("created {created} of {BULK}")));
            }
            (BULK / 1000, 0)
        }
        ("download", "sdk") => {
            let api = sdk_client(&base)?.api(Auth::none());
            let mut sink = tokio::io::sink();
            let n = api
                .raw(Method::GET, format!("/download/{DOWNLOAD_MIB}"))
                .send_streaming()
                .await
                .map_err(e)?
                .write_to(&mut sink, jaicp_core::download::DownloadOptions::default())
                .await
                .map_err(e)?;
            (1, n)
        }
        ("download", "raw") => {
            let response = raw_client()?
                .get(format!("{base}/download/{DOWNLOAD_MIB}"))
                .timeout(std::time::Duration::from_secs(3600))
                .send()
                .await
                .map_err(e)?;
            let mut stream = response.bytes_stream();
            let mut sink = tokio::io::sink();
            let mut n = 0u64;
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(e)?;
                n += chunk.len() as u64;
                tokio::io::AsyncWriteExt::write_all(&mut sink, &chunk)
                    .await
                    .map_err(e)?;
            }
            (1, n)
        }
        _ => return Err(Failed(format!("unknown case `{case}` / side `{side}`"))),
    };
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_started;
    println!(
        "{}",
        serde_json::json!({"case": case, "side": side, "seconds": seconds, "cpu_seconds": cpu, "requests": requests, "bytes": bytes, "peak_rss_kib": peak_rss_kib()})
    );
    Ok(())
}

/// A 1 GiB message report from the emulator: both sides prepare it the same way (through the
/// SDK: start, long-poll until ready), then only the download is timed — through
/// `Reporter::download_report`, or a hand-written reqwest stream with the same Bearer token.
async fn report_download(base: &str, side: &str) -> Result<(u64, Instant, f64)> {
    let size: u64 = DOWNLOAD_MIB * 1024 * 1024;
    raw_client()?
        .post(format!("{base}/_emulator/reporter/next-report-size"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "bytes": size }).to_string())
        .send()
        .await
        .map_err(e)?
        .error_for_status()
        .map_err(e)?;
    let token = jaicp_core::UnifiedToken::new(jaicp_emulator::DEFAULT_UNIFIED_TOKEN).unwrap();
    let reporter = jaicp_reporter::Reporter::new(&sdk_client(base)?, &token);
    let file = reporter.create_message_report().wait().await.map_err(e)?;
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    let mut sink = tokio::io::sink();
    let n = if side == "sdk" {
        reporter
            .download_report(
                &file,
                &mut sink,
                jaicp_core::download::DownloadOptions::default(),
            )
            .await
            .map_err(e)?
    } else {
        let url = if file.file_url.starts_with('/') {
            format!("{base}{}", file.file_url)
        } else {
            file.file_url.clone()
        };
        let response = raw_client()?
            .get(url)
            .bearer_auth(token.expose())
            .timeout(std::time::Duration::from_secs(3600))
            .send()
            .await
            .map_err(e)?
            .error_for_status()
            .map_err(e)?;
        let mut stream = response.bytes_stream();
        let mut n = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(e)?;
            n += chunk.len() as u64;
            tokio::io::AsyncWriteExt::write_all(&mut sink, &chunk)
                .await
                .map_err(e)?;
        }
        n
    };
    if n != size {
        return Err(Failed(format!("downloaded {n} of {size} bytes")));
    }
    Ok((n, started, cpu_started))
}

async fn sdk_get(base: &str, total: usize, in_flight: usize) -> Result<(usize, u64)> {
    let calls = Calls::new(&sdk_client(base)?, &CampaignToken::new(TOKEN).unwrap());
    futures_util::stream::iter(0..total)
        .map(|_| {
            let calls = calls.clone();
            async move { calls.campaign().send().await.map_err(e) }
        })
        .buffer_unordered(in_flight)
        .try_for_each(|info| async move {
            std::hint::black_box(info);
            Ok(())
        })
        .await?;
    Ok((total, 0))
}

async fn raw_get(base: &str, total: usize, in_flight: usize) -> Result<(usize, u64)> {
    let client = raw_client()?;
    let url = format!("{base}/api/calls/campaign/{TOKEN}");
    futures_util::stream::iter(0..total)
        .map(|_| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let body = client
                    .get(url)
                    .send()
                    .await
                    .map_err(e)?
                    .error_for_status()
                    .map_err(e)?
                    .bytes()
                    .await
                    .map_err(e)?;
                serde_json::from_slice::<CallTaskByTokenData>(&body).map_err(e)
            }
        })
        .buffer_unordered(in_flight)
        .try_for_each(|info| async move {
            std::hint::black_box(info);
            Ok(())
        })
        .await?;
    Ok((total, 0))
}
