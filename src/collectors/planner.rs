//! Plans on demand, for the UI: one `Planner` per target whose engine can plan a
//! statement (`EngineSpec::plan`). It holds the target's connection settings, so the UI
//! can ask for a plan without ever seeing them; the engine opens its own short-lived
//! connection for each plan, off the UI task.

use super::registry;
use super::spec::PlanFn;
use crate::config::TargetConfig;
use crate::model::{Plan, PlanRequest, TargetId};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone)]
pub struct Planner {
    target: Arc<TargetConfig>,
    plan: PlanFn,
}

impl std::fmt::Debug for Planner {
    // The settings hold the password: only the sanitised endpoint is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Planner").field("target", &self.target.endpoint()).finish_non_exhaustive()
    }
}

impl Planner {
    /// The planner of `target`, when its engine can plan.
    pub fn of(target: &TargetConfig) -> Option<Planner> {
        let plan = registry::spec(target.engine).plan?;
        Some(Planner { target: Arc::new(target.clone()), plan })
    }

    /// Planners of every target that has one.
    pub fn of_all(targets: &[TargetConfig]) -> BTreeMap<TargetId, Planner> {
        targets.iter().filter_map(|t| Some((t.id(), Planner::of(t)?))).collect()
    }

    /// The plan, or what to tell the user. A planning task that died is an answer too.
    pub async fn plan(&self, request: PlanRequest) -> Result<Plan, String> {
        match (self.plan)(&self.target, request).await {
            Ok(answer) => answer,
            Err(e) => Err(format!("planning stopped unexpectedly: {e}")),
        }
    }
}

/// Display names of the engines that plan on demand ("PostgreSQL"), for the message an
/// engine without plans shows instead.
pub fn engines_with_plans() -> String {
    let names: Vec<&str> = registry::ENGINES.iter().filter(|e| e.plan.is_some()).map(|e| e.name).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing;

    #[tokio::test]
    async fn engines_without_plans_have_no_planner_and_a_dead_task_is_a_message() {
        for engine in registry::ENGINES {
            let target = testing::unreachable_target(engine);
            assert_eq!(Planner::of(&target).is_some(), engine.plan.is_some(), "{}", engine.name);
        }
        fn panics(_: &TargetConfig, _: PlanRequest) -> tokio::task::JoinHandle<Result<Plan, String>> {
            tokio::spawn(async { panic!("boom") })
        }
        let target = testing::unreachable_target(registry::ENGINES[0]);
        let planner = Planner { target: Arc::new(target), plan: panics };
        let request = PlanRequest {
            database: "app".into(),
            text: "SELECT 1".into(),
            origin: crate::model::PlanOrigin::Session,
        };
        let answer = planner.plan(request).await;
        assert!(answer.as_ref().is_err_and(|e| e.starts_with("planning stopped unexpectedly")), "{answer:?}");
        assert!(!format!("{planner:?}").contains(testing::NEVER_SHOWN), "{planner:?}");
    }
}
