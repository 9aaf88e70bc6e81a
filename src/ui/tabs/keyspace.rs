//! Schema tab of a Redis/Valkey target: the logical databases with their keys and
//! expiry, and the big keys the optional sampler found (or how to turn it on).

use super::super::app::App;
use super::super::dashboard::TargetView;
use super::super::format;
use super::super::widgets::data_table::DataTable;
use super::schema::age;
use crate::model::KeyspaceSnapshot;
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let Some(target) = app.current() else { return };
    let Some((at, keyspace)) = target.keyspace() else {
        let text = vec![
            Line::from(Span::styled(" no keyspace sample yet", theme.warn())),
            Line::from(Span::styled(
                " INFO keyspace is read on the medium tier (every 60 s by default).",
                theme.muted(),
            )),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
        return;
    };
    let wanted = u16::try_from(keyspace.databases.len()).unwrap_or(u16::MAX).saturating_add(3).max(4);
    let [header_area, databases_area, big_area] =
        Layout::vertical([Length(1), Length(wanted.min(area.height.saturating_sub(1) / 2)), Fill(1)])
            .areas(area);
    frame.render_widget(Paragraph::new(header(app, at.millis(), keyspace)), header_area);
    databases(frame, databases_area, app, keyspace);
    big_keys(frame, big_area, app, target, keyspace);
}

fn header(app: &App, at_ms: i64, k: &KeyspaceSnapshot) -> Line<'static> {
    let theme = &app.theme;
    let keys: u64 = k.databases.iter().map(|d| d.keys).sum();
    let expires: u64 = k.databases.iter().map(|d| d.expires).sum();
    let share =
        if keys == 0 { "-".to_owned() } else { format!("{:.0} %", expires as f64 * 100.0 / keys as f64) };
    Line::from(vec![
        Span::styled(format!(" collected {} ago", age(app.time.now_ms - at_ms)), theme.muted()),
        Span::styled(
            format!(
                " · {} keys in {} databases · {share} with a TTL",
                format::count(keys),
                k.databases.len()
            ),
            theme.text(),
        ),
    ])
}

fn databases(frame: &mut Frame, area: Rect, app: &App, k: &KeyspaceSnapshot) {
    let theme = &app.theme;
    let table = DataTable {
        title: Line::from(Span::styled(" Databases (INFO keyspace) ", theme.title())),
        header: ["DB", "Keys", "Expires", "Expires %", "Avg TTL"].map(str::to_owned).to_vec(),
        widths: vec![Length(5), Length(9), Length(9), Length(9), Fill(1)],
        len: k.databases.len(),
        // Not selectable: the big keys below own the movement keys.
        list: &super::super::views::ListState::default(),
        empty_message: " the server holds no keys",
    };
    table.render(frame, area, theme, |i| {
        let Some(d) = k.databases.get(i) else { return Row::default() };
        let pct = (d.keys > 0).then(|| d.expires as f64 * 100.0 / d.keys as f64);
        Row::new([
            Cell::from(format!("db{}", d.index)),
            Cell::from(format::count(d.keys)),
            Cell::from(format::count(d.expires)),
            Cell::from(format::percent(pct)),
            Cell::from(d.avg_ttl_ms.map_or("-".to_owned(), format::duration_ms)),
        ])
    });
}

fn big_keys(frame: &mut Frame, area: Rect, app: &App, target: &TargetView, k: &KeyspaceSnapshot) {
    let theme = &app.theme;
    let Some(run) = &k.sampler else {
        let text = vec![
            Line::from(Span::styled(" Big keys: the sampler is off (the default).", theme.header())),
            Line::from(vec![
                Span::styled(" To find them, set in the config: ", theme.muted()),
                Span::styled(format!("[targets.{}.keyspace] big_keys = true", target.info.id), theme.info()),
            ]),
            Line::from(Span::styled(
                " It SCANs a sample with MEMORY USAGE at a limited rate, on the schema tier; it never runs KEYS or MONITOR.",
                theme.muted(),
            )),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
        return;
    };
    let mut title = vec![Span::styled(
        format!(
            " Big keys: {} keys sampled in db{} in {} ",
            format::count(run.keys_sampled),
            run.db,
            format::duration_ms(run.duration_ms)
        ),
        theme.title(),
    )];
    if let Some(reason) = &run.stopped {
        title.push(Span::styled(format!("· stopped early: {reason} "), theme.warn()));
    }
    let table = DataTable {
        title: Line::from(title),
        header: ["Key", "Type", "Size", "DB"].map(str::to_owned).to_vec(),
        widths: vec![Fill(1), Length(7), Length(10), Length(4)],
        len: k.big_keys.len(),
        list: &app.views.schema.big_keys_list,
        empty_message: " no key in the sample stood out",
    };
    table.render(frame, area, theme, |i| {
        let Some(b) = k.big_keys.get(i) else { return Row::default() };
        Row::new([
            Cell::from(b.key.clone()),
            Cell::from(b.key_type.clone()),
            Cell::from(format::bytes(b.bytes)),
            Cell::from(format!("db{}", b.db)),
        ])
    });
}
