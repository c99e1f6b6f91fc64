//! The connection loop: HTTP/1.1 over Tokio with the timeouts that keep a slow or silent client
//! from holding connections (and file descriptors) forever, and a graceful stop.
//!
//! - **header read**: a client must send a complete request head within this time after
//!   opening the connection or after its previous answer; otherwise the connection is closed.
//!   This is also the idle timeout of keep-alive connections (hyper starts the same timer while
//!   it waits for the next request).
//! - **body read**: enforced where handlers read the body ([`crate::extract::RawBody`]), from
//!   the [`BodyReadTimeout`] extension the router's middleware attaches: a body that does not
//!   arrive in time is answered 408.

use std::future::Future;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// Default for [`crate::EmulatorBuilder::header_read_timeout`].
pub(crate) const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Default for [`crate::EmulatorBuilder::body_read_timeout`].
pub(crate) const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a request body may take to arrive (a request extension).
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyReadTimeout(pub(crate) Duration);

/// How long open requests get to finish after a stop was asked for.
const DRAIN: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish (for at
/// most a few seconds).
pub(crate) async fn serve(
    listener: TcpListener,
    app: axum::Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait a little instead of spinning.
                Err(err) => {
                    tracing::debug!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::trace!(error = %err, "connection closed with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::debug!("open connections did not finish in time");
    }
    Ok(())
}
