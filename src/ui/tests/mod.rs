//! UI tests: snapshots of every tab from a realistic dataset, no-panic sweeps over tiny
//! sizes, and behaviour of the state machine driven by actions.

mod alerts;
mod behaviour;
mod fixtures;
mod health;
mod render;
mod schema;
