//! The alert templates embedded for Oracle targets (`alert-templates/oracle/`);
//! `alerts::tests` checks that the registry's lists and the folders hold the same files.

pub static TEMPLATES: &[(&str, &str)] = &[];
