//! What an Oracle error means for the round: the client library is missing (the target
//! is down with what to install), the server refused one statement (a problem line: the
//! target is DEGRADED with the exact GRANT), or the connection is gone (DOWN, reconnect).
//!
//! ODPI-C's own errors carry ORA code 0 and a message starting `DPI-nnnn`; the server's
//! carry their ORA number. Only the first line of a message is kept (23ai adds a "Help:"
//! link line), cut to a length a status line can show.

/// Why a call to the server did not give rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The Oracle client library (Instant Client or ORACLE_HOME) could not be loaded.
    ClientMissing(String),
    /// This statement was refused; the connection is still good.
    Refused(Refusal),
    /// The connection cannot be used any more.
    Lost(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The ORA number (942 for ORA-00942); 0 for a client-side DPI error.
    pub code: i32,
    pub message: String,
}

pub mod code {
    pub const INVALID_IDENTIFIER: i32 = 904;
    pub const TABLE_OR_VIEW_MISSING: i32 = 942;
    pub const INSUFFICIENT_PRIVILEGES: i32 = 1031;
}

/// ORA numbers after which the session is unusable: killed, shut down, network gone,
/// listener refusals at (re)connect.
const LOST: &[i32] = &[
    28, 1012, 1033, 1034, 1089, 1090, 1092, 2396, 3113, 3114, 3135, 12153, 12170, 12514, 12528, 12537, 12541,
    12543, 12547, 12560, 12571, 12583,
];

/// ODPI-C errors after which the connection is gone (not connected, closed by the server).
const LOST_DPI: &[&str] = &["DPI-1010", "DPI-1080"];

/// Classifies one driver error from its ORA number and message.
pub fn classify(ora_code: i32, message: &str) -> Failure {
    let message = first_line(message);
    if message.contains("DPI-1047") {
        return Failure::ClientMissing(client_missing_text(&message));
    }
    if LOST.contains(&ora_code) || LOST_DPI.iter().any(|d| message.contains(d)) {
        return Failure::Lost(message);
    }
    Failure::Refused(Refusal { code: ora_code, message })
}

/// What a DBA reads when Instant Client is missing: what to do first, then the loader's
/// own reason (which names the library it looked for).
fn client_missing_text(message: &str) -> String {
    let reason = message
        .split_once("Cannot locate a 64-bit Oracle Client library:")
        .map(|(_, reason)| reason.split(". See ").next().unwrap_or(reason).trim().trim_matches('"'))
        .unwrap_or(message);
    format!(
        "Oracle client libraries not found (DPI-1047): install Instant Client (Basic or Basic Light, 19c or \
         newer) and set LD_LIBRARY_PATH, or set [targets.<name>.oracle] client_lib_dir; the loader said: {reason}"
    )
}

/// A refused statement in words the user can act on.
pub fn refusal_problem(what: &str, refusal: &Refusal, user: &str) -> String {
    let user = if user.is_empty() { "<monitoring user>".to_owned() } else { user.to_ascii_uppercase() };
    match refusal.code {
        code::TABLE_OR_VIEW_MISSING | code::INSUFFICIENT_PRIVILEGES => format!(
            "{what}: not readable by {user} ({}); run GRANT SELECT ANY DICTIONARY TO {user}; \
             (or GRANT SELECT_CATALOG_ROLE TO {user};)",
            refusal.message
        ),
        code::INVALID_IDENTIFIER => {
            format!("{what}: not available on this Oracle version ({})", refusal.message)
        }
        _ => format!("{what}: {}", refusal.message),
    }
}

const MAX_MESSAGE_CHARS: usize = 300;

fn first_line(message: &str) -> String {
    let line = message.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let line = line.strip_prefix("DPI Error: ").or_else(|| line.strip_prefix("OCI Error: ")).unwrap_or(line);
    line.chars().take(MAX_MESSAGE_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_client_library_says_what_to_install() {
        // The shape the oracle crate gives when libclntsh.so cannot be loaded (code 0).
        let m = "DPI Error: DPI-1047: Cannot locate a 64-bit Oracle Client library: \"libclntsh.so: cannot \
                 open shared object file: No such file or directory\". See https://oracle.github.io/odpi/doc/installation.html#linux for help";
        let Failure::ClientMissing(text) = classify(0, m) else { panic!("{m}") };
        assert!(text.starts_with("Oracle client libraries not found (DPI-1047): install Instant Client"));
        assert!(text.contains("LD_LIBRARY_PATH"));
        assert!(
            text.ends_with("libclntsh.so: cannot open shared object file: No such file or directory"),
            "{text}"
        );
    }

    #[test]
    fn lost_connections_and_refusals() {
        assert!(matches!(
            classify(3113, "ORA-03113: end-of-file on communication channel"),
            Failure::Lost(_)
        ));
        assert!(matches!(classify(0, "DPI-1080: connection was closed by ORA-3113"), Failure::Lost(_)));
        let Failure::Refused(r) = classify(942, "ORA-00942: table or view does not exist\nHelp: https://x")
        else {
            panic!()
        };
        assert_eq!(r.message, "ORA-00942: table or view does not exist");
        let text = refusal_problem("sessions", &r, "logstag");
        assert!(text.contains("GRANT SELECT ANY DICTIONARY TO LOGSTAG;"), "{text}");
        let r = Refusal { code: 904, message: "ORA-00904: \"CON_ID\": invalid identifier".into() };
        assert!(refusal_problem("sessions", &r, "m").contains("not available on this Oracle version"));
    }

    #[test]
    fn messages_are_one_short_line() {
        let long = format!("ORA-01031: {}\nsecond line", "x".repeat(1000));
        let Failure::Refused(r) = classify(1031, &long) else { panic!() };
        assert_eq!(r.message.chars().count(), MAX_MESSAGE_CHARS);
        assert!(!r.message.contains('\n'));
    }
}
