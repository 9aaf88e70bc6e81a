//! What a SQL_ID is: its parsing schema, the module of the session that loaded it and
//! its text (from `v$sqlarea`, by SQL_ID binds), read once per SQL_ID the first time it
//! shows in an interval and kept. Logstag's own statements are told by the module its
//! session sets (`logstag`): every cursor our statements load carries it.

use super::super::super::worker::Bind;
use super::top_sql::is_sql_id;
use crate::collectors::text_rows::TextRow;
use std::collections::HashMap;

/// SQL_IDs asked per statement (`:1` … `:20`); a short list repeats its last SQL_ID.
pub const IDS_PER_READ: usize = 20;

/// SQL_IDs asked per round at most (5 statements).
pub const IDS_PER_ROUND: usize = 5 * IDS_PER_READ;

/// One row per cursor parent (rarely more than one per SQL_ID).
pub const STATEMENT_INFO: &str = "\
SELECT sql_id, parsing_schema_name, module, first_load_time, sql_fulltext
FROM v$sqlarea
WHERE sql_id IN (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10,
                 :11, :12, :13, :14, :15, :16, :17, :18, :19, :20)";

/// The text kept, in characters (spec: the Oracle preview is capped at 4,000).
pub const TEXT_CHARS: usize = 4_000;
/// SQL_IDs remembered; the least recently shown go first.
const CAP: usize = 5_000;
/// Our session's `v$session.MODULE` (driver.rs).
const OUR_MODULE: &str = "logstag";

/// The reads for `ids` (malformed ones dropped), `IDS_PER_READ` at a time: the SQL_IDs
/// asked and the binds that ask them.
pub fn reads(ids: &[String]) -> Vec<(Vec<String>, Vec<Bind>)> {
    let ids: Vec<String> = ids.iter().filter(|id| is_sql_id(id)).cloned().collect();
    ids.chunks(IDS_PER_READ)
        .map(|chunk| {
            let binds = (0..IDS_PER_READ)
                .map(|i| Bind::Text(chunk.get(i).or(chunk.last()).cloned().unwrap_or_default()))
                .collect();
            (chunk.to_vec(), binds)
        })
        .collect()
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Info {
    pub schema: String,
    pub text: String,
    pub ours: bool,
    /// When the cursor's parent was first loaded, `YYYY-MM-DD HH:MM:SS` in the server's
    /// clock (`FIRST_LOAD_TIME` is text, `YYYY-MM-DD/HH24:MI:SS`).
    pub first_load: String,
}

pub fn parse(rows: &[TextRow]) -> Vec<(String, Info)> {
    let mut out: Vec<(String, Info)> = Vec::new();
    for r in rows {
        let id = r.text("sql_id");
        if !is_sql_id(&id) || out.iter().any(|(seen, _)| *seen == id) {
            continue;
        }
        let info = Info {
            schema: r.text("parsing_schema_name"),
            text: r.text("sql_fulltext").chars().take(TEXT_CHARS).collect(),
            ours: r.get("module").is_some_and(|m| m.trim().eq_ignore_ascii_case(OUR_MODULE)),
            first_load: r.text("first_load_time").trim().replacen('/', " ", 1),
        };
        out.push((id, info));
    }
    out
}

/// Info by SQL_ID. A SQL_ID asked for and not found (aged out of the library cache
/// between the reads) is kept with no text, so it is not asked again every round.
#[derive(Debug, Default)]
pub struct Infos {
    known: HashMap<String, (Info, u64)>,
    round: u64,
}

impl Infos {
    /// SQL_IDs of `ids` never asked for.
    pub fn missing<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut out: Vec<String> =
            ids.into_iter().filter(|id| !self.known.contains_key(*id)).map(str::to_owned).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// What to ask this round: the SQL_IDs of rows shown first, then those of rows never
    /// read before, at most `IDS_PER_ROUND` (on a server of literal SQL, new SQL_IDs past
    /// the cap stay baselines).
    pub fn to_ask<'a>(
        &self,
        shown: impl IntoIterator<Item = &'a str>,
        fresh: impl IntoIterator<Item = &'a str>,
    ) -> Vec<String> {
        let mut out = self.missing(shown);
        let fresh: Vec<String> = self.missing(fresh).into_iter().filter(|id| !out.contains(id)).collect();
        out.extend(fresh);
        out.truncate(IDS_PER_ROUND);
        out
    }

    /// Takes the answer for `asked`.
    pub fn learn(&mut self, asked: &[String], found: Vec<(String, Info)>) {
        let round = self.round;
        for (id, info) in found {
            self.known.insert(id, (info, round));
        }
        for id in asked {
            self.known.entry(id.clone()).or_insert((Info::default(), round));
        }
    }

    /// The info of `id` (marked as used this round).
    pub fn get(&mut self, id: &str) -> Option<&Info> {
        let round = self.round;
        self.known.get_mut(id).map(|(info, used)| {
            *used = round;
            &*info
        })
    }

    /// When `id` was first loaded (no mark of use: asked for statements not shown).
    pub fn first_load(&self, id: &str) -> Option<&str> {
        self.known.get(id).map(|(info, _)| info.first_load.as_str())
    }

    /// Ends a round: over the cap, the least recently used go.
    pub fn end_round(&mut self) {
        self.round += 1;
        if self.known.len() > CAP {
            let mut by_use: Vec<(u64, String)> =
                self.known.iter().map(|(k, (_, used))| (*used, k.clone())).collect();
            by_use.sort_unstable();
            let excess = self.known.len() - CAP;
            for (_, id) in by_use.into_iter().take(excess) {
                self.known.remove(&id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::text_rows::from_batch;

    #[test]
    fn reads_fill_every_placeholder_and_drop_malformed_ids() {
        let ids: Vec<String> = ["7h2kq9xw1fz3d", "x' OR 1=1 --", "b4n8r2mcy6t0p"].map(String::from).to_vec();
        let reads = reads(&ids);
        assert_eq!(reads.len(), 1);
        assert_eq!(reads[0].0, ["7h2kq9xw1fz3d", "b4n8r2mcy6t0p"]);
        assert_eq!(reads[0].1.len(), IDS_PER_READ);
        assert_eq!(STATEMENT_INFO.matches(':').count(), IDS_PER_READ);
        let texts: Vec<String> = reads[0]
            .1
            .iter()
            .map(|b| if let Bind::Text(t) = b { t.clone() } else { String::new() })
            .collect();
        assert_eq!(texts[0], "7h2kq9xw1fz3d");
        assert!(texts[1..].iter().all(|t| t == "b4n8r2mcy6t0p"));
        let many: Vec<String> = (0..45).map(|i| format!("{i:0>13}")).collect();
        assert_eq!(super::reads(&many).len(), 3);
        assert!(super::reads(&[]).is_empty());
    }

    #[test]
    fn info_reads_schema_text_and_our_module() {
        let rows = from_batch(include_str!("../../fixtures/workload_sqlarea.tsv"));
        let infos = parse(&rows);
        assert_eq!(infos.len(), 5, "one per SQL_ID: the second parent left out");
        let (id, order) = &infos[0];
        assert_eq!(id, "7h2kq9xw1fz3d");
        assert_eq!(order.schema, "SHOPAPP");
        assert!(order.text.starts_with("SELECT o.order_id") && !order.ours);
        assert_eq!(order.first_load, "2026-11-30 08:02:11");
        let ours = infos.iter().find(|(id, _)| id == "0g5vjx8s3a1kw").map(|(_, i)| i.ours);
        assert_eq!(ours, Some(true));
        let long = infos.iter().find(|(id, _)| id == "b4n8r2mcy6t0p").map(|(_, i)| i.text.chars().count());
        assert_eq!(long, Some(TEXT_CHARS), "cut to 4,000 characters, not bytes");
    }

    #[test]
    fn rows_shown_are_asked_first_and_a_round_asks_a_bounded_number() {
        let infos = Infos::default();
        let fresh: Vec<String> = (0..150).map(|i| format!("{i:0>13}")).collect();
        let ask = infos.to_ask(["zz00000000000", "0000000000000"], fresh.iter().map(String::as_str));
        assert_eq!(ask.len(), IDS_PER_ROUND);
        assert_eq!(ask[..3], ["0000000000000", "zz00000000000", "0000000000001"], "shown first, no repeat");
    }

    #[test]
    fn infos_are_asked_once() {
        let mut infos = Infos::default();
        let asked: Vec<String> = vec!["7h2kq9xw1fz3d".into(), "3kp0ya7mb9rx2".into()];
        assert_eq!(
            infos.missing(asked.iter().map(String::as_str)),
            asked.iter().rev().cloned().collect::<Vec<_>>()
        );
        let found = vec![("7h2kq9xw1fz3d".to_owned(), Info { schema: "SHOPAPP".into(), ..Info::default() })];
        infos.learn(&asked, found);
        assert!(infos.missing(asked.iter().map(String::as_str)).is_empty(), "aged out: not asked again");
        assert_eq!(infos.get("7h2kq9xw1fz3d").map(|i| i.schema.as_str()), Some("SHOPAPP"));
        assert_eq!(infos.get("3kp0ya7mb9rx2"), Some(&Info::default()));
    }
}
