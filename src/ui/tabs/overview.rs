//! Overview: one row per target (is it up, how busy, how far behind), then live charts
//! of the selected target over the chosen window.

use super::super::app::App;
use super::super::dashboard::TargetView;
use super::super::widgets::data_table::DataTable;
use super::super::widgets::status_badge;
use super::super::widgets::time_chart::TimeChart;
use super::super::{format, series::Series};
use crate::model::present::{Series as ChartSeries, Unit};
use crate::model::{TargetStatus, metric};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length, Percentage};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

const COLUMNS: [(&str, u16); 10] = [
    ("Target", 11),
    ("Status", 10),
    ("Engine", 10),
    ("Version", 8),
    ("Uptime", 6),
    ("Conns", 9),
    ("TPS", 6),
    ("Hit %", 6),
    ("Lag", 6),
    ("Last error", 0),
];

/// Columns kept at `width`: the last error needs room more than engine and version do.
fn visible_columns(width: u16) -> Vec<usize> {
    match width {
        0..70 => vec![0, 1, 5, 6, 9],
        70..100 => vec![0, 1, 4, 5, 6, 7, 8, 9],
        _ => (0..COLUMNS.len()).collect(),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let wanted = u16::try_from(app.dashboard.targets.len()).unwrap_or(u16::MAX).saturating_add(3);
    let table_height = wanted.min(area.height / 3).max(4);
    let [table_area, charts_area] = Layout::vertical([Length(table_height), Fill(1)]).areas(area);
    render_targets(frame, table_area, app);
    render_charts(frame, charts_area, app);
}

fn render_targets(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let targets = &app.dashboard.targets;
    let visible = visible_columns(area.width.saturating_sub(2));
    // Target names are what tells rows apart: give them the room they need, within reason.
    let longest = targets.iter().map(|t| t.info.id.0.chars().count()).max().unwrap_or(0);
    let name_width = u16::try_from(longest).unwrap_or(u16::MAX).clamp(COLUMNS[0].1, 28);
    let table = DataTable {
        title: Line::from(Span::styled(" Targets (j/k select) ", theme.title())),
        header: visible
            .iter()
            .filter_map(|&i| COLUMNS.get(i))
            .map(|(title, _)| (*title).to_owned())
            .collect(),
        widths: visible
            .iter()
            .filter_map(|&i| COLUMNS.get(i).map(|c| (i, c)))
            .map(|(i, &(_, w))| match (i, w) {
                (0, _) => Length(name_width),
                (_, 0) => Fill(1),
                _ => Length(w),
            })
            .collect(),
        len: targets.len(),
        list: &app.views.targets_list,
        empty_message: " no targets: add [targets.<name>] to the config or pass a URL",
    };
    table.render(frame, area, theme, |i| match targets.get(i) {
        Some(t) => target_row(t, app, &visible),
        None => Row::default(),
    });
}

fn target_row<'a>(t: &'a TargetView, app: &App, visible: &[usize]) -> Row<'a> {
    let theme = &app.theme;
    let label = t.status_label();
    // A target that is down shows its last figures as what they are: old. Uptime stops
    // at the last sample instead of ticking on.
    let stale = matches!(t.health.as_ref().map(|h| &h.status), Some(TargetStatus::Down { .. }))
        && t.latest.taken_at("instance").is_some();
    let uptime_until = match stale {
        true => t.latest.taken_at("instance").map_or(app.time.now_ms, |at| at.millis()),
        false => app.time.now_ms,
    };
    let uptime = t.instance().and_then(|i| i.started_at_ms).map_or("-".to_owned(), |started| {
        format::duration_ms(u64::try_from(uptime_until - started).unwrap_or(0))
    });
    let connections =
        t.instance().map(|i| i.connections).or(t.metric(metric::CONNECTIONS, "").map(|v| v as u64));
    let max_connections = t
        .instance()
        .and_then(|i| i.max_connections)
        .or(t.metric(metric::MAX_CONNECTIONS, "").map(|v| v as u64));
    // Redis' default maxclients is 10000 and SQL Server's 32767: "44/10k" and "44/32.8k" fit
    // the column where "44/10000" would be cut into a wrong number.
    let limit = |m: u64| match m {
        0..=9_999 => m.to_string(),
        _ if m.is_multiple_of(1_000) => format!("{}k", m / 1_000),
        _ => format::count(m),
    };
    let conns = match (connections, max_connections) {
        (Some(c), Some(m)) => format!("{c}/{}", limit(m)),
        (Some(c), None) => c.to_string(),
        _ => "-".into(),
    };
    let lag = t
        .metric(metric::REPLICATION_LAG_S, "")
        .map_or("-".to_owned(), |s| format::duration_ms((s * 1000.0) as u64));
    let figure = match stale {
        true => theme.muted().add_modifier(ratatui::style::Modifier::DIM),
        false => theme.text(),
    };
    let mut error = short_error(&t.last_error().unwrap_or_default(), &t.info.endpoint).to_owned();
    if stale {
        let age = u64::try_from(app.time.now_ms - uptime_until).unwrap_or(0);
        error = format!("{error} · figures {} old", format::duration_ms(age));
    }
    let cells = [
        Cell::from(t.info.id.to_string()),
        Cell::from(Span::styled(label, status_badge::style(label, theme))),
        Cell::from(t.product().to_owned()),
        Cell::from(t.version().unwrap_or("-").to_owned()),
        Cell::from(Span::styled(uptime, figure)),
        Cell::from(Span::styled(conns, figure)),
        Cell::from(Span::styled(t.metric(metric::TPS, "").map_or("-".to_owned(), tps), figure)),
        Cell::from(Span::styled(format::percent(t.metric(metric::CACHE_HIT_PCT, "")), figure)),
        Cell::from(Span::styled(lag, figure)),
        Cell::from(Span::styled(error, theme.critical())),
    ];
    Row::new(visible.iter().filter_map(|&i| cells.get(i).cloned()).collect::<Vec<_>>())
}

/// Fits the narrow column: 12.5, 950, 66.2k.
fn tps(v: f64) -> String {
    if !v.is_finite() || v < 0.0 {
        "-".to_owned()
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format::count(v.round() as u64)
    }
}

/// The row already names the target: drop the endpoint from the error so the cause fits,
/// e.g. `cannot connect to u@h:5432/db: database "x" does not exist` → `database "x" does not exist`.
fn short_error<'a>(error: &'a str, endpoint: &str) -> &'a str {
    ["cannot connect to ", "connection to "]
        .iter()
        .find_map(|lead| error.strip_prefix(lead)?.strip_prefix(endpoint))
        .map(|rest| rest.trim_start_matches(" lost").trim_start_matches(':').trim_start())
        .unwrap_or(error)
}

/// The engine's tiles (when it has any) over its four charts.
fn render_charts(frame: &mut Frame, area: Rect, app: &App) {
    let Some(target) = app.current() else { return };
    let presentation = target.presentation();
    let area = if presentation.tiles.is_empty() {
        area
    } else {
        let [tiles_area, charts_area] = Layout::vertical([Length(1), Fill(1)]).areas(area);
        frame.render_widget(ratatui::widgets::Paragraph::new(tiles(target, app)), tiles_area);
        charts_area
    };
    let [top, bottom] = Layout::vertical([Percentage(50), Percentage(50)]).areas(area);
    let [a, b] = Layout::horizontal([Percentage(50), Percentage(50)]).areas(top);
    let [c, d] = Layout::horizontal([Percentage(50), Percentage(50)]).areas(bottom);
    for (spec, area) in presentation.charts.iter().zip([a, b, c, d]) {
        let series = match spec.series {
            ChartSeries::Single => single(target, spec.metric),
            ChartSeries::Keyed(order) => ordered(target, spec.metric, order),
        };
        let format_value: fn(f64) -> String = match spec.unit {
            Unit::Count => |v| format!("{v:.0}"),
            Unit::Percent => |v| format!("{:.0}%", v.min(100.0)),
            Unit::Bytes => |v| format::bytes(v as u64),
        };
        chart(app, spec.title, series, format_value).render(frame, area, &app.theme);
    }
}

/// The figures the engine's users look for first, for the selected target.
fn tiles(t: &TargetView, app: &App) -> Line<'static> {
    let theme = &app.theme;
    let metric = |name: &str, key: &str| t.metric(name, key);
    let mut spans = vec![Span::raw(" ")];
    for (i, tile) in t.presentation().tiles.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.muted()));
        }
        spans.push(Span::styled(format!("{} ", tile.label), theme.muted()));
        spans.push(Span::styled((tile.value)(&metric), theme.text()));
    }
    Line::from(spans)
}

fn chart<'a>(
    app: &App,
    title: &str,
    series: Vec<(String, &'a Series)>,
    format_value: fn(f64) -> String,
) -> TimeChart<'a> {
    TimeChart {
        title: format!(" {title} · {} ", format::window(app.window_ms())),
        series,
        now_ms: app.time.now_ms,
        window_ms: app.window_ms(),
        format_value,
    }
}

fn single<'a>(target: &'a TargetView, name: &'a str) -> Vec<(String, &'a Series)> {
    target.chart_series(name).filter(|(k, _)| k.is_empty()).map(|(_, s)| (String::new(), s)).collect()
}

/// Keyed series in the model's order (so colours stay stable), then unknown keys.
fn ordered<'a>(target: &'a TargetView, name: &'a str, order: &[&str]) -> Vec<(String, &'a Series)> {
    let short = |key: &str| match key {
        "Idle in transaction" => "idle tx".to_owned(),
        "Waiting for lock" => "waiting".to_owned(),
        other => other.to_lowercase(),
    };
    let mut series: Vec<(String, &Series)> =
        target.chart_series(name).map(|(k, s)| (k.to_owned(), s)).collect();
    series.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(order.len()));
    series.into_iter().map(|(k, s)| (short(&k), s)).collect()
}

#[cfg(test)]
mod tests {
    use super::{short_error, tps};

    #[test]
    fn tps_fits_its_column() {
        assert_eq!(tps(12.46), "12.5");
        assert_eq!(tps(950.4), "950");
        assert_eq!(tps(66_200.0), "66.2k");
        assert_eq!(tps(f64::NAN), "-");
    }

    #[test]
    fn errors_drop_the_endpoint_the_row_already_shows() {
        let ep = "u@h:5432/db";
        assert_eq!(short_error("cannot connect to u@h:5432/db: refused", ep), "refused");
        assert_eq!(short_error("connection to u@h:5432/db lost: reset", ep), "reset");
        assert_eq!(short_error("permission denied for view x", ep), "permission denied for view x");
        assert_eq!(
            short_error("cannot connect to other@h:1/x: refused", ep),
            "cannot connect to other@h:1/x: refused"
        );
    }
}
