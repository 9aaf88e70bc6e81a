//! Scoring exactly as published (spec §5.3).
//!
//! Per area: `healthy / total × 100 − 30 × critical − 10 × attention`, clamped to 0..100,
//! where `total` counts the *evaluated* checks only (healthy + attention + critical).
//! Checks that could not be evaluated are coverage limitations, not findings (§5.4):
//! they are listed and counted in `not_evaluated` but neither help nor hurt the score.
//! An area with no evaluated check has no score (`None`) and "does not reduce the
//! overall score": the overall is the 30/25/20/15/10 weighted mean over the areas that
//! have a score, with the weights re-normalised to those areas. No area scored → no
//! overall. The result is `Healthy` when the overall is ≥ 60.

use crate::model::{AreaScore, CheckResult, CheckStatus, HealthArea};

pub const HEALTHY_AT: f64 = 60.0;

pub fn area_score(area: HealthArea, checks: &[CheckResult]) -> AreaScore {
    let mut s = AreaScore { area, score: None, healthy: 0, attention: 0, critical: 0, not_evaluated: 0 };
    for c in checks.iter().filter(|c| c.area == area) {
        match c.status {
            CheckStatus::Healthy => s.healthy += 1,
            CheckStatus::Attention => s.attention += 1,
            CheckStatus::Critical => s.critical += 1,
            CheckStatus::NotEvaluated(_) => s.not_evaluated += 1,
        }
    }
    let total = s.healthy + s.attention + s.critical;
    if total > 0 {
        let base = s.healthy as f64 / total as f64 * 100.0;
        let raw = base - 30.0 * s.critical as f64 - 10.0 * s.attention as f64;
        s.score = Some(raw.clamp(0.0, 100.0));
    }
    s
}

pub fn areas(checks: &[CheckResult]) -> Vec<AreaScore> {
    HealthArea::ALL.iter().map(|a| area_score(*a, checks)).collect()
}

pub fn overall(areas: &[AreaScore]) -> Option<f64> {
    let scored: Vec<(f64, f64)> = areas.iter().filter_map(|a| Some((a.area.weight(), a.score?))).collect();
    let weights: f64 = scored.iter().map(|(w, _)| w).sum();
    (weights > 0.0).then(|| scored.iter().map(|(w, s)| w * s).sum::<f64>() / weights)
}

/// `Healthy` / `Unhealthy` / `Unknown` (nothing could be evaluated).
pub fn verdict(overall: Option<f64>) -> &'static str {
    match overall {
        Some(s) if s >= HEALTHY_AT => "Healthy",
        Some(_) => "Unhealthy",
        None => "Unknown",
    }
}

/// An area is Critical when at least one of its checks is (this drives the exit code).
pub fn any_critical_area(areas: &[AreaScore]) -> bool {
    areas.iter().any(|a| a.critical > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(area: HealthArea, status: CheckStatus) -> CheckResult {
        CheckResult {
            id: "x".into(),
            area,
            name: "x".into(),
            status,
            evidence: String::new(),
            why: String::new(),
            action: String::new(),
        }
    }

    fn many(area: HealthArea, h: usize, a: usize, c: usize, n: usize) -> Vec<CheckResult> {
        let mut v = Vec::new();
        v.extend((0..h).map(|_| check(area, CheckStatus::Healthy)));
        v.extend((0..a).map(|_| check(area, CheckStatus::Attention)));
        v.extend((0..c).map(|_| check(area, CheckStatus::Critical)));
        v.extend((0..n).map(|_| check(area, CheckStatus::NotEvaluated("r".into()))));
        v
    }

    #[test]
    fn all_healthy_is_100_everywhere() {
        let checks: Vec<_> = HealthArea::ALL.iter().flat_map(|a| many(*a, 3, 0, 0, 0)).collect();
        let areas = areas(&checks);
        assert!(areas.iter().all(|a| a.score == Some(100.0)));
        assert_eq!(overall(&areas), Some(100.0));
        assert_eq!(verdict(overall(&areas)), "Healthy");
        assert!(!any_critical_area(&areas));
    }

    #[test]
    fn mixed_area_by_hand() {
        // 8 healthy, 1 attention, 1 critical, 2 not evaluated: total 10 evaluated.
        // 8/10×100 = 80; 80 − 30 − 10 = 40. Gaps neither count nor hurt.
        let s = area_score(HealthArea::Performance, &many(HealthArea::Performance, 8, 1, 1, 2));
        assert_eq!(s.score, Some(40.0));
        assert_eq!((s.healthy, s.attention, s.critical, s.not_evaluated), (8, 1, 1, 2));
        // 3 healthy, 1 attention: 75 − 10 = 65.
        let s = area_score(HealthArea::Security, &many(HealthArea::Security, 3, 1, 0, 0));
        assert_eq!(s.score, Some(65.0));
    }

    #[test]
    fn clamps_at_zero() {
        // 1/4×100 = 25; 25 − 60 − 10 = −45 → 0.
        let s = area_score(HealthArea::Schema, &many(HealthArea::Schema, 1, 1, 2, 0));
        assert_eq!(s.score, Some(0.0));
    }

    #[test]
    fn weights_renormalise_over_scored_areas() {
        // Performance 40 (w30), Security 100 (w25), Schema: only gaps → no score,
        // Configuration and Maintenance: no checks at all.
        let mut checks = many(HealthArea::Performance, 8, 1, 1, 0);
        checks.extend(many(HealthArea::Security, 2, 0, 0, 0));
        checks.extend(many(HealthArea::Schema, 0, 0, 0, 3));
        let areas = areas(&checks);
        assert_eq!(areas[3].score, None);
        assert_eq!(areas[3].not_evaluated, 3);
        // (30×40 + 25×100) / 55 = 3700/55 = 67.27…
        let o = overall(&areas).unwrap();
        assert!((o - 3700.0 / 55.0).abs() < 1e-9, "{o}");
        assert_eq!(verdict(Some(o)), "Healthy");
        assert!(any_critical_area(&areas));
        assert_eq!(verdict(Some(59.9)), "Unhealthy");
        assert_eq!(overall(&super::areas(&[])), None);
        assert_eq!(verdict(None), "Unknown");
    }
}
