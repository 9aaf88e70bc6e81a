//! Copy through the terminal (OSC 52): works over SSH, where no local clipboard exists.

use base64::Engine;
use std::io::Write;

/// `ESC ] 52 ; c ; <base64> BEL`
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

pub fn copy(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    out.write_all(osc52(text).as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_wraps_base64_of_the_text() {
        assert_eq!(super::osc52("SELECT 1;"), "\x1b]52;c;U0VMRUNUIDE7\x07");
    }
}
