//! Ports for the servers the tests start.
//!
//! A port the kernel hands out for `bind(0)` comes from the ephemeral range, the same
//! range outgoing connections take their local ports from: between the moment a test
//! picks it and the moment its server binds it (initdb takes seconds), a client socket
//! of another test can hold it ("Address already in use"). Ports below the ephemeral
//! range are only ever taken on purpose, and one counter per test process hands each
//! out once.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU32, Ordering};

/// Below Linux's default ephemeral range (32768–60999).
const FIRST: u32 = 20_000;
const LAST: u32 = 32_000;

/// A loopback port nothing listens on, not handed out before in this process.
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    // Two test processes at once (a developer's run beside CI) start far apart.
    let start = std::process::id() * 7919 % (LAST - FIRST);
    for _ in 0..(LAST - FIRST) {
        let offset = (start + NEXT.fetch_add(1, Ordering::Relaxed)) % (LAST - FIRST);
        let port = (FIRST + offset) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port between {FIRST} and {LAST}");
}
