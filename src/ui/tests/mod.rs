//! UI tests: snapshots of every tab from a realistic dataset, no-panic sweeps over tiny
//! sizes, and behaviour of the state machine driven by actions.

mod alerts;
mod behaviour;
mod compare;
mod fixtures;
mod fixtures_redis;
mod fixtures_schema;
mod fleet;
mod health;
mod hostile;
mod plan;
mod redis;
mod render;
mod schema;
mod travel;
