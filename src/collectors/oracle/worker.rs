//! The Oracle driver blocks, so each target gets one named thread (`logstag-oracle-<n>`)
//! that owns its connection and answers requests from the async collector over a
//! channel, never a runtime worker thread.
//!
//! Why one thread and not `spawn_blocking` per statement: a connect or a call that never
//! returns would keep a pool thread for ever, and each retry would add one. Here a stuck
//! call keeps only this thread; at most one more request may queue behind it, further
//! ones are refused at once ("still waiting"), the scheduler's deadline marks the target
//! down, and no new thread appears. The thread ends when the collector is dropped.

use super::connect::Settings;
use super::failure::Failure;
use crate::collectors::text_rows::TextRow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use tokio::sync::oneshot;

/// A value bound to a statement's placeholder (`:1`, `:2`…), in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    Int(i64),
}

/// One statement to run.
#[derive(Debug, Clone)]
pub struct Request {
    pub sql: String,
    pub binds: Vec<Bind>,
    /// Rows past this many are not fetched (the statement should limit itself as well).
    pub max_rows: usize,
    /// `v$session.ACTION` while it runs: the tier's name.
    pub action: &'static str,
}

/// What the server says about itself at connect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerInfo {
    /// `19.22.0.0.0`.
    pub version: String,
    pub major: u32,
}

/// Talks to the server on the worker thread: the real driver (`driver.rs`), or in tests
/// a stand-in for the thread's own mechanics (queueing, stuck calls).
pub trait Backend: Send + 'static {
    type Session;
    fn connect(&mut self, settings: &Settings) -> Result<(Self::Session, ServerInfo), Failure>;
    fn query(&mut self, session: &Self::Session, request: &Request) -> Result<Vec<TextRow>, Failure>;
}

enum Job {
    Connect(Box<Settings>, oneshot::Sender<Result<ServerInfo, Failure>>),
    Query(Request, oneshot::Sender<Result<Vec<TextRow>, Failure>>),
}

const STOPPED: &str = "the Oracle worker thread stopped";
const BUSY: &str = "the previous call to the server has not returned yet";

pub struct Worker {
    jobs: SyncSender<Job>,
    /// Cleared when the thread ends, a panic in the driver included.
    alive: Arc<AtomicBool>,
    /// Set by `disconnect`: a flag rather than a queued job, so that it never takes the
    /// queue's one slot from the reconnect that follows it.
    drop_session: Arc<AtomicBool>,
}

/// Clears `alive` when the thread's function returns or unwinds.
struct Alive(Arc<AtomicBool>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl Worker {
    pub fn spawn<B: Backend>(backend: B, thread_name: String) -> std::io::Result<Worker> {
        // One job may wait behind the one running; more are refused (see the module doc).
        let (jobs, queue) = sync_channel(1);
        let alive = Arc::new(AtomicBool::new(true));
        let guard = Alive(alive.clone());
        let drop_session = Arc::new(AtomicBool::new(false));
        let dropped = drop_session.clone();
        std::thread::Builder::new().name(thread_name).spawn(move || {
            let _guard = guard;
            serve(backend, queue, &dropped)
        })?;
        Ok(Worker { jobs, alive, drop_session })
    }

    /// Connects (replacing any connection the thread holds).
    pub async fn connect(&self, settings: Settings) -> Result<ServerInfo, Failure> {
        self.call(|reply| Job::Connect(Box::new(settings), reply)).await
    }

    pub async fn query(&self, request: Request) -> Result<Vec<TextRow>, Failure> {
        self.call(|reply| Job::Query(request, reply)).await
    }

    /// Drops the connection once the running call (if any) has returned.
    pub fn disconnect(&self) {
        self.drop_session.store(true, Ordering::SeqCst);
    }

    /// Whether the thread still serves requests (false after it died).
    pub fn is_alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }

    async fn call<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, Failure>>) -> Job,
    ) -> Result<T, Failure> {
        let (reply, answer) = oneshot::channel();
        match self.jobs.try_send(job(reply)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Failure::Lost(BUSY.to_owned())),
            Err(TrySendError::Disconnected(_)) => return Err(Failure::Lost(STOPPED.to_owned())),
        }
        answer.await.unwrap_or_else(|_| Err(Failure::Lost(STOPPED.to_owned())))
    }
}

fn serve<B: Backend>(mut backend: B, queue: Receiver<Job>, drop_session: &AtomicBool) {
    let mut session = None;
    for job in queue {
        if drop_session.swap(false, Ordering::SeqCst) {
            session = None;
        }
        match job {
            Job::Connect(settings, reply) => {
                session = None;
                let result = backend.connect(&settings).map(|(s, info)| {
                    session = Some(s);
                    info
                });
                let _ = reply.send(result);
            }
            Job::Query(request, reply) => {
                let result = match &session {
                    Some(s) => backend.query(s, &request),
                    None => Err(Failure::Lost("not connected".to_owned())),
                };
                if matches!(result, Err(Failure::Lost(_))) {
                    session = None;
                }
                let _ = reply.send(result);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// Answers one row naming the statement; `sleep` makes a call that does not return
    /// in time. Counts the threads that run it, to show that no thread is ever added.
    struct Stand {
        sleep: Duration,
        connects: Arc<AtomicUsize>,
    }

    impl Backend for Stand {
        type Session = ();
        fn connect(&mut self, _: &Settings) -> Result<((), ServerInfo), Failure> {
            self.connects.fetch_add(1, Ordering::SeqCst);
            Ok(((), ServerInfo { version: "19.3.0.0.0".into(), major: 19 }))
        }
        fn query(&mut self, _: &(), request: &Request) -> Result<Vec<TextRow>, Failure> {
            std::thread::sleep(self.sleep);
            if request.sql == "panic" {
                panic!("a driver bug");
            }
            if request.sql == "lose" {
                return Err(Failure::Lost("ORA-03113".into()));
            }
            Ok(vec![TextRow::new(Arc::from(vec!["SQL".to_owned()]), vec![Some(request.sql.clone())])])
        }
    }

    fn request(sql: &str) -> Request {
        Request { sql: sql.into(), binds: vec![], max_rows: 10, action: "high" }
    }

    #[tokio::test]
    async fn answers_in_order_and_reconnects_after_a_lost_connection() {
        let connects = Arc::new(AtomicUsize::new(0));
        let w =
            Worker::spawn(Stand { sleep: Duration::ZERO, connects: connects.clone() }, "t".into()).unwrap();
        assert!(matches!(w.query(request("x")).await, Err(Failure::Lost(m)) if m == "not connected"));
        assert_eq!(w.connect(Settings::default()).await.unwrap().major, 19);
        let rows = w.query(request("SELECT 1 FROM dual")).await.unwrap();
        assert_eq!(rows[0].get("sql"), Some("SELECT 1 FROM dual"));
        assert!(matches!(w.query(request("lose")).await, Err(Failure::Lost(_))));
        assert!(matches!(w.query(request("x")).await, Err(Failure::Lost(m)) if m == "not connected"));
        w.connect(Settings::default()).await.unwrap();
        assert!(w.query(request("y")).await.is_ok());
        assert_eq!(connects.load(Ordering::SeqCst), 2);
        assert!(w.is_alive());
    }

    #[tokio::test]
    async fn a_disconnect_never_takes_the_slot_of_the_reconnect_after_it() {
        let w = Worker::spawn(
            Stand { sleep: Duration::ZERO, connects: Arc::new(AtomicUsize::new(0)) },
            "t".into(),
        )
        .unwrap();
        for _ in 0..200 {
            w.connect(Settings::default()).await.unwrap();
            w.disconnect();
            assert!(matches!(w.query(request("x")).await, Err(Failure::Lost(m)) if m == "not connected"));
            w.disconnect();
            w.connect(Settings::default()).await.expect("the reconnect is never refused as busy");
            assert!(w.query(request("y")).await.is_ok());
        }
    }

    #[tokio::test]
    async fn a_stuck_call_refuses_more_work_instead_of_queueing_it() {
        let w = Worker::spawn(
            Stand { sleep: Duration::from_millis(400), connects: Arc::new(AtomicUsize::new(0)) },
            "t".into(),
        )
        .unwrap();
        w.connect(Settings::default()).await.unwrap();
        // The caller gives up (the scheduler's deadline), the call goes on in the thread.
        let gave_up = tokio::time::timeout(Duration::from_millis(50), w.query(request("slow"))).await;
        assert!(gave_up.is_err());
        // One more may wait behind it; the next is refused at once.
        let (tx, queued) = oneshot::channel();
        w.jobs.try_send(Job::Query(request("queued"), tx)).unwrap();
        let started = std::time::Instant::now();
        assert!(matches!(w.query(request("third")).await, Err(Failure::Lost(m)) if m == BUSY));
        assert!(started.elapsed() < Duration::from_millis(100));
        assert!(queued.await.unwrap().is_ok(), "the queued one still runs");
        assert!(w.query(request("later")).await.is_ok());
    }

    #[tokio::test]
    async fn a_panic_in_the_driver_is_a_lost_connection_not_a_crash() {
        let w = Worker::spawn(
            Stand { sleep: Duration::ZERO, connects: Arc::new(AtomicUsize::new(0)) },
            "t".into(),
        )
        .unwrap();
        w.connect(Settings::default()).await.unwrap();
        assert!(matches!(w.query(request("panic")).await, Err(Failure::Lost(m)) if m == STOPPED));
        for _ in 0..100 {
            if !w.is_alive() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(!w.is_alive());
        assert!(matches!(w.query(request("x")).await, Err(Failure::Lost(m)) if m == STOPPED));
    }
}
