//! `logstag encrypt [VALUE]`: prints an `enc:v1:` value bound to this host (docs/secrets.md).
//! The value is best typed at the hidden prompt or piped in, so it stays out of shell
//! history and the process list.

use crate::config::{self, HostKeySource};
use std::io::{BufRead, IsTerminal, Read, Write};
use std::process::ExitCode;

/// Exit codes: 0 printed, 1 no host key or no randomness, 2 nothing (or nothing new) to encrypt.
pub fn run(value: Option<&str>) -> ExitCode {
    let input = match value {
        Some(v) if v != "-" => v.to_owned(),
        _ => match read_value() {
            Ok(v) => v,
            Err(e) => return fail(2, &format!("cannot read the value from stdin: {e}")),
        },
    };
    let plain = match one_line(&input) {
        Ok(line) => line.to_owned(),
        Err(e) => return fail(2, e),
    };
    if plain.is_empty() {
        return fail(2, "nothing to encrypt: the value is empty");
    }
    if config::is_encrypted(&plain) {
        return fail(2, "this value is already encrypted (it starts with enc:v…:)");
    }
    let key = match HostKeySource::from_env().load(true) {
        Ok(key) => key,
        Err(e) => return fail(1, &e.to_string()),
    };
    match config::encrypt(&plain, &key) {
        Ok(sealed) => {
            println!("{sealed}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, &e),
    }
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("logstag encrypt: {message}");
    ExitCode::from(code)
}

/// One line from stdin without its line ending; at a terminal, asked for with echo off.
fn read_value() -> std::io::Result<String> {
    let stdin = std::io::stdin();
    let at_terminal = stdin.is_terminal();
    let mut line = String::new();
    let read = if at_terminal {
        eprint!("Value to encrypt (input hidden): ");
        std::io::stderr().flush()?;
        let echo_off = EchoOff::new();
        let read = stdin.lock().read_line(&mut line);
        drop(echo_off);
        eprintln!();
        read?
    } else {
        // All of it: a second line must be refused, not silently dropped.
        stdin.lock().read_to_string(&mut line)?
    };
    if read == 0 {
        return Err(std::io::Error::other("no input (end of file)"));
    }
    Ok(line)
}

/// The value without its line ending (`\n`, `\r\n` or a lone `\r`); more than one line
/// is refused: a pasted block would otherwise be encrypted whole, or cut at the first line.
fn one_line(input: &str) -> Result<&str, &'static str> {
    let line = input.strip_suffix('\n').unwrap_or(input);
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.contains(['\n', '\r']) {
        return Err("the value has more than one line; give exactly one line");
    }
    Ok(line)
}

/// Terminal echo switched off for stdin until dropped. When the terminal cannot be
/// configured the value is read with echo on rather than not at all.
struct EchoOff {
    saved: Option<libc::termios>,
}

impl EchoOff {
    fn new() -> Self {
        // SAFETY: termios is plain data; tcgetattr fills it or fails without touching
        // anything else, and tcsetattr only reads it. fd 0 stays open for the process.
        unsafe {
            let mut saved: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut saved) != 0 {
                return Self { saved: None };
            }
            let mut quiet = saved;
            quiet.c_lflag &= !libc::ECHO;
            // Ctrl-C at the prompt must not leave the terminal without echo: the handler
            // restores these settings, then dies of the signal as it would have anyway.
            let _ = SAVED_FOR_SIGNAL.set(saved);
            libc::signal(libc::SIGINT, restore_and_die as *const () as libc::sighandler_t);
            if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &quiet) != 0 {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                return Self { saved: None };
            }
            Self { saved: Some(saved) }
        }
    }
}

/// The terminal settings to put back if SIGINT arrives while echo is off.
static SAVED_FOR_SIGNAL: std::sync::OnceLock<libc::termios> = std::sync::OnceLock::new();

extern "C" fn restore_and_die(signal: libc::c_int) {
    // SAFETY: tcsetattr, signal and raise are async-signal-safe; the OnceLock was set
    // before the handler was installed, so `get` only reads initialised memory.
    unsafe {
        if let Some(saved) = SAVED_FOR_SIGNAL.get() {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: restores the settings read in `new` on the same open descriptor.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
                libc::signal(libc::SIGINT, libc::SIG_DFL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_line_ending_is_stripped() {
        assert_eq!(one_line("pa ss \n"), Ok("pa ss "));
        assert_eq!(one_line("pass\r\n"), Ok("pass"));
        assert_eq!(one_line("pass\r"), Ok("pass"));
        assert_eq!(one_line("pass"), Ok("pass"));
        assert_eq!(one_line("\n"), Ok(""));
    }

    #[test]
    fn more_than_one_line_is_refused() {
        for input in ["a\nb", "a\nb\n", "pass\n\n", "a\rb", "a\r\nb\r\n"] {
            let e = one_line(input).unwrap_err();
            assert!(e.contains("more than one line"), "{input:?}: {e}");
        }
    }
}
