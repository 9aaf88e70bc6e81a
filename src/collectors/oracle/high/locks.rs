//! The user locks of the instance by type and mode, held and requested (`v$lock` TX, TM
//! and UL rows), and the names of the objects blocked sessions wait on.

use crate::collectors::text_rows::TextRow;
use crate::model::LockCount;

/// Oracle's lock modes (LMODE / REQUEST) by number, as DBAs name them.
pub fn mode_name(mode: i64) -> &'static str {
    match mode {
        1 => "null (N)",
        2 => "row share (SS)",
        3 => "row exclusive (SX)",
        4 => "share (S)",
        5 => "share row exclusive (SSX)",
        6 => "exclusive (X)",
        _ => "none",
    }
}

/// Counts by type and mode: a row holding a mode counts as granted, a row requesting one
/// (a waiter, or a holder converting to a stronger mode) as waiting.
pub fn parse(rows: &[TextRow]) -> Vec<LockCount> {
    let mut out: Vec<LockCount> = Vec::new();
    for row in rows {
        let lock_type = row.text("lock_type").trim().to_owned();
        let count = row.uint("locks").unwrap_or(0);
        if lock_type.is_empty() || count == 0 {
            continue;
        }
        for (mode, granted) in
            [(row.int("lmode").unwrap_or(0), true), (row.int("request").unwrap_or(0), false)]
        {
            if mode <= 0 {
                continue;
            }
            let mode = mode_name(mode);
            match out.iter_mut().find(|l| l.lock_type == lock_type && l.mode == mode && l.granted == granted)
            {
                Some(l) => l.count += count,
                None => out.push(LockCount {
                    lock_type: lock_type.clone(),
                    mode: mode.to_owned(),
                    granted,
                    count,
                }),
            }
        }
    }
    out.sort_by(|a, b| {
        a.granted.cmp(&b.granted).then(b.count.cmp(&a.count)).then(a.lock_type.cmp(&b.lock_type))
    });
    out
}

/// `OWNER.NAME (TYPE)` by object number, from the object-name read.
pub fn object_names(rows: &[TextRow]) -> Vec<(i64, String)> {
    rows.iter()
        .filter_map(|r| {
            let id = r.int("object_id")?;
            let name = format!("{}.{}", r.text("owner").trim(), r.text("object_name").trim());
            let kind = r.text("object_type").trim().to_owned();
            Some((id, if kind.is_empty() { name } else { format!("{name} ({kind})") }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::text_rows::from_batch;

    #[test]
    fn waiters_first_then_held_locks_by_count() {
        let locks = parse(&from_batch(include_str!("../fixtures/high_locks.tsv")));
        let shape: Vec<(&str, &str, bool, u64)> =
            locks.iter().map(|l| (l.lock_type.as_str(), l.mode.as_str(), l.granted, l.count)).collect();
        assert_eq!(
            shape,
            vec![
                ("TX", "exclusive (X)", false, 3),
                ("TM", "share (S)", false, 1),
                ("TM", "row exclusive (SX)", true, 41),
                ("TX", "exclusive (X)", true, 17),
                ("UL", "exclusive (X)", true, 1),
            ]
        );
        assert!(
            parse(&from_batch("lock_type\tlmode\trequest\tlocks\nNULL\t6\t0\t4\nTX\t0\t0\t2\n")).is_empty()
        );
    }

    #[test]
    fn object_names_with_their_type() {
        let names = object_names(&from_batch(include_str!("../fixtures/high_objects.tsv")));
        assert_eq!(
            names,
            vec![
                (73251, "SALES.ORDERS (TABLE)".to_owned()),
                (73390, "SALES.STOCK (TABLE PARTITION)".to_owned())
            ]
        );
    }
}
