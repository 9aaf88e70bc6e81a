//! Drives the real `logstag` binary in a pseudo-terminal and reads its screen through a
//! vt100 parser, as a user over SSH would see it.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZero;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Terminal {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    // Kept open for the child's lifetime: dropping the master hangs up the terminal.
    master: Box<dyn portable_pty::MasterPty + Send>,
    _reader: std::thread::JoinHandle<()>,
}

impl Terminal {
    /// Starts `logstag args…` in a `cols`×`rows` terminal with extra environment variables.
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Terminal {
        Self::spawn_wrapped(&[], args, env, cols, rows)
    }

    /// `spawn` under a wrapper command, e.g. `unshare -n` (no network).
    pub fn spawn_wrapped(
        wrapper: &[&str],
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Terminal {
        let pty = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("open pty");
        let logstag = env!("CARGO_BIN_EXE_logstag");
        let mut cmd = CommandBuilder::new(wrapper.first().copied().unwrap_or(logstag));
        if !wrapper.is_empty() {
            cmd.args(&wrapper[1..]);
            cmd.arg(logstag);
        }
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn logstag");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZero::new(rows).expect("rows"),
            NonZero::new(cols).expect("cols"),
            0,
        )));
        let sink = parser.clone();
        // The pty must be drained continuously or the child blocks on a full buffer.
        let reader_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.lock().expect("parser lock").process(&buf[..n]),
                }
            }
        });
        Terminal { parser, writer, child, master: pty.master, _reader: reader_thread }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    /// Waits until the screen contains `text`; panics with the screen on timeout.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out after {timeout:?} waiting for {text:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Waits for the process to exit; returns its success, or None on timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<bool> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.success());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Resizes the terminal (the child gets SIGWINCH) and the parser with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize pty");
        let (r, c) = (NonZero::new(rows).expect("rows"), NonZero::new(cols).expect("cols"));
        self.parser.lock().expect("parser lock").set_size(r, c);
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}
