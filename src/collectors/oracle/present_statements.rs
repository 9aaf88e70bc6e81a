//! The Queries tab of an Oracle target: top SQL by SQL_ID over the interval (medium tier,
//! `v$sqlstats`), with the figures a DBA reads first in oratop and AWR's SQL ordered by
//! elapsed time: CPU, buffer gets, disk reads, rows, and how many plans the SQL_ID ran
//! with (more than one: a plan change, shown as a warning).

use super::statement_counters as counters;
use crate::collectors::columns::{self, fixed};
use crate::model::QueryStat;
use crate::model::present::{CellText, Column, Tone, Width};
use crate::ui::format;

fn counter(q: &QueryStat, name: &str) -> f64 {
    q.counters.or_zero(name)
}

/// A count column over one of `statement_counters`.
macro_rules! count_column {
    ($title:literal, $width:literal, $priority:literal, $name:expr) => {
        Column {
            title: $title,
            width: fixed($width),
            priority: $priority,
            descending: true,
            cell: |q| CellText::plain(format::count(counter(q, $name) as u64)),
            cmp: |a, b| counter(a, $name).total_cmp(&counter(b, $name)),
        }
    };
}

pub static STATEMENT_COLUMNS: [Column<QueryStat>; 11] = [
    columns::TOTAL,
    columns::CALLS,
    columns::MEAN_MS,
    Column {
        title: "CPU",
        width: fixed(8),
        priority: 1,
        descending: true,
        cell: |q| CellText::plain(format::millis_f(counter(q, counters::CPU_TIME_MS))),
        cmp: |a, b| counter(a, counters::CPU_TIME_MS).total_cmp(&counter(b, counters::CPU_TIME_MS)),
    },
    count_column!("Gets", 8, 1, counters::BUFFER_GETS),
    count_column!("Disk rd", 8, 2, counters::DISK_READS),
    Column {
        title: "Rows",
        width: fixed(8),
        priority: 2,
        descending: true,
        cell: |q| CellText::plain(format::count(q.rows)),
        cmp: |a, b| a.rows.cmp(&b.rows),
    },
    Column {
        title: "Plans",
        width: fixed(5),
        priority: 4,
        descending: true,
        cell: |q| {
            let plans = counter(q, counters::PLANS) as u64;
            let tone = if plans > 1 { Tone::Warn } else { Tone::Text };
            CellText::toned(plans.to_string(), tone)
        },
        cmp: |a, b| counter(a, counters::PLANS).total_cmp(&counter(b, counters::PLANS)),
    },
    Column {
        title: "SQL_ID",
        width: fixed(13),
        priority: 3,
        descending: false,
        cell: |q| CellText::plain(q.id.as_str()),
        cmp: |a, b| a.id.cmp(&b.id),
    },
    Column {
        title: "Schema",
        width: Width::Fit { min: 6, max: 12 },
        priority: 3,
        descending: false,
        cell: |q| CellText::plain(q.database.as_str()),
        cmp: |a, b| a.database.cmp(&b.database),
    },
    Column { title: "SQL text", ..columns::QUERY_TEXT },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn stat() -> QueryStat {
        let mut q = QueryStat {
            id: "b4n8r2mcy6t0p".into(),
            database: "REPORTING".into(),
            text: "SELECT r.region\n  FROM ventes.regions r".into(),
            calls: 4,
            total_time_ms: 1_600.0,
            mean_time_ms: 400.0,
            rows: 400,
            ..QueryStat::default()
        };
        for (name, v) in [
            (counters::CPU_TIME_MS, 800.0),
            (counters::BUFFER_GETS, 500_000.0),
            (counters::DISK_READS, 20_300.0),
            (counters::PLANS, 2.0),
        ] {
            q.counters.set(name, v);
        }
        q
    }

    fn cell(title: &str, q: &QueryStat) -> (String, Tone) {
        let column = STATEMENT_COLUMNS.iter().find(|c| c.title == title);
        column.map(|c| (c.cell)(q)).map_or((String::new(), Tone::Muted), |c| (c.text.into_owned(), c.tone))
    }

    #[test]
    fn columns_read_the_oracle_counters() {
        let q = stat();
        let titles: Vec<&str> = STATEMENT_COLUMNS.iter().map(|c| c.title).collect();
        assert_eq!(
            titles,
            [
                "Total", "Calls", "Mean", "CPU", "Gets", "Disk rd", "Rows", "Plans", "SQL_ID", "Schema",
                "SQL text"
            ]
        );
        assert_eq!(cell("CPU", &q).0, format::millis_f(800.0));
        assert_eq!(cell("Gets", &q).0, "500.0k");
        assert_eq!(cell("Disk rd", &q).0, "20.3k");
        assert_eq!(cell("Rows", &q).0, "400");
        assert_eq!(cell("Plans", &q), ("2".to_owned(), Tone::Warn), "a plan change stands out");
        assert_eq!(cell("SQL_ID", &q).0, "b4n8r2mcy6t0p");
        assert_eq!(cell("Schema", &q).0, "REPORTING");
        assert_eq!(cell("SQL text", &q).0, format::one_line(&q.text));
        let mut one_plan = q.clone();
        one_plan.counters.set(counters::PLANS, 1.0);
        assert_eq!(cell("Plans", &one_plan).1, Tone::Text);
    }

    #[test]
    fn columns_sort_by_their_figure() {
        let (big, mut small) = (stat(), stat());
        small.counters.set(counters::BUFFER_GETS, 10.0);
        small.id = "0g5vjx8s3a1kw".into();
        for title in ["Gets", "SQL_ID"] {
            let column = STATEMENT_COLUMNS.iter().find(|c| c.title == title);
            assert_eq!(column.map(|c| (c.cmp)(&big, &small)), Some(std::cmp::Ordering::Greater), "{title}");
        }
    }
}
