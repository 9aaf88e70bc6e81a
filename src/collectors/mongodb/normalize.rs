//! What an operation's text may say when it leaves the host (spec §7): its shape only.
//! The collector never reads command bodies; what it shows is already a shape such as
//! `find orders {status, customerId}`. Anything that still looks like a value (quoted
//! text, numbers) is replaced by `?` before forwarding.

pub fn shape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                for next in chars.by_ref() {
                    if next == c {
                        break;
                    }
                }
                out.push('?');
            }
            '0'..='9'
                if !out.ends_with(|p: char| p.is_alphanumeric() || p == '_' || p == '.' || p == '$') =>
            {
                while chars.peek().is_some_and(|n| n.is_ascii_digit() || *n == '.') {
                    chars.next();
                }
                out.push('?');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_leave_as_question_marks() {
        assert_eq!(super::shape("find orders {status, customerId}"), "find orders {status, customerId}");
        assert_eq!(super::shape(r#"find orders {status: "paid", n: 42}"#), "find orders {status: ?, n: ?}");
        assert_eq!(super::shape("find db2.col_1"), "find db2.col_1");
    }
}
