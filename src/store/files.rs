//! The history file on disk. It holds query text with literal values, so it is created
//! private (0600, and SQLite gives its WAL and SHM the same mode); one process writes it
//! at a time (a lock file with the holder's pid, under flock); and a file that is not a
//! database or is damaged is moved aside (`<name>.corrupt-<time>`) so a fresh one starts.

use std::fs::{File, OpenOptions, Permissions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Held for as long as the history is open; dropping it (or the process dying, even by
/// SIGKILL) releases the lock.
#[derive(Debug)]
pub struct HistoryLock {
    _file: File,
}

/// `history.sqlite3` → `history.sqlite3<suffix>`.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Takes the history's lock, or says which process holds it.
pub fn lock(path: &Path) -> Result<HistoryLock, String> {
    let lock_path = sibling(path, ".lock");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&lock_path)
        .map_err(|e| format!("cannot open the lock file {}: {e}", lock_path.display()))?;
    // This process may hold it for a moment longer: a closed Store's writer thread
    // finishing its last command. Another process is told off at once.
    let patience = std::time::Instant::now() + Duration::from_secs(2);
    loop {
        // SAFETY: flock only reads the descriptor, which `file` keeps open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            break;
        }
        let error = io::Error::last_os_error();
        if error.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(format!("cannot lock {}: {error}", lock_path.display()));
        }
        let mut holder = String::new();
        let _ = file.rewind().and_then(|()| file.read_to_string(&mut holder));
        let holder = holder.trim();
        if holder == std::process::id().to_string() && std::time::Instant::now() < patience {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        let who = if holder.is_empty() { String::new() } else { format!(" (pid {holder})") };
        return Err(format!(
            "already in use by another Logstag process{who}; stop it, or give this one its own file with --history PATH"
        ));
    }
    // Best effort: the pid only makes the message above more useful.
    let _ = file.set_len(0).and_then(|()| file.rewind());
    let _ = writeln!(file, "{}", std::process::id()).and_then(|()| file.flush());
    Ok(HistoryLock { _file: file })
}

/// Creates `path` readable by its owner only, and takes group/other access away from a
/// file (and its WAL/SHM) that an older build created with the umask's mode.
pub fn make_private(path: &Path) -> io::Result<()> {
    OpenOptions::new().create(true).append(true).mode(0o600).open(path)?;
    for file in [path.to_path_buf(), sibling(path, "-wal"), sibling(path, "-shm")] {
        match std::fs::metadata(&file) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(&file, Permissions::from_mode(0o600))?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Renames the file and its WAL/SHM to `<name>.corrupt-<UTC time>` (`-1`, `-2`… when that
/// exists) and returns the new name of the main file.
pub fn move_aside(path: &Path, now: SystemTime) -> io::Result<PathBuf> {
    let base = format!(".corrupt-{}", crate::logging::utc_stamp(now));
    let mut aside = sibling(path, &base);
    let mut n = 1;
    while aside.exists() {
        aside = sibling(path, &format!("{base}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let side = sibling(path, suffix);
        if side.exists() {
            std::fs::rename(&side, sibling(&aside, suffix))?;
        }
    }
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_holder_pid() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        let first = lock(&path).unwrap();
        let e = lock(&path).unwrap_err();
        assert!(e.contains(&format!("pid {}", std::process::id())), "{e}");
        assert!(e.contains("--history"), "{e}");
        drop(first);
        assert!(lock(&path).is_ok(), "the lock is released with its holder");
    }

    #[test]
    fn the_history_is_created_private_and_an_old_open_file_is_closed_down() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        make_private(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::set_permissions(&path, Permissions::from_mode(0o644)).unwrap();
        std::fs::write(sibling(&path, "-wal"), b"").unwrap();
        std::fs::set_permissions(sibling(&path, "-wal"), Permissions::from_mode(0o644)).unwrap();
        make_private(&path).unwrap();
        for f in [path.clone(), sibling(&path, "-wal")] {
            assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600, "{f:?}");
        }
    }

    #[test]
    fn moving_aside_takes_the_wal_along_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        let now = SystemTime::UNIX_EPOCH;
        for round in 0..2 {
            std::fs::write(&path, format!("bad {round}")).unwrap();
            std::fs::write(sibling(&path, "-wal"), b"w").unwrap();
            let aside = move_aside(&path, now).unwrap();
            assert!(!path.exists() && !sibling(&path, "-wal").exists());
            assert_eq!(std::fs::read_to_string(&aside).unwrap(), format!("bad {round}"));
            assert!(sibling(&aside, "-wal").exists());
        }
        assert!(dir.path().join("h.db.corrupt-19700101-000000").exists());
        assert!(dir.path().join("h.db.corrupt-19700101-000000-1").exists());
    }
}
