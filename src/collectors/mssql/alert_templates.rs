//! The alert templates SQL Server targets get, embedded (alert-templates/mssql/).

pub static TEMPLATES: &[(&str, &str)] = &[];
