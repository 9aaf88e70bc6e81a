//! Metric families and the two text formats they are written in: OpenMetrics 1.0.0 (what
//! Prometheus asks for) and the classic Prometheus text format 0.0.4 (everything else:
//! curl, promtool, older scrapers). Both come from the same families. The formats differ
//! for counters: OpenMetrics names the family `x` and its sample `x_total`, the classic
//! format names both `x_total`; and only OpenMetrics has `# UNIT` and `# EOF`.

use std::fmt::Write;

pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
pub const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OpenMetrics,
    Text,
}

impl Format {
    /// OpenMetrics when the request's `Accept` header lists it (with a non-zero q), the
    /// classic text format otherwise, as Prometheus' own client libraries negotiate.
    pub fn negotiate(accept: Option<&str>) -> Format {
        let wants_openmetrics = accept.unwrap_or("").split(',').any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=").and_then(|q| q.trim().parse::<f64>().ok()).is_some_and(|q| q <= 0.0)
            });
            media.eq_ignore_ascii_case("application/openmetrics-text") && !refused
        });
        if wants_openmetrics { Format::OpenMetrics } else { Format::Text }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::OpenMetrics => OPENMETRICS,
            Format::Text => TEXT,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gauge,
    Counter,
}

/// One family: a name (without `_total`), its help, type, unit and samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: String,
    pub help: String,
    pub kind: Kind,
    /// Set only when `name` ends with `_<unit>`, as OpenMetrics requires.
    pub unit: Option<&'static str>,
    pub samples: Vec<(Vec<(&'static str, String)>, f64)>,
}

impl Family {
    pub fn new(
        name: impl Into<String>,
        help: impl Into<String>,
        kind: Kind,
        unit: Option<&'static str>,
    ) -> Self {
        Family { name: name.into(), help: help.into(), kind, unit, samples: Vec::new() }
    }

    /// Adds a sample; non-finite values are left out (no sample beats a fake one).
    pub fn push(&mut self, labels: Vec<(&'static str, String)>, value: f64) {
        if value.is_finite() {
            self.samples.push((labels, value));
        }
    }
}

/// Writes every family with at least one sample.
pub fn write(families: &[Family], format: Format) -> String {
    let mut out = String::with_capacity(families.len() * 256);
    for family in families.iter().filter(|f| !f.samples.is_empty()) {
        write_family(&mut out, family, format);
    }
    if format == Format::OpenMetrics {
        out.push_str("# EOF\n");
    }
    out
}

fn write_family(out: &mut String, family: &Family, format: Format) {
    let sample_name = match family.kind {
        Kind::Counter => format!("{}_total", family.name),
        Kind::Gauge => family.name.clone(),
    };
    let (described, kind) = match (format, family.kind) {
        (Format::OpenMetrics, Kind::Counter) => (family.name.as_str(), "counter"),
        (Format::Text, Kind::Counter) => (sample_name.as_str(), "counter"),
        (_, Kind::Gauge) => (family.name.as_str(), "gauge"),
    };
    let help = escape(&family.help, format == Format::OpenMetrics);
    let _ = writeln!(out, "# HELP {described} {help}");
    let _ = writeln!(out, "# TYPE {described} {kind}");
    if let (Format::OpenMetrics, Some(unit)) = (format, family.unit) {
        let _ = writeln!(out, "# UNIT {described} {unit}");
    }
    for (labels, value) in &family.samples {
        out.push_str(&sample_name);
        if !labels.is_empty() {
            out.push('{');
            for (i, (name, v)) in labels.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{name}=\"{}\"", escape(v, true));
            }
            out.push('}');
        }
        let _ = writeln!(out, " {}", number(*value));
    }
}

/// Backslash and newline always; the double quote in label values, and in OpenMetrics'
/// HELP (the classic format's HELP knows only `\\` and `\n`).
fn escape(text: &str, quote: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quote => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// Whole numbers without a fraction (exact below 2^53), others in Rust's shortest form.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn families() -> Vec<Family> {
        let mut commits = Family::new("logstag_commits", "Commits", Kind::Counter, None);
        commits.push(vec![("target", "a \"b\"".into()), ("key", "x\\y\nz".into())], 7.0);
        let mut lag = Family::new("logstag_lag_seconds", "Lag \"now\"\\", Kind::Gauge, Some("seconds"));
        lag.push(vec![], 0.25);
        lag.push(vec![], f64::NAN);
        let empty = Family::new("logstag_empty", "Nothing", Kind::Gauge, None);
        vec![commits, lag, empty]
    }

    #[test]
    fn classic_text_names_counters_with_total_and_has_no_unit_or_eof() {
        let text = write(&families(), Format::Text);
        let expected = "# HELP logstag_commits_total Commits\n\
            # TYPE logstag_commits_total counter\n\
            logstag_commits_total{target=\"a \\\"b\\\"\",key=\"x\\\\y\\nz\"} 7\n\
            # HELP logstag_lag_seconds Lag \"now\"\\\\\n\
            # TYPE logstag_lag_seconds gauge\n\
            logstag_lag_seconds 0.25\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn openmetrics_names_the_counter_family_without_total_and_ends_with_eof() {
        let text = write(&families(), Format::OpenMetrics);
        for line in [
            "# TYPE logstag_commits counter",
            "logstag_commits_total{target=\"a \\\"b\\\"\",key=\"x\\\\y\\nz\"} 7",
            "# HELP logstag_lag_seconds Lag \\\"now\\\"\\\\",
            "# UNIT logstag_lag_seconds seconds",
        ] {
            assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
        }
        assert!(!text.contains("logstag_empty") && !text.contains("NaN"), "{text}");
        assert!(text.ends_with("logstag_lag_seconds 0.25\n# EOF\n"), "{text}");
    }

    #[test]
    fn accept_header_chooses_the_format() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                          version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(Format::negotiate(Some(prometheus)), Format::OpenMetrics);
        assert_eq!(Format::negotiate(None), Format::Text);
        assert_eq!(Format::negotiate(Some("*/*")), Format::Text);
        assert_eq!(Format::negotiate(Some("text/plain;version=0.0.4")), Format::Text);
        assert_eq!(Format::negotiate(Some("application/openmetrics-text; q=0")), Format::Text);
        assert_eq!(Format::OpenMetrics.content_type(), OPENMETRICS);
    }

    #[test]
    fn numbers_are_whole_when_they_can_be() {
        assert_eq!(number(2.0), "2");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.04), "0.04");
        assert_eq!(number(1e20), "100000000000000000000");
    }
}
