//! Logstag's own statements in pg_stat_statements: recognised by their words (the
//! extension keeps our text with literals as `$1`), so Queries can hide them by default
//! and show them on request (`collectors::own_statements`).

use crate::collectors::own_statements::signature;
use std::sync::OnceLock;

/// The signatures of every statement the PostgreSQL collector sends, computed once.
pub fn our_signatures() -> &'static [Vec<String>] {
    static OURS: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    OURS.get_or_init(|| {
        let io = [
            super::io::CHECKPOINTER_12,
            super::io::CHECKPOINTER_17,
            super::io::CHECKPOINTER_18,
            super::io::IO_16,
            super::io::IO_18,
            super::io::BACKEND_IO_18,
        ];
        let all = super::queries::ALL.iter().chain(super::schema_queries::ALL).chain(io.iter());
        all.map(|sql| signature(sql)).filter(|s| !s.is_empty()).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::own_statements::Verdicts;

    #[test]
    fn our_statements_as_the_extension_keeps_them_are_ours_and_others_are_not() {
        let mut verdicts = Verdicts::new(our_signatures(), 100);
        // pg_stat_statements' text of our size read: literals became $n, the rest kept.
        let ours = super::super::queries::DATABASES.replace("'template0'", "$1");
        assert!(verdicts.is_ours(1, &ours));
        assert!(verdicts.is_ours(1, ""), "a verdict is kept by id");
        assert!(!verdicts.is_ours(2, "SELECT * FROM orders WHERE customer_id = $1"));
        assert!(!verdicts.is_ours(3, "SELECT $1"), "short statements must match exactly");
        // The plans' timeouts, as the extension keeps them (names and `true` become $n).
        assert!(verdicts.is_ours(5, "SELECT set_config($4, $1, $3), set_config($5, $2, $3)"));
        assert!(!verdicts.is_ours(4, ""), "no text: not ours, asked again");
    }
}
