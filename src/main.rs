use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // One crypto provider for every TLS user in the process (STACK.md pitfall 1).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli = logstag::cli::Cli::parse();
    match logstag::app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("logstag: {}", logstag::sanitize::text(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}
