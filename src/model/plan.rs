//! A statement's plan as the planner estimates it, engine-neutral: a tree of operators
//! with their estimated costs and rows. Engines that can plan a statement on demand
//! (`EngineSpec::plan`) turn their server's own plan format into this; the UI only
//! draws it. Nothing here was executed: these are estimates, never measurements.

/// What to plan: a statement text as the engine's views show it, in one database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRequest {
    /// Database the statement ran in; the plan is made there.
    pub database: String,
    pub text: String,
    pub origin: PlanOrigin,
}

/// Where the text comes from: it decides what the text may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanOrigin {
    /// A session's current or last statement: literal text, possibly cut by the server.
    Session,
    /// A statement of the statement statistics: normalised, constants replaced by placeholders.
    Statement,
}

/// One operator of a plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanNode {
    /// The operator as the engine names it, e.g. "Hash Left Join", "Parallel Seq Scan".
    pub operator: String,
    /// How the node hangs under its parent when that says something ("InitPlan 1", "SubPlan 2",
    /// "CTE recent").
    pub label: Option<String>,
    /// Table (with its alias when it has one) the operator reads or writes.
    pub relation: Option<String>,
    pub index: Option<String>,
    /// Join type of a join operator ("Inner", "Left", "Semi"…).
    pub join_type: Option<String>,
    /// Estimated cost before the first row and for all rows, in the planner's units.
    pub startup_cost: Option<f64>,
    pub total_cost: Option<f64>,
    /// Estimated rows the node returns (per execution).
    pub rows: Option<f64>,
    /// Estimated average row width, bytes.
    pub width: Option<u64>,
    /// Conditions, keys and other facts, in the engine's words: ("Filter", "(amount > 100)").
    pub details: Vec<(String, String)>,
    pub children: Vec<PlanNode>,
}

/// A whole plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub root: PlanNode,
    /// Facts about how the plan was made that the reader must know, e.g. that it is a
    /// generic plan whose placeholders had no values.
    pub notes: Vec<String>,
}

/// One node in display order, with what the tree drawing needs.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatNode<'a> {
    pub node: &'a PlanNode,
    /// One entry per level below the root down to this node's own: whether the tree
    /// goes on below this node at that level (a later sibling of the ancestor there, or
    /// of this node for the last entry), so a vertical line continues. Empty for the root.
    pub rails: Vec<bool>,
    /// The node's own share of the plan's total cost, 0–1 (see `PlanNode::own_cost`).
    pub share: f64,
}

impl PlanNode {
    /// The part of the total cost the node adds itself: its total minus its inputs'
    /// totals, never below zero. An estimate of where the work is: a node whose input
    /// is rescanned (a nested loop's inner side) carries the repetitions.
    pub fn own_cost(&self) -> f64 {
        let inputs: f64 = self.children.iter().filter_map(|c| c.total_cost).filter(|c| c.is_finite()).sum();
        self.total_cost.filter(|c| c.is_finite()).map_or(0.0, |total| (total - inputs).max(0.0))
    }

    /// Nodes of the tree, depth first.
    pub fn count(&self) -> usize {
        1 + self.children.iter().map(PlanNode::count).sum::<usize>()
    }
}

impl Plan {
    /// The tree in display order (depth first), each node with the lines of the tree
    /// drawing at its left and its share of the total cost.
    pub fn flatten(&self) -> Vec<FlatNode<'_>> {
        let total: f64 = self.total_own_cost();
        let mut out = Vec::with_capacity(self.root.count());
        let mut stack = vec![(&self.root, Vec::new())];
        while let Some((node, rails)) = stack.pop() {
            let share = if total > 0.0 { node.own_cost() / total } else { 0.0 };
            let n = node.children.len();
            for (i, child) in node.children.iter().enumerate().rev() {
                let mut below = rails.clone();
                below.push(i + 1 < n);
                stack.push((child, below));
            }
            out.push(FlatNode { node, rails, share });
        }
        out
    }

    /// Sum of every node's own cost: the base of the shares. Not the root's total cost,
    /// which for some operators (a limit) is less than what its inputs are estimated at.
    fn total_own_cost(&self) -> f64 {
        let mut sum = 0.0;
        let mut stack = vec![&self.root];
        while let Some(node) = stack.pop() {
            sum += node.own_cost();
            stack.extend(node.children.iter());
        }
        sum
    }

    /// Index (in `flatten` order) of the node that adds the most cost, if any adds some.
    pub fn costliest(&self) -> Option<usize> {
        self.flatten()
            .iter()
            .enumerate()
            .filter(|(_, n)| n.share > 0.0)
            .max_by(|a, b| a.1.share.total_cmp(&b.1.share))
            .map(|(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(operator: &str, total: f64, children: Vec<PlanNode>) -> PlanNode {
        PlanNode {
            operator: operator.into(),
            startup_cost: Some(0.0),
            total_cost: Some(total),
            children,
            ..PlanNode::default()
        }
    }

    fn plan() -> Plan {
        // Hash Join 100 ← (Seq Scan a 30, Hash 25 ← Seq Scan b 20)
        let hash = node("Hash", 25.0, vec![node("Seq Scan", 20.0, vec![])]);
        Plan { root: node("Hash Join", 100.0, vec![node("Seq Scan", 30.0, vec![]), hash]), notes: vec![] }
    }

    #[test]
    fn flatten_is_depth_first_with_the_rails_of_the_tree() {
        let mut p = plan();
        p.root.children[0].children.push(node("Index Scan", 10.0, vec![]));
        let flat = p.flatten();
        let shape: Vec<(&str, Vec<bool>)> =
            flat.iter().map(|f| (f.node.operator.as_str(), f.rails.clone())).collect();
        assert_eq!(
            shape,
            vec![
                ("Hash Join", vec![]),
                ("Seq Scan", vec![true]),
                ("Index Scan", vec![true, false]),
                ("Hash", vec![false]),
                ("Seq Scan", vec![false, false]),
            ]
        );
    }

    #[test]
    fn own_costs_subtract_inputs_and_shares_add_up_to_one() {
        let p = plan();
        let flat = p.flatten();
        let own: Vec<f64> = flat.iter().map(|f| f.node.own_cost()).collect();
        assert_eq!(own, vec![45.0, 30.0, 5.0, 20.0]);
        let sum: f64 = flat.iter().map(|f| f.share).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
        assert_eq!(p.costliest(), Some(0));
    }

    #[test]
    fn missing_or_odd_costs_give_zero_not_nan() {
        let mut p = plan();
        p.root.total_cost = None;
        p.root.children[0].total_cost = Some(f64::NAN);
        let flat = p.flatten();
        assert!(flat.iter().all(|f| f.share.is_finite() && f.share >= 0.0));
        // A limit costs less than its input: its own cost is zero, not negative.
        let limit = node("Limit", 1.0, vec![node("Seq Scan", 50.0, vec![])]);
        assert_eq!(limit.own_cost(), 0.0);
        let nothing = Plan { root: node("Result", 0.0, vec![]), notes: vec![] };
        assert_eq!(nothing.costliest(), None);
        assert_eq!(nothing.flatten()[0].share, 0.0);
    }
}
