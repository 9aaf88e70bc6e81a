//! Logstag's own memory and CPU, read from `/proc/self` at scrape time (Linux only;
//! elsewhere the process metrics are simply absent).

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessStats {
    pub resident_bytes: u64,
    /// User + system CPU time since start.
    pub cpu_seconds: f64,
}

impl ProcessStats {
    pub fn read() -> Option<ProcessStats> {
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // SAFETY: sysconf has no preconditions; it returns -1 for unknown names.
        let (page, ticks) = unsafe { (libc::sysconf(libc::_SC_PAGESIZE), libc::sysconf(libc::_SC_CLK_TCK)) };
        parse(&statm, &stat, u64::try_from(page).ok()?, u64::try_from(ticks).ok()?)
    }
}

/// `statm`: "size resident …" in pages. `stat`: the command name is in parentheses and
/// may hold spaces, so fields are counted after the last `)`; utime and stime are the
/// 14th and 15th fields of the line (12th and 13th after the name).
fn parse(statm: &str, stat: &str, page_size: u64, ticks_per_s: u64) -> Option<ProcessStats> {
    let resident_pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    if ticks_per_s == 0 {
        return None;
    }
    Some(ProcessStats {
        resident_bytes: resident_pages.saturating_mul(page_size),
        cpu_seconds: (utime + stime) as f64 / ticks_per_s as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_files_with_spaces_in_the_name() {
        let stat = "4242 (logstag agent) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 20 0 3 0 100 0 0";
        let stats = parse("5000 1200 300 1 0 600 0", stat, 4096, 100).unwrap();
        assert_eq!(stats.resident_bytes, 1200 * 4096);
        assert!((stats.cpu_seconds - 3.0).abs() < 1e-9);
        assert_eq!(parse("", stat, 4096, 100), None);
    }

    #[test]
    fn reads_this_process() {
        let stats = ProcessStats::read().unwrap();
        assert!(stats.resident_bytes > 1_000_000, "{stats:?}");
    }
}
