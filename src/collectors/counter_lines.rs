//! Statement counters as detail lines, for the engines' presentations: the lines the
//! engine's `CounterGuide` groups, then any other counter by its own name.

use crate::model::present::DetailLine;
use crate::model::{CounterGuide, CounterUnit, QueryStat};
use crate::ui::format;

pub fn counter_lines(guide: &CounterGuide, q: &QueryStat) -> Vec<DetailLine> {
    let mut lines = Vec::new();
    if guide.hit_pct.is_some() {
        lines.push(DetailLine::field("cache hit", format::percent(guide.hit_pct(&q.counters))));
    }
    for line in guide.lines {
        let parts: Vec<String> = line
            .parts
            .iter()
            .map(|(word, name)| {
                let value = q.counters.or_zero(name);
                match line.unit {
                    CounterUnit::Count => format!("{word} {}", value as u64),
                    CounterUnit::Millis => format!("{word} {}", format::millis_f(value)),
                }
            })
            .collect();
        lines.push(DetailLine::field(line.label, parts.join(" ")));
    }
    for (name, value) in q.counters.iter().filter(|(name, _)| !guide.covers(name)) {
        if name == crate::model::OWN_STATEMENT {
            lines.push(DetailLine::field("source", "one of Logstag's own monitoring statements".to_owned()));
            continue;
        }
        lines.push(DetailLine::field(name.to_owned(), counter_value(name, value)));
    }
    lines
}

/// Names ending in `_ms` are milliseconds (the convention of `model::Counters`).
fn counter_value(name: &str, value: f64) -> String {
    if name.ends_with("_ms") {
        format::millis_f(value)
    } else if value.fract() == 0.0 && value >= 0.0 {
        format::count(value as u64)
    } else {
        format!("{value:.2}")
    }
}
