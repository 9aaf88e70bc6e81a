//! The posture facts folded back into one record per database and per login, so each
//! check reads fields rather than searching facts.

use super::{NO_LOW, fact, fact_gap, holds, is_system_database};
use crate::health::HealthInput;
use std::collections::HashMap;

/// One database as the low tier described it (sys.databases, TDE, backups).
#[derive(Debug, Clone, Default)]
pub struct DbView {
    pub name: String,
    pub state: String,
    pub recovery_model: String,
    pub auto_close: bool,
    pub auto_shrink: bool,
    pub page_verify: String,
    pub compatibility_level: Option<u32>,
    pub query_store_on: Option<bool>,
    pub encrypted: bool,
    pub log_reuse_wait: String,
    pub containment: String,
    pub read_only: bool,
    pub trustworthy: bool,
    pub owner: String,
    pub in_availability_group: bool,
    pub tde_state: Option<String>,
    pub tde_cert_backed_up: Option<bool>,
    pub full_backup_age_min: Option<f64>,
    pub diff_backup_age_min: Option<f64>,
    pub log_backup_age_min: Option<f64>,
}

impl DbView {
    pub fn system(&self) -> bool {
        is_system_database(&self.name)
    }

    pub fn online(&self) -> bool {
        self.state.eq_ignore_ascii_case("ONLINE")
    }

    /// FULL or BULK_LOGGED: the log is kept until a log backup.
    pub fn logged_recovery(&self) -> bool {
        matches!(self.recovery_model.to_ascii_uppercase().as_str(), "FULL" | "BULK_LOGGED")
    }
}

fn yes(v: &str) -> bool {
    v == "true"
}

/// Every database of the posture facts; Err with the reason when there is none.
pub fn databases(i: &HealthInput) -> Result<Vec<DbView>, String> {
    let Some(posture) = &i.posture else { return Err(NO_LOW.to_owned()) };
    let mut list: Vec<DbView> = Vec::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for f in posture.iter().filter(|f| f.name == fact::DB_STATE) {
        by_name.insert(f.key.as_str(), list.len());
        list.push(DbView { name: f.key.clone(), state: f.value.clone(), ..Default::default() });
    }
    if list.is_empty() {
        return Err("the database list could not be read (see the target's problems)".to_owned());
    }
    for f in posture {
        let Some(d) = by_name.get(f.key.as_str()).and_then(|n| list.get_mut(*n)) else { continue };
        let v = f.value.as_str();
        match f.name.as_str() {
            fact::DB_RECOVERY_MODEL => d.recovery_model = v.to_owned(),
            fact::DB_AUTO_CLOSE => d.auto_close = yes(v),
            fact::DB_AUTO_SHRINK => d.auto_shrink = yes(v),
            fact::DB_PAGE_VERIFY => d.page_verify = v.to_owned(),
            fact::DB_COMPATIBILITY_LEVEL => d.compatibility_level = v.parse().ok(),
            fact::DB_QUERY_STORE_ON => d.query_store_on = Some(yes(v)),
            fact::DB_ENCRYPTED => d.encrypted = yes(v),
            fact::DB_LOG_REUSE_WAIT => d.log_reuse_wait = v.to_owned(),
            fact::DB_CONTAINMENT => d.containment = v.to_owned(),
            fact::DB_READ_ONLY => d.read_only = yes(v),
            fact::DB_TRUSTWORTHY => d.trustworthy = yes(v),
            fact::DB_OWNER => d.owner = v.to_owned(),
            fact::DB_IN_AVAILABILITY_GROUP => d.in_availability_group = yes(v),
            fact::DB_TDE_STATE => d.tde_state = Some(v.to_owned()),
            fact::DB_TDE_CERT_BACKED_UP => d.tde_cert_backed_up = Some(yes(v)),
            fact::DB_FULL_BACKUP_AGE_MIN => d.full_backup_age_min = v.parse().ok(),
            fact::DB_DIFF_BACKUP_AGE_MIN => d.diff_backup_age_min = v.parse().ok(),
            fact::DB_LOG_BACKUP_AGE_MIN => d.log_backup_age_min = v.parse().ok(),
            _ => {}
        }
    }
    Ok(list)
}

/// The user databases that are ONLINE (what most configuration checks judge).
pub fn online_user_databases(i: &HealthInput) -> Result<Vec<DbView>, String> {
    databases(i).map(|l| l.into_iter().filter(|d| !d.system() && d.online()).collect())
}

/// " (first N databases only)" when the list was cut.
pub fn db_cut_note(i: &HealthInput) -> String {
    i.fact(fact::DATABASES_TRUNCATED).map_or(String::new(), |n| format!(" (first {n} databases only)"))
}

/// One login as the low tier described it. No password or hash: only the booleans the
/// server computed.
#[derive(Debug, Clone, Default)]
pub struct LoginView {
    pub name: String,
    pub login_type: String,
    pub disabled: bool,
    pub sysadmin: bool,
    pub control_server: bool,
    pub policy_checked: Option<bool>,
    pub expiration_checked: Option<bool>,
    pub empty_password: Option<bool>,
    pub password_is_name: Option<bool>,
}

impl LoginView {
    pub fn sql_login(&self) -> bool {
        self.login_type.eq_ignore_ascii_case("SQL_LOGIN")
    }

    /// sysadmin or CONTROL SERVER: administers the whole instance.
    pub fn admin(&self) -> bool {
        self.sysadmin || self.control_server
    }
}

/// Every login of the posture facts. Err when they were not read, or when the monitoring
/// login cannot see other logins (without VIEW ANY DEFINITION it sees itself and `sa`
/// only, so a short list would read as a clean one).
pub fn logins(i: &HealthInput) -> Result<Vec<LoginView>, String> {
    if holds(i, fact::VIEW_ANY_DEFINITION) == Some(false) {
        return Err(PARTIAL_VIEW.to_owned());
    }
    logins_as_seen(i)
}

/// Without VIEW ANY DEFINITION a login sees itself, `sa` and the fixed roles only.
pub const PARTIAL_VIEW: &str = "the monitoring login sees only its own login and sa: \
     GRANT VIEW ANY DEFINITION TO <monitoring login> to judge every login and user";

/// The logins the monitoring login could see, complete or not (enough to judge `sa`).
pub fn logins_as_seen(i: &HealthInput) -> Result<Vec<LoginView>, String> {
    let Some(posture) = &i.posture else { return Err(NO_LOW.to_owned()) };
    let mut list: Vec<LoginView> = Vec::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for f in posture.iter().filter(|f| f.name == fact::LOGIN_TYPE) {
        by_name.insert(f.key.as_str(), list.len());
        list.push(LoginView { name: f.key.clone(), login_type: f.value.clone(), ..Default::default() });
    }
    if list.is_empty() {
        return Err(fact_gap(i, fact::READ_LOGINS, "its logins"));
    }
    for f in posture {
        let Some(l) = by_name.get(f.key.as_str()).and_then(|n| list.get_mut(*n)) else { continue };
        let v = yes(&f.value);
        match f.name.as_str() {
            fact::LOGIN_DISABLED => l.disabled = v,
            fact::LOGIN_SYSADMIN => l.sysadmin = v,
            fact::LOGIN_CONTROL_SERVER => l.control_server = v,
            fact::LOGIN_POLICY_CHECKED => l.policy_checked = Some(v),
            fact::LOGIN_EXPIRATION_CHECKED => l.expiration_checked = Some(v),
            fact::LOGIN_EMPTY_PASSWORD => l.empty_password = Some(v),
            fact::LOGIN_PASSWORD_IS_NAME => l.password_is_name = Some(v),
            _ => {}
        }
    }
    Ok(list)
}

/// " (first N logins only)" when the list was cut.
pub fn login_cut_note(i: &HealthInput) -> String {
    i.fact(fact::LOGINS_TRUNCATED).map_or(String::new(), |n| format!(" (first {n} logins only)"))
}

/// `[name]` as a DBA writes it in T-SQL (the statements' own quoting).
pub use super::super::low_queries::quote_name as bracketed;
