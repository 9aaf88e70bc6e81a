//! `usersInfo` (every database's users, run on admin) and `rolesInfo` (admin's custom
//! roles) → posture facts: each user's roles and SCRAM mechanisms. The commands are sent
//! without `showCredentials` and `showPrivileges`, and only `user`, `db`, `roles` and
//! `mechanisms` are read, so no credential or privilege list ever leaves the server.

use crate::collectors::mongodb::doc;
use crate::collectors::mongodb::health_checks::posture as p;
use crate::model::PostureFact;
use mongodb::bson::{Document, doc};

/// Users described per round; more are counted as truncated.
pub const MAX_USERS: usize = 500;

/// `usersInfo` for every database (needs `viewUser` on all of them, e.g. through
/// `userAdminAnyDatabase`).
pub fn users_command() -> Document {
    doc! { "usersInfo": { "forAllDBs": true } }
}

/// admin's custom roles: only they may inherit roles of other databases (a role in any
/// other database inherits from that database only), so only they can hide a powerful
/// built-in role behind a custom name.
pub fn roles_command() -> Document {
    doc! { "rolesInfo": 1, "showBuiltinRoles": false }
}

fn pf(name: &str, key: &str, value: String) -> PostureFact {
    PostureFact { name: name.to_owned(), key: key.to_owned(), value }
}

/// `role@db` of each `{role, db}` entry.
fn roles_of(entry: &Document, path: &str) -> Vec<String> {
    doc::docs(entry, path)
        .iter()
        .map(|r| format!("{}@{}", doc::text(r, "role"), doc::text(r, "db")))
        .filter(|r| r.len() > 1)
        .collect()
}

pub fn users(reply: &Document) -> Vec<PostureFact> {
    let all = doc::docs(reply, "users");
    let mut out = Vec::new();
    for user in all.iter().take(MAX_USERS) {
        let key = format!("{}@{}", doc::text(user, "user"), doc::text(user, "db"));
        out.push(pf(p::USER_ROLES, &key, roles_of(user, "roles").join(",")));
        let mechanisms = match doc::get(user, "mechanisms") {
            Some(mongodb::bson::Bson::Array(items)) => {
                items.iter().filter_map(|m| m.as_str()).collect::<Vec<_>>().join(",")
            }
            _ => String::new(),
        };
        if !mechanisms.is_empty() {
            out.push(pf(p::USER_MECHANISMS, &key, mechanisms));
        }
    }
    out.push(pf(p::USERS, "", all.len().min(MAX_USERS).to_string()));
    if all.len() > MAX_USERS {
        out.push(pf(p::USERS_TRUNCATED, "", MAX_USERS.to_string()));
    }
    out
}

pub fn roles(reply: &Document) -> Vec<PostureFact> {
    doc::docs(reply, "roles")
        .iter()
        .filter(|r| !doc::flag(r, "isBuiltin").unwrap_or(false))
        .map(|r| {
            let key = format!("{}@{}", doc::text(r, "role"), doc::text(r, "db"));
            let mut inherited = roles_of(r, "inheritedRoles");
            if inherited.is_empty() {
                inherited = roles_of(r, "roles");
            }
            pf(p::ROLE_INHERITS, &key, inherited.join(","))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::{commands, doc::fixture};

    fn find<'a>(facts: &'a [PostureFact], name: &str, key: &str) -> Option<&'a str> {
        facts.iter().find(|f| f.name == name && f.key == key).map(|f| f.value.as_str())
    }

    #[test]
    fn users_keep_roles_and_mechanisms_never_credentials() {
        let got = users(&fixture("low_usersInfo.json"));
        assert_eq!(find(&got, p::USERS, ""), Some("4"));
        assert_eq!(find(&got, p::USER_ROLES, "dba@admin"), Some("root@admin"));
        assert_eq!(find(&got, p::USER_MECHANISMS, "legacy_app@billing"), Some("SCRAM-SHA-1"));
        assert_eq!(find(&got, p::USER_MECHANISMS, "dba@admin"), Some("SCRAM-SHA-1,SCRAM-SHA-256"));
        assert_eq!(find(&got, p::USER_ROLES, "reporting@billing"), Some("read@billing,read@audit"));
        assert_eq!(find(&got, p::USER_MECHANISMS, "CN=etl,OU=apps@$external"), None);
        let all = format!("{got:?}");
        for secret in ["storedKey", "serverKey", "c2FsdA", "iterationCount", "userId"] {
            assert!(!all.contains(secret), "{secret} in {all}");
        }
        assert_eq!(find(&got, p::USERS_TRUNCATED, ""), None);
    }

    #[test]
    fn custom_roles_list_what_they_inherit() {
        let got = roles(&fixture("low_rolesInfo.json"));
        assert_eq!(got.len(), 2);
        assert_eq!(find(&got, p::ROLE_INHERITS, "opsAdmin@admin"), Some("clusterMonitor@admin,root@admin"));
        assert_eq!(find(&got, p::ROLE_INHERITS, "auditReader@admin"), Some("read@audit"));
    }

    #[test]
    fn commands_are_allowed_and_ask_for_no_secrets() {
        for c in [users_command(), roles_command()] {
            assert!(commands::check(&c).is_ok(), "{c}");
            assert!(!c.to_string().contains("showCredentials") && !c.to_string().contains("showPrivileges"));
        }
    }

    #[test]
    fn many_users_are_capped() {
        let many: Vec<Document> =
            (0..MAX_USERS + 3).map(|n| doc! { "user": format!("u{n}"), "db": "app", "roles": [] }).collect();
        let got = users(&doc! { "users": many });
        assert_eq!(find(&got, p::USERS, ""), Some("500"));
        assert_eq!(find(&got, p::USERS_TRUNCATED, ""), Some("500"));
    }
}
