//! The alert templates MySQL/MariaDB targets get, embedded (alert-templates/mysql/).

pub static TEMPLATES: &[(&str, &str)] = &[];
