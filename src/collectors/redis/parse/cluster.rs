//! `CLUSTER INFO` (`key:value` lines) and `CLUSTER NODES` (one node per line).

use std::collections::BTreeMap;

pub fn cluster_info(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.trim_end_matches('\r').split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// One line of `CLUSTER NODES`:
/// `<id> <ip:port@cport[,hostname]> <flags> <primary|-> <ping> <pong> <epoch> <link> <slots…>`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterNode {
    pub id: String,
    /// `ip:port`, without the cluster bus port and hostname.
    pub addr: String,
    pub flags: Vec<String>,
    /// The node this one replicates, None for primaries.
    pub primary_id: Option<String>,
    pub link_state: String,
    /// Slot ranges as printed, e.g. `0-5460`.
    pub slots: Vec<String>,
}

impl ClusterNode {
    pub fn failing(&self) -> bool {
        self.flags.iter().any(|f| f == "fail" || f == "fail?")
    }

    pub fn is_myself(&self) -> bool {
        self.flags.iter().any(|f| f == "myself")
    }
}

pub fn cluster_nodes(text: &str) -> Vec<ClusterNode> {
    text.lines()
        .filter_map(|line| {
            let parts: Vec<&str> = line.trim_end_matches('\r').split_whitespace().collect();
            if parts.len() < 8 {
                return None;
            }
            let addr = parts[1].split(['@', ',']).next().unwrap_or_default().to_owned();
            Some(ClusterNode {
                id: parts[0].to_owned(),
                addr,
                flags: parts[2].split(',').map(str::to_owned).collect(),
                primary_id: Some(parts[3]).filter(|p| *p != "-").map(str::to_owned),
                link_state: parts[7].to_owned(),
                slots: parts[8..].iter().map(|s| (*s).to_owned()).collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: &str = include_str!("../fixtures/cluster_info.txt");
    const NODES: &str = include_str!("../fixtures/cluster_nodes.txt");

    #[test]
    fn cluster_info_fields() {
        let info = cluster_info(INFO);
        assert_eq!(info.get("cluster_state").map(String::as_str), Some("fail"));
        assert_eq!(info.get("cluster_known_nodes").map(String::as_str), Some("6"));
        assert!(cluster_info("").is_empty());
    }

    #[test]
    fn cluster_nodes_lines() {
        let nodes = cluster_nodes(NODES);
        assert_eq!(nodes.len(), 6, "the short line is skipped");
        let me = nodes.iter().find(|n| n.is_myself()).unwrap();
        assert_eq!((me.addr.as_str(), me.slots.clone()), ("10.0.0.1:30001", vec!["0-5460".to_owned()]));
        assert_eq!(me.primary_id, None);
        let replica = &nodes[1];
        assert_eq!(replica.primary_id.as_deref(), Some("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca"));
        assert_eq!(replica.addr, "10.0.0.5:30005");
        let failing: Vec<&str> = nodes.iter().filter(|n| n.failing()).map(|n| n.addr.as_str()).collect();
        assert_eq!(failing, ["10.0.0.3:30003"]);
        assert_eq!(nodes[2].link_state, "disconnected");
    }
}
