//! Which PostgreSQL binaries a test cluster runs: the default server, or one major
//! version of the matrix (fetched by `.ci/test-servers.sh`, or a Debian package).

use std::path::{Path, PathBuf};
use std::process::Command;

/// PGBIN, else the highest /usr/lib/postgresql/<v>/bin, else whatever PATH holds (an
/// empty dir joined with a bare program name makes Command search PATH).
pub fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("PGBIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_ctl").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b).unwrap_or_default()
}

/// Where `.ci/test-servers.sh` puts the servers it fetches.
fn servers_dir() -> PathBuf {
    std::env::var_os("LOGSTAG_TEST_SERVERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-servers"))
}

/// The server binaries of one major version: fetched by `.ci/test-servers.sh`, else a
/// Debian package. A missing version fails the test: skipping would let the matrix pass
/// without running.
pub fn pg_bin(major: u32) -> PathBuf {
    let fetched = servers_dir().join(format!("pg{major}/bin"));
    if fetched.join("pg_ctl").exists() {
        return fetched;
    }
    let debian = PathBuf::from(format!("/usr/lib/postgresql/{major}/bin"));
    assert!(
        debian.join("pg_ctl").exists(),
        "PostgreSQL {major} not found in {} nor {}: run .ci/test-servers.sh",
        fetched.display(),
        debian.display()
    );
    debian
}

/// "postgres (PostgreSQL) 15.18 (Debian …)" → 15.
pub fn major_of(bin: &Path) -> u32 {
    let out = Command::new(bin.join("postgres")).arg("--version").output().expect("run postgres --version");
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.split_whitespace().nth(2).unwrap_or_default();
    version.split('.').next().and_then(|m| m.parse().ok()).unwrap_or_else(|| panic!("version of {text}"))
}

/// A client program (psql, pg_basebackup): the fetched packages hold only the server,
/// so these come from the newest Debian client, which speaks to every older server.
pub fn client_program(bin: &Path, program: &str) -> PathBuf {
    if bin.join(program).exists() {
        return bin.join(program);
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin").join(program))))
        .filter(|(_, p): &(u32, PathBuf)| p.exists())
        .collect();
    debian.sort();
    debian.pop().map_or_else(|| PathBuf::from(program), |(_, p)| p)
}
