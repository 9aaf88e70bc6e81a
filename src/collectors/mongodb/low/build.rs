//! `buildInfo`, `hostInfo` and `getParameter: {featureCompatibilityVersion: 1}` →
//! server facts as settings: what runs, on what, and which feature set it has enabled.

use super::setting_row;
use crate::collectors::mongodb::doc;
use crate::collectors::mongodb::health_checks::{setting as s, topology};
use crate::collectors::mongodb::{ServerFacts, Topology};
use crate::model::Setting;
use mongodb::bson::Document;

/// Strings of an array field, comma-separated.
fn list(reply: &Document, path: &str) -> String {
    match doc::get(reply, path) {
        Some(mongodb::bson::Bson::Array(items)) => {
            items.iter().filter_map(|b| b.as_str()).collect::<Vec<_>>().join(",")
        }
        _ => String::new(),
    }
}

pub fn build_info(reply: &Document) -> Vec<Setting> {
    let mut out = Vec::new();
    for (name, path) in [(s::VERSION, "version"), (s::GIT_VERSION, "gitVersion"), (s::ALLOCATOR, "allocator")]
    {
        let value = doc::text(reply, path);
        if !value.is_empty() {
            out.push(setting_row(name, value, "", "buildInfo"));
        }
    }
    if !out.is_empty() {
        // An empty module list is a fact too: the community build.
        out.push(setting_row(s::MODULES, list(reply, "modules"), "", "buildInfo"));
        out.push(setting_row(s::STORAGE_ENGINES, list(reply, "storageEngines"), "", "buildInfo"));
    }
    out
}

pub fn host_info(reply: &Document) -> Vec<Setting> {
    let mut out = Vec::new();
    for (name, path, unit) in [
        (s::HOSTNAME, "system.hostname", ""),
        (s::OS_TYPE, "os.type", ""),
        (s::OS_NAME, "os.name", ""),
        (s::OS_VERSION, "os.version", ""),
        (s::CPU_ARCH, "system.cpuArch", ""),
        (s::NUM_CORES, "system.numCores", ""),
        (s::MEM_SIZE_MB, "system.memSizeMB", "MB"),
        (s::MEM_LIMIT_MB, "system.memLimitMB", "MB"),
        (s::NUMA_ENABLED, "system.numaEnabled", ""),
        (s::MAX_OPEN_FILES, "extra.maxOpenFiles", ""),
    ] {
        let value = doc::text(reply, path);
        if !value.is_empty() {
            out.push(setting_row(name, value, unit, "hostInfo"));
        }
    }
    out
}

/// `7.0`, or `6.0 → 7.0` while an upgrade (or downgrade) is unfinished.
pub fn feature_compatibility(reply: &Document) -> Option<Setting> {
    let version = doc::text(reply, "featureCompatibilityVersion.version");
    if version.is_empty() {
        return None;
    }
    let target = doc::text(reply, "featureCompatibilityVersion.targetVersion");
    let value = if target.is_empty() { version } else { format!("{version} → {target}") };
    Some(setting_row(s::FCV, value, "", "getParameter"))
}

/// Where the server stands, from the connection's handshake.
pub fn topology(facts: &ServerFacts) -> Setting {
    let value = match facts.topology {
        Topology::Standalone => topology::STANDALONE,
        Topology::ReplicaSet { arbiter: true, .. } => topology::ARBITER,
        Topology::ReplicaSet { primary: true, .. } => topology::PRIMARY,
        Topology::ReplicaSet { .. } => topology::SECONDARY,
        Topology::Router => topology::ROUTER,
    };
    setting_row(s::TOPOLOGY, value.to_owned(), "", "hello")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::doc::fixture;

    fn value(settings: &[Setting], name: &str) -> Option<String> {
        settings.iter().find(|s| s.name == name).map(|s| s.value.clone())
    }

    #[test]
    fn build_info_by_version() {
        let v5 = build_info(&fixture("low_buildInfo_5.0.json"));
        assert_eq!(value(&v5, s::VERSION).as_deref(), Some("5.0.26"));
        assert_eq!(value(&v5, s::MODULES).as_deref(), Some(""));
        assert_eq!(value(&v5, s::ALLOCATOR).as_deref(), Some("tcmalloc"));
        let v7 = build_info(&fixture("low_buildInfo_7.0_enterprise.json"));
        assert_eq!(value(&v7, s::VERSION).as_deref(), Some("7.0.12"));
        assert_eq!(value(&v7, s::MODULES).as_deref(), Some("enterprise"));
        assert_eq!(
            value(&v7, s::STORAGE_ENGINES).as_deref(),
            Some("devnull,inMemory,queryable_wt,wiredTiger")
        );
        let v8 = build_info(&fixture("low_buildInfo_8.0.json"));
        assert_eq!(value(&v8, s::VERSION).as_deref(), Some("8.0.4"));
        assert_eq!(value(&v8, s::GIT_VERSION).as_deref(), Some("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"));
        assert!(build_info(&mongodb::bson::doc! { "ok": 1 }).is_empty());
    }

    #[test]
    fn host_info_reads_capacity_and_container_limit() {
        let got = host_info(&fixture("low_hostInfo.json"));
        assert_eq!(value(&got, s::MEM_SIZE_MB).as_deref(), Some("15872"));
        assert_eq!(value(&got, s::MEM_LIMIT_MB).as_deref(), Some("8192"));
        assert_eq!(value(&got, s::NUM_CORES).as_deref(), Some("4"));
        assert_eq!(value(&got, s::CPU_ARCH).as_deref(), Some("x86_64"));
        assert_eq!(value(&got, s::NUMA_ENABLED).as_deref(), Some("false"));
        assert_eq!(value(&got, s::OS_NAME).as_deref(), Some("Debian GNU/Linux"));
        assert_eq!(value(&got, s::HOSTNAME).as_deref(), Some("ledger-node1"));
    }

    #[test]
    fn fcv_with_and_without_an_unfinished_upgrade() {
        let steady = feature_compatibility(&fixture("low_getParameter_fcv.json"));
        assert_eq!(steady.map(|s| s.value).as_deref(), Some("6.0"));
        let moving = mongodb::bson::doc! { "featureCompatibilityVersion": { "version": "7.0", "targetVersion": "8.0" }, "ok": 1 };
        assert_eq!(feature_compatibility(&moving).map(|s| s.value).as_deref(), Some("7.0 → 8.0"));
        assert!(feature_compatibility(&mongodb::bson::doc! { "ok": 1 }).is_none());
    }

    #[test]
    fn topology_names() {
        let facts = |topology| ServerFacts { topology, ..ServerFacts::default() };
        assert_eq!(topology(&facts(Topology::Standalone)).value, topology::STANDALONE);
        assert_eq!(topology(&facts(Topology::Router)).value, topology::ROUTER);
        let secondary = Topology::ReplicaSet { primary: false, arbiter: false };
        assert_eq!(topology(&facts(secondary)).value, topology::SECONDARY);
    }
}
