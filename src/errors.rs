//! Error text for people: many drivers' own `Display` is terse ("db error", "error
//! sending request"); the causes say why (connection refused, certificate not trusted…).

/// The error followed by each cause that adds something, joined with `: `.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error, &'static str);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.1)
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn causes_are_appended_unless_already_said() {
        let terse = Outer(std::io::Error::other("connection refused"), "error sending request");
        assert_eq!(error_chain(&terse), "error sending request: connection refused");
        let said = Outer(std::io::Error::other("refused"), "connect: refused");
        assert_eq!(error_chain(&said), "connect: refused");
    }
}
