//! The TDS mock (`support::tds`) against tiberius itself: login, every column type the
//! SQL Server collector reads (with NULLs), errors, timeouts and cancel, authentication,
//! multi-statement batches. If these pass, tests of the collector against the mock run the
//! driver's real decoding.

use crate::support::tds::{Login, Reply, ResultSet, SqlType, TdsServer, Value};
use std::time::{Duration, Instant};
use tiberius::numeric::Numeric;
use tiberius::xml::XmlData;
use tiberius::{AuthMethod, Client, ColumnData, Config, EncryptionLevel, Row, Uuid};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

type Conn = Client<Compat<TcpStream>>;

async fn connect_with(server: &TdsServer, tweak: impl FnOnce(&mut Config)) -> tiberius::Result<Conn> {
    let mut config = Config::new();
    config.host("127.0.0.1");
    config.port(server.port);
    config.encryption(EncryptionLevel::NotSupported);
    config.authentication(AuthMethod::sql_server("logstag_monitor", "s3cret!"));
    config.readonly(true);
    config.application_name("logstag");
    tweak(&mut config);
    let tcp = TcpStream::connect(("127.0.0.1", server.port)).await.expect("reach the mock");
    tcp.set_nodelay(true).expect("nodelay");
    Client::connect(config, tcp.compat_write()).await
}

async fn connect(server: &TdsServer) -> Conn {
    connect_with(server, |_| {}).await.expect("log in to the mock")
}

async fn rows(client: &mut Conn, sql: &str) -> Vec<Row> {
    client.simple_query(sql).await.expect("query").into_first_result().await.expect("rows")
}

fn every_type() -> ResultSet {
    ResultSet::new(&[
        ("is_user_process", SqlType::Bit),
        ("tiny", SqlType::TinyInt),
        ("session_id", SqlType::SmallInt),
        ("cpu_time", SqlType::Int),
        ("wait_time", SqlType::BigInt),
        ("ratio", SqlType::Real),
        ("total_elapsed", SqlType::Float),
        ("avg_cost", SqlType::Decimal(18, 4)),
        ("big_sum", SqlType::Numeric(38, 10)),
        ("login_name", SqlType::NVarChar),
        ("host_name", SqlType::VarChar),
        ("sql_text", SqlType::NVarCharMax),
        ("query_plan", SqlType::Xml),
        ("query_hash", SqlType::Binary(8)),
        ("plan_handle", SqlType::VarBinary(64)),
        ("connection_id", SqlType::UniqueIdentifier),
        ("login_time", SqlType::DateTime),
        ("start_time", SqlType::DateTime2),
        ("sampled_at", SqlType::DateTimeOffset),
    ])
}

fn long_sql() -> String {
    // Over 20 KB of UTF-16 with non-ASCII and a surrogate pair: many PLP chunks and packets.
    "SELECT N'€ and 😀' AS x, name FROM sys.objects WHERE name LIKE N'%é%';\n".repeat(160)
}

const PLAN: &str = "<ShowPlanXML xmlns=\"http://schemas.microsoft.com/sqlserver/2004/07/showplan\" Version=\"1.564\"><BatchSequence/></ShowPlanXML>";

fn plan_handle() -> Vec<u8> {
    (0u8..44).collect()
}

fn full_row() -> Vec<Value> {
    vec![
        Value::Bool(true),
        Value::U8(200),
        Value::I16(51),
        Value::I32(-7),
        Value::I64(9_000_000_000),
        Value::F32(0.25),
        Value::F64(12.5),
        Value::Decimal("-1234.56"),
        Value::Decimal("12345678901234567890.0123456789"),
        Value::Str("app ü €"),
        Value::Str("café"),
        Value::String(long_sql()),
        Value::Str(PLAN),
        Value::Bytes(vec![0x1A, 0x2B, 0x3C, 0x4D, 0x5E, 0x6F, 0x70, 0x81]),
        Value::Bytes(plan_handle()),
        Value::Guid("6F9619FF-8B86-D011-B42D-00C04FC964FF"),
        Value::DateTime("2024-05-01 12:34:56.123"),
        Value::DateTime2("2024-05-01 12:34:56.1234567"),
        Value::DateTimeOffset("2024-05-01 01:00:00.5 +02:00"),
    ]
}

/// 2024-05-01 in days since 0001-01-01 (datetime2) and since 1900-01-01 (datetime):
/// 19844 days after 1970-01-01, which is day 719162 and day 25567 of those calendars.
const MAY_1_2024: u32 = 719_162 + 19_844;
const MAY_1_2024_SINCE_1900: i32 = 25_567 + 19_844;

fn check_full_row(row: &Row) {
    assert_eq!(row.get::<bool, _>("is_user_process"), Some(true));
    assert_eq!(row.get::<u8, _>("tiny"), Some(200));
    assert_eq!(row.get::<i16, _>("session_id"), Some(51));
    assert_eq!(row.get::<i32, _>("session_id"), Some(51), "smallint widens to i32");
    assert_eq!(row.get::<i32, _>("cpu_time"), Some(-7));
    assert_eq!(row.get::<i64, _>("wait_time"), Some(9_000_000_000));
    assert_eq!(row.get::<f32, _>("ratio"), Some(0.25));
    assert_eq!(row.get::<f64, _>("total_elapsed"), Some(12.5));
    let avg = row.get::<Numeric, _>("avg_cost").expect("decimal");
    assert_eq!((avg.value(), avg.scale()), (-12_345_600, 4));
    let big = row.get::<Numeric, _>("big_sum").expect("numeric");
    assert_eq!((big.value(), big.scale()), (123_456_789_012_345_678_900_123_456_789, 10));
    assert_eq!(row.get::<&str, _>("login_name"), Some("app ü €"));
    assert_eq!(row.get::<&str, _>("host_name"), Some("café"), "varchar decoded as code page 1252");
    assert_eq!(row.get::<&str, _>("sql_text"), Some(long_sql().as_str()));
    assert_eq!(row.get::<&XmlData, _>("query_plan").map(|x| x.to_string()).as_deref(), Some(PLAN));
    assert_eq!(
        row.get::<&[u8], _>("query_hash"),
        Some(&[0x1A, 0x2B, 0x3C, 0x4D, 0x5E, 0x6F, 0x70, 0x81][..])
    );
    assert_eq!(row.get::<&[u8], _>("plan_handle"), Some(&plan_handle()[..]));
    let guid = Uuid::parse_str("6F9619FF-8B86-D011-B42D-00C04FC964FF").unwrap();
    assert_eq!(row.get::<Uuid, _>("connection_id"), Some(guid));
    match row.get_column_data("login_time").unwrap() {
        // .123 s is 36.9 ticks of 1/300 s, rounded to 37.
        ColumnData::DateTime(Some(dt)) => {
            assert_eq!((dt.days(), dt.seconds_fragments()), (MAY_1_2024_SINCE_1900, 45_296 * 300 + 37))
        }
        other => panic!("login_time: {other:?}"),
    }
    match row.get_column_data("start_time").unwrap() {
        ColumnData::DateTime2(Some(dt)) => {
            assert_eq!(dt.date().days(), MAY_1_2024);
            assert_eq!((dt.time().increments(), dt.time().scale()), (45_296 * 10_000_000 + 1_234_567, 7));
        }
        other => panic!("start_time: {other:?}"),
    }
    match row.get_column_data("sampled_at").unwrap() {
        // 01:00:00.5 at +02:00 is 23:00:00.5 UTC the day before.
        ColumnData::DateTimeOffset(Some(dto)) => {
            assert_eq!(dto.offset(), 120);
            assert_eq!(dto.datetime2().date().days(), MAY_1_2024 - 1);
            assert_eq!(dto.datetime2().time().increments(), 23 * 3600 * 10_000_000 + 5_000_000);
        }
        other => panic!("sampled_at: {other:?}"),
    }
}

fn check_null_row(row: &Row) {
    assert_eq!(row.get::<bool, _>("is_user_process"), None);
    assert_eq!(row.get::<u8, _>("tiny"), None);
    assert_eq!(row.get::<i16, _>("session_id"), None);
    assert_eq!(row.get::<i32, _>("cpu_time"), None);
    assert_eq!(row.get::<i64, _>("wait_time"), None);
    assert_eq!(row.get::<f32, _>("ratio"), None);
    assert_eq!(row.get::<f64, _>("total_elapsed"), None);
    assert_eq!(row.get::<Numeric, _>("avg_cost"), None);
    assert_eq!(row.get::<Numeric, _>("big_sum"), None);
    for text in ["login_name", "host_name", "sql_text"] {
        assert_eq!(row.get::<&str, _>(text), None, "{text}");
    }
    assert!(row.get::<&XmlData, _>("query_plan").is_none());
    assert_eq!(row.get::<&[u8], _>("query_hash"), None);
    assert_eq!(row.get::<&[u8], _>("plan_handle"), None);
    assert_eq!(row.get::<Uuid, _>("connection_id"), None);
    assert_eq!(row.get_column_data("login_time").unwrap(), &ColumnData::DateTime(None));
    assert_eq!(row.get_column_data("start_time").unwrap(), &ColumnData::DateTime2(None));
    assert_eq!(row.get_column_data("sampled_at").unwrap(), &ColumnData::DateTimeOffset(None));
}

#[tokio::test]
async fn login_is_recorded_with_app_name_and_read_only_intent() {
    let server = TdsServer::start(vec![Reply::for_sql(
        "@@VERSION",
        ResultSet::new(&[("v", SqlType::NVarChar)]).row(&[Value::Str("Microsoft SQL Server 2022")]),
    )]);
    let mut client = connect_with(&server, |c| c.database("monitoring")).await.expect("login");
    let got = rows(&mut client, "SELECT @@VERSION AS v").await;
    assert_eq!(got[0].get::<&str, _>("v"), Some("Microsoft SQL Server 2022"));
    assert_eq!(
        server.logins_seen(),
        vec![Login {
            user: "logstag_monitor".into(),
            database: "monitoring".into(),
            app_name: "logstag".into(),
            server_name: "127.0.0.1".into(),
            read_only_intent: true,
        }]
    );
    assert_eq!(server.queries_seen(), vec!["SELECT @@VERSION AS v".to_string()]);

    // Without readonly and database: the flag is clear and the server picks master.
    let mut plain = connect_with(&server, |c| c.readonly(false)).await.expect("login");
    rows(&mut plain, "SELECT @@VERSION AS v").await;
    let second = &server.logins_seen()[1];
    assert!(!second.read_only_intent);
    assert_eq!(second.database, "");
}

#[tokio::test]
async fn every_type_round_trips_through_tiberius_with_nulls() {
    let nulls = vec![Value::Null; 19];
    let set = every_type().row(&full_row()).row(&nulls);
    let server = TdsServer::start(vec![Reply::for_sql("dm_exec_sessions", set.clone())]);
    let mut client = connect(&server).await;
    let got = rows(&mut client, "SELECT * FROM sys.dm_exec_sessions").await;
    assert_eq!(got.len(), 2);
    check_full_row(&got[0]);
    check_null_row(&got[1]);

    // The same through NBCROW tokens (nulls in a bitmap) and tiberius' RPC path
    // (`query` sends sp_executesql, not a batch).
    let server = TdsServer::start(vec![Reply::for_sql("dm_exec_sessions", set.null_bitmap_rows())]);
    let mut client = connect(&server).await;
    let sql = "SELECT * FROM sys.dm_exec_sessions WHERE session_id > @P1";
    let got = client.query(sql, &[&50i32]).await.unwrap().into_first_result().await.unwrap();
    assert_eq!(got.len(), 2);
    check_full_row(&got[0]);
    check_null_row(&got[1]);
    assert_eq!(server.queries_seen(), vec![sql.to_string()]);

    // A statement long enough that tiberius sends it as nvarchar(max) PLP and in
    // several packets; the mock reassembles it.
    let long = format!("SELECT * FROM sys.dm_exec_sessions /* {} */", "x".repeat(9000));
    let got = client.query(long.as_str(), &[]).await.unwrap().into_first_result().await.unwrap();
    assert_eq!(got.len(), 2);
    let long_batch = format!("{long} -- as a batch");
    assert_eq!(rows(&mut client, &long_batch).await.len(), 2);
    assert_eq!(server.queries_seen()[1..], [long, long_batch]);
}

#[tokio::test]
async fn an_error_reply_surfaces_as_a_server_error_with_its_number() {
    let message = "The user does not have permission to perform this action.";
    let server = TdsServer::start(vec![
        Reply::error_for_sql("fn_xe_file_target_read_file", 297, message),
        Reply::for_sql(
            "SERVERPROPERTY",
            ResultSet::new(&[("edition", SqlType::NVarChar)])
                .row(&[Value::Str("Developer Edition (64-bit)")]),
        ),
    ]);
    let mut client = connect(&server).await;
    let sql =
        "SELECT event_data FROM sys.fn_xe_file_target_read_file('system_health*.xel', NULL, NULL, NULL)";
    let err = client.simple_query(sql).await.expect_err("the mock answers with an error");
    assert_eq!(err.code(), Some(297), "{err:?}");
    let tiberius::error::Error::Server(token) = &err else { panic!("not a server error: {err:?}") };
    assert_eq!((token.message(), token.class()), (message, 16));

    // The same through RPC, then the connection is still good.
    let err = client.query(sql, &[]).await.expect_err("error over RPC too");
    assert_eq!(err.code(), Some(297), "{err:?}");
    let got = rows(&mut client, "SELECT SERVERPROPERTY('Edition') AS edition").await;
    assert_eq!(got[0].get::<&str, _>(0), Some("Developer Edition (64-bit)"));

    // SQL nobody scripted is an error 208 naming the statement, not an empty result.
    let err = client.simple_query("SELECT * FROM sys.dm_os_ring_buffers").await.expect_err("unscripted");
    assert_eq!(err.code(), Some(208));
    assert!(err.to_string().contains("dm_os_ring_buffers"), "{err}");
}

#[tokio::test]
async fn multi_statement_set_batches_work() {
    let sessions =
        ResultSet::new(&[("session_id", SqlType::SmallInt)]).row(&[Value::I16(51)]).row(&[Value::I16(52)]);
    let server = TdsServer::start(vec![
        Reply::for_sql("dm_exec_sessions", sessions),
        Reply::for_sql("@@SPID", ResultSet::new(&[("spid", SqlType::SmallInt)]).row(&[Value::I16(51)])),
    ]);
    let mut client = connect(&server).await;
    let results = client
        .simple_query("SET LOCK_TIMEOUT 1000; SET DEADLOCK_PRIORITY LOW;")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert!(results.iter().all(Vec::is_empty), "{results:?}");

    // SETs, then two selects: two result sets; a ';' inside a string or comment does
    // not split the statement.
    let batch = "SET LOCK_TIMEOUT 1000;\nSELECT session_id FROM sys.dm_exec_sessions WHERE program_name <> 'a;b' -- x;y\n;SELECT @@SPID AS spid";
    let results = client.simple_query(batch).await.unwrap().into_results().await.unwrap();
    let sizes: Vec<usize> = results.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 1]);
    assert_eq!(results[0][1].get::<i16, _>(0), Some(52));

    // `execute` (RPC) of SETs: no rows, no error.
    let done = client.execute("SET LOCK_TIMEOUT 1000; SET DEADLOCK_PRIORITY LOW", &[]).await.unwrap();
    assert_eq!(done.total(), 0);
}

#[tokio::test]
async fn a_stalled_reply_trips_the_command_timeout_and_the_connection_is_replaced() {
    let server = TdsServer::start(vec![
        Reply::delay_for_sql("dm_os_wait_stats", Duration::from_secs(10)),
        Reply::for_sql("@@SPID", ResultSet::new(&[("spid", SqlType::SmallInt)]).row(&[Value::I16(53)])),
    ]);
    let mut client =
        connect_with(&server, |c| c.command_timeout(Some(Duration::from_millis(300)))).await.unwrap();
    let started = Instant::now();
    let err = client.simple_query("SELECT * FROM sys.dm_os_wait_stats").await.expect_err("times out");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert!(
        matches!(&err, tiberius::error::Error::Io { kind: std::io::ErrorKind::TimedOut, .. }),
        "not a timeout: {err:?}"
    );
    // tiberius refuses to reuse the half-read connection, at once and without hanging.
    let reuse =
        tokio::time::timeout(Duration::from_secs(2), client.simple_query("SELECT @@SPID AS spid")).await;
    let err = reuse.expect("no hang").expect_err("desynced connection refused");
    assert!(err.to_string().contains("command timeout"), "{err}");
    drop(client);

    let mut fresh = connect(&server).await;
    assert_eq!(rows(&mut fresh, "SELECT @@SPID AS spid").await[0].get::<i16, _>(0), Some(53));
}

#[tokio::test]
async fn a_cancelled_query_sends_attention_and_the_connection_stays_usable() {
    let server = TdsServer::start(vec![
        Reply::delay_for_sql("dm_os_wait_stats", Duration::from_secs(10)),
        Reply::for_sql("@@SPID", ResultSet::new(&[("spid", SqlType::SmallInt)]).row(&[Value::I16(54)])),
    ]);
    let mut client = connect_with(&server, |c| c.command_timeout(None)).await.unwrap();
    let started = Instant::now();
    let stalled = client.simple_query("SELECT * FROM sys.dm_os_wait_stats");
    let timed_out = tokio::time::timeout(Duration::from_millis(300), stalled).await.is_err();
    assert!(timed_out, "the stalled query should not finish");
    client.cancel_query().await.expect("ATTENTION acknowledged");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(server.attentions_seen(), 1);
    assert_eq!(rows(&mut client, "SELECT @@SPID AS spid").await[0].get::<i16, _>(0), Some(54));
}

#[tokio::test]
async fn a_wrong_password_fails_with_18456() {
    let server = TdsServer::start_with_password(vec![], "s3cret!");
    let err = connect_with(&server, |c| c.authentication(AuthMethod::sql_server("logstag_monitor", "wrong")))
        .await
        .expect_err("login refused");
    assert_eq!(err.code(), Some(18456), "{err:?}");
    assert!(err.to_string().contains("Login failed for user 'logstag_monitor'"), "{err}");
    // The right one (non-ASCII characters survive the password scrambling) logs in.
    let server = TdsServer::start_with_password(vec![], "pä$$wörd😀");
    connect_with(&server, |c| c.authentication(AuthMethod::sql_server("logstag_monitor", "pä$$wörd😀")))
        .await
        .expect("right password");
    assert_eq!(server.logins_seen().len(), 1);
}

#[tokio::test]
async fn a_client_that_wants_tls_is_refused_cleanly() {
    let server = TdsServer::start(vec![]);
    for level in [EncryptionLevel::Required, EncryptionLevel::On, EncryptionLevel::Strict] {
        let attempt = tokio::time::timeout(
            Duration::from_secs(10),
            connect_with(&server, |c| {
                c.encryption(level);
                c.trust_cert();
            }),
        )
        .await
        .expect("refused promptly, not hung");
        assert!(attempt.is_err(), "{level:?} should not connect");
    }
    assert_eq!(server.tls_refusals(), 3);
    assert!(server.logins_seen().is_empty());
}
