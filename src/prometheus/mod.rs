//! The optional `[prometheus]` endpoint: `GET /metrics` in the OpenMetrics text format,
//! rendered from the board at each scrape. Serving never touches collection: a scrape
//! copies the board out and renders the copy.

mod encode;
mod process;

pub use encode::render;
pub use process::ProcessStats;

use crate::board::Board;
use crate::config::PrometheusConfig;
use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

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

async fn metrics(State(board): State<Board>) -> Response {
    let view = board.view();
    match render(view, board.telemetry(), ProcessStats::read()) {
        Ok(body) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "cannot render the metrics\n").into_response(),
    }
}
