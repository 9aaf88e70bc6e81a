//! A stand-in for the central backend: a small HTTP/1.1 server on a loopback port
//! (optionally behind TLS with a CA made by rcgen) that records every request and
//! answers `/metrics` from a script: a status with headers, or "record then hang up"
//! (a lost acknowledgement). It can be stopped and started again on the same port.

use flate2::read::GzDecoder;
use std::collections::{BTreeMap, VecDeque};
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    /// Lower-cased names.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// The body as JSON, gunzipped when it says so.
    pub fn json(&self) -> serde_json::Value {
        let text = if self.header("content-encoding") == Some("gzip") {
            let mut out = Vec::new();
            GzDecoder::new(&self.body[..]).read_to_end(&mut out).unwrap();
            out
        } else {
            self.body.clone()
        };
        serde_json::from_slice(&text).unwrap()
    }
}

#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16, Vec<(&'static str, String)>),
    /// Record the request, then close the connection without answering.
    HangUp,
}

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    /// Answers for `/metrics`, in order; 200 when empty.
    script: VecDeque<Reply>,
    /// Open connections, closed by `stop` (a keep-alive connection would outlive it).
    connections: Vec<tokio::task::AbortHandle>,
}

pub struct Receiver {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    accept: Option<JoinHandle<()>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Self::bind("127.0.0.1:0".parse().unwrap(), None, Arc::default()).await
    }

    /// HTTPS with a certificate for 127.0.0.1 and localhost signed by `ca`.
    pub async fn start_tls(ca: &TestCa) -> Receiver {
        Self::bind("127.0.0.1:0".parse().unwrap(), Some(ca.acceptor()), Arc::default()).await
    }

    async fn bind(
        addr: SocketAddr,
        tls: Option<tokio_rustls::TlsAcceptor>,
        state: Arc<Mutex<State>>,
    ) -> Receiver {
        let listener = TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accept = tokio::spawn(accept_loop(listener, tls.clone(), state.clone()));
        Receiver { addr, state, tls, accept: Some(accept) }
    }

    pub fn base_url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}/agent-api/v1", self.addr.port())
    }

    /// Connections are refused from now on, and open ones are cut.
    pub fn stop(&mut self) {
        if let Some(task) = self.accept.take() {
            task.abort();
        }
        for connection in self.state.lock().unwrap().connections.drain(..) {
            connection.abort();
        }
    }

    /// Listens again on the same port, keeping what was recorded.
    pub async fn restart(&mut self) {
        self.stop();
        // The aborted task drops the listener at its next poll.
        for _ in 0..50 {
            if let Ok(listener) = TcpListener::bind(self.addr).await {
                let accept = tokio::spawn(accept_loop(listener, self.tls.clone(), self.state.clone()));
                self.accept = Some(accept);
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("cannot listen on {} again", self.addr);
    }

    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.lock().unwrap().script.extend(replies);
    }

    /// Drops the answers not given yet: `/metrics` gets 200 again.
    pub fn clear_script(&self) {
        self.state.lock().unwrap().script.clear();
    }

    pub fn requests(&self, path: &str) -> Vec<Request> {
        self.state.lock().unwrap().requests.iter().filter(|r| r.path.ends_with(path)).cloned().collect()
    }

    /// Waits until `done` holds for the recorded `/metrics` requests.
    pub async fn wait_for(&self, what: &str, timeout: Duration, done: impl Fn(&[Request]) -> bool) {
        self.wait_for_on("/metrics", what, timeout, done).await;
    }

    /// Waits until `done` holds for the recorded requests to `path`.
    pub async fn wait_for_on(
        &self,
        path: &str,
        what: &str,
        timeout: Duration,
        done: impl Fn(&[Request]) -> bool,
    ) {
        let start = Instant::now();
        while !done(&self.requests(path)) {
            assert!(start.elapsed() < timeout, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<Mutex<State>>,
) {
    while let Ok((stream, _)) = listener.accept().await {
        let (tls, shared) = (tls.clone(), state.clone());
        let state = shared.clone();
        let connection = tokio::spawn(async move {
            match tls {
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve(stream, state).await;
                    }
                }
                None => serve(stream, state).await,
            }
        });
        shared.lock().unwrap().connections.push(connection.abort_handle());
    }
}

/// Keep-alive loop: one request after another on the same connection.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, state: Arc<Mutex<State>>) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let path = lines.next().unwrap_or("").split(' ').nth(1).unwrap_or("").to_owned();
        let headers: BTreeMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 65536];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = buf[head_end..head_end + length].to_vec();
        buf.drain(..head_end + length);
        let reply = {
            let mut st = state.lock().unwrap();
            let reply = if path.ends_with("/metrics") { st.script.pop_front() } else { None };
            st.requests.push(Request { path, headers, body, at: Instant::now() });
            reply.unwrap_or(Reply::Status(200, Vec::new()))
        };
        match reply {
            Reply::HangUp => return,
            Reply::Status(code, extra) => {
                let mut response = format!("HTTP/1.1 {code} X\r\ncontent-length: 0\r\n");
                for (name, value) in extra {
                    response.push_str(&format!("{name}: {value}\r\n"));
                }
                response.push_str("\r\n");
                if stream.write_all(response.as_bytes()).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
        }
    }
}

/// A throwaway certificate authority and a server certificate for 127.0.0.1/localhost.
pub struct TestCa {
    pub ca_pem: String,
    server_der: rustls::pki_types::CertificateDer<'static>,
    server_key: Vec<u8>,
}

impl TestCa {
    pub fn new() -> TestCa {
        use rcgen::{
            BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
            KeyUsagePurpose,
        };
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "logstag test CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let server_key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server = params.signed_by(&server_key, &issuer).unwrap();
        TestCa {
            ca_pem: ca_cert.pem(),
            server_der: server.der().clone(),
            server_key: server_key.serialize_der(),
        }
    }

    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join("test-ca.pem");
        std::fs::write(&path, &self.ca_pem).unwrap();
        path
    }

    fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(self.server_key.clone().into());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![self.server_der.clone()], key)
            .unwrap();
        tokio_rustls::TlsAcceptor::from(Arc::new(config))
    }
}
