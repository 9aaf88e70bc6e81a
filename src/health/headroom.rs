//! How full counters that run out are (sequences, auto-increment and identity columns):
//! one grading for every engine that maps them onto `SequenceInfo`.

use super::{Outcome, grade, not_evaluated, some_of};
use crate::model::SequenceInfo;

/// The fullest of `counters` (qualified name, sequence): attention at 80 %, critical at
/// 95 % of the type's range. `noun` names them in the evidence ("AUTO_INCREMENT columns");
/// `unreadable` is the reason when none has a readable position.
pub fn counter_headroom(counters: &[(String, &SequenceInfo)], noun: &str, unreadable: &str) -> Outcome {
    let mut used: Vec<(f64, &str)> =
        counters.iter().filter_map(|(n, s)| Some((s.pct_used?, n.as_str()))).collect();
    if used.is_empty() && !counters.is_empty() {
        return not_evaluated(unreadable);
    }
    used.sort_by(|a, b| b.0.total_cmp(&a.0));
    let worst = used.first().map_or(0.0, |u| u.0);
    let over: Vec<String> =
        used.iter().filter(|u| u.0 >= 80.0).map(|(p, n)| format!("{n} {p:.0} %")).collect();
    (
        grade(worst, 80.0, 95.0),
        format!(
            "{} {noun}, fullest {worst:.0} % of its type's range (attention ≥ 80 %, critical ≥ 95 %) {}",
            used.len(),
            some_of(&over)
        )
        .trim_end()
        .to_owned(),
    )
}
