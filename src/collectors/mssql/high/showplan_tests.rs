use super::*;
use proptest::prelude::*;

const KEY_LOOKUP: &str = include_str!("fixtures/showplan_key_lookup.xml");

#[test]
fn a_nested_loop_with_an_index_seek_and_a_key_lookup() {
    let lines = plan_lines(KEY_LOOKUP);
    assert_eq!(
        lines,
        [
            "statement cost 0.0580, est. rows 12, DOP 1",
            "Sort (TopN Sort)  cost 19%  est. rows 12",
            "  Nested Loops (Inner Join)  cost 0%  est. rows 12",
            "    Index Seek dbo.Orders.IX_Orders_CustomerId  cost 6%  est. rows 12",
            "    Key Lookup dbo.Orders.PK_Orders  cost 75%  est. rows 1",
        ]
    );
}

#[test]
fn entities_namespaces_and_comments() {
    let xml = "<?xml version=\"1.0\"?><!-- a comment with <RelOp> inside -->\
        <sp:RelOp sp:PhysicalOp='Hash Match' LogicalOp=\"Aggregate\" EstimatedTotalSubtreeCost=\"2\" EstimateRows=\"1.5e+003\">\
        <![CDATA[<RelOp PhysicalOp=\"Ghost\">]]>\
        <Object Schema=\"[s&amp;p]\" Table=\"[T&#x41;&#66;]\"/></sp:RelOp>";
    assert_eq!(
        plan_lines(xml),
        ["statement cost 2.0000", "Hash Match (Aggregate) s&p.TAB  cost 100%  est. rows 1500"]
    );
    assert_eq!(unescape("a &lt; b &bogus; &#xZZ; &"), "a < b &bogus; &#xZZ; &");
}

#[test]
fn no_operator_no_lines() {
    assert!(plan_lines("").is_empty());
    assert!(plan_lines("NULL").is_empty());
    assert!(plan_lines("<ShowPlanXML><BatchSequence/></ShowPlanXML>").is_empty());
}

#[test]
fn a_deep_plan_is_cut_not_recursed() {
    let deep = "<RelOp PhysicalOp=\"Nested Loops\" EstimatedTotalSubtreeCost=\"1\">".repeat(200_000);
    let lines = plan_lines(&deep);
    assert_eq!(lines.len(), MAX_OPERATORS + 3, "head, operators, the count of the rest, the warning");
    assert!(lines.iter().all(|l| l.len() < 2 * MAX_INDENT + 80), "indentation is capped");
    assert_eq!(lines[MAX_OPERATORS + 1], format!("… {} more operators", 200_000 - MAX_OPERATORS));
    assert!(lines.last().is_some_and(|l| l.contains("incomplete")));
    // Closing more than was opened is harmless too.
    let unbalanced = format!("{}{}", "</RelOp>".repeat(10), KEY_LOOKUP);
    assert_eq!(plan_lines(&unbalanced).len(), 5);
}

#[test]
fn a_huge_plan_is_read_up_to_the_limit() {
    let op = "<RelOp PhysicalOp=\"Compute Scalar\" EstimatedTotalSubtreeCost=\"0.1\"></RelOp>";
    let mut huge = String::with_capacity(MAX_INPUT + 4096);
    while huge.len() <= MAX_INPUT {
        huge.push_str(op);
        huge.push('é'); // a multibyte character may straddle the cut
    }
    let lines = plan_lines(&huge);
    assert_eq!(lines.len(), MAX_OPERATORS + 3);
    assert!(lines.last().is_some_and(|l| l.contains("cut short")));
}

#[test]
fn malformed_text_stops_the_scan() {
    for broken in [
        "<RelOp PhysicalOp=\"Sort\" EstimatedTotalSubtreeCost=\"1\"><RelOp PhysicalOp=Scan>",
        "<RelOp PhysicalOp=\"Sort\"><RelOp PhysicalOp=\"Scan",
        "<RelOp PhysicalOp=\"Sort\"><!-- never closed",
        "<RelOp PhysicalOp=\"Sort\">< < < <",
        "<RelOp PhysicalOp=\"Sort\" =\"x\">",
    ] {
        let lines = plan_lines(broken);
        assert!(lines.len() <= 3, "{broken}: {lines:?}");
        assert!(
            lines.is_empty() || lines.last().is_some_and(|l| l.contains("incomplete")),
            "{broken}: {lines:?}"
        );
    }
}

#[test]
fn broken_text_is_scanned_in_linear_time() {
    // Every `<` without a readable tag once made the scanner search the whole rest.
    let text = "<RelOp PhysicalOp=\"Sort\">".to_owned() + &"< a b c ".repeat(2_000_000);
    let started = std::time::Instant::now();
    let _ = plan_lines(&text);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
}

proptest! {
    #[test]
    fn any_text_gives_a_bounded_tree(text in ".{0,2000}") {
        let lines = plan_lines(&text);
        prop_assert!(lines.len() <= MAX_OPERATORS + 3);
    }

    #[test]
    fn any_tag_soup_gives_a_bounded_tree(parts in proptest::collection::vec(
        prop_oneof![
            Just("<RelOp PhysicalOp=\"Scan\" EstimatedTotalSubtreeCost=\"0.5\">".to_owned()),
            Just("</RelOp>".to_owned()),
            Just("<Object Table=\"[t]\"/>".to_owned()),
            Just("<IndexScan Lookup=\"1\">".to_owned()),
            Just("<!--".to_owned()),
            "[<>=\"'/a-z &;#]{0,12}",
        ],
        0..300,
    )) {
        let lines = plan_lines(&parts.concat());
        prop_assert!(lines.len() <= MAX_OPERATORS + 3);
    }
}
