//! Small reusable pieces shared by the tabs.

pub mod data_table;
pub mod filter_input;
pub mod sparkline;
pub mod status_badge;
pub mod time_chart;
