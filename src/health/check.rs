//! The data-driven check catalogue: one static row per check, evaluated by a plain fn.

use super::HealthInput;
use crate::model::{CheckResult, CheckStatus, HealthArea};

/// What a check's evaluation returns: its status and the evidence (value and threshold).
pub type Outcome = (CheckStatus, String);

/// One catalogue entry: `check!(id, area, name, evaluate_fn, why, action)`.
macro_rules! check {
    ($id:literal, $area:expr, $name:literal, $f:path, $why:literal, $action:literal) => {
        $crate::health::Check { id: $id, area: $area, name: $name, why: $why, action: $action, evaluate: $f }
    };
}
pub(crate) use check;

/// One named check. Engines keep theirs in a `static` slice in their own folder.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Stable id, `<engine>.<topic>`, e.g. `pg.cache_hit_ratio`.
    pub id: &'static str,
    pub area: HealthArea,
    pub name: &'static str,
    /// Why it matters, and where our threshold comes from.
    pub why: &'static str,
    pub action: &'static str,
    pub evaluate: fn(&HealthInput) -> Outcome,
}

impl Check {
    pub fn run(&self, input: &HealthInput) -> CheckResult {
        let (status, evidence) = (self.evaluate)(input);
        CheckResult {
            id: self.id.to_owned(),
            area: self.area,
            name: self.name.to_owned(),
            status,
            evidence,
            why: self.why.to_owned(),
            action: self.action.to_owned(),
        }
    }
}

/// Coverage gap with the reason repeated as evidence, so every row says something.
pub fn not_evaluated(reason: impl Into<String>) -> Outcome {
    let reason = reason.into();
    (CheckStatus::NotEvaluated(reason.clone()), format!("not evaluated: {reason}"))
}

/// Status from a value and two thresholds where higher is worse.
pub fn grade(value: f64, attention: f64, critical: f64) -> CheckStatus {
    if value >= critical {
        CheckStatus::Critical
    } else if value >= attention {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    }
}

/// "— a, b, c (+4 more)", empty without names: offenders named in evidence without
/// flooding it.
pub fn some_of(names: &[String]) -> String {
    const SHOWN: usize = 3;
    if names.is_empty() {
        return String::new();
    }
    let mut text = "— ".to_owned();
    text += &names.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" (+{} more)", names.len() - SHOWN));
    }
    text
}

/// Bytes in the largest fitting binary unit, e.g. `1.5 GiB`.
pub fn bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{v:.0} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(grade(5.0, 5.0, 10.0), CheckStatus::Attention);
        assert_eq!(grade(4.9, 5.0, 10.0), CheckStatus::Healthy);
        assert_eq!(grade(10.0, 5.0, 10.0), CheckStatus::Critical);
        let names: Vec<String> = (1..=5).map(|i| format!("t{i}")).collect();
        assert_eq!(some_of(&names), "— t1, t2, t3 (+2 more)");
        assert_eq!(some_of(&[]), "");
        assert_eq!(bytes(1536.0), "1.5 KiB");
        assert_eq!(bytes(12.0), "12 B");
        assert!(matches!(not_evaluated("x").0, CheckStatus::NotEvaluated(r) if r == "x"));
    }
}
