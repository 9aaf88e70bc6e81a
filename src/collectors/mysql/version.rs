//! Which server answered: MySQL or MariaDB, and which version. The SQL we send depends
//! on both (performance_schema tables, replica status words, the time-limit variable).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    MySql,
    MariaDb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl Version {
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        Self { major, minor, patch }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub flavor: Flavor,
    pub version: Version,
    /// `VERSION()` as the server printed it, e.g. `10.11.19-MariaDB-0+deb12u1`.
    pub banner: String,
}

/// Oldest releases whose views our statements know.
const MIN_MYSQL: Version = Version::new(5, 7, 0);
const MIN_MARIADB: Version = Version::new(10, 4, 0);

impl Server {
    /// Reads `VERSION()`. MariaDB says so in the string; servers behind replication
    /// proxies prefix `5.5.5-` to MariaDB versions for old clients, which is skipped.
    pub fn parse(banner: &str) -> Option<Server> {
        let banner = banner.trim();
        let flavor =
            if banner.to_ascii_lowercase().contains("mariadb") { Flavor::MariaDb } else { Flavor::MySql };
        let body = match flavor {
            Flavor::MariaDb => banner.strip_prefix("5.5.5-").unwrap_or(banner),
            Flavor::MySql => banner,
        };
        let numbers = body.split(|c: char| !(c.is_ascii_digit() || c == '.')).next()?;
        let mut parts = numbers.split('.').map(|p| p.parse::<u16>().ok());
        let major = parts.next()??;
        let minor = parts.next().flatten().unwrap_or(0);
        let patch = parts.next().flatten().unwrap_or(0);
        Some(Server { flavor, version: Version::new(major, minor, patch), banner: banner.to_owned() })
    }

    pub fn is_mariadb(&self) -> bool {
        self.flavor == Flavor::MariaDb
    }

    pub fn product(&self) -> &'static str {
        match self.flavor {
            Flavor::MySql => "MySQL",
            Flavor::MariaDb => "MariaDB",
        }
    }

    /// `8.0.36`: the short version of the status line.
    pub fn short(&self) -> String {
        let v = self.version;
        format!("{}.{}.{}", v.major, v.minor, v.patch)
    }

    /// Why we cannot monitor it, if so.
    pub fn unsupported(&self) -> Option<String> {
        let min = match self.flavor {
            Flavor::MySql => MIN_MYSQL,
            Flavor::MariaDb => MIN_MARIADB,
        };
        (self.version < min).then(|| {
            format!(
                "{} {} is not supported; Logstag needs {}.{} or later",
                self.product(),
                self.short(),
                min.major,
                min.minor
            )
        })
    }

    /// MySQL 8.0.22 renamed SHOW SLAVE STATUS (MariaDB did in 10.5.1).
    pub fn has_replica_status(&self) -> bool {
        match self.flavor {
            Flavor::MySql => self.version >= Version::new(8, 0, 22),
            Flavor::MariaDb => self.version >= Version::new(10, 5, 1),
        }
    }

    /// `performance_schema.data_lock_waits` (MySQL 8.0); older MySQL and every MariaDB
    /// have `information_schema.INNODB_LOCK_WAITS` instead.
    pub fn has_data_lock_waits(&self) -> bool {
        self.flavor == Flavor::MySql && self.version >= Version::new(8, 0, 1)
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.product(), self.short())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavors_and_versions() {
        let m = Server::parse("10.11.19-MariaDB-0+deb12u1").unwrap_or_else(|| unreachable!());
        assert_eq!((m.flavor, m.version), (Flavor::MariaDb, Version::new(10, 11, 19)));
        assert_eq!(m.to_string(), "MariaDB 10.11.19");
        let proxied = Server::parse("5.5.5-10.6.16-MariaDB-log").map(|s| s.version);
        assert_eq!(proxied, Some(Version::new(10, 6, 16)));
        let my = Server::parse("8.0.36-0ubuntu0.22.04.1").unwrap_or_else(|| unreachable!());
        assert_eq!((my.flavor, my.short()), (Flavor::MySql, "8.0.36".to_owned()));
        assert!(my.has_replica_status() && my.has_data_lock_waits());
        assert!(Server::parse("8.4.3").is_some_and(|s| s.unsupported().is_none()));
        assert!(Server::parse("5.6.51").and_then(|s| s.unsupported()).is_some());
        assert!(Server::parse("").is_none());
        assert!(Server::parse("garbage").is_none());
    }
}
