//! The Overview's lower part: the selected target's tiles over its engine's four charts,
//! or, when the fleet leaves too little room, one line of its headline figures.

use super::super::app::App;
use super::super::dashboard::TargetView;
use super::super::widgets::time_chart::TimeChart;
use super::super::{format, series::Series};
use crate::model::present::{Series as ChartSeries, Unit};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length, Percentage};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};

/// The engine's tiles (when it has any) over its four charts.
pub fn render(frame: &mut Frame, area: Rect, app: &App) {
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
        let overlay: Vec<&Series> = app.views.overlay.as_ref().map_or_else(Vec::new, |o| {
            o.series.iter().filter(|((m, _), s)| m == spec.metric && !s.is_empty()).map(|(_, s)| s).collect()
        });
        let format_value: fn(f64) -> String = match spec.unit {
            Unit::Count => |v| format!("{v:.0}"),
            Unit::Percent => |v| format!("{:.0}%", v.min(100.0)),
            Unit::Bytes => |v| format::bytes(v as u64),
        };
        TimeChart { overlay, ..chart(app, spec.title, series, format_value) }.render(frame, area, &app.theme);
    }
}

/// One line for the selected target when the fleet table needs the room: its name, then
/// its engine's tiles, or else the latest value of each of its charts.
pub fn render_line(frame: &mut Frame, area: Rect, app: &App) {
    let Some(target) = app.current() else { return };
    let theme = &app.theme;
    let mut spans = vec![Span::styled(format!(" {}", target.info.id), theme.header())];
    if target.presentation().tiles.is_empty() {
        for spec in &target.presentation().charts {
            let latest: Vec<f64> =
                target.chart_series(spec.metric).filter_map(|(_, s)| s.last()).map(|p| p.1).collect();
            let value = match (latest.is_empty(), spec.unit) {
                (true, _) => "-".to_owned(),
                (false, Unit::Count) => format!("{:.0}", latest.iter().sum::<f64>()),
                (false, Unit::Percent) => format!("{:.1}%", latest.iter().sum::<f64>().min(100.0)),
                (false, Unit::Bytes) => format::bytes(latest.iter().sum::<f64>() as u64),
            };
            spans.push(Span::styled(" · ", theme.muted()));
            spans.push(Span::styled(format!("{} ", spec.title), theme.muted()));
            spans.push(Span::styled(value, theme.text()));
        }
    } else {
        spans.push(Span::styled(" ·", theme.muted()));
        spans.extend(tiles(target, app).spans);
    }
    spans.push(Span::styled("  (taller terminal: charts)", theme.muted()));
    frame.render_widget(ratatui::widgets::Paragraph::new(Line::from(spans)), area);
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
        now_ms: app.time.chart_axis().0,
        window_ms: app.window_ms(),
        format_value,
        cursor_ms: app.time.chart_axis().1,
        overlay: Vec::new(),
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
