//! A scriptable HTTP/1.1 proxy on loopback for fault-injection tests: each incoming request takes
//! the next [`Fault`] from a script (then [`Fault::Forward`] once the script is used up), and the
//! proxy counts what it received, so tests can tell exactly how many attempts were made.
//!
//! It understands just enough HTTP/1.1 for the SDK: one request per connection, bodies with
//! `Content-Length`, and it always answers `connection: close` so the client never reuses a
//! connection the proxy is about to break.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to do with one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Relay to the upstream and back.
    Forward,
    /// Relay to the upstream (so the server applies it), then drop the connection instead of
    /// answering: the client cannot know whether the request was applied.
    ForwardThenReset,
    /// Read the request, then drop the connection without answering.
    ResetAfterRequest,
    /// Drop the connection before reading anything.
    ResetBeforeRequest,
    /// Answer with this status, extra header lines and body.
    Reply {
        /// Status code.
        status: u16,
        /// Extra header lines, e.g. `retry-after: 2`.
        headers: Vec<String>,
        /// Body.
        body: Vec<u8>,
    },
    /// Answer 200 with a `content-length` of `declared` bytes, send `sent` of them, then drop.
    ResetMidBody {
        /// Declared length.
        declared: usize,
        /// Bytes actually sent.
        sent: usize,
    },
    /// Answer 200 with a declared length, send `sent` bytes, then go silent.
    StallBody {
        /// Declared length.
        declared: usize,
        /// Bytes sent before the silence.
        sent: usize,
    },
    /// Answer 200 with an endless chunked body.
    Endless,
    /// Send the status line and headers one byte every `every` (a slow-loris server).
    SlowHeaders {
        /// Delay between bytes.
        every: Duration,
    },
}

impl Fault {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Fault {
        Fault::Reply {
            status,
            headers: vec!["content-type: application/json".into()],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// A running proxy.
pub struct FaultProxy {
    addr: SocketAddr,
    script: Arc<Mutex<VecDeque<Fault>>>,
    received: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (an `http://host:port` base; `None` for a proxy that only
    /// plays its script and answers 502 to `Forward`).
    pub async fn start(
        upstream: Option<SocketAddr>,
        script: impl IntoIterator<Item = Fault>,
    ) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let script = Arc::new(Mutex::new(script.into_iter().collect::<VecDeque<_>>()));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (script.clone(), received.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((conn, _)) = listener.accept().await else {
                    return;
                };
                let fault = s.lock().unwrap().pop_front().unwrap_or(Fault::Forward);
                let r = r.clone();
                tokio::spawn(async move {
                    let _ = handle(conn, fault, upstream, r).await;
                });
            }
        });
        FaultProxy {
            addr,
            script,
            received,
            task,
        }
    }

    /// The proxy's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Request lines (`POST /path`) of every request read in full, in order.
    pub fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }

    /// Steps of the script not yet used.
    pub fn remaining(&self) -> usize {
        self.script.lock().unwrap().len()
    }
}

/// Reads one request: returns its bytes (head and body) and its request line.
async fn read_request(conn: &mut TcpStream) -> std::io::Result<(Vec<u8>, String)> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length = content_length(&head);
    while buf.len() < head_end + length {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let line = head.lines().next().unwrap_or_default();
    let request_line = line
        .rsplit_once(' ')
        .map(|(l, _)| l)
        .unwrap_or(line)
        .to_owned();
    Ok((buf, request_line))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Sends the request to the upstream with `connection: close` and reads the whole answer.
async fn relay(request: &[u8], upstream: SocketAddr) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).await?;
    let head_end = find(request, b"\r\n\r\n")
        .map(|i| i + 2)
        .unwrap_or(request.len());
    let head = String::from_utf8_lossy(&request[..head_end]);
    let mut rewritten: String = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    rewritten.push_str("connection: close\r\n");
    up.write_all(rewritten.as_bytes()).await?;
    up.write_all(&request[head_end..]).await?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await?;
    Ok(answer)
}

// `set_linger(0)` is deprecated because a non-zero linger blocks the thread on drop; with zero it
// does not block, and it is the only way to make a close a reset, which is the fault we want.
#[allow(deprecated)]
async fn handle(
    mut conn: TcpStream,
    fault: Fault,
    upstream: Option<SocketAddr>,
    received: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    if matches!(fault, Fault::ResetBeforeRequest) {
        // Linger 0 turns the close into a reset.
        conn.set_linger(Some(Duration::ZERO))?;
        return Ok(());
    }
    let (request, line) = read_request(&mut conn).await?;
    received.lock().unwrap().push(line);
    match fault {
        Fault::ResetBeforeRequest => Ok(()),
        Fault::Forward | Fault::ForwardThenReset => {
            let Some(up) = upstream else {
                return conn.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
            };
            let answer = relay(&request, up).await?;
            if matches!(fault, Fault::ForwardThenReset) {
                conn.set_linger(Some(Duration::ZERO))?;
                return Ok(());
            }
            conn.write_all(&answer).await?;
            conn.shutdown().await
        }
        Fault::ResetAfterRequest => {
            conn.set_linger(Some(Duration::ZERO))?;
            Ok(())
        }
        Fault::Reply {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for h in headers {
                head.push_str(&h);
                head.push_str("\r\n");
            }
            head.push_str("\r\n");
            conn.write_all(head.as_bytes()).await?;
            conn.write_all(&body).await?;
            conn.shutdown().await
        }
        Fault::ResetMidBody { declared, sent } | Fault::StallBody { declared, sent } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n"
            );
            conn.write_all(head.as_bytes()).await?;
            conn.write_all(&vec![b' '; sent]).await?;
            conn.flush().await?;
            if matches!(fault, Fault::StallBody { .. }) {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            conn.set_linger(Some(Duration::ZERO))?;
            Ok(())
        }
        Fault::Endless => {
            conn.write_all(
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
            )
            .await?;
            let chunk = format!("{:x}\r\n{}\r\n", 65536, "x".repeat(65536));
            loop {
                conn.write_all(chunk.as_bytes()).await?;
            }
        }
        Fault::SlowHeaders { every } => {
            for b in b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}" {
                conn.write_all(&[*b]).await?;
                tokio::time::sleep(every).await;
            }
            Ok(())
        }
    }
}
