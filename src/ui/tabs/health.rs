//! Health: is collection itself healthy (per target status and problems, per tier how
//! long collection takes and when it last delivered), and the health check report of the
//! selected target: overall and area scores, then every check grouped by area. With
//! forwarding on, a "Forwarding" block above the checks says what reaches the backend.

use super::super::app::App;
use super::super::dashboard::TargetView;
use super::super::widgets::data_table::{self, DataTable};
use super::super::widgets::status_badge;
use super::super::{format, forwarding};
use crate::model::{TargetStatus, Tier, metric};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Wrap};

use super::health_report as report;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let targets = &app.dashboard.targets;
    let wanted = u16::try_from(targets.len()).unwrap_or(u16::MAX).saturating_add(3);
    let [table_area, lower] =
        Layout::vertical([Length(wanted.min(area.height / 3).max(4)), Fill(1)]).areas(area);
    let [left, right] = Layout::horizontal([Length(34.min(area.width / 2)), Fill(1)]).areas(lower);
    // The scrollable check list gives up its rows: the fixed blocks stay whole.
    let inner_width = usize::from(right.width.saturating_sub(2));
    let forwarding = app
        .dashboard
        .forwarding
        .as_ref()
        .map(|s| (s, forwarding::lines(s, app.time.now_ms, inner_width, &app.theme)));
    let forwarding_rows = forwarding.as_ref().map_or(0, |(_, lines)| lines.len() + 2);
    let [forwarding_area, checks_area] =
        Layout::vertical([Length(u16::try_from(forwarding_rows).unwrap_or(0)), Fill(1)]).areas(right);
    let [scores_area, detail_area] = Layout::vertical([Length(8), Fill(1)]).areas(left);
    let theme = &app.theme;
    let table = DataTable {
        title: Line::from(Span::styled(" Collection health ([ ] target) ", theme.title())),
        header: ["Target", "Status", "Version", "Round", "High", "Medium", "Low", "Schema"]
            .map(str::to_owned)
            .to_vec(),
        widths: vec![
            Length(data_table::names_width(
                targets.iter().map(|t| t.info.id.0.as_str()),
                12,
                table_area.width.saturating_sub(2),
            )),
            Length(10),
            Length(8),
            Length(7),
            Length(7),
            Length(7),
            Length(7),
            Fill(1),
        ],
        len: targets.len(),
        list: &app.views.targets_list,
        empty_message: " no targets configured",
    };
    table.render(frame, table_area, theme, |i| {
        let Some(t) = targets.get(i) else { return Row::default() };
        let label = t.status_label();
        let mut cells = vec![
            Cell::from(t.info.id.to_string()),
            Cell::from(Span::styled(label, status_badge::style(label, theme))),
            Cell::from(t.version().unwrap_or("-").to_owned()),
            Cell::from(
                t.health.as_ref().and_then(|h| h.last_latency_ms).map_or("-".into(), format::duration_ms),
            ),
        ];
        cells.extend(Tier::ALL.iter().map(|tier| Cell::from(collect_ms(t, *tier))));
        Row::new(cells)
    });
    if let Some((status, lines)) = forwarding {
        let block = Block::bordered()
            .title(Span::styled(forwarding::title(status), theme.title()))
            .border_style(theme.border(false));
        frame.render_widget(Paragraph::new(lines).block(block), forwarding_area);
    }
    if let Some(target) = app.current() {
        report::render_scores(frame, scores_area, app, target);
        report::render_checks(frame, checks_area, app, target);
        render_detail(frame, detail_area, app, target);
    }
}

pub use report::check_lines;

fn collect_ms(t: &TargetView, tier: Tier) -> String {
    t.metric(metric::COLLECT_MS, tier.name()).map_or("-".into(), format::millis_f)
}

fn render_detail(frame: &mut Frame, area: Rect, app: &App, t: &TargetView) {
    let theme = &app.theme;
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", t.info.id), theme.header()),
        status_badge::badge(t.status_label(), theme),
        Span::styled(format!("  {}  {}", t.product(), t.info.endpoint), theme.text()),
    ])];
    if let Some(full) = t.instance().map(|i| i.version_full.as_str()).filter(|v| !v.is_empty()) {
        lines.push(Line::from(Span::styled(full.to_owned(), theme.muted())));
    }
    match t.health.as_ref().map(|h| &h.status) {
        Some(TargetStatus::Down { error, retry_in_ms }) => {
            lines.push(Line::from(Span::styled(format!("error: {error}"), theme.critical())));
            lines.push(Line::from(Span::styled(
                format!("next attempt in {}", format::duration_ms(*retry_in_ms)),
                theme.muted(),
            )));
        }
        Some(TargetStatus::Degraded { problems, .. }) => {
            lines.push(Line::from(Span::styled("problems:", theme.warn())));
            lines.extend(problems.iter().map(|p| Line::from(Span::styled(format!(" • {p}"), theme.warn()))));
        }
        Some(TargetStatus::Up { .. }) => {
            lines.push(Line::from(Span::styled("every collector worked", theme.ok())))
        }
        Some(TargetStatus::Connecting) | None => {
            lines.push(Line::from(Span::styled("connecting…", theme.info())))
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!("{:<8} {:>9}  {}", "tier", "collect", "last sample"),
        theme.header(),
    )));
    for tier in Tier::ALL {
        let last = t.last_sample_at.get(&tier).map_or("never".to_owned(), |at| {
            let ago = u64::try_from(app.time.now_ms - at.millis()).unwrap_or(0);
            format!("{} UTC ({} ago)", format::clock(at.millis()), format::duration_ms(ago))
        });
        lines.push(Line::from(Span::styled(
            format!("{:<8} {:>9}  {last}", tier.name(), collect_ms(t, tier)),
            theme.text(),
        )));
    }
    let block = Block::bordered()
        .title(Span::styled(" Selected target ", theme.title()))
        .border_style(theme.border(false));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}
