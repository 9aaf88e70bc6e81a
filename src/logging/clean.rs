//! Log lines pass through `crate::sanitize` before they reach a terminal or a log file
//! (which is read with `cat` or `tail -f` on a terminal): a server-supplied name in a
//! log message must not retitle or clear that terminal. tracing's own colours would be
//! neutralised too, so subscribers using this writer run with ANSI off.

use std::io::{self, Write};
use tracing_subscriber::fmt::MakeWriter;

/// Wraps a `MakeWriter`; each event (tracing writes one formatted event per `write`)
/// is sanitised as multi-line text.
pub struct Clean<M>(pub M);

pub struct CleanWriter<W>(W);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Clean<M> {
    type Writer = CleanWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        CleanWriter(self.0.make_writer())
    }
}

impl<W: Write> Write for CleanWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(crate::sanitize::text(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_name_in_a_log_line_is_neutralised() {
        let mut out = Vec::new();
        let mut w = CleanWriter(&mut out);
        w.write_all("WARN role \u{1b}]0;owned\u{7}\u{1b}[2J\u{202E}x left\n".as_bytes()).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert_eq!(line, "WARN role ␛]0;owned␇␛[2J<U+202E>x left\n");
    }
}
