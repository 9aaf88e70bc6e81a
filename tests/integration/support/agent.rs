//! `logstag agent` as a child process: a config file in a temp dir, stderr captured to
//! a file, helpers that wait for log lines, and SIGTERM. Drop kills a child left running.

pub use super::ports::free_port;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub struct Agent {
    pub child: Child,
    pub dir: TempDir,
    /// Where the child's stderr goes.
    pub stderr: PathBuf,
}

impl Agent {
    /// Writes `config` to `<tmp>/agent.toml` and starts `logstag agent --config it` plus
    /// `args`, with `$XDG_STATE_HOME` and `$HOME` inside the temp dir.
    pub fn spawn(config: &str, args: &[&str]) -> Agent {
        Self::spawn_with_env(config, args, &[])
    }

    /// `spawn` with extra environment variables (e.g. `LOGSTAG_HOST_KEY_FILE`) for the
    /// child only: the test process's own environment is shared by parallel tests.
    pub fn spawn_with_env(config: &str, args: &[&str], env: &[(&str, &Path)]) -> Agent {
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join("agent.toml");
        std::fs::write(&config_path, config).unwrap();
        let stderr = dir.path().join("stderr.log");
        let child = Command::new(env!("CARGO_BIN_EXE_logstag"))
            .envs(env.iter().copied())
            .arg("agent")
            .arg("--config")
            .arg(&config_path)
            .args(args)
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("HOME", dir.path())
            .env_remove("LOGSTAG_LOG")
            .env_remove("RUST_LOG")
            .env_remove("STATE_DIRECTORY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        Agent { child, dir, stderr }
    }

    /// SIGKILL: no flush, no clean-up, as a crash or an OOM kill would leave things.
    pub fn kill_hard(&mut self) {
        self.child.kill().unwrap();
        let status = self.child.wait().unwrap();
        assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(libc::SIGKILL));
    }

    pub fn history_path(&self) -> PathBuf {
        self.dir.path().join("state/logstag/history.sqlite3")
    }

    /// Waits until `file` contains `text` `times` times; panics with the file after `patience`.
    pub fn wait_for_text(&mut self, file: &Path, text: &str, times: usize, patience: Duration) -> String {
        let deadline = Instant::now() + patience;
        loop {
            let content = std::fs::read_to_string(file).unwrap_or_default();
            if content.matches(text).count() >= times {
                return content;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the agent exited ({status}) before logging {text:?}:\n{content}");
            }
            assert!(Instant::now() < deadline, "no {text:?} ×{times} within {patience:?}:\n{content}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGTERM, then the exit status and how long the agent took to exit.
    pub fn terminate(&mut self, patience: Duration) -> (ExitStatus, Duration) {
        let pid = i32::try_from(self.child.id()).unwrap();
        // SAFETY: kill has no memory preconditions; the pid is our own child.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let sent = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, sent.elapsed());
            }
            assert!(sent.elapsed() < patience, "the agent did not exit within {patience:?} of SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
