//! Overview: the fleet at a glance. A summary line (targets by status, alerts by
//! severity), the targets worst first (or by name), optionally grouped by engine or tag,
//! each with a trend of its headline rate; then the selected target's charts, or one line
//! of its figures when the fleet needs the room.

use super::super::app::App;
use super::super::dashboard::{self, TargetView};
use super::super::popups::alert::severity_style;
use super::super::views::overview::{Grouping, OverviewRow, Rank};
use super::super::widgets::data_table::DataTable;
use super::super::widgets::{filter_input, sparkline, status_badge};
use super::super::{format, theme::Theme};
use super::overview_charts;
use crate::model::{Severity, TargetStatus, metric};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

const COLUMNS: [(&str, u16); 11] = [
    ("Target", 11),
    ("Status", 12),
    ("Engine", 10),
    ("Version", 8),
    ("Uptime", 6),
    ("Conns", 9),
    ("TPS", 6),
    ("Trend", 8),
    ("Hit %", 6),
    ("Lag", 6),
    ("Last error", 0),
];
const TREND: usize = 7;

/// Columns kept at `width`: the last error needs room more than engine and version do,
/// and the trend says more about a fleet than the cache hit ratio.
fn visible_columns(width: u16) -> Vec<usize> {
    match width {
        0..70 => vec![0, 1, 5, 6, 10],
        70..100 => vec![0, 1, 4, 5, 6, TREND, 9, 10],
        _ => (0..COLUMNS.len()).collect(),
    }
}

/// The trend column: wider where the screen has room for it.
fn trend_width(table_width: u16) -> u16 {
    if table_width >= 160 { 16 } else { COLUMNS[TREND].1 }
}

/// Charts below this many lines say nothing: the fleet table takes the room instead.
const CHARTS_MIN: u16 = 12;

#[derive(Debug, PartialEq, Eq)]
enum Lower {
    Charts,
    /// One line of the selected target's figures.
    Line,
}

/// (table height, what goes below it) for a body of `body` lines and a table that
/// would like `wanted` (rows plus borders and header). A few targets get their rows and
/// the charts the rest; a fleet gets the screen, down to `CHARTS_MIN` for the charts on
/// a tall terminal and to one line of figures on a short one.
fn split(body: u16, wanted: u16) -> (u16, Lower) {
    if body >= wanted.saturating_add(CHARTS_MIN) {
        (wanted, Lower::Charts)
    } else if body >= 30 {
        let charts = (body * 2 / 5).max(CHARTS_MIN);
        (body - charts, Lower::Charts)
    } else {
        (wanted.min(body.saturating_sub(1)), Lower::Line)
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.views.overview;
    let filter = filter_input::line(
        &view.filter,
        app.filter_editing,
        view.matched,
        app.dashboard.targets.len(),
        &app.theme,
    );
    let filter_height = u16::from(filter.is_some());
    let [summary_area, filter_area, body] =
        Layout::vertical([Length(1), Length(filter_height), Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(summary(app, summary_area.width)), summary_area);
    if let Some(filter) = filter {
        frame.render_widget(Paragraph::new(filter), filter_area);
    }
    let wanted = u16::try_from(view.rows.len()).unwrap_or(u16::MAX).saturating_add(3).max(4);
    let (table_height, lower) = split(body.height, wanted);
    let [table_area, lower_area] = Layout::vertical([Length(table_height), Fill(1)]).areas(body);
    render_targets(frame, table_area, app);
    match lower {
        Lower::Charts => overview_charts::render(frame, lower_area, app),
        Lower::Line => overview_charts::render_line(frame, Rect { height: 1, ..lower_area }, app),
    }
}

/// ` 100 targets: 93 up · 4 degraded · 3 down   alerts: 2 critical · 5 medium`, or on a
/// narrow screen ` 100 targets: 93 up 4 degr 3 down  alerts: 2 crit 5 med`.
fn summary(app: &App, width: u16) -> Line<'static> {
    let theme = &app.theme;
    let targets = &app.dashboard.targets;
    let count = |label: &str| targets.iter().filter(|t| t.status_label() == label).count();
    let statuses = [
        (count("UP"), ["up", "up"], theme.ok()),
        (count("DEGRADED"), ["degraded", "degr"], theme.warn()),
        (count("DOWN"), ["down", "down"], theme.critical()),
        (count("CONNECTING"), ["connecting", "conn"], theme.info()),
    ];
    let mut by_severity = [0_usize; Severity::ALL.len()];
    let book = &app.dashboard.alerts;
    for a in book.active.values().filter(|a| !book.is_muted(&a.event.target, &a.event.rule)) {
        let slot =
            Severity::ALL.iter().position(|s| *s == a.event.severity).and_then(|i| by_severity.get_mut(i));
        if let Some(n) = slot {
            *n += 1;
        }
    }
    let short = |s: Severity| match s {
        Severity::Critical => "crit",
        Severity::Medium => "med",
        Severity::BestPractice => "bp",
        other => other.key(),
    };
    let alerts: Vec<(usize, [&str; 2], Style)> = Severity::ALL
        .iter()
        .zip(by_severity)
        .map(|(s, n)| (n, [s.key(), short(*s)], severity_style(*s, theme)))
        .collect();
    let line = |compact: bool| {
        let mut spans = vec![Span::styled(format!(" {} targets: ", targets.len()), theme.header())];
        push_counts(&mut spans, &statuses, compact, true, theme);
        spans.push(Span::styled(if compact { "  alerts: " } else { "   alerts: " }, theme.header()));
        if by_severity.iter().all(|n| *n == 0) {
            spans.push(Span::styled("none", theme.muted()));
        } else {
            push_counts(&mut spans, &alerts[..], compact, false, theme);
        }
        Line::from(spans)
    };
    let full = line(false);
    if full.width() <= usize::from(width) { full } else { line(true) }
}

/// "93 up · 4 degraded" (compact: "93 up 4 degr"): the non-zero counts, each in its
/// colour, and the first one even at zero when `first_always` ("0 up" says a lot).
fn push_counts(
    spans: &mut Vec<Span<'static>>,
    counts: &[(usize, [&str; 2], Style)],
    compact: bool,
    first_always: bool,
    theme: &Theme,
) {
    let mut first = true;
    for (i, (n, words, style)) in counts.iter().enumerate() {
        if *n == 0 && (i > 0 || !first_always) {
            continue;
        }
        if !first {
            spans.push(Span::styled(if compact { " " } else { " · " }, theme.muted()));
        }
        first = false;
        let style = if *n == 0 { theme.muted() } else { style.add_modifier(Modifier::BOLD) };
        spans.push(Span::styled(format!("{n} {}", words[usize::from(compact)]), style));
    }
}

fn render_targets(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let view = &app.views.overview;
    let targets = &app.dashboard.targets;
    let visible = visible_columns(area.width.saturating_sub(2));
    // Target names are what tells rows apart: give them the room they need, within reason.
    let group_labels = view.rows.iter().filter_map(|r| match r {
        OverviewRow::Group { label, .. } => Some(label.chars().count() + 2),
        OverviewRow::Target(_) => None,
    });
    let names = targets.iter().map(|t| t.info.id.0.chars().count());
    let longest = names.chain(group_labels).max().unwrap_or(0);
    let name_width = u16::try_from(longest).unwrap_or(u16::MAX).clamp(COLUMNS[0].1, 28);
    let trend = trend_width(area.width.saturating_sub(2));
    let order = if view.by_name { "by name" } else { "worst first" };
    let group = match view.grouping {
        Grouping::None => "",
        Grouping::Engine => " · grouped by engine",
        Grouping::Tag => " · grouped by first tag",
    };
    let table = DataTable {
        title: Line::from(Span::styled(format!(" Targets · {order}{group} "), theme.title())),
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
                (TREND, _) => Length(trend),
                (_, 0) => Fill(1),
                _ => Length(w),
            })
            .collect(),
        len: view.rows.len(),
        list: &app.views.targets_list,
        empty_message: match targets.is_empty() {
            true => " no targets: add [targets.<name>] to the config or pass a URL",
            false => " no target matches the filter (Esc clears it)",
        },
    };
    table.render(frame, area, theme, |i| match view.rows.get(i) {
        Some(OverviewRow::Target(index)) => match targets.get(*index) {
            Some(t) => target_row(t, *index, app, &visible, usize::from(trend)),
            None => Row::default(),
        },
        Some(OverviewRow::Group { label, count, worst, down }) => {
            group_row(label, *count, *worst, *down, &visible, theme)
        }
        None => Row::default(),
    });
}

/// A group header: its name and size, its worst member's state, how many are down.
fn group_row<'a>(
    label: &str,
    count: usize,
    worst: Rank,
    down: usize,
    visible: &[usize],
    theme: &Theme,
) -> Row<'a> {
    let worst_style = match worst {
        Rank::Down => status_badge::style("DOWN", theme),
        Rank::CriticalAlert => severity_style(Severity::Critical, theme),
        Rank::HighAlert => severity_style(Severity::High, theme),
        Rank::MediumAlert => severity_style(Severity::Medium, theme),
        Rank::LowAlert => severity_style(Severity::Low, theme),
        Rank::Degraded => status_badge::style("DEGRADED", theme),
        Rank::Connecting => status_badge::style("CONNECTING", theme),
        Rank::Up => status_badge::style("UP", theme),
    };
    let targets = if count == 1 { "target" } else { "targets" };
    let detail = match down {
        0 => format!("{count} {targets}"),
        _ => format!("{count} {targets}, {down} down"),
    };
    let cells = visible.iter().enumerate().map(|(position, _)| match position {
        0 => Cell::from(Span::styled(format!("▾ {label}"), theme.header().add_modifier(Modifier::BOLD))),
        1 => Cell::from(Span::styled(worst.label(), worst_style)),
        p if p + 1 == visible.len() => Cell::from(Span::styled(detail.clone(), theme.muted())),
        _ => Cell::from(""),
    });
    Row::new(cells.collect::<Vec<_>>())
}

fn target_row<'a>(t: &'a TargetView, index: usize, app: &App, visible: &[usize], trend: usize) -> Row<'a> {
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
    let headline: Vec<&super::super::series::Series> =
        t.chart_series(dashboard::headline(t.engine)).map(|(_, s)| s).collect();
    let trend = sparkline::line(&headline, app.time.now_ms, app.window_ms(), trend);
    let (alert_count, worst) = app.views.overview.alerts.get(index).copied().unwrap_or((0, None));
    let mut status = vec![Span::styled(label, status_badge::style(label, theme))];
    if let Some(worst) = worst {
        status.push(Span::styled(
            format!(" ●{alert_count}"),
            severity_style(worst, theme).add_modifier(Modifier::BOLD),
        ));
    }
    let cells = [
        Cell::from(t.info.id.to_string()),
        Cell::from(Line::from(status)),
        Cell::from(t.product().to_owned()),
        Cell::from(t.version().unwrap_or("-").to_owned()),
        Cell::from(Span::styled(uptime, figure)),
        Cell::from(Span::styled(conns, figure)),
        Cell::from(Span::styled(t.metric(metric::TPS, "").map_or("-".to_owned(), tps), figure)),
        Cell::from(Span::styled(trend, theme.series(0))),
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

#[cfg(test)]
mod tests {
    use super::{CHARTS_MIN, Lower, short_error, split, tps};

    #[test]
    fn a_fleet_gets_the_screen_and_a_few_targets_leave_it_to_the_charts() {
        // 3 targets in the 80×24 body (20 lines): their rows, then the charts.
        assert_eq!(split(20, 6), (6, Lower::Charts));
        // 100 targets at 80×24: the table, one line of figures.
        assert_eq!(split(20, 103), (19, Lower::Line));
        // 100 targets at 200×50 (46 lines): charts keep two fifths.
        assert_eq!(split(46, 103), (28, Lower::Charts));
        assert_eq!(split(30, 103), (30 - CHARTS_MIN, Lower::Charts));
        assert_eq!(split(0, 103), (0, Lower::Line));
    }

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
