//! The Queries tab of an Oracle target: top SQL by SQL_ID (medium tier, `v$sqlstats`).

use crate::collectors::columns;
use crate::model::QueryStat;
use crate::model::present::Column;

pub static STATEMENT_COLUMNS: [Column<QueryStat>; 4] =
    [columns::TOTAL, columns::CALLS, columns::MEAN_MS, columns::QUERY_TEXT];
