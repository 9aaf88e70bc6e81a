//! Low tier (every 10 min): build, host, command line, startup warnings, the feature
//! compatibility version, users and roles where permitted → `Settings` (server facts
//! and options) and `Posture` (warnings, users, roles, what could not be read).
//! Parsing in `low/`: `build.rs`, `options.rs`, `warnings.rs`, `access.rs`.
//!
//! A refused read is an `unavailable` fact every round (the health checks say why they
//! could not judge) and a problem line only the first time on a connection: Atlas
//! shared tiers refuse most of these for good, and a user without `viewUser` is a
//! choice, so repeating them every ten minutes would only keep the target DEGRADED.

mod access;
mod build;
mod options;
mod warnings;

use super::connect::{Refusal, code};
use super::health_checks::{posture as p, setting as s};
use super::{MongoCollector, ServerFacts, Topology, refusal_problem};
use crate::collectors::{CollectError, Collected};
use crate::model::{PostureFact, SampleBody, Setting};
use mongodb::bson::{Document, doc};
use std::collections::BTreeSet;

/// What the tier remembers between rounds (forgotten with the connection): the reads
/// whose refusal has already been reported as a problem.
#[derive(Debug, Default)]
pub struct LowState {
    reported: BTreeSet<&'static str>,
}

impl LowState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

/// One read's outcome; `None` when it was not asked (not applicable to this server).
pub type Reply = Option<Result<Document, Refusal>>;

/// The replies of one round, gathered by `collect_low`, judged by `assemble`.
#[derive(Debug, Default)]
pub struct LowReplies {
    pub build: Reply,
    pub host: Reply,
    pub options: Reply,
    pub warnings: Reply,
    pub fcv: Reply,
    pub users: Reply,
    pub roles: Reply,
}

/// The round's bodies' contents and its problems.
#[derive(Debug, Default)]
pub struct Assembled {
    pub settings: Vec<Setting>,
    pub posture: Vec<PostureFact>,
    pub problems: Vec<String>,
}

pub(super) fn setting_row(name: &str, value: String, unit: &str, source: &str) -> Setting {
    Setting { name: name.to_owned(), value, unit: unit.to_owned(), source: source.to_owned() }
}

/// A refused security inventory in words: the roles are optional.
fn access_refusal(what: &str, refusal: &Refusal) -> String {
    if refusal.code == code::UNAUTHORIZED {
        format!(
            "{what}: not authorized ({}); optional: grant the monitoring user viewUser and viewRole on admin \
             (or userAdminAnyDatabase) for the user and role checks",
            refusal.message
        )
    } else {
        refusal_problem(what, refusal)
    }
}

/// Why a read was not asked on this server.
fn not_asked(facts: &ServerFacts) -> &'static str {
    match facts.topology {
        Topology::Router => "not asked on a mongos router (the shards' members hold it)",
        Topology::ReplicaSet { arbiter: true, .. } => "not asked on an arbiter (it holds no data)",
        _ => "not asked on this server",
    }
}

/// Turns the replies into settings, facts and problems; pure, so every reply shape and
/// refusal is tested without a server.
pub fn assemble(replies: &LowReplies, facts: &ServerFacts, state: &mut LowState) -> Assembled {
    let mut out = Assembled::default();
    out.settings.push(build::topology(facts));
    let reads: [(&'static str, &Reply); 7] = [
        (p::READ_BUILD, &replies.build),
        (p::READ_HOST, &replies.host),
        (p::READ_OPTIONS, &replies.options),
        (p::READ_WARNINGS, &replies.warnings),
        (p::READ_FCV, &replies.fcv),
        (p::READ_USERS, &replies.users),
        (p::READ_ROLES, &replies.roles),
    ];
    for (read, reply) in reads {
        let reply = match reply {
            Some(Ok(reply)) => reply,
            Some(Err(refusal)) => {
                let words = if matches!(read, p::READ_USERS | p::READ_ROLES) {
                    access_refusal(read, refusal)
                } else {
                    refusal_problem(read, refusal)
                };
                if state.reported.insert(read) {
                    out.problems.push(words.clone());
                }
                out.posture.push(PostureFact { name: p::UNAVAILABLE.into(), key: read.into(), value: words });
                continue;
            }
            None => {
                let why = format!("{read}: {}", not_asked(facts));
                out.posture.push(PostureFact { name: p::UNAVAILABLE.into(), key: read.into(), value: why });
                continue;
            }
        };
        match read {
            p::READ_BUILD => out.settings.extend(build::build_info(reply)),
            p::READ_HOST => out.settings.extend(build::host_info(reply)),
            p::READ_OPTIONS => out.settings.extend(options::parse(reply, facts.topology != Topology::Router)),
            p::READ_WARNINGS => out.posture.extend(warnings::parse(reply)),
            p::READ_FCV => out.settings.extend(build::feature_compatibility(reply)),
            p::READ_USERS => out.posture.extend(access::users(reply)),
            _ => out.posture.extend(access::roles(reply)),
        }
    }
    // buildInfo refused: the handshake's version still names the server.
    if !out.settings.iter().any(|x| x.name == s::VERSION) && !facts.version.is_empty() {
        out.settings.push(setting_row(s::VERSION, facts.version.clone(), "", "hello"));
    }
    out
}

/// The round's commands, all on admin, in `LowReplies` order; `None` where the read does
/// not apply: mongos has no feature compatibility version of its own, an arbiter holds no
/// users or roles.
pub fn round_commands(facts: &ServerFacts) -> [Option<Document>; 7] {
    let router = facts.topology == Topology::Router;
    let arbiter = matches!(facts.topology, Topology::ReplicaSet { arbiter: true, .. });
    [
        Some(doc! { "buildInfo": 1 }),
        Some(doc! { "hostInfo": 1 }),
        Some(doc! { "getCmdLineOpts": 1 }),
        Some(doc! { "getLog": "startupWarnings" }),
        (!router).then(|| doc! { "getParameter": 1, "featureCompatibilityVersion": 1 }),
        (!arbiter).then(access::users_command),
        (!arbiter).then(access::roles_command),
    ]
}

impl MongoCollector {
    pub(super) async fn collect_low(&mut self) -> Result<Collected, CollectError> {
        let facts = self.facts();
        let mut replies: Vec<Reply> = Vec::with_capacity(7);
        for command in round_commands(&facts) {
            replies.push(match command {
                Some(command) => Some(self.command_raw("admin", command).await?),
                None => None,
            });
        }
        let mut replies = replies.into_iter();
        let mut next = || replies.next().flatten();
        let replies = LowReplies {
            build: next(),
            host: next(),
            options: next(),
            warnings: next(),
            fcv: next(),
            users: next(),
            roles: next(),
        };
        let out = assemble(&replies, &facts, &mut self.low);
        let mut bodies = Vec::new();
        if !out.settings.is_empty() {
            bodies.push(SampleBody::Settings(out.settings));
        }
        // A Posture body replaces the previous one whole, so it is always sent.
        bodies.push(SampleBody::Posture(out.posture));
        Ok(Collected { bodies, problems: out.problems })
    }
}

#[cfg(test)]
mod tests;
