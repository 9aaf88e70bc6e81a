use super::*;
use crate::alerts::EMBEDDED;

fn valid() -> String {
    EMBEDDED
        .iter()
        .find(|(n, _)| n.ends_with("deadlocks.yaml"))
        .map(|(_, t)| t.to_string())
        .unwrap_or_default()
}

#[test]
fn every_embedded_template_parses() {
    for (name, text) in EMBEDDED.iter() {
        if let Err(e) = parse(name, text) {
            panic!("{e}");
        }
    }
}

#[test]
fn embedded_codes_are_unique_and_engines_known() {
    let mut codes: Vec<String> =
        EMBEDDED.iter().filter_map(|(n, t)| parse(n, t).ok()).map(|r| r.code).collect();
    let count = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), count);
    let e = parse("x.yaml", &valid().replace("engine: postgresql", "engine: postgre")).unwrap_err();
    assert_eq!(e.field, "engine", "{e}");
}

#[test]
fn unknown_field_names_file_line_and_field() {
    let text = valid().replace("direction: above", "direction: above\nthreshhold: 3");
    let e = parse("x.yaml", &text).unwrap_err();
    let line = text.lines().position(|l| l.starts_with("threshhold")).unwrap() as u64 + 1;
    assert_eq!((e.path.as_str(), e.line, e.field.as_str()), ("x.yaml", line, "threshhold"), "{e}");
    assert!(e.to_string().starts_with(&format!("x.yaml:{line}:")), "{e}");
}

#[test]
fn missing_field_and_bad_values_are_named() {
    let e = parse("x.yaml", &valid().replace("code: pg.deadlocks\n", "")).unwrap_err();
    assert_eq!(e.field, "code", "{e}");
    let e = parse("x.yaml", &valid().replace("{ high: 0 }", "{ high: lots }")).unwrap_err();
    assert_eq!(e.field, "thresholds", "{e}");
    let e = parse("x.yaml", &valid().replace("{ high: 0 }", "{ urgent: 1 }")).unwrap_err();
    assert_eq!(e.field, "thresholds", "{e}");
    let e = parse("x.yaml", &valid().replace("{ high: 0 }", "{}")).unwrap_err();
    assert_eq!(e.field, "thresholds", "{e}");
    let e = parse("x.yaml", &valid().replace("direction: above", "direction: above\nfor: soon")).unwrap_err();
    assert_eq!(e.field, "for", "{e}");
    let e =
        parse("x.yaml", &valid().replace("direction: above", "direction: above\nstatus: down")).unwrap_err();
    assert_eq!(e.field, "metric", "{e}");
    assert!(e.line > 1, "points at the metric line: {e}");
}

#[test]
fn garbage_never_panics() {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let mut bomb =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 0..9 {
        let prev = (b'a' + i) as char;
        let next = (b'a' + i + 1) as char;
        bomb.push_str(&format!(
            "{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    let binary = String::from_utf8_lossy(&[0u8, 159, 146, 150, 255, 1, 2, 3]).into_owned();
    let huge = valid().replace("{ high: 0 }", "{ high: 1e999 }");
    let inputs = ["", "---", "- a\n- b", ":", "code: [", &deep, &bomb, &binary, &huge, "\t\tcode:\n x"];
    for input in inputs {
        let result = parse("nasty.yaml", input);
        let e = result.expect_err("nasty input must be refused");
        assert!(e.line >= 1 && e.column >= 1, "{e}");
    }
}

#[test]
fn requires_is_a_metric_option_with_a_finite_minimum() {
    let gated = valid().replace("direction: above", "direction: above\nrequires: { metric: tps, min: 10 }");
    let rule = parse("x.yaml", &gated).unwrap();
    assert!(matches!(rule.condition, Condition::Metric { requires: Some((ref m, 10.0)), .. } if m == "tps"));
    let e = parse(
        "x.yaml",
        &valid().replace("direction: above", "direction: above\nrequires: { metric: tps, min: .nan }"),
    )
    .unwrap_err();
    assert_eq!(e.field, "requires", "{e}");
    let e =
        parse("x.yaml", &valid().replace("direction: above", "direction: above\nrequires: { metric: tps }"))
            .unwrap_err();
    assert!(e.to_string().contains("min"), "{e}");
}

fn embedded(suffix: &str) -> String {
    EMBEDDED.iter().find(|(n, _)| n.ends_with(suffix)).map(|(_, t)| t.to_string()).unwrap_or_default()
}

#[test]
fn negative_thresholds_are_refused() {
    let e = parse("x.yaml", &valid().replace("{ high: 0 }", "{ high: -1 }")).unwrap_err();
    assert_eq!(e.field, "thresholds", "{e}");
    assert!(e.message.contains("0 or more"), "{e}");
}

#[test]
fn percentages_and_ratios_stay_within_0_to_100() {
    let rollback = embedded("rollback_ratio.yaml");
    let e = parse("x.yaml", &rollback.replace("{ medium: 10, high: 30 }", "{ medium: 10, high: 130 }"))
        .unwrap_err();
    assert_eq!(e.field, "thresholds", "{e}");
    assert!(e.message.contains("0 to 100"), "{e}");
    let e = parse("x.yaml", &rollback.replace("ratio_min: 1", "ratio_min: -1")).unwrap_err();
    assert_eq!(e.field, "ratio_min", "{e}");
    let cache = embedded("cache_hit_low.yaml");
    assert!(cache.contains("unit: percent"));
    let line = cache.lines().find(|l| l.starts_with("thresholds:")).unwrap_or_default().to_owned();
    let e = parse("x.yaml", &cache.replace(&line, "thresholds: { high: 101 }")).unwrap_err();
    assert_eq!(e.field, "thresholds", "{e}");
}

#[test]
fn a_duplicated_key_says_duplicated_without_serde_hints() {
    let text = format!("{}\ncode: pg.other\n", valid());
    let e = parse("x.yaml", &text).unwrap_err();
    assert!(e.message.contains("duplicated"), "{e}");
    assert!(!e.to_string().contains("DuplicateKeyPolicy"), "{e}");
    assert_eq!(e.field, "code", "{e}");
}

#[test]
fn no_message_shows_an_empty_field_name() {
    for text in ["just text", "- a\n- b\n", "", "code: [unclosed", "{a: 1}"] {
        let e = parse("x.yaml", text).unwrap_err();
        assert!(!e.to_string().contains(": : "), "{text:?}: {e}");
    }
}

#[test]
fn a_metric_no_engine_produces_is_refused_with_the_near_name() {
    let text = valid().replace("metric: deadlocks_per_s", "metric: deadlock_per_s");
    let e = parse("x.yaml", &text).unwrap_err();
    assert_eq!(e.field, "metric", "{e}");
    assert!(e.message.contains("no engine produces a metric named `deadlock_per_s`"), "{e}");
    assert!(e.message.contains("did you mean `deadlocks_per_s`?"), "{e}");
    let gate = format!("{}\nratio_to: no_such_metric\n", valid().trim_end());
    assert_eq!(parse("x.yaml", &gate).unwrap_err().field, "ratio_to");
}
