//! A line chart of one or more series over the chosen window. Gaps in the data stay
//! gaps (each contiguous run is its own dataset) instead of being drawn as zero.

use super::super::series::Series;
use super::super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

/// (legend name, colour index, line segments)
type Run = (String, usize, Vec<Vec<(f64, f64)>>);

pub struct TimeChart<'a> {
    pub title: String,
    /// (legend name, series); the legend is hidden for a single unnamed series.
    pub series: Vec<(String, &'a Series)>,
    /// The right end of the time axis: now, or a little after the instant shown when paused.
    pub now_ms: i64,
    pub window_ms: i64,
    pub format_value: fn(f64) -> String,
    /// Paused: the instant on screen, drawn as a vertical line.
    pub cursor_ms: Option<i64>,
    /// The same window a day earlier (already moved a day later), drawn dotted and muted
    /// under the lines; empty when off.
    pub overlay: Vec<&'a Series>,
}

impl TimeChart<'_> {
    pub fn render(self, frame: &mut Frame, area: Rect, theme: &Theme) {
        // The legend lives in the title: it fits at any size and never hides the lines.
        let mut title = vec![Span::styled(self.title, theme.title())];
        for (index, (name, _)) in self.series.iter().enumerate().filter(|(_, (name, _))| !name.is_empty()) {
            title.push(Span::styled("━", theme.series(index)));
            title.push(Span::styled(format!("{name} "), theme.text()));
        }
        if !self.overlay.is_empty() {
            title.push(Span::styled("┄a day earlier ", theme.muted()));
        }
        let block = Block::bordered().title(Line::from(title)).border_style(theme.border(false));
        let inner = block.inner(area);
        let max_points = usize::from(inner.width).saturating_mul(2).max(2);
        let from_ms = self.now_ms - self.window_ms;
        let runs: Vec<Run> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, (name, s))| (name.clone(), i, s.segments(from_ms, self.now_ms, max_points)))
            .filter(|(_, _, segments)| !segments.is_empty())
            .collect();
        if runs.is_empty() || inner.height < 3 || inner.width < 10 {
            let message = if runs.is_empty() { "no data in this window yet" } else { "" };
            frame.render_widget(Paragraph::new(message).style(theme.muted()).block(block), area);
            return;
        }
        let earlier: Vec<Vec<(f64, f64)>> =
            self.overlay.iter().flat_map(|s| s.segments(from_ms, self.now_ms, max_points)).collect();
        let max = runs
            .iter()
            .flat_map(|(_, _, segs)| segs.iter().flatten())
            .chain(earlier.iter().flatten())
            .map(|p| p.1)
            .fold(0.0_f64, f64::max);
        let top = if max > 0.0 { max * 1.1 } else { 1.0 };
        let mut datasets = Vec::new();
        // Under the current lines: drawn first.
        for segment in &earlier {
            datasets.push(
                Dataset::default()
                    .data(segment)
                    .graph_type(GraphType::Scatter)
                    .marker(Marker::Dot)
                    .style(theme.muted()),
            );
        }
        for (_, index, segments) in &runs {
            for segment in segments {
                let dataset = Dataset::default()
                    .data(segment)
                    .graph_type(GraphType::Line)
                    .marker(Marker::Braille)
                    .style(theme.series(*index));
                datasets.push(dataset);
            }
        }
        let window_s = self.window_ms as f64 / 1000.0;
        let cursor = self.cursor_ms.map(|at| {
            let x = ((at - self.now_ms) as f64 / 1000.0).clamp(-window_s, 0.0);
            [(x, 0.0), (x, top)]
        });
        if let Some(line) = &cursor {
            let dataset = Dataset::default()
                .data(line)
                .graph_type(GraphType::Line)
                .marker(Marker::Braille)
                .style(theme.warn());
            datasets.push(dataset);
        }
        let right = match self.cursor_ms {
            Some(_) => super::super::format::clock(self.now_ms),
            None => "now".into(),
        };
        let x_axis = Axis::default()
            .bounds([-window_s, 0.0])
            .labels([format!("-{}", super::super::format::window(self.window_ms)), right])
            .style(theme.muted());
        let y_axis = Axis::default()
            .bounds([0.0, top])
            .labels(["0".to_owned(), (self.format_value)(top)])
            .style(theme.muted());
        let chart = Chart::new(datasets).block(block).x_axis(x_axis).y_axis(y_axis).legend_position(None);
        frame.render_widget(chart, area);
    }
}
