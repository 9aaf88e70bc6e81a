//! Pure reply parsers: text replies (`INFO`, `CLIENT LIST`, `CLUSTER …`) and RESP
//! structures (`SLOWLOG GET`, `LATENCY LATEST`, `MEMORY STATS`, `ROLE`, `CONFIG GET`,
//! `ACL GETUSER`). No I/O; every function accepts any input without panicking.

pub mod clients;
pub mod cluster;
pub mod info;
pub mod replies;
pub mod slowlog;
pub mod value;

pub use info::Info;
