//! The `oracle` crate (ODPI-C) behind the worker's `Backend`: loads the client library
//! once per process, opens the monitoring session, runs one statement and turns its rows
//! into the shared `TextRow`s. Nothing else in the engine sees a driver type, so a thin
//! driver can replace this file (docs/oracle.md "Driver").
//!
//! Values are read by their Oracle type, never through the session's NLS formats (so no
//! `ALTER SESSION` is needed): NUMBER as its exact decimal text, DATE and TIMESTAMP as
//! `YYYY-MM-DD HH:MM:SS[.ffffff]`, INTERVAL DAY TO SECOND as seconds, RAW as upper-case
//! hex (`v$session.PADDR`), CLOB as text cut to `MAX_CLOB_CHARS`.

use super::connect::Settings;
use super::failure::{Failure, classify};
use super::worker::{Backend, Bind, Request, ServerInfo};
use crate::collectors::text_rows::TextRow;
use oracle::sql_type::{IntervalDS, OracleType, Timestamp, ToSql};
use oracle::{Connection, Connector, InitParams, SqlValue};
use std::sync::{Arc, Mutex};

/// Statements kept parsed on the session: every tier's statements, so each round reuses
/// its cursors instead of parsing again.
const STATEMENT_CACHE: u32 = 64;
const FETCH_ARRAY: u32 = 200;
/// A statement's full text is long in the model anyway; more is never shown.
pub const MAX_CLOB_CHARS: usize = 16_000;

const DRIVER_NAME: &str = concat!("logstag : ", env!("CARGO_PKG_VERSION"));
/// Where the DPI-1047 text sends the user.
const HELP_URL: &str = "https://github.com/logstag/logstag#oracle";

pub struct OracleDriver {
    /// The ACTION last set on the session (set again only when the tier changes).
    action: &'static str,
}

impl OracleDriver {
    pub fn new() -> Self {
        Self { action: "" }
    }
}

/// Loads the client library with the first Oracle target's settings. ODPI-C keeps the
/// first attempt's outcome for the whole process (a later directory is ignored), so the
/// outcome is kept here too and every target reports the same.
fn init_client(lib_dir: &str) -> Result<(), Failure> {
    static FIRST: Mutex<Option<Result<(), Failure>>> = Mutex::new(None);
    let mut first = FIRST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(outcome) = first.as_ref() {
        return outcome.clone();
    }
    let outcome = (|| {
        let mut params = InitParams::new();
        params.default_driver_name(DRIVER_NAME).map_err(failure)?;
        params.load_error_url(HELP_URL).map_err(failure)?;
        if !lib_dir.is_empty() {
            params.oracle_client_lib_dir(lib_dir).map_err(failure)?;
        }
        params.init().map_err(failure)?;
        // The library loads on the first real call; ask for its version to find out now.
        oracle::Version::client().map_err(failure)?;
        Ok(())
    })();
    // A later attempt cannot load it either (the loader's result is cached by ODPI-C).
    *first = Some(outcome.clone());
    outcome
}

fn failure(e: oracle::Error) -> Failure {
    let code = e.db_error().map(|d| d.code()).unwrap_or(0);
    let message = e.db_error().map(|d| d.message().to_owned()).unwrap_or_else(|| e.to_string());
    classify(code, &message)
}

impl Backend for OracleDriver {
    type Session = Connection;

    fn connect(&mut self, settings: &Settings) -> Result<(Connection, ServerInfo), Failure> {
        init_client(&settings.client_lib_dir)?;
        let mut connector = Connector::new(
            settings.user.as_str(),
            settings.password.expose(),
            settings.connect_string.as_str(),
        );
        connector.stmt_cache_size(STATEMENT_CACHE).external_auth(settings.external_auth);
        let conn = connector.connect().map_err(failure)?;
        conn.set_call_timeout(Some(settings.call_timeout)).map_err(failure)?;
        conn.set_module("logstag").map_err(failure)?;
        conn.set_action("connect").map_err(failure)?;
        conn.set_client_info(concat!("logstag ", env!("CARGO_PKG_VERSION"))).map_err(failure)?;
        self.action = "connect";
        let (version, _banner) = conn.server_version().map_err(failure)?;
        let info =
            ServerInfo { version: version.to_string(), major: u32::try_from(version.major()).unwrap_or(0) };
        Ok((conn, info))
    }

    fn query(&mut self, conn: &Connection, request: &Request) -> Result<Vec<TextRow>, Failure> {
        if self.action != request.action {
            conn.set_action(request.action).map_err(failure)?;
            self.action = request.action;
        }
        let mut statement = conn
            .statement(&request.sql)
            .fetch_array_size(FETCH_ARRAY)
            .prefetch_rows(FETCH_ARRAY.min(request.max_rows.try_into().unwrap_or(FETCH_ARRAY)) + 1)
            .build()
            .map_err(failure)?;
        let params: Vec<&dyn ToSql> = request
            .binds
            .iter()
            .map(|b| match b {
                Bind::Text(t) => t as &dyn ToSql,
                Bind::Int(i) => i as &dyn ToSql,
            })
            .collect();
        let rows = statement.query(&params).map_err(failure)?;
        let columns: Arc<[String]> = rows.column_info().iter().map(|c| c.name().to_owned()).collect();
        let mut out = Vec::new();
        for row in rows {
            if out.len() >= request.max_rows {
                break;
            }
            let row = row.map_err(failure)?;
            let values = row.sql_values().iter().map(text).collect();
            out.push(TextRow::new(columns.clone(), values));
        }
        Ok(out)
    }
}

/// One value as text by its Oracle type; NULL and values the driver cannot read are None.
fn text(value: &SqlValue) -> Option<String> {
    if value.is_null().unwrap_or(true) {
        return None;
    }
    match value.oracle_type().ok()? {
        OracleType::Date
        | OracleType::Timestamp(_)
        | OracleType::TimestampTZ(_)
        | OracleType::TimestampLTZ(_) => value.get::<Timestamp>().ok().map(|ts| timestamp_text(&ts)),
        OracleType::IntervalDS(..) => value.get::<IntervalDS>().ok().map(|iv| interval_seconds(&iv)),
        OracleType::Raw(_) | OracleType::LongRaw | OracleType::BLOB => {
            value.get::<Vec<u8>>().ok().map(|bytes| hex(&bytes))
        }
        OracleType::CLOB | OracleType::NCLOB | OracleType::Long => {
            value.get::<String>().ok().map(|s| s.chars().take(MAX_CLOB_CHARS).collect())
        }
        _ => value.get::<String>().ok(),
    }
}

/// `YYYY-MM-DD HH:MM:SS` plus microseconds when there are any; a time zone is left out
/// (the monitoring statements compute ages on the server, so the text is for display).
fn timestamp_text(ts: &Timestamp) -> String {
    let mut s = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        ts.year(),
        ts.month(),
        ts.day(),
        ts.hour(),
        ts.minute(),
        ts.second()
    );
    if ts.nanosecond() >= 1_000 {
        s.push_str(&format!(".{:06}", ts.nanosecond() / 1_000));
    }
    s
}

/// Seconds, with a fraction when there is one (`+00 00:00:05.5` → `5.5`).
fn interval_seconds(iv: &IntervalDS) -> String {
    let whole = i64::from(iv.days()) * 86_400
        + i64::from(iv.hours()) * 3_600
        + i64::from(iv.minutes()) * 60
        + i64::from(iv.seconds());
    let nanos = i64::from(iv.nanoseconds());
    if nanos == 0 { whole.to_string() } else { format!("{}", whole as f64 + nanos as f64 / 1e9) }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_text() {
        let ts = Timestamp::new(2026, 12, 6, 3, 12, 5, 250_000_000).unwrap();
        assert_eq!(timestamp_text(&ts), "2026-12-06 03:12:05.250000");
        let ts = Timestamp::new(2026, 1, 2, 0, 0, 0, 0).unwrap();
        assert_eq!(timestamp_text(&ts), "2026-01-02 00:00:00");
        assert_eq!(interval_seconds(&IntervalDS::new(0, 0, 1, 5, 0).unwrap()), "65");
        assert_eq!(interval_seconds(&IntervalDS::new(1, 0, 0, 0, 500_000_000).unwrap()), "86400.5");
        assert_eq!(hex(&[0x00, 0x0a, 0xff]), "000AFF");
    }
}
