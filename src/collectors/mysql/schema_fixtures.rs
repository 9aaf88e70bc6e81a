//! Schema-tier fixtures in `mariadb --batch` format: the replies of `schema_queries`
//! (their aliases as column names). MariaDB 10.11's were captured from a test server
//! (database renamed `shop`, index usage invented); MySQL 8.0's are written in its
//! shapes: types without display width, bare string defaults, `DEFAULT_GENERATED`, an
//! empty GENERATION_EXPRESSION, functional and invisible indexes, `#p#` partitions,
//! CHECK clauses in parentheses, a hidden view and routine body, the InnoDB dictionary.

use super::rows::from_batch;
use super::schema_parse::Reads;

/// What a MariaDB 10.11 server with the demo database `shop` answers.
pub fn mariadb() -> Reads {
    Reads {
        databases: vec!["shop".to_owned()],
        tables: from_batch(MARIADB_TABLES),
        columns: from_batch(MARIADB_COLUMNS),
        indexes: from_batch(MARIADB_INDEXES),
        foreign_keys: from_batch(MARIADB_FOREIGN_KEYS),
        checks: from_batch(MARIADB_CHECKS),
        views: from_batch(MARIADB_VIEWS),
        routines: from_batch(MARIADB_ROUTINES),
        parameters: from_batch(MARIADB_PARAMETERS),
        triggers: from_batch(MARIADB_TRIGGERS),
        events: from_batch(MARIADB_EVENTS),
        index_sizes: Some(from_batch(MARIADB_INDEX_SIZES)),
        index_usage: Some(from_batch(MARIADB_INDEX_USAGE)),
        innodb_tables: from_batch(MARIADB_INNODB),
        ..Default::default()
    }
}

/// What a MySQL 8.0 server with the database `billing` answers (and an empty `reports`).
pub fn mysql8() -> Reads {
    Reads {
        databases: vec!["billing".to_owned(), "reports".to_owned()],
        tables: from_batch(MYSQL8_TABLES),
        columns: from_batch(MYSQL8_COLUMNS),
        indexes: from_batch(MYSQL8_INDEXES),
        foreign_keys: from_batch(MYSQL8_FOREIGN_KEYS),
        checks: from_batch(MYSQL8_CHECKS),
        views: from_batch(MYSQL8_VIEWS),
        routines: from_batch(MYSQL8_ROUTINES),
        parameters: from_batch(MYSQL8_PARAMETERS),
        triggers: from_batch(MYSQL8_TRIGGERS),
        events: from_batch(MYSQL8_EVENTS),
        index_sizes: Some(from_batch(MYSQL8_INDEX_SIZES)),
        index_usage: Some(from_batch(MYSQL8_INDEX_USAGE)),
        innodb_tables: from_batch(MYSQL8_INNODB),
        ..Default::default()
    }
}

pub const MARIADB_TABLES: &str = "\
db\tname\tengine\trow_estimate\tdata_bytes\tindex_bytes\tfree_bytes\tnext_auto_increment\toptions
shop\tlegacy\tMyISAM\t0\t0\t1024\t0\tNULL\t
shop\tparts\tInnoDB\t2\t32768\t0\t0\tNULL\tpartitioned
shop\tcustomers\tInnoDB\t2\t16384\t81920\t0\t3\t
shop\torders\tInnoDB\t0\t16384\t32768\t4194304\t1\t
shop\ttiny\tInnoDB\t2\t16384\t0\t0\t122\t
";

pub const MARIADB_COLUMNS: &str = "\
db\ttable_name\tname\tposition\tcolumn_type\tnullable\tdefault_value\textra\tgeneration
shop\tlegacy\tid\t1\tint(11)\tYES\tNULL\t\tNULL
shop\tlegacy\tv\t2\tint(11)\tYES\tNULL\t\tNULL
shop\tparts\tid\t1\tint(11)\tNO\tNULL\t\tNULL
shop\tparts\td\t2\tdate\tNO\tNULL\t\tNULL
shop\tbig_orders\tid\t1\tbigint(20)\tNO\t0\t\tNULL
shop\tbig_orders\ttotal\t2\tdecimal(10,2)\tYES\tNULL\t\tNULL
shop\tcustomers\tid\t1\tint(10) unsigned\tNO\tNULL\tauto_increment\tNULL
shop\tcustomers\temail\t2\tvarchar(200)\tNO\tNULL\t\tNULL
shop\tcustomers\tname\t3\tvarchar(100)\tYES\t'anon'\t\tNULL
shop\tcustomers\tnote\t4\ttext\tYES\tNULL\t\tNULL
shop\tcustomers\tcreated\t5\tdatetime\tYES\tcurrent_timestamp()\t\tNULL
shop\torders\tid\t1\tbigint(20)\tNO\tNULL\tauto_increment\tNULL
shop\torders\tcustomer_id\t2\tint(10) unsigned\tNO\tNULL\t\tNULL
shop\torders\ttotal\t3\tdecimal(10,2)\tYES\tNULL\t\tNULL
shop\torders\tstatus\t4\ttinyint(4)\tNO\t0\t\tNULL
shop\torders\ttotal_x2\t5\tdecimal(12,2)\tYES\tNULL\tVIRTUAL GENERATED\t`total` * 2
shop\ttiny\tid\t1\ttinyint(4)\tNO\tNULL\tauto_increment\tNULL
shop\ttiny\tv\t2\tint(11)\tYES\tNULL\t\tNULL
";

pub const MARIADB_INDEXES: &str = "\
db\ttable_name\tname\tnon_unique\tseq\tcolumn_name\tsub_part\tsort_order\tindex_type\tignored
shop\tlegacy\tv\t1\t1\tv\tNULL\tA\tBTREE\tNO
shop\tparts\tPRIMARY\t0\t1\tid\tNULL\tA\tBTREE\tNO
shop\tparts\tPRIMARY\t0\t2\td\tNULL\tA\tBTREE\tNO
shop\tcustomers\tPRIMARY\t0\t1\tid\tNULL\tA\tBTREE\tNO
shop\tcustomers\tuq_email\t0\t1\temail\tNULL\tA\tBTREE\tNO
shop\tcustomers\tidx_name\t1\t1\tname\tNULL\tA\tBTREE\tNO
shop\tcustomers\tidx_name_email\t1\t2\temail\tNULL\tA\tBTREE\tNO
shop\tcustomers\tidx_name_email\t1\t1\tname\tNULL\tA\tBTREE\tNO
shop\tcustomers\tidx_name_copy\t1\t1\tname\tNULL\tA\tBTREE\tYES
shop\tcustomers\tidx_note\t1\t1\tnote\t20\tA\tBTREE\tNO
shop\torders\tPRIMARY\t0\t1\tid\tNULL\tA\tBTREE\tNO
shop\torders\tidx_status_desc\t1\t1\tstatus\tNULL\tD\tBTREE\tNO
shop\torders\tfk_customer\t1\t1\tcustomer_id\tNULL\tA\tBTREE\tNO
shop\ttiny\tPRIMARY\t0\t1\tid\tNULL\tA\tBTREE\tNO
";

pub const MARIADB_INDEX_SIZES: &str = "\
db\ttable_name\tname\tpages\tpage_size\tstats_ms
shop\tcustomers\tPRIMARY\t1\t16384\tNULL
shop\tcustomers\tidx_name\t1\t16384\tNULL
shop\tcustomers\tidx_name_copy\t1\t16384\tNULL
shop\tcustomers\tidx_name_email\t1\t16384\tNULL
shop\tcustomers\tidx_note\t1\t16384\tNULL
shop\tcustomers\tuq_email\t1\t16384\tNULL
shop\torders\tPRIMARY\t1\t16384\t1764990000000
shop\torders\tfk_customer\t1\t16384\t1764993600000
shop\torders\tidx_status_desc\t1\t16384\tNULL
shop\tparts#P#p2023\tPRIMARY\t1\t16384\tNULL
shop\tparts#P#pmax\tPRIMARY\t3\t16384\tNULL
shop\ttiny\tPRIMARY\t1\t16384\tNULL
";

pub const MARIADB_INDEX_USAGE: &str = "\
db\ttable_name\tname\tuses\tread_rows
shop\tcustomers\tPRIMARY\t120\t118
shop\tcustomers\tuq_email\t40\t40
shop\tcustomers\tidx_name\t0\t0
shop\tcustomers\tidx_name_email\t5\t5
shop\tcustomers\tidx_name_copy\t0\t0
shop\tcustomers\tidx_note\t0\t0
shop\torders\tPRIMARY\t7\t7
shop\torders\tidx_status_desc\t0\t0
shop\torders\tfk_customer\t0\t0
shop\ttiny\tPRIMARY\t2\t2
shop\tparts\tPRIMARY\t0\t0
";

pub const MARIADB_FOREIGN_KEYS: &str = "\
db\ttable_name\tname\tposition\tcolumn_name\treferenced_db\treferenced_table\treferenced_column\ton_update_rule\ton_delete_rule
shop\torders\tfk_customer\t1\tcustomer_id\tshop\tcustomers\tid\tRESTRICT\tCASCADE
";

pub const MARIADB_CHECKS: &str = "\
db\ttable_name\tname\tclause
shop\tcustomers\tchk_name\t`name` <> ''
shop\torders\ttotal\t`total` >= 0
";

pub const MARIADB_VIEWS: &str = "\
db\tname\tdefinition
shop\tbig_orders\tselect `shop`.`orders`.`id` AS `id`,`shop`.`orders`.`total` AS `total` from `shop`.`orders` where `shop`.`orders`.`total` > 100
";

pub const MARIADB_ROUTINES: &str = "\
db\tname\tkind\treturn_type\tbody_language\tdefinition
shop\tadd_one\tFUNCTION\tint(11)\tSQL\tRETURN x + 1
shop\tnoop\tPROCEDURE\tNULL\tSQL\tBEGIN SET b = 'x'; END
";

pub const MARIADB_PARAMETERS: &str = "\
db\tname\tkind\tposition\tparam_mode\tparam\tdata_type
shop\tadd_one\tFUNCTION\t1\tIN\tx\tint(11)
shop\tnoop\tPROCEDURE\t2\tOUT\tb\tvarchar(10)
shop\tnoop\tPROCEDURE\t1\tIN\ta\tint(11)
";

pub const MARIADB_TRIGGERS: &str = "\
db\tname\ttiming\tfires_on\ttable_name\tdefinition
shop\torders_bi\tBEFORE\tINSERT\torders\tSET NEW.status = 1
";

pub const MARIADB_EVENTS: &str = "\
db\tname\tevery_value\tevery_unit\texecute_at\tstatus\tdefinition
shop\tpurge_old\t1\tHOUR\tNULL\tDISABLED\tDELETE FROM orders WHERE status = 9
";

pub const MARIADB_INNODB: &str = "\
name\tshared\tnext_value
";

pub const MYSQL8_TABLES: &str = "\
db\tname\tengine\trow_estimate\tdata_bytes\tindex_bytes\tfree_bytes\tnext_auto_increment\toptions
billing\tinvoices\tInnoDB\t48213\t5783552\t2637824\t4194304\t48977\trow_format=DYNAMIC
billing\tledger\tInnoDB\t1204\t1589248\t98304\t0\t4294967001\t
billing\tmetrics_2024\tInnoDB\t88000\t9977856\t0\t0\tNULL\tpartitioned
billing\told_audit\tMyISAM\t100\t20480\t1024\t0\tNULL\t
billing\taudit_blob\tInnoDB\t12\t16384\t0\t73400320\tNULL\t
";

pub const MYSQL8_COLUMNS: &str = "\
db\ttable_name\tname\tposition\tcolumn_type\tnullable\tdefault_value\textra\tgeneration
billing\tinvoices\tid\t1\tbigint unsigned\tNO\tNULL\tauto_increment\t
billing\tinvoices\tcustomer_email\t2\tvarchar(320)\tNO\tNULL\t\t
billing\tinvoices\tstatus\t3\tvarchar(16)\tNO\tdraft\t\t
billing\tinvoices\tcreated_at\t4\ttimestamp\tNO\tCURRENT_TIMESTAMP\tDEFAULT_GENERATED\t
billing\tinvoices\tamount_cents\t5\tint\tNO\tNULL\t\t
billing\tinvoices\tamount\t6\tdecimal(12,2)\tYES\tNULL\tSTORED GENERATED\t(`amount_cents` / 100)
billing\tledger\tid\t1\tint unsigned\tNO\tNULL\tauto_increment\t
billing\tledger\tinvoice_id\t2\tbigint unsigned\tNO\tNULL\t\t
billing\tledger\tbooked_on\t3\tdate\tNO\tNULL\t\t
billing\tmetrics_2024\tday\t1\tdate\tNO\tNULL\t\t
billing\tmetrics_2024\tvalue\t2\tdouble\tYES\tNULL\t\t
billing\told_audit\tline\t1\ttext\tYES\tNULL\t\t
billing\taudit_blob\tid\t1\tint\tNO\tNULL\t\t
billing\tpaid_invoices\tid\t1\tbigint unsigned\tNO\t0\t\t
";

pub const MYSQL8_INDEXES: &str = "\
db\ttable_name\tname\tnon_unique\tseq\tcolumn_name\tsub_part\tsort_order\tindex_type\texpression\tvisible
billing\tinvoices\tPRIMARY\t0\t1\tid\tNULL\tA\tBTREE\tNULL\tYES
billing\tinvoices\tidx_email_lower\t1\t1\tNULL\tNULL\tA\tBTREE\tlower(`customer_email`)\tYES
billing\tinvoices\tidx_status\t1\t1\tstatus\tNULL\tA\tBTREE\tNULL\tNO
billing\tinvoices\tidx_status_created\t1\t1\tstatus\tNULL\tA\tBTREE\tNULL\tYES
billing\tinvoices\tidx_status_created\t1\t2\tcreated_at\tNULL\tD\tBTREE\tNULL\tYES
billing\tledger\tPRIMARY\t0\t1\tid\tNULL\tA\tBTREE\tNULL\tYES
billing\tledger\tfk_ledger_invoice\t1\t1\tinvoice_id\tNULL\tA\tBTREE\tNULL\tYES
billing\tledger\tidx_invoice_booked\t1\t1\tinvoice_id\tNULL\tA\tBTREE\tNULL\tYES
billing\tledger\tidx_invoice_booked\t1\t2\tbooked_on\tNULL\tA\tBTREE\tNULL\tYES
billing\tmetrics_2024\tPRIMARY\t0\t1\tday\tNULL\tA\tBTREE\tNULL\tYES
billing\told_audit\tft_line\t1\t1\tline\tNULL\tNULL\tFULLTEXT\tNULL\tYES
billing\taudit_blob\tPRIMARY\t0\t1\tid\tNULL\tA\tBTREE\tNULL\tYES
";

pub const MYSQL8_INDEX_SIZES: &str = "\
db\ttable_name\tname\tpages\tpage_size
billing\tinvoices\tPRIMARY\t353\t16384
billing\tinvoices\tidx_email_lower\t97\t16384
billing\tinvoices\tidx_status\t33\t16384
billing\tinvoices\tidx_status_created\t31\t16384
billing\tledger\tPRIMARY\t97\t16384
billing\tledger\tfk_ledger_invoice\t3\t16384
billing\tledger\tidx_invoice_booked\t3\t16384
billing\tmetrics_2024#p#p202401\tPRIMARY\t300\t16384
billing\tmetrics_2024#p#p202402\tPRIMARY\t309\t16384
billing\taudit_blob\tPRIMARY\t1\t16384
";

pub const MYSQL8_INDEX_USAGE: &str = "\
db\ttable_name\tname\tuses\tread_rows
billing\tinvoices\tPRIMARY\t91234\t91000
billing\tinvoices\tidx_email_lower\t310\t310
billing\tinvoices\tidx_status\t0\t0
billing\tinvoices\tidx_status_created\t4410\t4400
billing\tledger\tPRIMARY\t5\t5
billing\tledger\tfk_ledger_invoice\t0\t0
billing\tledger\tidx_invoice_booked\t12\t12
";

pub const MYSQL8_FOREIGN_KEYS: &str = "\
db\ttable_name\tname\tposition\tcolumn_name\treferenced_db\treferenced_table\treferenced_column\ton_update_rule\ton_delete_rule
billing\tledger\tfk_ledger_invoice\t1\tinvoice_id\tbilling\tinvoices\tid\tNO ACTION\tCASCADE
";

pub const MYSQL8_CHECKS: &str = "\
db\ttable_name\tname\tclause
billing\tinvoices\tinvoices_chk_1\t(`amount_cents` >= 0)
";

pub const MYSQL8_VIEWS: &str = "\
db\tname\tdefinition
billing\tpaid_invoices\tselect `billing`.`invoices`.`id` AS `id` from `billing`.`invoices` where (`billing`.`invoices`.`status` = 'paid')
billing\tfinance_summary\t
";

pub const MYSQL8_ROUTINES: &str = "\
db\tname\tkind\treturn_type\tbody_language\tdefinition
billing\tnext_invoice_no\tFUNCTION\tbigint\tSQL\tNULL
";

pub const MYSQL8_PARAMETERS: &str = "\
db\tname\tkind\tposition\tparam_mode\tparam\tdata_type
billing\tnext_invoice_no\tFUNCTION\t1\tNULL\tprefix\tvarchar(8)
";

pub const MYSQL8_TRIGGERS: &str = "\
db\tname\ttiming\tfires_on\ttable_name\tdefinition
";

pub const MYSQL8_EVENTS: &str = "\
db\tname\tevery_value\tevery_unit\texecute_at\tstatus\tdefinition
billing\tclose_month\tNULL\tNULL\t2025-02-01 00:00:00\tENABLED\tUPDATE invoices SET status = 'closed' WHERE status = 'paid'
";

pub const MYSQL8_INNODB: &str = "\
name\tshared\tnext_value
billing/invoices\t0\t49001
billing/ledger\t0\t4294967001
billing/audit_blob\t1\tNULL
mysql/innodb_index_stats\t1\tNULL
";
