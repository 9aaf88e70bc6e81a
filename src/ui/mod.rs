//! The terminal UI: one task owns all UI state. Keys come first (`biased`), data only
//! marks the screen dirty, and store queries run in spawned tasks that answer through
//! a channel, so nothing slow ever runs between a key press and the next frame.

pub mod action;
pub mod alerts;
pub mod app;
mod app_alerts;
mod app_compare;
mod app_contexts;
mod app_copy;
mod app_overview;
mod app_plan;
mod app_schema;
mod app_slowlog;
pub mod app_state;
mod app_travel;
pub mod bench;
pub mod clipboard;
pub mod compare;
pub mod dashboard;
pub mod format;
pub mod forwarding;
mod history;
pub mod keymap;
pub mod layout;
pub mod overlay;
pub mod plan;
pub mod popups;
pub mod series;
pub mod tabs;
pub mod theme;
pub mod travel;
pub mod travel_time;
pub mod views;
pub mod widgets;

#[cfg(test)]
mod tests;

use crate::model::{AlertEvent, QueryStat, Sample, TargetId, TargetInfo, Timestamp};
use crate::store::Store;
use action::Effect;
use app::App;
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// What the pipeline (and the UI's own history queries) hand the UI.
#[derive(Debug, Clone)]
pub enum UiUpdate {
    /// One collection round of one target (already recorded in the store).
    Round(Arc<Vec<Sample>>),
    /// Chart history from the store: key → points (the empty key for instance-wide metrics).
    Series { target: TargetId, metric: String, by_key: Vec<(String, Vec<(Timestamp, f64)>)> },
    /// Per-interval history of one statement, for the statement detail popup.
    QueryHistory { target: TargetId, query_id: String, points: Vec<(Timestamp, QueryStat)> },
    /// Alert lifecycle events as the engine produces them, in order.
    Alerts(Vec<AlertEvent>),
    /// The engine's active alerts after a round: current value, last seen and count of
    /// alerts already listed (re-detection creates no events). Never pops anything up.
    ActiveAlerts(Vec<AlertEvent>),
    /// Past alert events from the store (newest first), read once at start.
    AlertHistory(Vec<AlertEvent>),
    /// The screen's past instant, read from the store (time travel).
    Moment(Box<travel::MomentAnswer>),
    /// The charts' window a day earlier, shifted a day later (`d`), for request `id`:
    /// (metric, key, points).
    Overlay { id: u64, series: overlay::DayEarlier },
    /// Two windows of statements side by side (Queries, `w`), for request `id`.
    Comparison { id: u64, result: Result<Vec<crate::store::StatementChange>, String> },
    /// What the forwarder to the central backend is doing (only when `api_base_url` is set).
    Forwarding(crate::forward::ForwardStatus),
    /// The plan asked for by request `id`, or why there is none.
    Plan { id: u64, result: Result<crate::model::Plan, String> },
}

/// Everything the UI task needs. The UI owns its state; nothing else writes it.
pub struct UiContext {
    pub targets: Vec<TargetInfo>,
    pub updates: mpsc::Receiver<UiUpdate>,
    /// For charts' history and scroll-back; queried off the UI task.
    pub store: Store,
    /// Redraw at most this often (data-driven redraws only).
    pub refresh: Duration,
    pub chart_window: Duration,
    /// Theme name or path (`--theme`, `[ui] theme`).
    pub theme: String,
    /// Set to true when the user quits; the UI also stops when it turns true.
    pub shutdown: watch::Sender<bool>,
    /// Rule explanations and template errors, from the alert engine.
    pub alert_catalog: alerts::AlertCatalogInfo,
    /// Ring the terminal bell when an alert pops up.
    pub bell: bool,
    /// Per target: bump to run its schema tier now (the Schema tab's refresh key).
    pub schema_refresh: std::collections::BTreeMap<crate::model::TargetId, watch::Sender<u64>>,
    /// Per target: the scheduler's "retry now" signal.
    pub retry_now: std::collections::BTreeMap<crate::model::TargetId, watch::Sender<u64>>,
    /// `logstag replay`: the file's newest instant, where the screen opens (no live data).
    pub replay_end: Option<Timestamp>,
    /// Per target whose engine plans statements on demand: the planner (holds its settings).
    pub planners: std::collections::BTreeMap<TargetId, crate::collectors::planner::Planner>,
}

/// NO_COLOR (https://no-color.org): set and non-empty disables colours.
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// The theme to use, and the error to show when the requested one could not be loaded.
pub fn resolve_theme(name: &str, no_color: bool) -> (theme::Theme, Option<String>) {
    let (theme, error) = match theme::load(if name.is_empty() { "default" } else { name }) {
        Ok(theme) => (theme, None),
        Err(e) => (theme::Theme::default(), Some(format!("{e}; using the default theme"))),
    };
    (if no_color { theme.plain() } else { theme }, error)
}

/// Runs the UI until the user quits or shutdown is signalled.
pub async fn run(mut ctx: UiContext) -> anyhow::Result<()> {
    let (theme, theme_error) = resolve_theme(&ctx.theme, no_color_requested());
    if let Some(error) = &theme_error {
        tracing::warn!("{error}");
    }
    let mut app = App::new(ctx.targets.clone(), theme, ctx.chart_window);
    app.theme_error = theme_error;
    app.dashboard.alerts.catalog = ctx.alert_catalog.clone();
    // try_init installs a panic hook that restores the terminal first; unlike init it
    // returns an error (no tty, e.g. under a pipe) instead of panicking.
    let result = match ratatui::try_init() {
        Ok(mut terminal) => event_loop(&mut terminal, &mut app, &mut ctx).await,
        Err(e) => Err(anyhow::anyhow!("cannot open the terminal (is stdout a TTY?): {e}")),
    };
    if let Err(e) = ratatui::try_restore() {
        tracing::warn!("restoring the terminal: {e}");
    }
    // The rest of the program stops with the UI, on every exit path.
    let _ = ctx.shutdown.send(true);
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    ctx: &mut UiContext,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let (history_tx, mut history_rx) = mpsc::channel::<UiUpdate>(16);
    let mut shutdown = ctx.shutdown.subscribe();
    let mut frame_tick = tokio::time::interval(ctx.refresh.max(Duration::from_millis(50)));
    frame_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut clock_tick = tokio::time::interval(Duration::from_secs(1));
    clock_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let (mut data_dirty, mut updates_open) = (false, true);
    let replay = ctx.replay_end.and_then(|end| app.start_replay(end));
    let startup = app
        .history_requests()
        .into_iter()
        .chain(app.headline_requests())
        .chain([Effect::LoadAlertHistory])
        .chain(replay);
    for effect in startup {
        perform(effect, terminal, ctx, &history_tx)?;
    }
    if *shutdown.borrow() {
        return Ok(());
    }
    'ui: loop {
        tokio::select! {
            biased;
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                    if let Some(action) = keymap::resolve(&app.contexts(), key) {
                        for effect in app.apply(action) {
                            if effect == Effect::Quit {
                                break 'ui;
                            }
                            perform(effect, terminal, ctx, &history_tx)?;
                        }
                    }
                    draw(terminal, app)?;
                }
                Some(Ok(Event::Resize(..))) => draw(terminal, app)?,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => break 'ui,
            },
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break 'ui;
                }
            }
            // Ticks come before data: a flood of rounds must not starve drawing.
            _ = frame_tick.tick() => {
                if std::mem::take(&mut data_dirty) {
                    draw(terminal, app)?;
                }
            }
            _ = clock_tick.tick() => {
                app.time.tick(Timestamp::now().millis());
                draw(terminal, app)?;
            }
            update = ctx.updates.recv(), if updates_open => match update {
                Some(update) => {
                    app.update(update);
                    if app.take_bell() && ctx.bell {
                        ring_bell();
                    }
                    // A re-sort under the Overview's filter may have changed the target.
                    for effect in app.history_requests() {
                        perform(effect, terminal, ctx, &history_tx)?;
                    }
                    data_dirty = true;
                }
                None => updates_open = false,
            },
            Some(update) = history_rx.recv() => {
                app.update(update);
                data_dirty = true;
            }
        }
    }
    Ok(())
}

/// Ctrl-L: wipe the screen and repaint every cell. Not `Terminal::clear`, which asks the
/// terminal for its cursor position and fails (ending the program) when the answer is slow,
/// as over a laggy SSH link, or never comes, as in terminals that ignore the query.
fn force_full_redraw<B: ratatui::backend::Backend>(terminal: &mut ratatui::Terminal<B>)
where
    B::Error: std::fmt::Display,
{
    if let Err(e) = terminal.backend_mut().clear_region(ratatui::backend::ClearType::All) {
        tracing::warn!("clearing the screen: {e}");
    }
    // Each swap resets the buffer it leaves behind: after two, the next draw diffs against
    // an empty screen and so writes everything.
    terminal.swap_buffers();
    terminal.swap_buffers();
}

pub fn draw<B: ratatui::backend::Backend>(
    terminal: &mut ratatui::Terminal<B>,
    app: &App,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    terminal
        .draw(|frame| layout::render(frame, app))
        .map_err(|e| anyhow::anyhow!("drawing the screen: {e}"))?;
    Ok(())
}

fn perform(
    effect: Effect,
    terminal: &mut ratatui::DefaultTerminal,
    ctx: &UiContext,
    history_tx: &mpsc::Sender<UiUpdate>,
) -> anyhow::Result<()> {
    let store = &ctx.store;
    match effect {
        Effect::Quit => {}
        Effect::RefreshSchema(target) => {
            if let Some(tx) = ctx.schema_refresh.get(&target) {
                tx.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
        Effect::RetryNow(target) => {
            if let Some(tx) = ctx.retry_now.get(&target) {
                tx.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
        Effect::Copy(text) => {
            // A terminal that rejects OSC 52 is no reason to stop monitoring.
            if let Err(e) = clipboard::copy(&mut std::io::stdout(), &text) {
                tracing::warn!("copy to clipboard: {e}");
            }
        }
        Effect::ClearScreen => force_full_redraw(terminal),
        Effect::LoadSeries { target, window_ms, metrics } => {
            tokio::spawn(history::load_series(store.clone(), history_tx.clone(), target, window_ms, metrics));
        }
        Effect::LoadQueryHistory { target, query_id } => {
            tokio::spawn(history::load_query(store.clone(), history_tx.clone(), target, query_id));
        }
        Effect::LoadAlertHistory => {
            tokio::spawn(history::load_alerts(store.clone(), history_tx.clone()));
        }
        Effect::LoadOverlay(request) => {
            tokio::spawn(history::load_overlay(store.clone(), history_tx.clone(), *request));
        }
        Effect::LoadComparison(request) => {
            tokio::spawn(history::load_comparison(store.clone(), history_tx.clone(), *request));
        }
        Effect::LoadMoment(request) => {
            tokio::spawn(history::load_moment(store.clone(), history_tx.clone(), *request));
        }
        Effect::LoadPlan(job) => {
            let planner = ctx.planners.get(&job.target).cloned();
            tokio::spawn(plan::load(planner, history_tx.clone(), *job));
        }
    }
    Ok(())
}

/// BEL: the terminal decides whether that is a sound, a flash or nothing.
fn ring_bell() {
    use std::io::Write;
    let mut out = std::io::stdout();
    if let Err(e) = out.write_all(b"\x07").and_then(|()| out.flush()) {
        tracing::debug!("terminal bell: {e}");
    }
}
