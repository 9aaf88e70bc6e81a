//! A physical streaming standby of a test cluster, on its own free port.
//!
//! The copy is made with `pg_basebackup -R` when the client is at least as new as the
//! server (pg_basebackup refuses newer servers). The fetched PostgreSQL packages carry no
//! client programs, so a server newer than Debian's client is copied with the server's
//! own low-level backup API instead, in one psql session: backup start, file copy,
//! backup stop writing the `backup_label` the standby needs. Either way the result is a
//! real standby streaming WAL from the primary.

use super::pg_bin::{client_program, major_of};
use super::ports::free_port;
use super::postgres::{TestCluster, as_root};
use std::path::Path;
use std::process::{Command, Stdio};

impl TestCluster {
    /// Starts a streaming standby of this cluster that streams through the existing
    /// physical replication slot `slot`.
    pub fn start_replica(&self, slot: &str) -> TestCluster {
        let dir = tempfile::Builder::new().prefix("logstag-pg-replica-").tempdir().expect("tempdir");
        if as_root() {
            let ok = Command::new("chown").arg("postgres:postgres").arg(dir.path()).status().expect("chown");
            assert!(ok.success(), "chown of the replica dir failed");
        }
        let mut replica = TestCluster {
            dir,
            bin: self.bin.clone(),
            major: self.major,
            port: free_port(),
            watchdog: None,
            extra_options: String::new(),
        };
        let data = replica.data_dir();
        let basebackup = client_program(&self.bin, "pg_basebackup");
        if basebackup.parent().is_some_and(|bin| major_of(bin) >= self.major) {
            self.copy_with_basebackup(&basebackup, &data, slot);
        } else {
            self.copy_with_backup_api(&data, slot);
        }
        replica.spawn_watchdog();
        replica.start_again();
        replica
    }

    fn copy_with_basebackup(&self, basebackup: &Path, data: &Path, slot: &str) {
        let mut cmd = as_postgres(basebackup);
        cmd.args(["-h", "127.0.0.1", "-U", "postgres", "-p", &self.port.to_string()])
            .args(["-R", "-X", "stream", "--no-sync", "-c", "fast", "-S", slot])
            .arg("-D")
            .arg(data);
        let out = cmd.output().expect("run pg_basebackup");
        assert!(out.status.success(), "pg_basebackup failed: {}", String::from_utf8_lossy(&out.stderr));
        // -R writes the newer client's connection options (channel_binding, sslsni…), which
        // an older server's libpq refuses ("invalid connection option"): a later line wins.
        self.append_conninfo(data, None);
    }

    /// Points the standby at this primary (and its slot, when the copy did not).
    fn append_conninfo(&self, data: &Path, slot: Option<&str>) {
        let mut lines = format!("\nprimary_conninfo = 'host=127.0.0.1 port={} user=postgres'\n", self.port);
        if let Some(slot) = slot {
            lines.push_str(&format!("primary_slot_name = '{slot}'\n"));
        }
        let auto = data.join("postgresql.auto.conf");
        let mut conf = std::fs::read_to_string(&auto).unwrap_or_default();
        conf.push_str(&lines);
        std::fs::write(&auto, conf).expect("write postgresql.auto.conf");
    }

    fn copy_with_backup_api(&self, data: &Path, slot: &str) {
        let (start, stop) = if self.major >= 15 {
            ("pg_backup_start('logstag-replica', true)", "pg_backup_stop(true)")
        } else {
            ("pg_start_backup('logstag-replica', true, false)", "pg_stop_backup(false, true)")
        };
        let source = self.data_dir();
        let label = self.dir.path().join("backup_label.replica");
        // cp -a keeps the postgres ownership (as root) and modes. pg_wal is emptied: the
        // standby streams every record from the backup's start, which the primary still has.
        let script = format!(
            "\\set ON_ERROR_STOP 1\n\
             SELECT {start};\n\
             \\! cp -a '{src}' '{dst}' && rm -rf '{dst}'/pg_wal/* '{dst}'/postmaster.pid '{dst}'/postmaster.opts\n\
             \\t on\n\\pset format unaligned\n\
             SELECT labelfile FROM {stop} \\g '{label}'\n",
            src = source.display(),
            dst = data.display(),
            label = label.display(),
        );
        // A file, not -c: -c takes one SQL string or one backslash command, not a mix.
        let script_file = self.dir.path().join("replica-copy.sql");
        std::fs::write(&script_file, script).expect("write the copy script");
        let out = Command::new(client_program(&self.bin, "psql"))
            .args(["-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-p"])
            .arg(self.port.to_string())
            .arg("-f")
            .arg(&script_file)
            .stdin(Stdio::null())
            .output()
            .expect("run psql");
        assert!(out.status.success(), "backup API copy failed: {}", String::from_utf8_lossy(&out.stderr));
        assert!(data.join("PG_VERSION").exists(), "copy failed: {}", String::from_utf8_lossy(&out.stderr));
        let label_text = std::fs::read_to_string(&label).expect("backup label");
        assert!(label_text.contains("START WAL LOCATION"), "{label_text}");
        std::fs::write(data.join("backup_label"), label_text).expect("write backup_label");
        std::fs::write(data.join("standby.signal"), "").expect("write standby.signal");
        self.append_conninfo(data, Some(slot));
        if as_root() {
            let ok =
                Command::new("chown").arg("-R").arg("postgres:postgres").arg(data).status().expect("chown");
            assert!(ok.success());
        }
    }
}

/// A client program run as the postgres OS user when root (the files it writes become
/// the standby's, and PostgreSQL refuses data it does not own).
fn as_postgres(program: &Path) -> Command {
    if as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}
