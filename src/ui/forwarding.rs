//! Forwarding to the central backend as the user sees it: a compact indicator for the
//! header and the Health tab's "Forwarding" block. Built from the forwarder's status
//! (`UiUpdate::Forwarding`); nothing is shown while forwarding is off.

use super::format;
use super::theme::Theme;
use crate::forward::ForwardStatus;
use ratatui::text::{Line, Span};

/// Samples waiting this long without a delivery mean the backend is not keeping up.
pub const STALE_MS: i64 = 5 * 60 * 1000;

/// What needs the user's attention, most serious first; None when all is well.
pub fn problem(s: &ForwardStatus, now_ms: i64) -> Option<String> {
    if s.parked > 0 {
        return Some(format!("{} parked", format::count(s.parked)));
    }
    if s.last_error.is_some() {
        return Some("retrying".to_owned());
    }
    stale_for(s, now_ms).map(|ms| format!("nothing delivered for {}", format::duration_ms(ms)))
}

/// How long samples have waited without any delivery, past `STALE_MS`. Mock mode
/// delivers nothing by design; an empty outbox has nothing to deliver.
fn stale_for(s: &ForwardStatus, now_ms: i64) -> Option<u64> {
    if s.mock || s.queued == 0 {
        return None;
    }
    let since = s.last_ok.or(s.started_at)?.millis();
    let waited = now_ms.saturating_sub(since);
    (waited > STALE_MS).then(|| u64::try_from(waited).unwrap_or(0))
}

/// The header's indicator: ("fwd 12 queued", needs attention).
pub fn indicator(s: &ForwardStatus, now_ms: i64) -> (String, bool) {
    if s.mock {
        return ("fwd mock".to_owned(), false);
    }
    let queued = format!("fwd {} queued", format::count(s.queued));
    match problem(s, now_ms) {
        Some(problem) if s.parked > 0 || s.last_error.is_some() => (format!("{queued}, {problem}"), true),
        // "nothing delivered for 7m02s" is too long for the header: the Health tab has it.
        Some(_) => (format!("{queued}, stale"), true),
        None => (queued, false),
    }
}

/// The block's title: where samples go, never the key.
pub fn title(s: &ForwardStatus) -> String {
    let mock = if s.mock { " (mock: nothing sent)" } else { "" };
    format!(" Forwarding → {}{mock} ", s.backend)
}

/// Rows the retry error and the parked reason may take each at most.
const REASON_ROWS: usize = 3;

/// The block's lines for `width` columns: counts, last delivery, retry, parked reason.
/// Reasons wrap (the parked reason is what the user must act on); the rest is cut.
pub fn lines(s: &ForwardStatus, now_ms: i64, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let ago = |ms: i64| format::duration_ms(u64::try_from(now_ms.saturating_sub(ms)).unwrap_or(0));
    let count_style = |n: u64, bad| if n > 0 { bad } else { theme.text() };
    let mut out = vec![Line::from(vec![
        Span::styled(format!("{} queued", format::count(s.queued)), theme.text()),
        Span::styled(" · ", theme.muted()),
        Span::styled(format!("{} parked", format::count(s.parked)), count_style(s.parked, theme.critical())),
        Span::styled(" · ", theme.muted()),
        Span::styled(
            format!("{} dropped", format::count(s.dropped_total)),
            count_style(s.dropped_total, theme.warn()),
        ),
    ])];
    let delivered = match s.last_ok {
        Some(at) => format!("last ok {} UTC ({} ago)", format::clock(at.millis()), ago(at.millis())),
        None if s.mock => "mock_mode: batches are dropped, not sent".to_owned(),
        None => "nothing delivered yet".to_owned(),
    };
    let delivered_style = if stale_for(s, now_ms).is_some() { theme.warn() } else { theme.text() };
    let mut second = vec![Span::styled(delivered, delivered_style)];
    if !s.registered && !s.mock {
        second.push(Span::styled(" · not registered yet", theme.muted()));
    }
    out.push(Line::from(second));
    if let Some(error) = &s.last_error {
        let when = match s.next_retry.map(|at| at.millis() - now_ms) {
            Some(wait) if wait > 0 => {
                format!("retry in {}", format::duration_ms(u64::try_from(wait).unwrap_or(0)))
            }
            _ => "retrying".to_owned(),
        };
        out.extend(wrapped(&format!("{when}: {}", format::one_line(error)), width, theme.warn()));
    }
    if s.parked > 0 {
        let reason = s.parked_reason.as_deref().map_or("reason not recorded".to_owned(), format::one_line);
        out.extend(wrapped(&format!("parked: {reason}"), width, theme.critical()));
    }
    out
}

/// `text` cut into rows of `width` characters, at most `REASON_ROWS`, the last one
/// ending in an ellipsis when text was left out.
fn wrapped(text: &str, width: usize, style: ratatui::style::Style) -> Vec<Line<'static>> {
    let chars: Vec<char> = text.chars().collect();
    let mut rows: Vec<String> = chars.chunks(width.max(1)).map(|c| c.iter().collect()).collect();
    if rows.len() > REASON_ROWS {
        rows.truncate(REASON_ROWS);
        if let Some(last) = rows.last_mut() {
            last.pop();
            last.push('…');
        }
    }
    rows.into_iter().map(|row| Line::from(Span::styled(row, style))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;

    const NOW: i64 = 1_700_000_000_000;

    fn healthy() -> ForwardStatus {
        ForwardStatus {
            backend: "api.logstag.com".into(),
            started_at: Some(Timestamp(NOW - 3_600_000)),
            queued: 12,
            last_ok: Some(Timestamp(NOW - 10_000)),
            registered: true,
            ..ForwardStatus::default()
        }
    }

    fn text(lines: &[Line]) -> String {
        lines.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn indicator_warns_on_parked_errors_and_stale_delivery_only() {
        assert_eq!(indicator(&healthy(), NOW), ("fwd 12 queued".to_owned(), false));
        let parked = ForwardStatus { parked: 1, ..healthy() };
        assert_eq!(indicator(&parked, NOW), ("fwd 12 queued, 1 parked".to_owned(), true));
        let failing = ForwardStatus { last_error: Some("HTTP 503".into()), ..healthy() };
        assert_eq!(indicator(&failing, NOW), ("fwd 12 queued, retrying".to_owned(), true));
        let stale = ForwardStatus { last_ok: Some(Timestamp(NOW - STALE_MS - 1)), ..healthy() };
        assert_eq!(indicator(&stale, NOW), ("fwd 12 queued, stale".to_owned(), true));
        let never = ForwardStatus { last_ok: None, ..healthy() };
        assert!(indicator(&never, NOW).1, "started an hour ago, nothing delivered");
        let just_started = ForwardStatus { started_at: Some(Timestamp(NOW - 1_000)), ..never };
        assert!(!indicator(&just_started, NOW).1);
        let empty = ForwardStatus { queued: 0, last_ok: Some(Timestamp(NOW - 3_600_000)), ..healthy() };
        assert!(!indicator(&empty, NOW).1, "nothing to deliver is not a problem");
        let mock = ForwardStatus { mock: true, last_ok: None, ..healthy() };
        assert_eq!(indicator(&mock, NOW), ("fwd mock".to_owned(), false));
    }

    #[test]
    fn block_lines_show_counts_retry_and_parked_reason() {
        let theme = Theme::default();
        assert_eq!(
            text(&lines(&healthy(), NOW, 80, &theme)),
            "12 queued · 0 parked · 0 dropped\nlast ok 22:13:10 UTC (10s ago)"
        );
        let troubled = ForwardStatus {
            parked: 3,
            parked_reason: Some("HTTP 400 Bad Request:\nbad field".into()),
            dropped_total: 5,
            last_error: Some("HTTP 503 Service Unavailable".into()),
            next_retry: Some(Timestamp(NOW + 4_000)),
            ..healthy()
        };
        let shown = text(&lines(&troubled, NOW, 80, &theme));
        assert!(shown.contains("3 parked · 5 dropped"), "{shown}");
        assert!(shown.contains("retry in 4.0s: HTTP 503 Service Unavailable"), "{shown}");
        assert!(shown.contains("parked: HTTP 400 Bad Request: bad field"), "{shown}");
        assert_eq!(title(&troubled), " Forwarding → api.logstag.com ");
        // Counts and the last delivery are cut by the block; the reasons wrap, three rows each.
        let narrow: Vec<String> =
            lines(&troubled, NOW, 10, &theme)[2..].iter().map(ToString::to_string).collect();
        assert_eq!(
            narrow,
            ["retry in 4", ".0s: HTTP ", "503 Servi…", "parked: HT", "TP 400 Bad", " Request:…"],
            "cut reasons say so"
        );
    }
}
