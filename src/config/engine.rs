//! What the configuration needs to know about an engine, declared by the engine itself
//! (`collectors/<engine>/spec.rs`) and read here without naming any engine: how its
//! URLs read, what its `db_name` means, and its own option tables
//! (`[targets.<name>.<table>]`), validated generically and reported like every other key.

use super::TlsMode;
use std::collections::BTreeMap;

/// How a connection URL of this engine becomes a target.
pub struct UrlRules {
    /// Query parameters and environment variables read the way the engine's own client
    /// library reads them; `None`: only `tls`/`ssl` = true|false, other parameters are
    /// driver options and ignored.
    pub dialect: Option<&'static UrlDialect>,
    pub database: DatabaseRule,
    /// Schemes that mean "TLS, verified" (`rediss://`).
    pub tls_schemes: &'static [&'static str],
    /// TLS mode when neither the scheme nor a parameter says.
    pub default_tls: TlsMode,
}

/// An engine's own URL parameters and environment variables.
pub struct UrlDialect {
    /// Every parameter it accepts, for the error on an unknown one.
    pub params: &'static [&'static str],
    /// Reads one parameter into `url`; `Err` is the message. Unknown names are an error.
    pub param: fn(url: &mut UrlParts, name: &str, value: String) -> Result<(), String>,
    /// Fills what the URL left out from the environment (called once, after the parameters).
    pub env: fn(url: &mut UrlParts, env: &Env<'_>) -> Result<(), String>,
    /// The engine's own connection-string syntax, given instead of a URL (`None` when the
    /// text is not one); `Err` is the message, which must not quote the password.
    pub connection_string: Option<ConnectionStringFn>,
}

/// Reads an engine's connection string into URL parts; `None` when the text is not one.
pub type ConnectionStringFn = fn(text: &str) -> Option<Result<UrlParts, String>>;

/// Reads an environment variable (tests hand in their own).
pub type Env<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// A URL taken apart; dialects fill and override these.
#[derive(Debug, Default, Clone)]
pub struct UrlParts {
    /// The URL's scheme as written (empty for a connection string).
    pub scheme: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub database: Option<String>,
    /// libpq-style TLS mode words: disable, allow, prefer, require, verify-ca, verify-full.
    pub sslmode: Option<String>,
    pub ca_file: Option<String>,
    pub connect_timeout: Option<std::time::Duration>,
    /// Engine options the URL set, as `(table, key, text)` for keys the engine declares in
    /// its option tables (`authSource=admin` → `("mongodb", "auth_source", "admin")`).
    pub options: Vec<(&'static str, &'static str, String)>,
}

/// What `db_name` (or a URL's path) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseRule {
    /// A database name, free text.
    Name,
    /// A logical database number from 0 to `max`; `engines` names them in messages.
    Number { max: u8, engines: &'static str },
}

impl DatabaseRule {
    /// `None` when `value` fits; else what is wrong, for the URL's error message.
    pub fn check(self, value: &str) -> Result<(), String> {
        match self {
            DatabaseRule::Name => Ok(()),
            DatabaseRule::Number { max, engines } => {
                if value.is_empty() || value.parse::<u8>().is_ok_and(|n| n <= max) {
                    Ok(())
                } else {
                    Err(format!("a {engines} database is a number from 0 to {max}, found `{value}`"))
                }
            }
        }
    }
}

/// `[targets.<name>.<table>]`: one table of engine-specific options.
pub struct OptionTable {
    pub table: &'static str,
    /// What the table configures, in words ("the big-key sampler"), for the error when
    /// it is given to a target of another engine.
    pub purpose: &'static str,
    pub keys: &'static [OptionKey],
}

pub struct OptionKey {
    pub name: &'static str,
    pub kind: OptionKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Flag {
        default: bool,
    },
    Whole {
        min: i64,
        max: i64,
        default: i64,
    },
    /// Free text (a name or a path); `allowed` non-empty limits it to those words (and
    /// the default), matched case-insensitively and stored as written in `allowed`.
    Text {
        default: &'static str,
        allowed: &'static [&'static str],
    },
}

impl OptionKind {
    /// The declared words of a `Text` key that `value` names, or `value` itself for free
    /// text; `Err` lists the accepted words.
    pub fn text_value(self, value: &str) -> Result<String, String> {
        match self {
            OptionKind::Text { allowed, default } if !allowed.is_empty() && value != default => allowed
                .iter()
                .find(|w| w.eq_ignore_ascii_case(value))
                .map(|w| (*w).to_owned())
                .ok_or_else(|| format!("expected one of {}, found `{value}`", allowed.join(", "))),
            _ => Ok(value.to_owned()),
        }
    }
}

/// The resolved values of a target's option tables, by `table.key`. Keys the file did
/// not set hold their declared default, so engines read every key they declared.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EngineOptions(BTreeMap<String, OptionValue>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Flag(bool),
    Whole(i64),
    Text(String),
}

impl EngineOptions {
    /// Every declared key at its default.
    pub fn defaults(tables: &[OptionTable]) -> Self {
        let mut options = EngineOptions::default();
        for table in tables {
            for key in table.keys {
                let value = match key.kind {
                    OptionKind::Flag { default } => OptionValue::Flag(default),
                    OptionKind::Whole { default, .. } => OptionValue::Whole(default),
                    OptionKind::Text { default, .. } => OptionValue::Text(default.to_owned()),
                };
                options.set(table.table, key.name, value);
            }
        }
        options
    }

    pub fn set(&mut self, table: &str, key: &str, value: OptionValue) {
        self.0.insert(format!("{table}.{key}"), value);
    }

    /// `table.key` as a flag; false when not declared.
    pub fn flag(&self, path: &str) -> bool {
        matches!(self.0.get(path), Some(OptionValue::Flag(true)))
    }

    /// `table.key` as a whole number within its declared range; `None` when not declared.
    pub fn whole(&self, path: &str) -> Option<i64> {
        match self.0.get(path) {
            Some(OptionValue::Whole(n)) => Some(*n),
            _ => None,
        }
    }

    /// `table.key` as text; empty when not declared or set to nothing.
    pub fn text(&self, path: &str) -> &str {
        match self.0.get(path) {
            Some(OptionValue::Text(t)) => t,
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLES: &[OptionTable] = &[OptionTable {
        table: "sampler",
        purpose: "the sampler",
        keys: &[
            OptionKey { name: "on", kind: OptionKind::Flag { default: false } },
            OptionKey { name: "limit", kind: OptionKind::Whole { min: 1, max: 9, default: 3 } },
        ],
    }];

    #[test]
    fn defaults_cover_every_declared_key() {
        let options = EngineOptions::defaults(TABLES);
        assert!(!options.flag("sampler.on"));
        assert_eq!(options.whole("sampler.limit"), Some(3));
        assert_eq!(options.whole("sampler.nope"), None);
    }

    #[test]
    fn numbered_databases_are_checked() {
        let rule = DatabaseRule::Number { max: 15, engines: "X" };
        assert!(rule.check("").is_ok() && rule.check("15").is_ok());
        assert_eq!(rule.check("16"), Err("a X database is a number from 0 to 15, found `16`".into()));
        assert!(DatabaseRule::Name.check("anything").is_ok());
    }
}
