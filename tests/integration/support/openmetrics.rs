//! A small, strict OpenMetrics text parser for tests: it accepts only what the
//! specification allows, so a scrape that parses here is one Prometheus can read.
//! Checked: every family has `# TYPE` before its samples, families are not interleaved,
//! sample names fit their family's type, names and label names are well formed, label
//! values are quoted with only `\\`, `\"`, `\n` escapes, no label repeats, values are
//! numbers (`NaN`, `+Inf`, `-Inf` spelt that way), no series appears twice, and the text
//! ends with `# EOF`.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Family {
    pub kind: String,
    pub unit: Option<String>,
    pub help: Option<String>,
    pub samples: Vec<Sample>,
}

#[derive(Debug, Default)]
pub struct Exposition {
    pub families: BTreeMap<String, Family>,
}

impl Exposition {
    /// The value of the sample `name` whose labels include every pair of `labels`.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.families.values().flat_map(|f| &f.samples).find_map(|s| {
            let matches = s.name == name
                && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v));
            matches.then_some(s.value)
        })
    }
}

const TYPES: [&str; 8] =
    ["counter", "gauge", "info", "stateset", "unknown", "histogram", "gaugehistogram", "summary"];

pub fn parse(text: &str) -> Result<Exposition, String> {
    let body = text
        .strip_suffix("# EOF\n")
        .or_else(|| text.strip_suffix("# EOF"))
        .ok_or("does not end with # EOF")?;
    let mut out = Exposition::default();
    let mut current: Option<String> = None;
    let mut closed: BTreeSet<String> = BTreeSet::new();
    let mut series: BTreeSet<String> = BTreeSet::new();
    for (n, line) in body.lines().enumerate() {
        let at = |m: String| format!("line {}: {m}: `{line}`", n + 1);
        if line.is_empty() {
            return Err(at("empty line".into()));
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let (keyword, rest) = rest.split_once(' ').ok_or_else(|| at("bad comment".into()))?;
            let (family, arg) = rest.split_once(' ').unwrap_or((rest, ""));
            check_name(family).map_err(at)?;
            if current.as_deref() != Some(family) {
                if let Some(previous) = current.take() {
                    closed.insert(previous);
                }
                if closed.contains(family) {
                    return Err(at(format!("family {family} appears twice")));
                }
                current = Some(family.to_owned());
            }
            let entry = out.families.entry(family.to_owned()).or_default();
            if !entry.samples.is_empty() {
                return Err(at("metadata after samples".into()));
            }
            match keyword {
                "TYPE" if entry.kind.is_empty() && TYPES.contains(&arg) => entry.kind = arg.to_owned(),
                "HELP" if entry.help.is_none() => entry.help = Some(arg.to_owned()),
                "UNIT" if entry.unit.is_none() && family.ends_with(&format!("_{arg}")) => {
                    entry.unit = Some(arg.to_owned())
                }
                _ => return Err(at(format!("bad or repeated {keyword}"))),
            }
            continue;
        }
        let sample = parse_sample(line).map_err(at)?;
        let family = current.clone().ok_or_else(|| at("sample before any # TYPE".into()))?;
        let entry = out.families.get_mut(&family).ok_or_else(|| at("no family".into()))?;
        if entry.kind.is_empty() {
            return Err(at(format!("family {family} has no # TYPE")));
        }
        let allowed: Vec<String> = match entry.kind.as_str() {
            "counter" => vec![format!("{family}_total"), format!("{family}_created")],
            "info" => vec![format!("{family}_info")],
            "gauge" | "unknown" | "stateset" => vec![family.clone()],
            _ => ["_bucket", "_count", "_sum", "_created", "_gcount", "_gsum", ""]
                .iter()
                .map(|s| format!("{family}{s}"))
                .collect(),
        };
        if !allowed.contains(&sample.name) {
            return Err(at(format!("sample name does not fit {} family {family}", entry.kind)));
        }
        if entry.kind == "counter" && (sample.value.is_nan() || sample.value < 0.0) {
            return Err(at("a counter must be a non-negative number".into()));
        }
        let key = format!("{}{:?}", sample.name, sample.labels);
        if !series.insert(key) {
            return Err(at("duplicate series".into()));
        }
        entry.samples.push(sample);
    }
    Ok(out)
}

fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
        Ok(())
    } else {
        Err(format!("bad metric name {name:?}"))
    }
}

fn parse_sample(line: &str) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ']).ok_or("no value")?;
    let name = &line[..name_end];
    check_name(name)?;
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(inner) = rest.strip_prefix('{') {
        let (parsed, after) = parse_labels(inner)?;
        labels = parsed;
        rest = after;
    }
    let rest = rest.strip_prefix(' ').ok_or("no space before the value")?;
    let mut parts = rest.split(' ');
    let value = parse_value(parts.next().ok_or("no value")?)?;
    if let Some(ts) = parts.next() {
        ts.parse::<f64>().map_err(|_| format!("bad timestamp {ts:?}"))?;
    }
    if parts.next().is_some() {
        return Err("trailing text".into());
    }
    Ok(Sample { name: name.to_owned(), labels, value })
}

/// Label pairs up to the closing `}`; returns them and the text after it.
fn parse_labels(mut s: &str) -> Result<(BTreeMap<String, String>, &str), String> {
    let mut labels = BTreeMap::new();
    loop {
        if let Some(after) = s.strip_prefix('}') {
            return Ok((labels, after));
        }
        let eq = s.find('=').ok_or("label without =")?;
        let key = &s[..eq];
        let mut chars = key.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(format!("bad label name {key:?}"));
        }
        s = s[eq + 1..].strip_prefix('"').ok_or("label value not quoted")?;
        let mut value = String::new();
        let mut chars = s.char_indices();
        let end = loop {
            match chars.next().ok_or("unterminated label value")? {
                (i, '"') => break i,
                (_, '\\') => match chars.next().ok_or("dangling escape")?.1 {
                    '\\' => value.push('\\'),
                    '"' => value.push('"'),
                    'n' => value.push('\n'),
                    other => return Err(format!("bad escape \\{other}")),
                },
                (_, '\n') => return Err("raw newline in a label value".into()),
                (_, c) => value.push(c),
            }
        };
        if labels.insert(key.to_owned(), value).is_some() {
            return Err(format!("label {key} repeated"));
        }
        s = &s[end + 1..];
        if let Some(after) = s.strip_prefix(',') {
            s = after;
        } else if !s.starts_with('}') {
            return Err("expected , or } after a label".into());
        }
    }
}

fn parse_value(v: &str) -> Result<f64, String> {
    match v {
        "NaN" => Ok(f64::NAN),
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ if v.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) => {
            v.parse().map_err(|_| format!("bad value {v:?}"))
        }
        _ => Err(format!("bad value {v:?}")),
    }
}

/// The parser itself must reject what Prometheus would reject.
#[test]
fn the_parser_accepts_valid_text_and_rejects_each_kind_of_fault() {
    let good = "# HELP a x\n# TYPE a counter\na_total 1\n# TYPE g_seconds gauge\n# UNIT g_seconds seconds\n\
                g_seconds{t=\"q\\\"\\\\\\n\",k=\"v\"} -1.5e3\ng_seconds{t=\"other\"} NaN\n# EOF\n";
    let parsed = parse(good).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.value("g_seconds", &[("t", "q\"\\\n")]), Some(-1500.0));
    let bad = [
        ("# TYPE a gauge\na 1\n", "no EOF"),
        ("a 1\n# EOF\n", "no TYPE"),
        ("# TYPE a gauge\na 1\na 2\n# EOF\n", "duplicate"),
        ("# TYPE a gauge\na{k=\"1\"} 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n# EOF\n", "interleaved"),
        ("# TYPE a counter\na 1\n# EOF\n", "counter without _total"),
        ("# TYPE a gauge\na{k=\"\\t\"} 1\n# EOF\n", "bad escape"),
        ("# TYPE a gauge\na{k=v} 1\n# EOF\n", "unquoted"),
        ("# TYPE a gauge\na inf\n# EOF\n", "inf spelling"),
        ("# TYPE a gauge\na{k=\"1\",k=\"2\"} 1\n# EOF\n", "repeated label"),
        ("# TYPE 1a gauge\n1a 1\n# EOF\n", "bad name"),
        ("# TYPE a_total counter\na_total_total -1\n# EOF\n", "negative counter"),
    ];
    for (text, why) in bad {
        assert!(parse(text).is_err(), "{why}: accepted {text:?}");
    }
}
