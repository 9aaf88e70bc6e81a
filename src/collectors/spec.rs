//! The engine contract: one `EngineSpec` value per engine, exported by its folder and
//! listed once in `registry.rs`. Everything outside the engine folders reads these fields
//! instead of asking which engine a target runs (docs/adding-an-engine.md).

use super::registry::RunMode;
use super::scheduler::SchedulerHandles;
use crate::config::{OptionTable, TargetConfig, UrlRules};
use crate::health::Check;
use crate::model::{EngineKind, Plan, PlanRequest, Session, present::Presentation};

pub type SpawnFn = fn(&TargetConfig, RunMode, SchedulerHandles) -> tokio::task::JoinHandle<()>;

/// Plans a statement on demand without running it, on a connection of its own; the
/// answer is the plan or a one-line message for the user. Spawns its task, like `SpawnFn`.
pub type PlanFn = fn(&TargetConfig, PlanRequest) -> tokio::task::JoinHandle<Result<Plan, String>>;

/// Settles option defaults that depend on the run's other targets; returns lines to log.
pub type FleetDefaultsFn = fn(&mut [TargetConfig]) -> Vec<String>;

pub struct EngineSpec {
    pub kind: EngineKind,
    /// Display name, e.g. "PostgreSQL".
    pub name: &'static str,
    /// Accepted `db_engine` values, matched case-insensitively (the first is `kind`'s key).
    pub config_names: &'static [&'static str],
    /// URL schemes accepted on the command line.
    pub url_schemes: &'static [&'static str],
    pub default_port: u16,
    pub url: UrlRules,
    /// `[targets.<name>.<table>]` option tables of this engine's targets.
    pub options: &'static [OptionTable],
    /// Where a no-arguments start looks for a local server.
    pub discovery: &'static [Probe],
    /// Starts a target's collector; `None` while this build cannot monitor the engine
    /// (its targets are accepted and shown as "not available in this build").
    pub spawn: Option<SpawnFn>,
    /// The health checks of the report (spec §5).
    pub health_checks: &'static [Check],
    /// The `engine:` of the alert templates its targets get (besides `any`), and the
    /// embedded templates of that name (path under `alert-templates/`, YAML text).
    pub alert_engine: &'static str,
    pub alert_templates: &'static [(&'static str, &'static str)],
    /// Metric names its collector emits beyond the neutral `model::metric::ALL`, so alert
    /// templates may use them (`templates check` refuses names no engine emits).
    pub metrics: &'static [&'static str],
    /// Query text as it may leave the host (literals out), for forwarding (spec §7).
    pub normalize: fn(&str) -> String,
    /// Statements a DBA may copy to cancel / end a session; Logstag never runs them. They
    /// get the whole session: some engines name a session by more than its id (Oracle's
    /// SID and SERIAL#).
    pub cancel: fn(&Session) -> String,
    pub terminate: fn(&Session) -> String,
    pub present: &'static Presentation,
    /// Plans a session's or a statement's text on request (the detail popups' `e`);
    /// `None` where the engine offers no plan on demand.
    pub plan: Option<PlanFn>,
    /// Sees every target of the run before collectors start and may settle the options
    /// its own targets left unset from the others (PostgreSQL: several targets on one
    /// server each watch only their own database). Changes only this engine's targets.
    pub fleet_defaults: Option<FleetDefaultsFn>,
}

/// One place a local server may answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// Environment variables that describe a target fully (the engine's client library
    /// reads them); any one set makes a target from an empty URL of the engine's scheme.
    Environment(&'static [&'static str]),
    /// Unix socket files `<dir>/<prefix><port>` that accept a connection.
    UnixSockets { dirs: &'static [&'static str], prefix: &'static str },
    /// Named socket files (engines whose socket name carries no port); the first that
    /// accepts a connection is the server listening on `port`.
    SocketFiles { paths: &'static [&'static str], port: u16 },
    /// A loopback TCP port that accepts a connection; skipped when a socket of the same
    /// engine and port answered already (the same server, and peer auth works there).
    Tcp { host: &'static str, port: u16 },
}
