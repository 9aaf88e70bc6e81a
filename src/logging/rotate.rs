//! A log file that rotates by size: when the next write would take `agent.log` past the
//! limit, it is renamed `agent.log.YYYYMMDD-HHMMSS` (UTC) and a fresh file is started;
//! rotated files older than the retention are deleted. tracing-appender only rotates by
//! time, and the documented agent rotates at 50 MB and keeps about three days.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often expired files are looked for when no rotation happens.
const CLEANUP_EVERY: Duration = Duration::from_secs(3600);

pub struct RotatingFile {
    path: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
    retention: Duration,
    last_cleanup: Instant,
}

impl RotatingFile {
    /// Opens (creating the directory and the file) for appending, and deletes expired
    /// rotated files.
    pub fn open(path: &Path, max_bytes: u64, retention: Duration) -> io::Result<RotatingFile> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let file = open_append(path)?;
        let size = file.metadata()?.len();
        let mut rotating = RotatingFile {
            path: path.to_path_buf(),
            file,
            size,
            max_bytes,
            retention,
            last_cleanup: Instant::now(),
        };
        rotating.remove_expired();
        Ok(rotating)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        fs::rename(&self.path, self.rotated_path(SystemTime::now()))?;
        self.file = open_append(&self.path)?;
        self.size = 0;
        self.remove_expired();
        Ok(())
    }

    /// `agent.log.20261121-101500`, with `-1`, `-2`… when several rotations share a second.
    fn rotated_path(&self, now: SystemTime) -> PathBuf {
        let base = format!("{}.{}", self.file_name(), utc_stamp(now));
        let mut candidate = self.path.with_file_name(&base);
        let mut n = 1;
        while candidate.exists() {
            candidate = self.path.with_file_name(format!("{base}-{n}"));
            n += 1;
        }
        candidate
    }

    fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// Deletes rotated files (`<name>.<stamp>`) last written before the retention.
    /// Failures are ignored: a file we cannot delete must not stop logging.
    fn remove_expired(&mut self) {
        self.last_cleanup = Instant::now();
        let Some(dir) = self.path.parent() else {
            return;
        };
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        let prefix = format!("{}.", self.file_name());
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let is_rotated = name
                .to_str()
                .and_then(|n| n.strip_prefix(&prefix))
                .is_some_and(|stamp| stamp.starts_with(|c: char| c.is_ascii_digit()));
            let modified = entry.metadata().and_then(|m| m.modified());
            let expired = modified.is_ok_and(|m| now.duration_since(m).is_ok_and(|age| age > self.retention));
            if is_rotated && expired {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let len = u64::try_from(buf.len()).unwrap_or(u64::MAX);
        if self.size > 0 && self.size.saturating_add(len) > self.max_bytes && self.rotate().is_err() {
            // Keep logging into the current file; try again after another `max_bytes`.
            self.size = 0;
        }
        if self.last_cleanup.elapsed() >= CLEANUP_EVERY {
            self.remove_expired();
        }
        let written = self.file.write(buf)?;
        self.size = self.size.saturating_add(u64::try_from(written).unwrap_or(0));
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Created 0600: logs can hold query text with literal values.
fn open_append(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new().create(true).append(true).mode(0o600).open(path)
}

/// `YYYYMMDD-HHMMSS` in UTC.
pub fn utc_stamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rest = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}{m:02}{d:02}-{:02}{:02}{:02}", rest / 3600, (rest % 3600) / 60, rest % 60)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, u32::try_from(month).unwrap_or(1), u32::try_from(day).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn rotates_before_a_write_would_pass_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.log");
        let mut log = RotatingFile::open(&path, 100, Duration::from_secs(3600)).unwrap();
        let line = [b'x'; 59];
        for _ in 0..3 {
            log.write_all(&line).unwrap();
            log.write_all(b"\n").unwrap();
        }
        log.flush().unwrap();
        let files = names(dir.path());
        assert_eq!(files.len(), 3, "{files:?}");
        assert_eq!(files[0], "agent.log");
        // Two rotations in the same second: the second gets a suffix.
        assert!(files[1].starts_with("agent.log.2") && files[1].len() == "agent.log.20261121-101500".len());
        assert_eq!(files[2], format!("{}-1", files[1]));
        for f in &files {
            let text = fs::read_to_string(dir.path().join(f)).unwrap();
            assert_eq!(text.len(), 60, "{f}: every file holds exactly one whole line");
        }
    }

    #[test]
    fn an_existing_file_counts_towards_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.log");
        fs::write(&path, [b'a'; 90]).unwrap();
        let mut log = RotatingFile::open(&path, 100, Duration::from_secs(3600)).unwrap();
        log.write_all(&[b'b'; 20]).unwrap();
        assert_eq!(fs::read(&path).unwrap(), [b'b'; 20]);
        assert_eq!(names(dir.path()).len(), 2);
    }

    #[test]
    fn expired_rotated_files_are_deleted_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("agent.log.20200101-000000");
        let recent = dir.path().join("agent.log.20200102-000000");
        let unrelated = dir.path().join("agent.log.keep-me");
        for f in [&old, &recent, &unrelated] {
            fs::write(f, "x").unwrap();
        }
        let four_days_ago = SystemTime::now() - Duration::from_secs(4 * 86_400);
        for f in [&old, &unrelated] {
            File::options().write(true).open(f).unwrap().set_modified(four_days_ago).unwrap();
        }
        let _log =
            RotatingFile::open(&dir.path().join("agent.log"), 100, Duration::from_secs(72 * 3600)).unwrap();
        assert_eq!(names(dir.path()), ["agent.log", "agent.log.20200102-000000", "agent.log.keep-me"]);
    }

    #[test]
    fn stamps_are_utc_calendar_dates() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101-000000");
        // 2024-02-29 12:34:56 UTC, a leap day.
        assert_eq!(utc_stamp(UNIX_EPOCH + Duration::from_secs(1_709_210_096)), "20240229-123456");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
