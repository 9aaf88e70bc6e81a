//! `logstag health`: one round of every tier of every target, evaluated and printed.
//!
//! Exit code 1 when any area of any target is Critical, i.e. holds at least one Critical
//! check (a score can be low from attention findings alone; that is not an emergency);
//! also 1 when a target could not be reached (its checks would all read "not evaluated",
//! which must not pass for healthy in a script); 0 otherwise, including when some checks
//! could not be evaluated.

use super::{HealthInput, catalogue, evaluate_with, report, score};
use crate::cli::HealthFormat;
use crate::config::Config;
use crate::model::{HealthReport, SampleBody, TargetStatus};
use std::io::Write;
use std::process::ExitCode;

pub async fn run(cfg: &Config, format: HealthFormat) -> anyhow::Result<ExitCode> {
    crate::logging::to_stderr("warn");
    let samples = crate::snapshot::collect_once(cfg).await?;
    let reports: Vec<HealthReport> = cfg
        .targets
        .iter()
        .map(|t| evaluate_with(catalogue(t.engine), &HealthInput::from_samples(&t.id(), &samples)))
        .collect();
    let mut out = std::io::stdout().lock();
    match format {
        HealthFormat::Json => writeln!(out, "{}", report::json(&reports)?)?,
        HealthFormat::Text => {
            for r in &reports {
                writeln!(out, "{}", report::text(r))?;
            }
        }
        HealthFormat::Md => {
            for r in &reports {
                writeln!(out, "{}", report::markdown(r))?;
            }
        }
    }
    let mut unreachable = false;
    for t in &cfg.targets {
        let id = t.id();
        let last = samples.iter().rev().find_map(|s| match &s.body {
            SampleBody::Status(h) if s.target == id => Some(&h.status),
            _ => None,
        });
        if let Some(TargetStatus::Down { error, .. }) = last {
            let line = format!("logstag: {id} could not be reached: {error}; its checks are not evaluated");
            eprintln!("{}", crate::sanitize::text(&line));
            unreachable = true;
        }
    }
    let critical = reports.iter().any(|r| score::any_critical_area(&r.areas));
    Ok(if critical || unreachable { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
