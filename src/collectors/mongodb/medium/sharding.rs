//! A sharded cluster seen through mongos: the shards (`listShards`) and the balancer
//! (`balancerStatus`). The shards go into the Replication body, one row per shard (name
//! = shard id, client = its replica set and hosts, state active or draining), so the
//! snapshot and health checks find them where a replica set's members are; a Posture
//! body would be replaced whole by the low tier's.

use crate::collectors::mongodb::{doc, metric as mg};
use crate::model::{Metric, Replica, Replication, ServerRole};
use mongodb::bson::{Document, doc};

pub fn shards_command() -> Document {
    doc! { "listShards": 1 }
}

pub fn balancer_command() -> Document {
    doc! { "balancerStatus": 1 }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shard {
    pub id: String,
    /// `rs-a/host1:27018,host2:27018`
    pub host: String,
    pub draining: bool,
}

pub fn parse_shards(reply: &Document) -> Vec<Shard> {
    doc::docs(reply, "shards")
        .into_iter()
        .map(|s| Shard {
            id: doc::text(s, "_id"),
            host: doc::text(s, "host"),
            draining: doc::flag(s, "draining").unwrap_or(false),
        })
        .collect()
}

/// The cluster's shards as the Replication body of the mongos, and `SHARDS`.
pub fn shards(list: &[Shard]) -> (Replication, Metric) {
    let replicas = list
        .iter()
        .map(|s| Replica {
            name: s.id.clone(),
            client: s.host.clone(),
            state: if s.draining { "draining".into() } else { "active".into() },
            sync_state: "shard".into(),
            ..Replica::default()
        })
        .collect();
    let body = Replication { role: ServerRole::Primary, replicas, ..Replication::default() };
    (body, Metric::new(mg::SHARDS, list.len() as f64))
}

/// `BALANCER_RUNNING`: 1 when the balancer is enabled (`mode` full), and with key
/// `in_round` 1 while it is moving chunks right now.
pub fn balancer(reply: &Document) -> Vec<Metric> {
    let mut out = Vec::new();
    let mode = doc::text(reply, "mode");
    if !mode.is_empty() {
        out.push(Metric::new(mg::BALANCER_RUNNING, f64::from(u8::from(mode == "full"))));
    }
    if let Some(in_round) = doc::flag(reply, "inBalancerRound") {
        out.push(Metric::keyed(mg::BALANCER_RUNNING, "in_round", f64::from(u8::from(in_round))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::commands;
    use crate::collectors::mongodb::doc::fixture;

    #[test]
    fn shards_and_balancer_from_mongos() {
        assert!(commands::check(&shards_command()).is_ok() && commands::check(&balancer_command()).is_ok());
        let list = parse_shards(&fixture("medium_mongos_list_shards.json"));
        assert_eq!(list.len(), 3);
        let (body, count) = shards(&list);
        assert_eq!(count.value, 3.0);
        let rows: Vec<(&str, &str, &str)> =
            body.replicas.iter().map(|r| (r.name.as_str(), r.client.as_str(), r.state.as_str())).collect();
        assert_eq!(
            rows,
            [
                ("shard-eu", "rs-eu/eu1.example.net:27018,eu2.example.net:27018", "active"),
                ("shard-us", "rs-us/us1.example.net:27018,us2.example.net:27018", "active"),
                ("shard-old", "rs-old/old1.example.net:27018", "draining"),
            ]
        );
        let metrics = balancer(&fixture("medium_mongos_balancer_status.json"));
        let value = |key: &str| metrics.iter().find(|m| m.key == key).map(|m| m.value);
        assert_eq!((value(""), value("in_round")), (Some(1.0), Some(1.0)));
        let off = balancer(&doc! { "mode": "off", "inBalancerRound": false, "ok": 1 });
        assert!(off.iter().all(|m| m.value == 0.0) && off.len() == 2);
        assert!(balancer(&doc! { "ok": 1 }).is_empty());
    }
}
