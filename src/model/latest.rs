//! The newest sample of each kind for one target: the one fold of a target's rounds.
//! The UI's read model keeps one per target and draws from it, the health checks read it
//! (`health::HealthInput` is this type), `logstag health` builds it from one collection.
//! Large bodies are shared (`Arc`) so the UI and the checks read the same copy.

use super::{
    ActivitySnapshot, DatabaseStat, InstanceInfo, KeyspaceSnapshot, PostureFact, QueryStatsSnapshot,
    Replication, Sample, SampleBody, SchemaSnapshot, Setting, SlowLogSnapshot, TargetId, Timestamp,
};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    pub target: TargetId,
    /// Newest sample time seen; the report is stamped with it.
    pub at: Timestamp,
    /// When each kind of body last arrived (`SampleBody::kind()` → time).
    pub taken: BTreeMap<&'static str, Timestamp>,
    pub instance: Option<InstanceInfo>,
    pub activity: Option<Arc<ActivitySnapshot>>,
    pub databases: Option<Vec<DatabaseStat>>,
    pub settings: Option<Vec<Setting>>,
    pub replication: Option<Replication>,
    pub queries: Option<QueryStatsSnapshot>,
    pub schema: Option<Arc<SchemaSnapshot>>,
    pub posture: Option<Vec<PostureFact>>,
    pub keyspace: Option<Arc<KeyspaceSnapshot>>,
    /// The newest slow-log read (its new entries only).
    pub slowlog: Option<SlowLogSnapshot>,
    /// Latest value of every (metric, key): each tier emits its own metrics body, so
    /// they are merged point by point rather than replaced body by body.
    pub metrics: BTreeMap<(String, String), f64>,
}

impl Default for Latest {
    fn default() -> Self {
        Self {
            target: TargetId(String::new()),
            at: Timestamp::default(),
            taken: BTreeMap::new(),
            instance: None,
            activity: None,
            databases: None,
            settings: None,
            replication: None,
            queries: None,
            schema: None,
            posture: None,
            keyspace: None,
            slowlog: None,
            metrics: BTreeMap::new(),
        }
    }
}

impl Latest {
    /// Builds the input of `target` from samples in any order: the newest of each kind wins.
    pub fn from_samples(target: &TargetId, samples: &[Sample]) -> Self {
        let mut mine: Vec<&Sample> = samples.iter().filter(|s| &s.target == target).collect();
        mine.sort_by_key(|s| s.taken_at);
        let mut input = Latest { target: target.clone(), ..Self::default() };
        for s in mine {
            input.apply(s.taken_at, &s.body);
        }
        input
    }

    /// Folds one body in (the caller feeds them oldest first).
    pub fn apply(&mut self, at: Timestamp, body: &SampleBody) {
        self.at = self.at.max(at);
        if !matches!(
            body,
            SampleBody::SchemaChanges(_)
                | SampleBody::Health(_)
                | SampleBody::Status(_)
                | SampleBody::Counters(_)
        ) {
            self.taken.insert(body.kind(), at);
        }
        match body {
            SampleBody::Instance(i) => self.instance = Some(i.clone()),
            SampleBody::Activity(a) => self.activity = Some(Arc::new(a.clone())),
            SampleBody::Databases(d) => self.databases = Some(d.clone()),
            SampleBody::Settings(s) => self.settings = Some(s.clone()),
            SampleBody::Replication(r) => self.replication = Some(r.clone()),
            SampleBody::Queries(q) => self.queries = Some(q.clone()),
            SampleBody::Schema(s) => self.schema = Some(Arc::new(s.clone())),
            SampleBody::Posture(p) => self.posture = Some(p.clone()),
            SampleBody::Keyspace(k) => self.keyspace = Some(Arc::new(k.clone())),
            SampleBody::SlowLog(l) => self.slowlog = Some(l.clone()),
            SampleBody::Metrics(points) => {
                for p in points {
                    self.metrics.insert((p.name.clone(), p.key.clone()), p.value);
                }
            }
            SampleBody::SchemaChanges(_)
            | SampleBody::Health(_)
            | SampleBody::Status(_)
            | SampleBody::Counters(_) => {}
        }
    }

    /// When a body of `kind` last arrived.
    pub fn taken_at(&self, kind: &str) -> Option<Timestamp> {
        self.taken.get(kind).copied()
    }

    pub fn setting(&self, name: &str) -> Option<&Setting> {
        self.settings.as_ref()?.iter().find(|s| s.name == name)
    }

    pub fn metric(&self, name: &str, key: &str) -> Option<f64> {
        self.metrics.get(&(name.to_owned(), key.to_owned())).copied()
    }

    /// Every posture fact of one name; None when the posture read has not run.
    pub fn facts<'a>(&'a self, name: &'a str) -> Option<impl Iterator<Item = &'a PostureFact> + 'a> {
        Some(self.posture.as_ref()?.iter().filter(move |f| f.name == name))
    }

    pub fn fact(&self, name: &str) -> Option<&str> {
        self.posture.as_ref()?.iter().find(|f| f.name == name).map(|f| f.value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Metric, Tier};

    fn sample(at: i64, body: SampleBody) -> Sample {
        Sample { target: TargetId("t".into()), tier: Tier::High, taken_at: Timestamp(at), body }
    }

    #[test]
    fn newest_wins_and_metrics_merge() {
        let samples = vec![
            sample(20, SampleBody::Metrics(vec![Metric::new("a", 2.0)])),
            sample(10, SampleBody::Metrics(vec![Metric::new("a", 1.0), Metric::new("b", 5.0)])),
            sample(5, SampleBody::Settings(vec![])),
            Sample { target: TargetId("other".into()), ..sample(30, SampleBody::Posture(vec![])) },
        ];
        let input = Latest::from_samples(&TargetId("t".into()), &samples);
        assert_eq!(input.metric("a", ""), Some(2.0));
        assert_eq!(input.metric("b", ""), Some(5.0));
        assert!(input.settings.is_some());
        assert!(input.posture.is_none(), "another target's sample");
        assert_eq!(input.at, Timestamp(20));
    }
}
