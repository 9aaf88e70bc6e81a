use super::*;

/// `EXPLAIN (FORMAT JSON) SELECT c.name, sum(o.amount) FROM orders o JOIN customers c ON
/// c.id = o.customer_id LEFT JOIN notes n ON n.order_id = o.id WHERE o.amount > 100
/// GROUP BY c.name ORDER BY 2 DESC` as PostgreSQL 16 writes it (costs trimmed).
const JOINS: &str = r#"[
  {
    "Plan": {
      "Node Type": "Sort", "Parallel Aware": false, "Async Capable": false,
      "Startup Cost": 412.5, "Total Cost": 415.0, "Plan Rows": 1000, "Plan Width": 40,
      "Sort Key": ["(sum(o.amount)) DESC"],
      "Plans": [
        {
          "Node Type": "Aggregate", "Strategy": "Hashed", "Partial Mode": "Simple",
          "Parent Relationship": "Outer", "Parallel Aware": false,
          "Startup Cost": 390.0, "Total Cost": 400.0, "Plan Rows": 1000, "Plan Width": 40,
          "Group Key": ["c.name"],
          "Plans": [
            {
              "Node Type": "Hash Join", "Parent Relationship": "Outer", "Parallel Aware": false,
              "Join Type": "Left", "Startup Cost": 60.0, "Total Cost": 350.0, "Plan Rows": 3000,
              "Plan Width": 36, "Inner Unique": false, "Hash Cond": "(o.id = n.order_id)",
              "Plans": [
                {
                  "Node Type": "Nested Loop", "Parent Relationship": "Outer", "Join Type": "Inner",
                  "Startup Cost": 0.29, "Total Cost": 250.0, "Plan Rows": 3000, "Plan Width": 40,
                  "Plans": [
                    {
                      "Node Type": "Seq Scan", "Parent Relationship": "Outer", "Parallel Aware": false,
                      "Relation Name": "orders", "Alias": "o", "Startup Cost": 0.0,
                      "Total Cost": 180.0, "Plan Rows": 3000, "Plan Width": 16,
                      "Filter": "(amount > '100'::numeric)"
                    },
                    {
                      "Node Type": "Index Scan", "Parent Relationship": "Inner", "Parallel Aware": false,
                      "Scan Direction": "Forward", "Index Name": "customers_pkey",
                      "Relation Name": "customers", "Alias": "c", "Startup Cost": 0.28,
                      "Total Cost": 0.3, "Plan Rows": 1, "Plan Width": 32,
                      "Index Cond": "(id = o.customer_id)"
                    }
                  ]
                },
                {
                  "Node Type": "Hash", "Parent Relationship": "Inner", "Parallel Aware": false,
                  "Startup Cost": 35.0, "Total Cost": 35.0, "Plan Rows": 2000, "Plan Width": 4,
                  "Plans": [
                    {
                      "Node Type": "Seq Scan", "Parent Relationship": "Outer", "Parallel Aware": false,
                      "Relation Name": "notes", "Alias": "notes", "Startup Cost": 0.0,
                      "Total Cost": 35.0, "Plan Rows": 2000, "Plan Width": 4
                    }
                  ]
                }
              ]
            }
          ]
        }
      ]
    }
  }
]"#;

/// An InitPlan and a correlated SubPlan, PostgreSQL 12–17 naming (`returns $0`).
const SUBPLANS: &str = r#"[{"Plan": {
  "Node Type": "Seq Scan", "Relation Name": "orders", "Alias": "o",
  "Startup Cost": 8.45, "Total Cost": 25812.0, "Plan Rows": 500, "Plan Width": 12,
  "Filter": "((amount > $0) AND (SubPlan 2))",
  "Plans": [
    {"Node Type": "Aggregate", "Strategy": "Plain", "Parent Relationship": "InitPlan",
     "Subplan Name": "InitPlan 1 (returns $0)", "Startup Cost": 8.44, "Total Cost": 8.45,
     "Plan Rows": 1, "Plan Width": 32,
     "Plans": [{"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Relation Name": "orders",
                "Alias": "orders", "Startup Cost": 0.0, "Total Cost": 7.5, "Plan Rows": 350, "Plan Width": 6}]},
    {"Node Type": "Index Only Scan", "Parent Relationship": "SubPlan", "Subplan Name": "SubPlan 2",
     "Scan Direction": "Backward", "Index Name": "vip_pkey", "Relation Name": "vip", "Alias": "vip",
     "Startup Cost": 0.15, "Total Cost": 8.17, "Plan Rows": 1, "Plan Width": 0,
     "Index Cond": "(id = o.customer_id)"}
  ]}}]"#;

/// A parallel aggregate: Finalize ← Gather ← Partial ← Parallel Seq Scan.
const PARALLEL: &str = r#"[{"Plan": {
  "Node Type": "Aggregate", "Strategy": "Plain", "Partial Mode": "Finalize", "Parallel Aware": false,
  "Startup Cost": 10633.55, "Total Cost": 10633.56, "Plan Rows": 1, "Plan Width": 8,
  "Plans": [{"Node Type": "Gather", "Parent Relationship": "Outer", "Parallel Aware": false,
    "Startup Cost": 10633.33, "Total Cost": 10633.54, "Plan Rows": 2, "Plan Width": 8,
    "Workers Planned": 2, "Single Copy": false,
    "Plans": [{"Node Type": "Aggregate", "Strategy": "Plain", "Partial Mode": "Partial",
      "Parent Relationship": "Outer", "Startup Cost": 9633.33, "Total Cost": 9633.34,
      "Plan Rows": 1, "Plan Width": 8,
      "Plans": [{"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Parallel Aware": true,
        "Relation Name": "big", "Alias": "big", "Startup Cost": 0.0, "Total Cost": 8591.67,
        "Plan Rows": 416667, "Plan Width": 0}]}]}]}}]"#;

fn operators(node: &PlanNode, out: &mut Vec<String>) {
    out.push(node.operator.clone());
    node.children.iter().for_each(|c| operators(c, out));
}

fn all_operators(node: &PlanNode) -> Vec<String> {
    let mut out = Vec::new();
    operators(node, &mut out);
    out
}

#[test]
fn nested_joins_keep_the_tree_names_costs_and_conditions() {
    let root = parse(JOINS).unwrap();
    assert_eq!(
        all_operators(&root),
        [
            "Sort",
            "HashAggregate",
            "Hash Left Join",
            "Nested Loop",
            "Seq Scan",
            "Index Scan",
            "Hash",
            "Seq Scan"
        ]
    );
    assert_eq!(
        (root.startup_cost, root.total_cost, root.rows, root.width),
        (Some(412.5), Some(415.0), Some(1000.0), Some(40))
    );
    assert_eq!(root.details, vec![("Sort Key".to_owned(), "(sum(o.amount)) DESC".to_owned())]);
    let hash_join = &root.children[0].children[0];
    assert_eq!(hash_join.join_type.as_deref(), Some("Left"));
    assert_eq!(hash_join.details, vec![("Hash Cond".to_owned(), "(o.id = n.order_id)".to_owned())]);
    let seq = &hash_join.children[0].children[0];
    assert_eq!(seq.relation.as_deref(), Some("orders o"));
    assert_eq!(seq.details[0].0, "Filter");
    let index = &hash_join.children[0].children[1];
    assert_eq!(
        (index.index.as_deref(), index.relation.as_deref()),
        (Some("customers_pkey"), Some("customers c"))
    );
    // An alias equal to the table's name is not repeated.
    assert_eq!(hash_join.children[1].children[0].relation.as_deref(), Some("notes"));
    assert_eq!(root.children[0].details, vec![("Group Key".to_owned(), "c.name".to_owned())]);
}

#[test]
fn init_plans_and_sub_plans_are_labelled_children() {
    let root = parse(SUBPLANS).unwrap();
    let labels: Vec<Option<&str>> = root.children.iter().map(|c| c.label.as_deref()).collect();
    assert_eq!(labels, [Some("InitPlan 1 (returns $0)"), Some("SubPlan 2")]);
    assert_eq!(root.children[0].operator, "Aggregate");
    assert_eq!(root.children[1].operator, "Index Only Scan Backward");
    assert_eq!(root.children[1].width, Some(0));
}

#[test]
fn parallel_plans_name_workers_and_partial_steps() {
    let root = parse(PARALLEL).unwrap();
    assert_eq!(
        all_operators(&root),
        ["Finalize Aggregate", "Gather", "Partial Aggregate", "Parallel Seq Scan"]
    );
    assert_eq!(root.children[0].details, vec![("Workers Planned".to_owned(), "2".to_owned())]);
}

#[test]
fn modify_table_set_ops_and_rewritten_statements() {
    let insert = parse(
        r#"[{"Plan": {"Node Type": "ModifyTable", "Operation": "Insert", "Relation Name": "t", "Alias": "t",
        "Startup Cost": 0, "Total Cost": 0.01, "Plan Rows": 0, "Plan Width": 0,
        "Plans": [{"Node Type": "Result", "Startup Cost": 0, "Total Cost": 0.01, "Plan Rows": 1, "Plan Width": 4}]}}]"#,
    )
    .unwrap();
    assert_eq!((insert.operator.as_str(), insert.relation.as_deref()), ("Insert", Some("t")));
    let except = parse(
        r#"[{"Plan": {"Node Type": "SetOp", "Strategy": "Hashed", "Command": "Except",
        "Join Type": "Anti", "Startup Cost": 1, "Total Cost": 2, "Plan Rows": 3, "Plan Width": 4}}]"#,
    )
    .unwrap();
    assert_eq!(except.operator, "HashSetOp Except");
    let semi = parse(r#"[{"Plan": {"Node Type": "Nested Loop", "Join Type": "Semi"}}]"#).unwrap();
    assert_eq!(semi.operator, "Nested Loop Semi Join");
    let two = parse(&format!("[{}, {}]", &SUBPLANS[1..SUBPLANS.len() - 1], &PARALLEL[1..PARALLEL.len() - 1]))
        .unwrap();
    assert_eq!(two.children.len(), 2);
    assert!(two.operator.starts_with("2 statements"), "{}", two.operator);
    assert_eq!(two.total_cost, None);
}

#[test]
fn missing_and_unknown_fields_are_left_out() {
    let root = parse(
        r#"[{"Plan": {"Node Type": "Custom Thing", "Shiny New Field": {"a": [1, 2]}, "Total Cost": null,
        "Plan Width": -3, "Sort Key": null, "Filter": {"odd": true}}, "Planning": {"x": 1}}]"#,
    )
    .unwrap();
    assert_eq!(root.operator, "Custom Thing");
    assert_eq!((root.startup_cost, root.total_cost, root.rows, root.width), (None, None, None, None));
    assert!(root.details.is_empty() && root.children.is_empty() && root.relation.is_none());
    // Huge numbers stay numbers (no overflow into nonsense widths).
    let big =
        parse(r#"[{"Plan": {"Node Type": "Seq Scan", "Plan Rows": 1e300, "Plan Width": 1e300}}]"#).unwrap();
    assert_eq!(big.rows, Some(1e300));
    assert_eq!(big.width, Some(u64::MAX));
}

#[test]
fn hostile_or_broken_replies_are_errors_not_panics() {
    let cases = [
        ("", "not readable JSON"),
        ("{}", "not a JSON array"),
        ("[]", "holds no plan"),
        ("[1]", "holds no \"Plan\""),
        (r#"[{"Query": {}}]"#, "holds no \"Plan\""),
        (r#"[{"Plan": 7}]"#, "not a JSON object"),
        (r#"[{"Plan": {}}]"#, "no \"Node Type\""),
        (r#"[{"Plan": {"Node Type": 3}}]"#, "\"Node Type\" is not text"),
        (r#"[{"Plan": {"Node Type": "Seq Scan", "Total Cost": "cheap"}}]"#, "\"Total Cost\" is not a number"),
        (r#"[{"Plan": {"Node Type": "Seq Scan", "Plans": {"Node Type": "x"}}}]"#, "\"Plans\" is not a list"),
        (r#"[{"Plan": {"Node Type": "Seq Scan", "Plans": [null]}}]"#, "not a JSON object"),
        (r#"[{"Plan": {"Node Type": "Seq Scan", "Relation Name": ["t"]}}]"#, "\"Relation Name\" is not text"),
    ];
    for (json, expected) in cases {
        let error = parse(json).err().unwrap_or_default();
        assert!(error.contains(expected), "{json}: {error}");
    }
    // Nesting beyond what serde_json reads is refused by it, not by a stack overflow.
    let deep = "[{\"Plan\": ".to_owned()
        + &"{\"Node Type\": \"Limit\", \"Plans\": [".repeat(500)
        + &"]}".repeat(500)
        + "}]";
    assert!(parse(&deep).is_err());
    // Too many nodes: refused whole, not cut.
    let leaf = r#"{"Node Type": "Result"}"#;
    let wide =
        format!(r#"[{{"Plan": {{"Node Type": "Append", "Plans": [{}]}}}}]"#, vec![leaf; MAX_NODES].join(","));
    assert!(parse(&wide).is_err_and(|e| e.contains("more than 5000 nodes")));
}

#[test]
fn server_text_is_kept_as_is_for_the_ui_to_sanitise() {
    // Names may hold anything a table name can; the plan keeps them and the UI's one
    // sanitiser makes them visible (ui/popups/plan.rs tests it on screen).
    let root = parse(
        r#"[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "evil\u001b]0;x\u0007", "Alias": "e"}}]"#,
    )
    .unwrap();
    assert_eq!(root.relation.as_deref(), Some("evil\u{1b}]0;x\u{7} e"));
}
