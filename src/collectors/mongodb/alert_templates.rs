//! The alert templates embedded for MongoDB targets (`alert-templates/mongodb/`);
//! `alerts::tests` checks that the registry's lists and the folders hold the same files.

pub static TEMPLATES: &[(&str, &str)] = &[];
