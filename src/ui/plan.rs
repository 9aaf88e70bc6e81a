//! The plan popup's state and its loader. A plan is asked of the target's engine
//! (`collectors::planner`) in a spawned task that answers through the UI's channel, so
//! the UI never waits on the server; the answer to an older request is dropped.

use super::UiUpdate;
use crate::collectors::planner::Planner;
use crate::model::{Plan, PlanRequest, TargetId};
use tokio::sync::mpsc;

/// What the loader plans: request `id` of the popup, on `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanJob {
    pub id: u64,
    pub target: TargetId,
    pub request: PlanRequest,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanState {
    /// Asked; no answer yet.
    Planning,
    Planned(Box<Plan>),
    /// Why there is no plan, in one line (the engine's or the UI's words).
    Refused(String),
}

/// The plan on screen, or being made.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    pub id: u64,
    pub target: TargetId,
    /// What is planned, in the engine's words: "PID 4242", "statement 88151…".
    pub subject: String,
    pub request: PlanRequest,
    /// Clock time of the request (Unix ms): a plan is always of that moment.
    pub asked_at_ms: i64,
    /// The screen showed this past instant when the plan was asked (time travel): the
    /// plan is of now, not of then.
    pub paused_at_ms: Option<i64>,
    pub state: PlanState,
}

/// Plans `job` and hands the answer to the UI; a target without a planner (a replayed
/// file) gets a message instead.
pub async fn load(planner: Option<Planner>, tx: mpsc::Sender<UiUpdate>, job: PlanJob) {
    let result = match planner {
        Some(planner) => planner.plan(job.request).await,
        None => Err("no connection to this target to plan with".to_owned()),
    };
    // A closed channel means the UI has quit; nothing is waiting for the answer.
    let _ = tx.send(UiUpdate::Plan { id: job.id, result }).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PlanOrigin;

    #[tokio::test]
    async fn a_target_without_planner_answers_with_a_message_for_its_request() {
        let (tx, mut rx) = mpsc::channel(1);
        let request =
            PlanRequest { database: "d".into(), text: "SELECT 1".into(), origin: PlanOrigin::Session };
        load(None, tx, PlanJob { id: 7, target: TargetId("t".into()), request }).await;
        match rx.recv().await {
            Some(UiUpdate::Plan { id: 7, result: Err(message) }) => {
                assert!(message.contains("no connection"))
            }
            other => panic!("{other:?}"),
        }
    }
}
