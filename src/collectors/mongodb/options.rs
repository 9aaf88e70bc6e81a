//! The driver's options for a target: hosts (or a DNS seed list), the name `logstag`,
//! timeouts, a pool of at most two, no retries, direct connection or set discovery, read
//! preference, TLS and the credential, from the target and its `[targets.<name>.mongodb]`
//! table (which a URL's parameters fill).

use crate::config::{TargetConfig, TlsMode};
use mongodb::options::{
    AuthMechanism, ClientOptions, Credential, ReadPreference, ReadPreferenceOptions, SelectionCriteria,
    ServerAddress, Tls, TlsOptions,
};

/// The driver's options for a target (no I/O but an SRV lookup for `mongodb+srv://`).
pub async fn driver_options(target: &TargetConfig) -> Result<ClientOptions, String> {
    let table = |key: &str| target.options.text(&format!("mongodb.{key}")).to_owned();
    let srv = target.options.flag("mongodb.srv");
    let mut options = if srv {
        // The driver resolves the SRV and TXT records (hosts, replicaSet, authSource).
        ClientOptions::parse(format!("mongodb+srv://{}/", target.host)).await.map_err(|e| e.to_string())?
    } else {
        let mut options = ClientOptions::default();
        options.hosts = vec![ServerAddress::Tcp { host: target.host.clone(), port: Some(target.port) }];
        options
    };
    options.app_name = Some("logstag".to_owned());
    options.connect_timeout = Some(target.connect_timeout);
    options.server_selection_timeout = Some(target.connect_timeout);
    // One monitoring connection is plenty; a second serves the heartbeat.
    options.max_pool_size = Some(2);
    options.min_pool_size = Some(0);
    options.retry_reads = Some(false);
    options.retry_writes = Some(false);
    let replica_set = table("replica_set");
    if !replica_set.is_empty() {
        options.repl_set_name = Some(replica_set);
    }
    if !srv {
        options.direct_connection = Some(target.options.flag("mongodb.direct_connection"));
    }
    options.selection_criteria =
        Some(SelectionCriteria::ReadPreference(read_preference(&table("read_preference"))));
    options.tls = tls(target, &table("tls_certificate_key_file"));
    options.credential = credential(target, &table("auth_source"), &table("auth_mechanism"))?;
    Ok(options)
}

fn read_preference(word: &str) -> ReadPreference {
    let options = Some(ReadPreferenceOptions::default());
    match word {
        "primary" => ReadPreference::Primary,
        "secondary" => ReadPreference::Secondary { options },
        "secondaryPreferred" => ReadPreference::SecondaryPreferred { options },
        "nearest" => ReadPreference::Nearest { options },
        _ => ReadPreference::PrimaryPreferred { options },
    }
}

/// `Prefer` first tries TLS (verified) and falls back in `connect` when the server
/// speaks none; a certificate that fails verification is never a reason to fall back.
fn tls(target: &TargetConfig, cert_key_file: &str) -> Option<Tls> {
    let mut options = TlsOptions::default();
    options.ca_file_path = target.tls.ca_file.clone();
    if !cert_key_file.is_empty() {
        options.cert_key_file_path = Some(cert_key_file.into());
    }
    match target.tls.mode {
        TlsMode::Disable => Some(Tls::Disabled),
        TlsMode::Require => {
            options.allow_invalid_certificates = Some(true);
            Some(Tls::Enabled(options))
        }
        TlsMode::Prefer | TlsMode::VerifyFull => Some(Tls::Enabled(options)),
    }
}

fn credential(target: &TargetConfig, source: &str, mechanism: &str) -> Result<Option<Credential>, String> {
    let mechanism = match mechanism {
        "" => None,
        "SCRAM-SHA-256" => Some(AuthMechanism::ScramSha256),
        "SCRAM-SHA-1" => Some(AuthMechanism::ScramSha1),
        "MONGODB-X509" => Some(AuthMechanism::MongoDbX509),
        "PLAIN" => Some(AuthMechanism::Plain),
        other => return Err(format!("authentication mechanism {other} is not supported")),
    };
    let x509 = mechanism == Some(AuthMechanism::MongoDbX509);
    if target.username.is_empty() && !x509 {
        // Unauthenticated deployments exist (spec §1.3); the health report says so.
        return Ok(None);
    }
    let source = if !source.is_empty() {
        source.to_owned()
    } else if x509 {
        "$external".to_owned()
    } else {
        "admin".to_owned()
    };
    let mut credential = Credential::default();
    credential.username = Some(target.username.clone()).filter(|u| !u.is_empty());
    if !x509 {
        credential.password = Some(target.password.expose().to_owned());
    }
    credential.source = Some(source);
    credential.mechanism = mechanism;
    Ok(Some(credential))
}
