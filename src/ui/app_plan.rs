//! The App's plans on demand: `e` in a session's or a statement's detail asks the
//! target's engine for the plan of its text and opens the plan popup, which shows
//! "planning…" until the answer arrives; Esc goes back to the detail. Engines that
//! cannot plan say so there. A plan is always of now, even on a paused screen.

use super::action::Effect;
use super::app::App;
use super::app_state::Popup;
use super::plan::{PlanJob, PlanState, PlanView};
use crate::model::{Plan, PlanOrigin, PlanRequest};

impl App {
    /// `e`: the plan of the detail's session or statement, or again of the plan shown.
    pub(super) fn plan_action(&mut self) -> Option<Effect> {
        let (back, request, subject) = match self.popups.open.clone()? {
            Popup::Plan { back, .. } => {
                let view = self.popups.plan.as_ref()?;
                if view.state == PlanState::Planning {
                    self.notice = Some("planning… (asked already)".into());
                    return None;
                }
                (*back, view.request.clone(), view.subject.clone())
            }
            back => {
                let (request, subject) = self.plan_subject(&back)?;
                (back, request, subject)
            }
        };
        let target = self.current()?;
        let (target_id, engine) = (target.info.id.clone(), target.engine);
        let refusal = if engine.plan.is_none() {
            Some(format!(
                "{} offers no plan on demand here: plans are offered for {}",
                engine.name,
                crate::collectors::planner::engines_with_plans()
            ))
        } else if self.time.replay_end.is_some() {
            Some("replaying a recorded file: there is no server to plan on".to_owned())
        } else {
            None
        };
        self.popups.plan_requests += 1;
        let id = self.popups.plan_requests;
        let effect = match &refusal {
            None => Some(Effect::LoadPlan(Box::new(PlanJob {
                id,
                target: target_id.clone(),
                request: request.clone(),
            }))),
            Some(_) => None,
        };
        self.popups.plan = Some(PlanView {
            id,
            target: target_id,
            subject,
            request,
            asked_at_ms: self.time.wall_ms,
            paused_at_ms: self.time.travel.as_ref().map(|t| t.at.millis()),
            state: refusal.map_or(PlanState::Planning, PlanState::Refused),
        });
        self.popups.open = Some(Popup::Plan { scroll: 0, back: Box::new(back) });
        effect
    }

    /// What the detail popup `popup` would plan, and how to name it; None (with a notice)
    /// when it holds nothing to plan.
    fn plan_subject(&mut self, popup: &Popup) -> Option<(PlanRequest, String)> {
        let nouns = self.presentation().nouns;
        match popup {
            Popup::Session { id, .. } => {
                let Some(s) = self.sessions().iter().find(|s| s.id == *id) else {
                    self.notice =
                        Some(format!("{} {id} is no longer in the sample: nothing to plan", nouns.id));
                    return None;
                };
                let request = PlanRequest {
                    database: s.database.clone(),
                    text: s.query.clone(),
                    origin: PlanOrigin::Session,
                };
                Some((request, format!("{} {}", nouns.id, s.id)))
            }
            Popup::Query { id, .. } => {
                let Some(q) = self.query_stats().iter().find(|q| &q.id == id) else {
                    self.notice =
                        Some(format!("the {} is no longer listed: nothing to plan", nouns.statement));
                    return None;
                };
                let request = PlanRequest {
                    database: q.database.clone(),
                    text: q.text.clone(),
                    origin: PlanOrigin::Statement,
                };
                Some((request, format!("{} {}", nouns.statement, q.id)))
            }
            _ => None,
        }
    }

    /// The answer to request `id`, if it is still the one on screen.
    pub(super) fn plan_arrived(&mut self, id: u64, result: Result<Plan, String>) {
        if let Some(view) = self.popups.plan.as_mut().filter(|v| v.id == id) {
            view.state = match result {
                Ok(plan) => PlanState::Planned(Box::new(plan)),
                Err(message) => PlanState::Refused(message),
            };
        }
    }

    /// Esc on the plan: back to the detail it came from. False when no plan is shown.
    pub(super) fn close_plan(&mut self) -> bool {
        match self.popups.open.take() {
            Some(Popup::Plan { back, .. }) => {
                self.popups.open = Some(*back);
                true
            }
            other => {
                self.popups.open = other;
                false
            }
        }
    }

    /// The plan shown, as text, for the clipboard.
    pub(super) fn plan_text(&self) -> Option<String> {
        match (&self.popups.open, &self.popups.plan) {
            (Some(Popup::Plan { .. }), Some(view)) => match &view.state {
                PlanState::Planned(plan) => Some(super::popups::plan::plain_text(plan)),
                _ => None,
            },
            _ => None,
        }
    }
}
