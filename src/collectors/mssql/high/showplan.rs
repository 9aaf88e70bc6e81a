//! A cached plan's showplan XML as an indented operator tree with estimated costs:
//!
//! ```text
//! statement cost 0.0469, est. rows 12, DOP 1
//! Nested Loops (Inner Join)  cost 0% of the statement  est. rows 12
//!   Index Seek dbo.Orders.IX_Orders_CustomerId  cost 7%  est. rows 12
//!   Key Lookup dbo.Orders.PK_Orders  cost 93%  est. rows 1
//! ```
//!
//! A small scanner of our own (no XML crate in the tree): it reads tags and their
//! attributes and ignores everything else. It never recurses, keeps at most
//! `MAX_OPERATORS` operators and `MAX_DEPTH` open levels, reads at most `MAX_INPUT`
//! bytes and stops at the first tag it cannot read, so a huge, deep or broken plan
//! gives a shorter tree, never a panic or an exhausted stack.

/// Operators shown; the rest are counted.
pub const MAX_OPERATORS: usize = 60;
/// Open `RelOp` levels tracked; deeper ones are counted, not stored.
pub const MAX_DEPTH: usize = 256;
/// Plan text read, bytes.
pub const MAX_INPUT: usize = 16 * 1024 * 1024;
/// Indentation stops growing here so deep plans stay readable.
const MAX_INDENT: usize = 24;

#[derive(Debug, Default)]
struct Operator {
    depth: usize,
    parent: Option<usize>,
    physical: String,
    logical: String,
    rows: Option<f64>,
    subtree: Option<f64>,
    object: Option<String>,
    lookup: bool,
}

/// One tag as read: its local name (namespace prefix dropped), attributes, kind.
struct Tag<'a> {
    name: &'a str,
    attributes: Vec<(&'a str, String)>,
    closing: bool,
    self_closing: bool,
}

impl Tag<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }
}

/// The plan's lines; empty when the text holds no operator.
pub fn plan_lines(xml: &str) -> Vec<String> {
    let mut text = xml;
    let mut truncated_input = false;
    if text.len() > MAX_INPUT {
        let mut end = MAX_INPUT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text = &text[..end];
        truncated_input = true;
    }
    let mut ops: Vec<Operator> = Vec::new();
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut too_deep = 0usize;
    let mut more = 0usize;
    let mut statement: Option<(Option<f64>, Option<f64>)> = None;
    let mut dop: Option<String> = None;
    let mut complete = true;
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        let Some((tag, after)) = next_tag(rest) else {
            complete = false;
            break;
        };
        rest = after;
        let Some(tag) = tag else { continue };
        match (tag.name, tag.closing) {
            ("RelOp", true) => {
                if too_deep > 0 {
                    too_deep -= 1;
                } else {
                    open.pop();
                }
            }
            ("RelOp", false) => {
                let depth = open.len() + too_deep;
                let index = if ops.len() < MAX_OPERATORS {
                    ops.push(Operator {
                        depth,
                        parent: open.iter().rev().flatten().next().copied(),
                        physical: tag.attr("PhysicalOp").unwrap_or("?").to_owned(),
                        logical: tag.attr("LogicalOp").unwrap_or_default().to_owned(),
                        rows: number(tag.attr("EstimateRows")),
                        subtree: number(tag.attr("EstimatedTotalSubtreeCost")),
                        ..Default::default()
                    });
                    Some(ops.len() - 1)
                } else {
                    more += 1;
                    None
                };
                if !tag.self_closing {
                    if open.len() < MAX_DEPTH && too_deep == 0 {
                        open.push(index);
                    } else {
                        too_deep += 1;
                    }
                }
            }
            (_, true) => {}
            ("StmtSimple", false) if statement.is_none() => {
                statement =
                    Some((number(tag.attr("StatementSubTreeCost")), number(tag.attr("StatementEstRows"))));
            }
            ("QueryPlan", false) if dop.is_none() => {
                dop = tag.attr("DegreeOfParallelism").map(str::to_owned);
            }
            ("Object", false) | ("IndexScan", false) => {
                // Belongs to the innermost open operator, when we keep it.
                let Some(Some(i)) = open.last().filter(|_| too_deep == 0) else { continue };
                let Some(op) = ops.get_mut(*i) else { continue };
                if tag.name == "IndexScan" {
                    op.lookup |=
                        tag.attr("Lookup").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
                } else if op.object.is_none() {
                    op.object = object_name(&tag);
                }
            }
            _ => {}
        }
    }
    if !open.is_empty() || too_deep > 0 {
        complete = false;
    }
    render(&ops, statement, dop.as_deref(), more, complete && !truncated_input)
}

fn render(
    ops: &[Operator],
    statement: Option<(Option<f64>, Option<f64>)>,
    dop: Option<&str>,
    more: usize,
    complete: bool,
) -> Vec<String> {
    if ops.is_empty() {
        return Vec::new();
    }
    let root_cost = ops.iter().filter(|o| o.depth == 0).filter_map(|o| o.subtree).fold(0.0, f64::max);
    let statement_cost = statement.and_then(|s| s.0).filter(|c| *c > 0.0).unwrap_or(root_cost);
    let mut lines = Vec::with_capacity(ops.len() + 2);
    let mut head = format!("statement cost {}", cost(statement_cost));
    if let Some(rows) = statement.and_then(|s| s.1) {
        head.push_str(&format!(", est. rows {}", count(rows)));
    }
    if let Some(dop) = dop {
        head.push_str(&format!(", DOP {dop}"));
    }
    lines.push(head);
    for (i, op) in ops.iter().enumerate() {
        // An operator's own cost: its subtree less its children's subtrees.
        let children: f64 = ops
            .iter()
            .filter(|c| c.parent == Some(i) && c.depth == op.depth + 1)
            .filter_map(|c| c.subtree)
            .sum();
        let own = op.subtree.map(|s| (s - children).max(0.0));
        let mut line = "  ".repeat(op.depth.min(MAX_INDENT));
        line.push_str(&operator_name(op));
        if let Some(object) = &op.object {
            line.push(' ');
            line.push_str(object);
        }
        if let Some(own) = own.filter(|_| statement_cost > 0.0) {
            line.push_str(&format!("  cost {:.0}%", 100.0 * own / statement_cost));
        }
        if let Some(rows) = op.rows {
            line.push_str(&format!("  est. rows {}", count(rows)));
        }
        lines.push(line);
    }
    if more > 0 {
        lines.push(format!("… {more} more operators"));
    }
    if !complete {
        lines.push("(the plan text was cut short or malformed: the tree may be incomplete)".to_owned());
    }
    lines
}

/// `Clustered Index Seek` with `Lookup` is what SSMS draws as a Key Lookup; the logical
/// operator is added when it says more (`Nested Loops (Inner Join)`).
fn operator_name(op: &Operator) -> String {
    if op.lookup && op.physical.contains("Clustered Index Seek") {
        return "Key Lookup".to_owned();
    }
    if op.logical.is_empty() || op.logical == op.physical {
        op.physical.clone()
    } else {
        format!("{} ({})", op.physical, op.logical)
    }
}

/// `[shop].[dbo].[Orders]` + index → `dbo.Orders.IX_Orders_CustomerId`.
fn object_name(tag: &Tag<'_>) -> Option<String> {
    let clean = |v: &str| v.trim_matches(['[', ']']).to_owned();
    let parts: Vec<String> = ["Schema", "Table", "Index"]
        .iter()
        .filter_map(|a| tag.attr(a))
        .map(clean)
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("."))
}

fn number(v: Option<&str>) -> Option<f64> {
    v?.trim().parse::<f64>().ok().filter(|f| f.is_finite() && *f >= 0.0)
}

fn cost(c: f64) -> String {
    if c >= 100.0 { format!("{c:.0}") } else { format!("{c:.4}") }
}

fn count(rows: f64) -> String {
    if rows >= 100.0 || rows.fract() == 0.0 { format!("{rows:.0}") } else { format!("{rows:.1}") }
}

/// Reads the markup at the start of `s` (which starts with `<`). None: it cannot be
/// read (no end), so scanning stops. Some((None, rest)): not a tag we read (comment,
/// declaration, processing instruction).
fn next_tag(s: &str) -> Option<(Option<Tag<'_>>, &str)> {
    for (open, close) in [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<!", ">")] {
        if let Some(body) = s.strip_prefix(open) {
            let end = body.find(close)?;
            return Some((None, &body[end + close.len()..]));
        }
    }
    let body = &s[1..];
    let closing = body.starts_with('/');
    let body = if closing { &body[1..] } else { body };
    let name_end = body.find(|c: char| c.is_whitespace() || c == '/' || c == '>')?;
    let name = &body[..name_end];
    let name = name.rsplit_once(':').map_or(name, |(_, local)| local);
    let mut attributes = Vec::new();
    let mut rest = &body[name_end..];
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            return Some((Some(Tag { name, attributes, closing, self_closing: true }), after));
        }
        if let Some(after) = rest.strip_prefix('>') {
            return Some((Some(Tag { name, attributes, closing, self_closing: false }), after));
        }
        // The attribute's `=` must come before the tag could end: searching further
        // would rescan the rest of a broken text for every `<` in it.
        let eq = rest.find(['=', '<', '>'])?;
        let attr = rest[..eq].trim();
        if !rest[eq..].starts_with('=') || attr.is_empty() || attr.contains(['"', '\'']) {
            return None;
        }
        let value_part = rest[eq + 1..].trim_start();
        let quote = value_part.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let value_body = &value_part[1..];
        let end = value_body.find(quote)?;
        attributes.push((attr.rsplit_once(':').map_or(attr, |(_, l)| l), unescape(&value_body[..end])));
        rest = &value_body[end + 1..];
    }
}

/// The five XML entities and numeric references; anything else is kept as written.
fn unescape(v: &str) -> String {
    if !v.contains('&') {
        return v.to_owned();
    }
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|s| *s <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[path = "showplan_tests.rs"]
mod tests;
