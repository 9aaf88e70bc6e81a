//! The one keymap table: it drives key handling, the help overlay and the footer hints,
//! so they can never disagree. No binding writes to a server: Logstag is read-only.

use super::action::Action;
use super::tabs::Tab;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a key is read; several contexts are active at once, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Global,
    /// Moving through rows (every tab with a list).
    List,
    /// Sorting, filtering and opening rows (session and statement tables).
    Table,
    /// The Activity tab of a target whose sessions block each other (`Blocking::Tree`).
    Activity,
    /// The Activity tab elsewhere: a blocked session waits for data, not for another
    /// session, so there is no blocking tree and no `b`.
    ActivityWithoutTree,
    Filter,
    Help,
    Detail,
    /// Session detail only: the statements that stop a backend.
    SessionDetail,
    /// A session's or a statement's detail: its plan can be asked for.
    Plannable,
    /// The plan popup.
    PlanView,
    /// The Alerts tab's active list.
    Alerts,
    AlertDetail,
    /// An alert notification popup is shown (it never takes other keys).
    AlertPopup,
    /// The screen is paused on a past instant.
    HistoryView,
    /// The `t` prompt is open: typed keys are the time.
    TimeInput,
    /// The Queries tab's statements (not a slow log): windows can be compared.
    Compare,
    /// The Health tab's check list.
    Health,
    /// The Schema tab's tree and changes list.
    Schema,
    /// The Queries tab of a target whose engine has a slow log.
    SlowLog,
    /// The Queries tab's statement list.
    Statements,
    /// The Schema tab of a target shown as a keyspace (logical databases and big keys).
    Keyspace,
    /// The Overview's target list: order, groups, filter.
    Overview,
    /// The jump-to-target prompt is open: typed keys are the name.
    Jump,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Moving",
            Context::Table => "Tables",
            Context::Activity => "Activity",
            Context::ActivityWithoutTree => "Activity",
            Context::Filter => "Filter input",
            Context::Help => "Help",
            Context::Detail => "Detail",
            Context::SessionDetail => "Session detail",
            Context::Plannable => "Session / statement detail",
            Context::PlanView => "Plan",
            Context::Alerts => "Alerts",
            Context::AlertDetail => "Alert detail",
            Context::AlertPopup => "Alert popup",
            Context::HistoryView => "Paused (time travel)",
            Context::TimeInput => "Go to a time",
            Context::Compare => "Queries",
            Context::Health => "Health",
            Context::Schema => "Schema",
            Context::SlowLog => "Slow log",
            Context::Statements => "Queries",
            Context::Keyspace => "Keyspace",
            Context::Overview => "Overview",
            Context::Jump => "Jump to a target",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    /// Shift is implied by the character itself ('G', '?', '>'), and terminals
    /// disagree on whether they report it, so it is dropped for characters.
    pub fn from_event(event: KeyEvent) -> Key {
        let modifiers = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
            _ => event.modifiers,
        };
        Key {
            code: event.code,
            modifiers: modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT),
        }
    }

    pub fn label(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Bksp".into(),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else if self.modifiers.contains(KeyModifiers::SHIFT) {
            format!("S-{base}")
        } else {
            base
        }
    }
}

pub struct Binding {
    pub context: Context,
    pub key: Key,
    pub action: Action,
    pub label: &'static str,
    /// Short label for the footer; empty = only in the help overlay.
    pub hint: &'static str,
}

const fn key(code: KeyCode) -> Key {
    Key { code, modifiers: KeyModifiers::NONE }
}
const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}
const fn shift(code: KeyCode) -> Key {
    Key { code, modifiers: KeyModifiers::SHIFT }
}
const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), modifiers: KeyModifiers::CONTROL }
}
const fn bind(
    context: Context,
    key: Key,
    action: Action,
    label: &'static str,
    hint: &'static str,
) -> Binding {
    Binding { context, key, action, label, hint }
}

use Context::{
    Activity, ActivityWithoutTree, AlertDetail, AlertPopup, Alerts, Compare, Detail, Filter, Global, Health,
    Help, HistoryView, Jump, Keyspace, List, Overview, PlanView, Plannable, Schema, SessionDetail, SlowLog,
    Statements, Table, TimeInput,
};

pub const BINDINGS: &[Binding] = &[
    bind(Global, ch('?'), Action::Help, "help", "help"),
    bind(Global, key(KeyCode::F(1)), Action::Help, "help", ""),
    bind(Global, ch('q'), Action::Quit, "quit", "quit"),
    bind(Global, ctrl('c'), Action::Quit, "quit", ""),
    bind(Global, ch('1'), Action::GoTab(Tab::Overview), "Overview tab", ""),
    bind(Global, ch('2'), Action::GoTab(Tab::Activity), "Activity tab", ""),
    bind(Global, ch('3'), Action::GoTab(Tab::Queries), "Queries tab", ""),
    bind(Global, ch('4'), Action::GoTab(Tab::Schema), "Schema tab", ""),
    bind(Global, ch('5'), Action::GoTab(Tab::Alerts), "Alerts tab", ""),
    bind(Global, ch('6'), Action::GoTab(Tab::Health), "Health tab", ""),
    bind(Global, key(KeyCode::Tab), Action::NextTab, "next tab", ""),
    bind(Global, key(KeyCode::BackTab), Action::PrevTab, "previous tab", ""),
    bind(Global, ch(']'), Action::NextTarget, "next target", ""),
    bind(Global, ch('['), Action::PrevTarget, "previous target", ""),
    bind(Global, ch('+'), Action::WindowGrow, "longer chart window", ""),
    bind(Global, ch('-'), Action::WindowShrink, "shorter chart window", ""),
    bind(Global, ctrl('l'), Action::Redraw, "redraw screen", ""),
    bind(Global, key(KeyCode::Esc), Action::Back, "back / clear filter", ""),
    bind(List, ch('j'), Action::Down, "down", ""),
    bind(List, key(KeyCode::Down), Action::Down, "down", ""),
    bind(List, ch('k'), Action::Up, "up", ""),
    bind(List, key(KeyCode::Up), Action::Up, "up", ""),
    bind(List, key(KeyCode::PageDown), Action::PageDown, "page down", ""),
    bind(List, key(KeyCode::PageUp), Action::PageUp, "page up", ""),
    bind(List, ctrl('d'), Action::HalfPageDown, "half page down", ""),
    bind(List, ctrl('u'), Action::HalfPageUp, "half page up", ""),
    bind(List, ch('g'), Action::Top, "first row", ""),
    bind(List, key(KeyCode::Home), Action::Top, "first row", ""),
    bind(List, ch('G'), Action::Bottom, "last row", ""),
    bind(List, key(KeyCode::End), Action::Bottom, "last row", ""),
    bind(Table, ch('/'), Action::StartFilter, "filter", "filter"),
    bind(Table, ch('<'), Action::SortPrev, "sort by previous column", ""),
    bind(Table, ch('>'), Action::SortNext, "sort by next column", "sort"),
    bind(Table, ch('I'), Action::SortInvert, "invert sort", ""),
    bind(Table, key(KeyCode::Enter), Action::Detail, "details", "detail"),
    bind(Table, ch('y'), Action::Copy, "copy query (OSC 52)", ""),
    bind(Activity, ch('i'), Action::ToggleIdle, "hide/show idle {sessions}", "idle"),
    bind(Activity, ch('b'), Action::ToggleBlocking, "blocking tree / session list", "blocking"),
    bind(ActivityWithoutTree, ch('i'), Action::ToggleIdle, "hide/show idle {sessions}", "idle"),
    bind(Filter, key(KeyCode::Enter), Action::FilterKeep, "keep filter", "keep"),
    bind(Filter, key(KeyCode::Esc), Action::FilterClear, "clear filter", "clear"),
    bind(Filter, key(KeyCode::Backspace), Action::FilterBackspace, "delete character", ""),
    bind(Filter, ctrl('c'), Action::Quit, "quit", ""),
    bind(Help, key(KeyCode::Esc), Action::Back, "close", "close"),
    bind(Help, ch('?'), Action::Back, "close", ""),
    bind(Help, ch('q'), Action::Back, "close", ""),
    bind(Help, key(KeyCode::F(1)), Action::Back, "close", ""),
    bind(Help, ch('j'), Action::Down, "scroll down", ""),
    bind(Help, key(KeyCode::Down), Action::Down, "scroll down", ""),
    bind(Help, ch('k'), Action::Up, "scroll up", ""),
    bind(Help, key(KeyCode::Up), Action::Up, "scroll up", ""),
    bind(Detail, key(KeyCode::Esc), Action::Back, "close", "close"),
    bind(Detail, key(KeyCode::Enter), Action::Back, "close", ""),
    bind(Detail, ch('q'), Action::Back, "close", ""),
    bind(Detail, ch('j'), Action::Down, "scroll down", ""),
    bind(Detail, key(KeyCode::Down), Action::Down, "scroll down", ""),
    bind(Detail, ch('k'), Action::Up, "scroll up", ""),
    bind(Detail, key(KeyCode::Up), Action::Up, "scroll up", ""),
    bind(Detail, ch('y'), Action::Copy, "copy query text", "copy query"),
    bind(SessionDetail, ch('c'), Action::CopyCancel, "copy the cancel statement ({cancel})", "copy cancel"),
    bind(
        SessionDetail,
        ch('t'),
        Action::CopyTerminate,
        "copy the terminate statement ({terminate})",
        "copy terminate",
    ),
    bind(Plannable, ch('e'), Action::Plan, "plan of its statement now (EXPLAIN, never run)", "plan"),
    bind(PlanView, key(KeyCode::Esc), Action::Back, "back to the detail", "back"),
    bind(PlanView, key(KeyCode::Enter), Action::Back, "back to the detail", ""),
    bind(PlanView, ch('q'), Action::Back, "back to the detail", ""),
    bind(PlanView, ch('j'), Action::Down, "scroll down", ""),
    bind(PlanView, key(KeyCode::Down), Action::Down, "scroll down", ""),
    bind(PlanView, ch('k'), Action::Up, "scroll up", ""),
    bind(PlanView, key(KeyCode::Up), Action::Up, "scroll up", ""),
    bind(PlanView, key(KeyCode::PageDown), Action::PageDown, "scroll a page down", ""),
    bind(PlanView, key(KeyCode::PageUp), Action::PageUp, "scroll a page up", ""),
    bind(PlanView, ch('e'), Action::Plan, "plan again", "plan again"),
    bind(PlanView, ch('y'), Action::Copy, "copy the plan as text", "copy plan"),
    bind(AlertPopup, key(KeyCode::Esc), Action::DismissAlertPopup, "dismiss alert popup", "dismiss"),
    bind(Alerts, key(KeyCode::Enter), Action::Detail, "alert details", "detail"),
    bind(Alerts, ch('a'), Action::AckAlert, "acknowledge / unacknowledge (local)", "ack"),
    bind(Alerts, ch('m'), Action::MuteAlert, "mute / unmute the rule for this target (local)", "mute"),
    bind(Alerts, ch('J'), Action::JumpToAlert, "jump to the moment it fired", "jump"),
    bind(AlertDetail, ch('J'), Action::JumpToAlert, "jump to the moment it fired", "jump"),
    bind(Global, ch(' '), Action::TogglePause, "pause on this round (collection goes on) / back to live", ""),
    bind(Global, ch('p'), Action::TogglePause, "pause on this round (collection goes on) / back to live", ""),
    bind(Global, ch('t'), Action::StartTimeInput, "go to a past time (03:12, -15m, yesterday 23:40)", ""),
    bind(Global, shift(KeyCode::Left), Action::MinuteBack, "a minute back in time (pauses)", ""),
    bind(HistoryView, key(KeyCode::Left), Action::StepBack, "previous round", "round"),
    bind(HistoryView, key(KeyCode::Right), Action::StepForward, "next round", ""),
    bind(HistoryView, shift(KeyCode::Left), Action::MinuteBack, "a minute back", "minute"),
    bind(
        HistoryView,
        shift(KeyCode::Right),
        Action::MinuteForward,
        "a minute forward (live once past now)",
        "",
    ),
    bind(HistoryView, ch('t'), Action::StartTimeInput, "go to a time", "time"),
    bind(HistoryView, ch('L'), Action::BackToLive, "back to live", "live"),
    bind(TimeInput, key(KeyCode::Enter), Action::TimeAccept, "go there", "go"),
    bind(TimeInput, key(KeyCode::Esc), Action::TimeCancel, "cancel", "cancel"),
    bind(TimeInput, key(KeyCode::Backspace), Action::TimeBackspace, "delete character", ""),
    bind(TimeInput, ctrl('c'), Action::Quit, "quit", ""),
    bind(Health, key(KeyCode::Enter), Action::Detail, "why and what to do for the check", "detail"),
    bind(Schema, ch('l'), Action::Expand, "expand", ""),
    bind(Schema, key(KeyCode::Right), Action::Expand, "expand", ""),
    bind(Schema, key(KeyCode::Enter), Action::Expand, "expand / detail of a leaf", "open"),
    bind(Schema, ch('h'), Action::Collapse, "collapse / go to parent", ""),
    bind(Schema, key(KeyCode::Left), Action::Collapse, "collapse / go to parent", ""),
    bind(Schema, ch('s'), Action::ToggleSchemaSort, "sort by size / by name", "sort"),
    bind(Schema, ch('/'), Action::StartFilter, "filter by name", "filter"),
    bind(Schema, ch('c'), Action::ToggleSchemaChanges, "schema tree / recent changes", "changes"),
    bind(Global, ch('f'), Action::StartJump, "find a target by part of its name and select it", ""),
    bind(Overview, ch('f'), Action::StartJump, "find a target by part of its name", "find"),
    bind(Overview, ch('/'), Action::StartFilter, "filter targets (name, engine, tag, status)", "filter"),
    bind(Overview, ch('s'), Action::ToggleTargetOrder, "worst first / by name", "sort"),
    bind(Overview, ch('b'), Action::CycleGrouping, "group by: none / engine / first tag", "group"),
    bind(
        Overview,
        ch('d'),
        Action::ToggleDayOverlay,
        "charts: overlay the same window a day earlier",
        "day before",
    ),
    bind(Jump, key(KeyCode::Enter), Action::JumpAccept, "select the best match", "go"),
    bind(Jump, key(KeyCode::Esc), Action::JumpCancel, "cancel", "cancel"),
    bind(Jump, key(KeyCode::Backspace), Action::JumpBackspace, "delete character", ""),
    bind(Jump, ctrl('c'), Action::Quit, "quit", ""),
    bind(Global, ch('R'), Action::RetryNow, "retry the selected target now (when it is down)", ""),
    bind(Schema, ch('r'), Action::RefreshSchema, "refresh the schema now (runs the schema tier)", "refresh"),
    bind(Statements, ch('o'), Action::ToggleOwn, "show/hide Logstag's own statements", "own"),
    bind(
        Compare,
        ch('w'),
        Action::CycleCompare,
        "compare the chart window with the one before / a day earlier / off",
        "compare",
    ),
    bind(SlowLog, ch('s'), Action::ToggleSlowLog, "slow-log entries / per-command statistics", "slow log"),
    bind(Keyspace, ch('r'), Action::RefreshSchema, "run the big-key sampler now (schema tier)", "sample"),
];

/// The first binding for `key` in the active contexts, most specific context first.
/// In the filter input, unbound printable characters are text, never commands.
pub fn resolve(contexts: &[Context], event: KeyEvent) -> Option<Action> {
    let key = Key::from_event(event);
    for &context in contexts {
        if let Some(b) = BINDINGS.iter().find(|b| b.context == context && b.key == key) {
            return Some(b.action);
        }
        let input: Option<fn(char) -> Action> = match context {
            Context::Filter => Some(Action::FilterInput),
            Context::Jump => Some(Action::JumpInput),
            Context::TimeInput => Some(Action::TimeInput),
            _ => None,
        };
        if let Some(input) = input {
            return match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => Some(input(c)),
                _ => None,
            };
        }
    }
    None
}

/// Bindings of the given contexts grouped per action: (context, "j/↓", label).
pub fn describe(contexts: &[Context]) -> Vec<(Context, String, &'static str)> {
    let mut out: Vec<(Context, String, &'static str)> = Vec::new();
    for &context in contexts {
        for b in BINDINGS.iter().filter(|b| b.context == context) {
            match out.iter_mut().find(|(c, _, label)| *c == context && *label == b.label) {
                Some(entry) => entry.1 = format!("{}/{}", entry.1, b.key.label()),
                None => out.push((context, b.key.label(), b.label)),
            }
        }
    }
    out
}

/// Footer hints of the active contexts, broadest first so help and quit always show.
pub fn hints(contexts: &[Context]) -> Vec<(String, Action, &'static str)> {
    contexts
        .iter()
        .rev()
        .flat_map(|&c| BINDINGS.iter().filter(move |b| b.context == c && !b.hint.is_empty()))
        .map(|b| (b.key.label(), b.action, b.hint))
        .collect()
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
