//! Everything a key can ask for. The keymap maps keys to these; `App::apply` performs them.

use super::tabs::Tab;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    GoTab(Tab),
    NextTab,
    PrevTab,
    NextTarget,
    PrevTarget,
    StartFilter,
    Detail,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Top,
    Bottom,
    SortPrev,
    SortNext,
    SortInvert,
    ToggleIdle,
    /// Show or hide Logstag's own monitoring statements in Queries.
    ToggleOwn,
    /// Queries: off → compared with the window before → with a day earlier → off.
    CycleCompare,
    /// Overview charts: draw the same window a day earlier under them, or stop.
    ToggleDayOverlay,
    ToggleBlocking,
    Copy,
    CopyCancel,
    CopyTerminate,
    WindowGrow,
    WindowShrink,
    Redraw,
    FilterKeep,
    FilterClear,
    FilterBackspace,
    FilterInput(char),
    /// Alerts: local acknowledgement and mute of the rule for the target.
    AckAlert,
    MuteAlert,
    DismissAlertPopup,
    /// Time travel to the moment the alert fired, and back.
    JumpToAlert,
    BackToLive,
    /// Pause on the current round (live), or return to live (paused).
    TogglePause,
    /// Paused: the previous / next recorded round of the target on screen.
    StepBack,
    StepForward,
    /// A minute back / forward (pauses when live).
    MinuteBack,
    MinuteForward,
    /// The `t` prompt: open, type, accept, cancel.
    StartTimeInput,
    TimeInput(char),
    TimeBackspace,
    TimeAccept,
    TimeCancel,
    /// Schema tree: open a node (or the detail of a leaf), close it or go to its parent.
    Expand,
    Collapse,
    ToggleSchemaSort,
    ToggleSchemaChanges,
    /// Ask the current target's collector for a schema round now.
    RefreshSchema,
    /// Try the selected target again now, if it is down.
    RetryNow,
    /// Queries tab of a Redis/Valkey target: slow-log entries or per-command statistics.
    ToggleSlowLog,
    /// Overview: worst first / by name.
    ToggleTargetOrder,
    /// Overview: no groups → by engine → by tag.
    CycleGrouping,
    /// The jump-to-target prompt (every tab): open, type, accept the best match, cancel.
    StartJump,
    JumpInput(char),
    JumpBackspace,
    JumpAccept,
    JumpCancel,
    /// A session's or statement's detail (or its plan): the plan of its text, asked now.
    Plan,
}

/// What the UI loop must do outside the pure state: the only side effects there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Run the schema tier of this target now.
    RefreshSchema(crate::model::TargetId),
    RetryNow(crate::model::TargetId),
    /// Put text on the user's clipboard (OSC 52, works over SSH).
    Copy(String),
    /// Preload chart history of the current target for the current window.
    LoadSeries {
        target: crate::model::TargetId,
        window_ms: i64,
        /// The target's charted metrics (`dashboard::charted`).
        metrics: Vec<&'static str>,
    },
    LoadQueryHistory {
        target: crate::model::TargetId,
        query_id: String,
    },
    ClearScreen,
    /// Past alert events for the Alerts tab's history section.
    LoadAlertHistory,
    /// The charts' window a day earlier (Overview, `d`).
    LoadOverlay(Box<super::overlay::OverlayRequest>),
    /// Two windows of statements side by side (Queries, `w`).
    LoadComparison(Box<super::compare::CompareRequest>),
    /// Everything the screen shows at a past instant (time travel).
    LoadMoment(Box<super::travel::MomentRequest>),
    /// The plan of a statement, asked of the target's engine (`e` in a detail).
    LoadPlan(Box<super::plan::PlanJob>),
}
