//! The engine-neutral alert templates (`alert-templates/any/`); each engine embeds its
//! own (`EngineSpec::alert_templates`). A test checks that together they hold the files
//! of `alert-templates/`.

/// (path under `alert-templates/`, YAML text).
pub const ANY: &[(&str, &str)] =
    &[("any/target_down.yaml", include_str!("../../alert-templates/any/target_down.yaml"))];
