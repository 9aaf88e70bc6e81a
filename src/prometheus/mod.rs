//! The optional `[prometheus]` endpoint: `GET /metrics` in OpenMetrics when the scraper
//! asks for it (Prometheus does), in the classic text format 0.0.4 otherwise; rendered
//! from the board at each scrape. Serving never touches collection: a scrape copies the
//! board out and renders the copy.

mod encode;
mod exposition;
mod names;
mod process;

pub use encode::render;
pub use exposition::Format;
pub use process::ProcessStats;

use crate::board::Board;
use crate::config::PrometheusConfig;
use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Binds the configured address; `None` when the endpoint is off. Binding happens
/// before anything else starts, so a taken port is a start-up error, not a surprise later.
pub async fn bind(cfg: &PrometheusConfig) -> anyhow::Result<Option<TcpListener>> {
    let Some(addr) = cfg.listen else {
        return Ok(None);
    };
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot serve Prometheus metrics on {addr} ([prometheus] listen)"))?;
    tracing::info!("Prometheus metrics at http://{addr}/metrics");
    Ok(Some(listener))
}

/// Serves `/metrics` until the task is aborted.
pub fn serve(listener: TcpListener, board: Board) -> JoinHandle<()> {
    let app = Router::new().route("/metrics", get(metrics)).with_state(board);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("the Prometheus endpoint stopped: {e}");
        }
    })
}

async fn metrics(State(board): State<Board>, headers: HeaderMap) -> Response {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = Format::negotiate(accept);
    let body = render(&board.view(), board.telemetry(), ProcessStats::read(), format);
    ([(header::CONTENT_TYPE, format.content_type())], body).into_response()
}
