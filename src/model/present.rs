//! How an engine's data is shown, as data: the columns of its tables, the tiles and
//! charts of its Overview, which Schema view it uses, what its sessions are called.
//! Engines fill these in (`collectors/<engine>/present.rs`); the UI only reads them, so
//! it never needs to know which engine a target runs. No ratatui here: a cell says what
//! it means (`Tone`), the theme decides how that looks.

use super::{QueryStat, Session, SessionState, WaitCategory};
use std::borrow::Cow;
use std::cmp::Ordering;

/// What a piece of text means, for the theme to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Text,
    /// Table headers and headlines.
    Header,
    /// Titles and key names.
    Title,
    Muted,
    Ok,
    Info,
    Warn,
    Critical,
    State(SessionState),
}

impl Tone {
    /// Lock waits are what a DBA hunts; client waits are the application's own time.
    pub fn of_wait(category: WaitCategory) -> Tone {
        match category {
            WaitCategory::Locks => Tone::Critical,
            WaitCategory::LwLocks | WaitCategory::Io => Tone::Warn,
            WaitCategory::Client => Tone::Muted,
            WaitCategory::Other => Tone::Info,
        }
    }
}

/// One table cell: text (borrowed from the row when it can be) and its tone.
#[derive(Debug, Clone, PartialEq)]
pub struct CellText<'a> {
    pub text: Cow<'a, str>,
    pub tone: Tone,
}

impl<'a> CellText<'a> {
    pub fn plain(text: impl Into<Cow<'a, str>>) -> Self {
        Self { text: text.into(), tone: Tone::Text }
    }

    pub fn toned(text: impl Into<Cow<'a, str>>, tone: Tone) -> Self {
        Self { text: text.into(), tone }
    }
}

/// How wide a column is: a fixed floor that grows with its content up to `max`, or
/// whatever room is left (the query text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// At least `min` cells; widened to the longest visible value, at most `max`.
    Fit { min: u16, max: u16 },
    /// The rest of the row, never less than `min` cells while other columns can give way.
    Fill { min: u16 },
}

/// One column of a table over rows of type `T`.
pub struct Column<T: 'static> {
    pub title: &'static str,
    pub width: Width,
    /// Lower is kept longer as the terminal narrows (0 = always shown).
    pub priority: u8,
    /// Whether the first sort on this column puts large values first.
    pub descending: bool,
    pub cell: for<'a> fn(&'a T) -> CellText<'a>,
    pub cmp: fn(&T, &T) -> Ordering,
}

impl<T> std::fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Column")
            .field("title", &self.title)
            .field("width", &self.width)
            .finish_non_exhaustive()
    }
}

/// Words for what a session and a statement are called on this engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nouns {
    /// "sessions", "clients".
    pub sessions: &'static str,
    /// "Sessions", "Clients": table titles.
    pub sessions_title: &'static str,
    /// What a session's id is called: "PID", "ID".
    pub id: &'static str,
    /// "statements", "commands".
    pub statements: &'static str,
    /// "statement", "command".
    pub statement: &'static str,
}

/// How blocked sessions are counted and shown in the Activity header.
#[derive(Debug, Clone, Copy)]
pub enum Blocking {
    /// Sessions wait for locks other sessions hold: counted as critical, and `b` shows
    /// the blocking tree.
    Tree,
    /// Sessions wait in a blocking command for data, not for another session: counted
    /// like lock waiters, no tree.
    Waiting { is_blocked: fn(&Session) -> bool },
}

/// Which Schema tab an engine's inventory is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaView {
    /// Databases → schemas → tables, views… (a `Schema` sample).
    Tree,
    /// Numbered logical databases with key counts and sampled big keys (a `Keyspace` sample).
    Keyspace,
}

/// One figure of the Overview's tile line.
pub struct Tile {
    pub label: &'static str,
    /// From the target's latest metric values (`metric(name, key)`).
    pub value: fn(&Metrics<'_>) -> String,
}

/// The target's latest value of a metric: `metric(name, key)`.
pub type Metrics<'a> = dyn Fn(&str, &str) -> Option<f64> + 'a;

/// How a chart's series are chosen from a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// The metric's instance-wide value (empty key).
    Single,
    /// One series per key, in this order first (stable colours), then the rest.
    Keyed(&'static [&'static str]),
}

/// Value formats of chart axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Percent,
    Bytes,
}

/// One Overview chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chart {
    pub title: &'static str,
    pub metric: &'static str,
    pub series: Series,
    pub unit: Unit,
}

/// One line of a detail popup (a session, a statement), built by the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailLine {
    /// A headline: pieces side by side (`PID 42  Active  (active)`).
    Head(Vec<CellText<'static>>),
    /// `name         value`, names padded to one column.
    Field {
        name: String,
        value: CellText<'static>,
    },
    /// A section title (`Query (y copies):`).
    Heading(String),
    Text(CellText<'static>),
    Blank,
}

impl DetailLine {
    pub fn field(name: impl Into<String>, value: impl Into<String>) -> Self {
        DetailLine::Field { name: name.into(), value: CellText::plain(value.into()) }
    }

    pub fn toned(name: impl Into<String>, value: impl Into<String>, tone: Tone) -> Self {
        DetailLine::Field { name: name.into(), value: CellText::toned(value.into(), tone) }
    }
}

/// Everything the UI needs to show one engine's targets.
pub struct Presentation {
    pub nouns: Nouns,
    pub activity_columns: &'static [Column<Session>],
    /// The Activity sort before the user picks one (the column that ranks what to act on).
    pub activity_default_sort: usize,
    /// State counts in the Activity header, in this order.
    pub counted_states: &'static [SessionState],
    pub blocking: Blocking,
    pub query_columns: &'static [Column<QueryStat>],
    pub queries_title: &'static str,
    /// The Queries tab has a second list, the engine's slow log (`s`).
    pub slow_log: bool,
    /// Tiles above the charts; empty = none (the target row says enough).
    pub tiles: &'static [Tile],
    /// The four charts, left to right, top to bottom.
    pub charts: [Chart; 4],
    pub schema_view: SchemaView,
    /// Title of the session detail popup (" Session detail ").
    pub session_title: &'static str,
    /// The session popup: every field the row had to cut, then the copyable statements.
    /// Gets the session and all sessions of the sample (for blockers).
    pub session_detail: fn(&Session, &[Session]) -> Vec<DetailLine>,
    /// What the session popup says when the session is gone ("Session 42 has ended…").
    pub session_gone: fn(i64) -> String,
    /// The statement popup before its history (which the UI adds).
    pub statement_detail: fn(&QueryStat) -> Vec<DetailLine>,
}
