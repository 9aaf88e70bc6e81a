//! Low tier: the settings that matter (CONFIG GET, secrets as presence only), ACL users,
//! cluster state, and the posture facts health checks read.

use super::parse::replies::{self, AclUser};
use super::parse::{cluster, value};
use super::{RedisCollector, commands};
use crate::collectors::{CollectError, Collected};
use crate::model::{PostureFact, SampleBody, Setting};

/// ACL GETUSER is one call per user: a server with thousands of users is summarised
/// by its first ones rather than read in full every ten minutes.
const MAX_ACL_USERS: usize = 50;

impl RedisCollector {
    pub(super) async fn collect_low(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let settings = self
            .call(&commands::CONFIG_GET, &[], &mut problems)
            .await?
            .map(|reply| replies::config_settings(&reply));
        let users = self.read_acl_users(&mut problems).await?;
        let mut facts = Vec::new();
        if self.mode == "cluster" {
            facts.extend(self.read_cluster(&mut problems).await?);
        }
        let facts = posture(PostureInput {
            settings: settings.as_deref(),
            users: users.as_deref(),
            role: self.high.role(),
            mode: &self.mode,
            authenticated_as_default: self.target.username.is_empty() || self.target.username == "default",
            configured_password: !self.target.password.is_empty(),
            persistence: &self.persistence,
            unavailable: self
                .conn
                .as_ref()
                .map(|c| c.unavailable.clone())
                .unwrap_or_default()
                .into_iter()
                .collect(),
            extra: facts,
        });
        let mut bodies = Vec::new();
        if let Some(settings) = settings {
            bodies.push(SampleBody::Settings(settings));
        }
        bodies.push(SampleBody::Posture(facts));
        Ok(Collected { bodies, problems })
    }

    async fn read_acl_users(
        &mut self,
        problems: &mut Vec<String>,
    ) -> Result<Option<Vec<(String, AclUser)>>, CollectError> {
        let Some(reply) = self.call(&commands::ACL_USERS, &[], problems).await? else {
            return Ok(None);
        };
        let mut users = Vec::new();
        for name in value::texts(&reply).into_iter().take(MAX_ACL_USERS) {
            let Some(reply) = self.call(&commands::ACL_GETUSER, &[&name], problems).await? else {
                break;
            };
            // A user deleted between the two calls answers nil: skip it.
            if let Some(user) = replies::acl_user(&reply) {
                users.push((name, user));
            }
        }
        Ok(Some(users))
    }

    async fn read_cluster(&mut self, problems: &mut Vec<String>) -> Result<Vec<PostureFact>, CollectError> {
        let mut facts = Vec::new();
        if let Some(text) = self.call_text(&commands::CLUSTER_INFO, problems).await? {
            let info = cluster::cluster_info(&text);
            for (name, key) in
                [("cluster.state", "cluster_state"), ("cluster.known_nodes", "cluster_known_nodes")]
            {
                if let Some(v) = info.get(key) {
                    facts.push(fact(name, "", v));
                }
            }
        }
        if let Some(text) = self.call_text(&commands::CLUSTER_NODES, problems).await? {
            for node in cluster::cluster_nodes(&text) {
                let value = format!("{} {} {}", node.addr, node.flags.join(","), node.link_state);
                facts.push(fact("cluster.node", &node.id, &value));
            }
        }
        Ok(facts)
    }
}

fn fact(name: &str, key: &str, value: &str) -> PostureFact {
    PostureFact { name: name.to_owned(), key: key.to_owned(), value: value.to_owned() }
}

/// Everything the posture facts are made of; `None` = that read was not permitted.
pub struct PostureInput<'a> {
    pub settings: Option<&'a [Setting]>,
    pub users: Option<&'a [(String, AclUser)]>,
    pub role: Option<String>,
    pub mode: &'a str,
    pub authenticated_as_default: bool,
    pub configured_password: bool,
    pub persistence: &'a [(String, String)],
    /// Refused commands: name → the server's reason.
    pub unavailable: Vec<(&'static str, String)>,
    pub extra: Vec<PostureFact>,
}

pub fn posture(input: PostureInput<'_>) -> Vec<PostureFact> {
    let setting =
        |name: &str| input.settings.and_then(|s| s.iter().find(|x| x.name == name)).map(|s| s.value.as_str());
    let default_user = input.users.and_then(|u| u.iter().find(|(n, _)| n == "default")).map(|(_, u)| u);
    // Without a password, can anyone run commands? The default user decides (ACL); before
    // that, requirepass; failing both, how we got in ourselves.
    let auth_required = match (default_user, setting("requirepass")) {
        (Some(user), _) => Some(!user.passwordless()),
        (None, Some(pass)) => Some(!pass.is_empty()),
        (None, None) if input.authenticated_as_default && !input.configured_password => Some(false),
        _ => None,
    };
    let mut facts = Vec::new();
    if let Some(required) = auth_required {
        facts.push(fact("auth.required", "", if required { "true" } else { "false" }));
    }
    for (name, user) in input.users.unwrap_or_default() {
        facts.push(fact("acl.user", name, &user.rules));
    }
    if let Some(role) = &input.role {
        facts.push(fact("role", "", role));
    }
    if !input.mode.is_empty() {
        facts.push(fact("cluster.enabled", "", if input.mode == "cluster" { "1" } else { "0" }));
    }
    facts.extend(input.extra);
    for (name, value) in input.persistence {
        facts.push(fact(name, "", value));
    }
    if let Some(policy) = setting("maxmemory-policy") {
        facts.push(fact("maxmemory.policy", "", policy));
    }
    for (command, reason) in &input.unavailable {
        facts.push(fact("unavailable", command, reason));
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(name: &str, value: &str) -> Setting {
        Setting { name: name.into(), value: value.into(), unit: String::new(), source: "config".into() }
    }

    fn input<'a>(
        settings: Option<&'a [Setting]>,
        users: Option<&'a [(String, AclUser)]>,
    ) -> PostureInput<'a> {
        PostureInput {
            settings,
            users,
            role: Some("master".into()),
            mode: "standalone",
            authenticated_as_default: false,
            configured_password: true,
            persistence: &[],
            unavailable: Vec::new(),
            extra: Vec::new(),
        }
    }

    fn get<'a>(facts: &'a [PostureFact], name: &str) -> Option<&'a str> {
        facts.iter().find(|f| f.name == name).map(|f| f.value.as_str())
    }

    #[test]
    fn auth_comes_from_the_default_user_then_requirepass() {
        let open =
            AclUser { flags: vec!["on".into(), "nopass".into()], rules: "on nopass ~* &* +@all".into() };
        let users = [("default".to_owned(), open)];
        let settings = [setting("requirepass", "(set)"), setting("maxmemory-policy", "noeviction")];
        let facts = posture(input(Some(&settings), Some(&users)));
        assert_eq!(get(&facts, "auth.required"), Some("false"), "ACL wins over requirepass");
        assert_eq!(get(&facts, "acl.user"), Some("on nopass ~* &* +@all"));
        assert_eq!(get(&facts, "maxmemory.policy"), Some("noeviction"));
        assert_eq!((get(&facts, "role"), get(&facts, "cluster.enabled")), (Some("master"), Some("0")));
        let facts = posture(input(Some(&settings), None));
        assert_eq!(get(&facts, "auth.required"), Some("true"));
        let facts = posture(input(None, None));
        assert_eq!(get(&facts, "auth.required"), None, "unknown: nothing claimed");
        let mut anonymous = input(None, None);
        anonymous.authenticated_as_default = true;
        anonymous.configured_password = false;
        assert_eq!(get(&posture(anonymous), "auth.required"), Some("false"), "we got in without one");
    }

    #[test]
    fn refused_commands_and_persistence_become_facts() {
        let mut i = input(None, None);
        i.unavailable = vec![("CONFIG GET", "NOPERM no permissions".into())];
        let persistence = [("persistence.rdb_last_bgsave_status".to_owned(), "err".to_owned())];
        i.persistence = &persistence;
        let facts = posture(i);
        let refused = facts.iter().find(|f| f.name == "unavailable").unwrap();
        assert_eq!((refused.key.as_str(), refused.value.as_str()), ("CONFIG GET", "NOPERM no permissions"));
        assert_eq!(get(&facts, "persistence.rdb_last_bgsave_status"), Some("err"));
    }
}
