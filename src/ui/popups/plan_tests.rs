use super::*;

fn node(operator: &str, costs: (f64, f64), rows: f64, children: Vec<PlanNode>) -> PlanNode {
    PlanNode {
        operator: operator.into(),
        startup_cost: Some(costs.0),
        total_cost: Some(costs.1),
        rows: Some(rows),
        width: Some(8),
        children,
        ..PlanNode::default()
    }
}

/// Hash Join ← (Nested Loop ← (Seq Scan orders, Index Scan customers), Hash ← Seq Scan notes),
/// with an InitPlan and conditions.
pub(crate) fn sample_plan() -> Plan {
    let mut seq = node("Seq Scan", (0.0, 180.0), 3000.0, vec![]);
    seq.relation = Some("orders o".into());
    seq.details = vec![("Filter".into(), "(amount > 100)".into())];
    let mut index = node("Index Scan", (0.28, 0.3), 1.0, vec![]);
    index.relation = Some("customers c".into());
    index.index = Some("customers_pkey".into());
    index.details = vec![("Index Cond".into(), "(id = o.customer_id)".into())];
    let mut init = node("Aggregate", (8.0, 9.0), 1.0, vec![]);
    init.label = Some("InitPlan 1".into());
    let nested = node("Nested Loop", (0.29, 250.0), 3000.0, vec![seq, index]);
    let mut notes = node("Seq Scan", (0.0, 35.0), 2000.0, vec![]);
    notes.relation = Some("notes".into());
    let hash = node("Hash", (35.0, 35.0), 2000.0, vec![notes]);
    let mut join = node("Hash Left Join", (60.0, 400.0), 3000.0, vec![init, nested, hash]);
    join.join_type = Some("Left".into());
    join.details = vec![("Hash Cond".into(), "(o.id = n.order_id)".into())];
    Plan { root: join, notes: vec!["generic plan: placeholders had no values".into()] }
}

#[test]
fn the_tree_reads_like_explain_with_own_shares_and_glyphs() {
    let text = plain_text(&sample_plan());
    let expected = "\
generic plan: placeholders had no values
 26% Hash Left Join  cost=60.00..400.00 rows=3000 width=8
     │ Hash Cond: (o.id = n.order_id)
  2% ├─ InitPlan 1 → Aggregate  cost=8.00..9.00 rows=1 width=8
 17% ├─ Nested Loop  cost=0.29..250.00 rows=3000 width=8
 45% │  ├─ Seq Scan on orders o  cost=0.00..180.00 rows=3000 width=8
     │  │    Filter: (amount > 100)
 <1% │  └─ Index Scan using customers_pkey on customers c  cost=0.28..0.30 rows=1 width=8
     │       Index Cond: (id = o.customer_id)
  0% └─ Hash  cost=35.00..35.00 rows=2000 width=8
  9%    └─ Seq Scan on notes  cost=0.00..35.00 rows=2000 width=8
";
    assert_eq!(text, expected);
}

#[test]
fn the_costliest_node_is_marked_and_named() {
    let plan = sample_plan();
    let flat = plan.flatten();
    let costliest = plan.costliest().and_then(|i| flat.get(i)).map(|f| title(f.node));
    assert_eq!(costliest.as_deref(), Some("Seq Scan on orders o"));
    let lines = tree(&plan);
    let marked: Vec<&str> = lines
        .iter()
        .flat_map(|l| l.iter())
        .filter(|(_, part)| matches!(part, Part::Operator { costliest: true }))
        .map(|(text, _)| text.as_str())
        .collect();
    assert_eq!(marked, ["Seq Scan on orders o"]);
    let costly: usize = lines
        .iter()
        .flat_map(|l| l.iter())
        .filter(|(_, part)| matches!(part, Part::Share { costly: true, .. }))
        .count();
    assert_eq!(costly, 2, "26 % and 45 % are over the costly share");
}

#[test]
fn titles_and_estimates_handle_what_the_engine_left_out() {
    let bare = PlanNode { operator: "Result".into(), ..PlanNode::default() };
    assert_eq!((title(&bare), estimate(&bare)), ("Result".to_owned(), "cost=?..? rows=? width=?".to_owned()));
    let only_index =
        PlanNode { operator: "Bitmap Index Scan".into(), index: Some("i".into()), ..bare.clone() };
    assert_eq!(title(&only_index), "Bitmap Index Scan on i");
    let join = PlanNode { operator: "Merge Join".into(), join_type: Some("Full".into()), ..bare.clone() };
    assert_eq!(title(&join), "Merge Join (Full join)");
    let huge = PlanNode { total_cost: Some(1e300), rows: Some(-0.0), width: Some(u64::MAX), ..bare };
    assert_eq!(estimate(&huge), format!("cost=?..1.000e300 rows=-0 width={}", u64::MAX));
    assert_eq!(
        (percent(0.0), percent(0.004), percent(0.5), percent(1.0)),
        ("0%".into(), "<1%".into(), "50%".into(), "100%".into())
    );
}

#[test]
fn server_text_is_made_visible_not_obeyed() {
    let mut plan = sample_plan();
    plan.root.relation = Some("evil\u{1b}]0;owned\u{7}".into());
    plan.root.details = vec![("Filter\u{202E}".into(), "(a = 'x\u{1b}[2J')".into())];
    plan.notes = vec!["note\u{9b}".into()];
    let text = plain_text(&plan);
    assert!(text.contains("evil␛]0;owned␇") && text.contains("x␛[2J"), "{text}");
    assert!(!text.chars().any(|c| c != '\n' && crate::sanitize::is_unsafe(c)), "{text:?}");
}
