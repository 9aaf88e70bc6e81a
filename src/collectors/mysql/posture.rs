//! The low tier's replies as model values: settings, counters since start, and the
//! posture facts health checks read (names in `health_checks::fact`, docs/mysql.md).

use super::health_checks::fact;
use super::rows::TextRow;
use crate::model::{PostureFact, Setting};
use std::collections::BTreeMap;

/// At most this many accounts are described: a server with thousands of accounts is
/// summarised by its first ones (by name) and says so (`accounts.truncated`).
pub const MAX_ACCOUNTS: usize = 500;

/// Authentication plugins that check a password the account stores: with an empty
/// authentication string they let anyone in with an empty password. Socket, PAM, LDAP,
/// GSSAPI and `mysql_no_login` accounts store no password and are not in this list;
/// nor is `ed25519`, whose empty key we have not verified to accept an empty password.
const PASSWORD_PLUGINS: &[&str] =
    &["", "mysql_native_password", "mysql_old_password", "caching_sha2_password", "sha256_password"];

/// One account: no password hash, only whether the stored one is empty.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Account {
    pub user: String,
    pub host: String,
    /// The main plugin first, then the `OR` alternatives (MariaDB).
    pub plugins: Vec<String>,
    pub empty_auth: bool,
    pub locked: bool,
    /// Global privileges other than USAGE.
    pub privileges: u64,
    /// The administrative ones among them (SUPER, FILE, SHUTDOWN, CREATE USER,
    /// SYSTEM_USER, SYSTEM_VARIABLES_ADMIN, GRANT OPTION).
    pub admin: Vec<String>,
}

impl Account {
    /// Logs in with an empty password: its main plugin checks a password and none is stored.
    pub fn no_password(&self) -> bool {
        self.empty_auth && self.plugins.first().is_some_and(|p| PASSWORD_PLUGINS.contains(&p.as_str()))
    }

    /// `user@host`, the key of its facts (split at the last `@`: host names have none).
    pub fn key(&self) -> String {
        format!("{}@{}", self.user, self.host)
    }
}

/// The account list, or why the server refused it.
pub type AccountsRead = Result<(Vec<Account>, bool), String>;
/// Counters since start by lower-case name, or why the server refused them.
pub type CountersRead = Result<BTreeMap<String, u64>, String>;

/// `SHOW GLOBAL VARIABLES` pairs. A NULL value (`secure_file_priv` when file
/// operations are disabled) is kept as the word `NULL`: it means something else than ''.
pub fn settings(rows: &[TextRow]) -> Vec<Setting> {
    rows.iter()
        .filter_map(|r| {
            let name = r.first()?.to_ascii_lowercase();
            let value = r.second().unwrap_or("NULL").to_owned();
            Some(Setting { name, value, unit: String::new(), source: "global".into() })
        })
        .collect()
}

/// Name/value pairs with a whole-number value, names in lower case.
pub fn counters(rows: &[TextRow]) -> BTreeMap<String, u64> {
    rows.iter()
        .filter_map(|r| Some((r.first()?.to_ascii_lowercase(), r.second()?.trim().parse::<u64>().ok()?)))
        .collect()
}

/// `["unix_socket", "ed25519"]` (MariaDB's `auth_or[*].plugin`) as names.
fn plugin_list(json: &str) -> Vec<String> {
    json.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|p| p.trim().trim_matches('"').to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The account rows; true when the list was cut at `MAX_ACCOUNTS`.
pub fn accounts(rows: &[TextRow]) -> (Vec<Account>, bool) {
    let list: Vec<Account> = rows
        .iter()
        .take(MAX_ACCOUNTS)
        .map(|r| {
            let mut plugins = vec![r.text("plugin")];
            for p in plugin_list(&r.text("alternatives")) {
                if !plugins.contains(&p) {
                    plugins.push(p);
                }
            }
            Account {
                user: r.text("user"),
                host: r.text("host"),
                plugins,
                empty_auth: r.flag("empty_auth").unwrap_or(false),
                locked: r.flag("locked").unwrap_or(false),
                privileges: r.uint("privileges").unwrap_or(0),
                admin: r
                    .text("admin")
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect(),
            }
        })
        .collect();
    (list, rows.len() > MAX_ACCOUNTS)
}

fn f(name: &str, key: &str, value: impl ToString) -> PostureFact {
    PostureFact { name: name.to_owned(), key: key.to_owned(), value: value.to_string() }
}

/// The posture facts: per account, counters since start, and `unavailable` for refusals.
pub fn facts(accounts: &AccountsRead, counters: &CountersRead) -> Vec<PostureFact> {
    let mut out = Vec::new();
    match accounts {
        Ok((list, truncated)) => {
            for a in list {
                let key = a.key();
                out.push(f(fact::ACCOUNT_PLUGIN, &key, a.plugins.join(" or ")));
                out.push(f(fact::ACCOUNT_NO_PASSWORD, &key, a.no_password()));
                out.push(f(fact::ACCOUNT_LOCKED, &key, a.locked));
                out.push(f(fact::ACCOUNT_PRIVILEGES, &key, a.privileges));
                out.push(f(fact::ACCOUNT_ADMIN, &key, a.admin.join(",")));
            }
            if *truncated {
                out.push(f(fact::ACCOUNTS_TRUNCATED, "", list.len()));
            }
        }
        Err(reason) => out.push(f(fact::UNAVAILABLE, fact::READ_ACCOUNTS, reason)),
    }
    match counters {
        Ok(map) => out.extend(map.iter().map(|(name, value)| f(fact::STATUS, name, value))),
        Err(reason) => out.push(f(fact::UNAVAILABLE, fact::READ_STATUS, reason)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mysql::rows::from_batch;

    /// Shaped like MariaDB 10.11's reply to ACCOUNTS_MARIADB on a fresh Debian install
    /// with the anonymous accounts left in place.
    const MARIADB_ACCOUNTS: &str = "\
user\thost\tplugin\talternatives\tempty_auth\tlocked\tprivileges\tadmin
\tlocalhost\tmysql_native_password\tNULL\t1\t0\t0\t
app\t%\tmysql_native_password\tNULL\t0\t0\t2\tFILE
mariadb.sys\tlocalhost\tmysql_native_password\tNULL\t1\t1\t0\t
root\tlocalhost\tmysql_native_password\t[\"unix_socket\"]\t0\t0\t38\tCREATE USER,FILE,SHUTDOWN,SUPER,GRANT OPTION
sock\tlocalhost\tunix_socket\tNULL\t1\t0\t0\t
";

    /// Shaped like MySQL 8.0's reply to ACCOUNTS_MYSQL: system accounts are locked.
    const MYSQL_ACCOUNTS: &str = "\
user\thost\tplugin\talternatives\tempty_auth\tlocked\tprivileges\tadmin
mysql.session\tlocalhost\tcaching_sha2_password\tNULL\t0\t1\t2\tSUPER,SYSTEM_USER
legacy\t10.0.%\tmysql_native_password\tNULL\t1\t0\t1\t
root\t%\tcaching_sha2_password\tNULL\t0\t0\t62\tCREATE USER,FILE,SHUTDOWN,SUPER,SYSTEM_USER,SYSTEM_VARIABLES_ADMIN,GRANT OPTION
";

    fn value<'a>(facts: &'a [PostureFact], name: &str, key: &str) -> Option<&'a str> {
        facts.iter().find(|f| f.name == name && f.key == key).map(|f| f.value.as_str())
    }

    #[test]
    fn mariadb_accounts_become_facts_without_any_hash() {
        let read = accounts(&from_batch(MARIADB_ACCOUNTS));
        assert!(!read.1);
        let facts = facts(&Ok(read), &Ok(BTreeMap::new()));
        assert_eq!(value(&facts, fact::ACCOUNT_NO_PASSWORD, "@localhost"), Some("true"), "anonymous");
        assert_eq!(value(&facts, fact::ACCOUNT_NO_PASSWORD, "app@%"), Some("false"));
        assert_eq!(value(&facts, fact::ACCOUNT_NO_PASSWORD, "sock@localhost"), Some("false"), "socket auth");
        assert_eq!(value(&facts, fact::ACCOUNT_LOCKED, "mariadb.sys@localhost"), Some("true"));
        assert_eq!(
            value(&facts, fact::ACCOUNT_PLUGIN, "root@localhost"),
            Some("mysql_native_password or unix_socket")
        );
        assert_eq!(
            value(&facts, fact::ACCOUNT_ADMIN, "root@localhost"),
            Some("CREATE USER,FILE,SHUTDOWN,SUPER,GRANT OPTION")
        );
        assert_eq!(value(&facts, fact::ACCOUNT_PRIVILEGES, "app@%"), Some("2"));
        assert_eq!(value(&facts, fact::ACCOUNT_ADMIN, "app@%"), Some("FILE"));
    }

    #[test]
    fn mysql_accounts_and_the_cut() {
        let rows = from_batch(MYSQL_ACCOUNTS);
        let (list, cut) = accounts(&rows);
        assert!(!cut);
        assert!(list[1].no_password(), "native password, empty string");
        assert!(!list[0].no_password());
        assert_eq!(list[2].admin.len(), 7);
        let many: Vec<TextRow> = (0..=MAX_ACCOUNTS).map(|_| rows[1].clone()).collect();
        let (list, cut) = accounts(&many);
        assert!(cut && list.len() == MAX_ACCOUNTS);
        let facts = facts(&Ok((list, cut)), &Ok(BTreeMap::new()));
        assert_eq!(value(&facts, fact::ACCOUNTS_TRUNCATED, ""), Some("500"));
    }

    #[test]
    fn refusals_become_unavailable_facts() {
        let facts = facts(&Err("accounts: permission denied".into()), &Err("global status: denied".into()));
        assert_eq!(
            value(&facts, fact::UNAVAILABLE, fact::READ_ACCOUNTS),
            Some("accounts: permission denied")
        );
        assert_eq!(value(&facts, fact::UNAVAILABLE, fact::READ_STATUS), Some("global status: denied"));
        assert!(facts.iter().all(|f| f.name == fact::UNAVAILABLE));
    }

    #[test]
    fn settings_keep_null_apart_from_empty_and_counters_skip_junk() {
        let rows = from_batch(
            "Variable_name\tValue\nsecure_file_priv\tNULL\nbind_address\t\nLOCAL_INFILE\tON\nversion\t10.11.19-MariaDB-0+deb12u1\n",
        );
        let s = settings(&rows);
        let get = |n: &str| s.iter().find(|x| x.name == n).map(|x| x.value.as_str());
        assert_eq!(get("secure_file_priv"), Some("NULL"));
        assert_eq!(get("bind_address"), Some(""));
        assert_eq!(get("local_infile"), Some("ON"), "names in lower case");
        assert!(s.iter().all(|x| x.source == "global" && x.unit.is_empty()));
        let c = counters(&from_batch(
            "Variable_name\tValue\nUptime\t86400\nInnodb_deadlocks\t3\nSlow_queries\tn/a\n",
        ));
        assert_eq!(c.get("uptime"), Some(&86400));
        assert_eq!(c.get("innodb_deadlocks"), Some(&3));
        assert!(!c.contains_key("slow_queries"));
        let facts = facts(&Ok((Vec::new(), false)), &Ok(c));
        assert_eq!(value(&facts, fact::STATUS, "uptime"), Some("86400"));
    }
}
