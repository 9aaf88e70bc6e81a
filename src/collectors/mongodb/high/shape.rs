//! An operation's filter as the `$project` sent it: field names and the BSON types of
//! their values, one level into operator objects. Shown as the operation's text
//! (`find orders {status, customerId}`), and turned back into a filter of placeholder
//! values of the same types for `explain` (the plan of the shape, not of the literals).

use crate::collectors::mongodb::doc;
use mongodb::bson::{
    Binary, Bson, DateTime, Decimal128, Document, Regex, Timestamp, oid::ObjectId, spec::BinarySubtype,
};

/// One operator of a field (`$gt` of type `int`; `$in` of an `array` of `string`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Operator {
    pub name: String,
    pub bson_type: String,
    pub element_type: String,
}

/// One filter field: its name, its value's type, and the operators when the value is an
/// operator object (`{$gt: 5}`) rather than a document to compare with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub bson_type: String,
    pub operators: Vec<Operator>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FilterShape {
    pub fields: Vec<Field>,
}

/// Operators whose placeholder keeps the query valid and plans like the original.
const PLACEHOLDER_OPERATORS: &[&str] = &[
    "$eq",
    "$ne",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$in",
    "$nin",
    "$exists",
    "$type",
    "$size",
    "$all",
    "$regex",
    "$options",
    "$elemMatch",
    "$mod",
];

impl FilterShape {
    /// From the projected `filter` array; None when the command had no filter.
    pub fn read(op: &Document) -> Option<FilterShape> {
        let Some(Bson::Array(_)) = doc::get(op, "filter") else { return None };
        let fields = doc::docs(op, "filter")
            .into_iter()
            .map(|f| Field {
                name: doc::text(f, "k"),
                bson_type: doc::text(f, "t"),
                operators: doc::docs(f, "ops")
                    .into_iter()
                    .map(|o| Operator {
                        name: doc::text(o, "k"),
                        bson_type: doc::text(o, "t"),
                        element_type: doc::text(o, "et"),
                    })
                    .collect(),
            })
            .filter(|f| !f.name.is_empty())
            .collect();
        Some(FilterShape { fields })
    }

    /// `{status, customerId}`: the names only (what the operation's text shows).
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
        format!("{{{}}}", names.join(", "))
    }

    /// `{status: string, placedAt: {$gte: date}}`: names, operators and types.
    pub fn typed(&self) -> String {
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|f| {
                if f.operators.is_empty() {
                    format!("{}: {}", f.name, f.bson_type)
                } else {
                    let ops: Vec<String> =
                        f.operators.iter().map(|o| format!("{}: {}", o.name, o.type_text())).collect();
                    format!("{}: {{{}}}", f.name, ops.join(", "))
                }
            })
            .collect();
        format!("{{{}}}", fields.join(", "))
    }

    /// A filter of placeholder values of the same types, and the fields left out because
    /// a placeholder would not plan like them (`$or` branches, `$expr`, geo operators…).
    pub fn placeholder_filter(&self) -> (Document, Vec<String>) {
        let mut filter = Document::new();
        let mut left_out = Vec::new();
        for f in &self.fields {
            let is_operator_object = f.bson_type == "object"
                && !f.operators.is_empty()
                && f.operators.iter().all(|o| o.name.starts_with('$'));
            if f.name.starts_with('$') && f.name != "$text" {
                left_out.push(f.name.clone());
            } else if is_operator_object {
                if f.operators
                    .iter()
                    .all(|o| PLACEHOLDER_OPERATORS.contains(&o.name.as_str()) || f.name == "$text")
                {
                    let ops: Document =
                        f.operators.iter().map(|o| (o.name.clone(), o.placeholder())).collect();
                    filter.insert(f.name.clone(), ops);
                } else {
                    left_out.push(f.name.clone());
                }
            } else {
                filter.insert(f.name.clone(), placeholder(&f.bson_type));
            }
        }
        (filter, left_out)
    }
}

impl Operator {
    fn type_text(&self) -> String {
        if self.bson_type == "array" && !self.element_type.is_empty() && self.element_type != "missing" {
            format!("[{}]", self.element_type)
        } else {
            self.bson_type.clone()
        }
    }

    fn placeholder(&self) -> Bson {
        match self.name.as_str() {
            "$in" | "$nin" | "$all" if self.bson_type == "array" => match self.element_type.as_str() {
                "" | "missing" => Bson::Array(Vec::new()),
                t => Bson::Array(vec![placeholder(t)]),
            },
            "$exists" => Bson::Boolean(true),
            "$type" => Bson::String("string".to_owned()),
            "$options" => Bson::String(String::new()),
            "$mod" => Bson::Array(vec![Bson::Int32(2), Bson::Int32(0)]),
            "$size" => Bson::Int32(1),
            "$elemMatch" => Bson::Document(Document::new()),
            _ => placeholder(&self.bson_type),
        }
    }
}

/// A value of the BSON type `$type` named.
pub fn placeholder(bson_type: &str) -> Bson {
    match bson_type {
        "double" => Bson::Double(0.0),
        "string" => Bson::String("x".to_owned()),
        "object" => Bson::Document(Document::new()),
        "array" => Bson::Array(Vec::new()),
        "binData" => Bson::Binary(Binary { subtype: BinarySubtype::Generic, bytes: Vec::new() }),
        "objectId" => Bson::ObjectId(ObjectId::from_bytes([0; 12])),
        "bool" => Bson::Boolean(true),
        "date" => Bson::DateTime(DateTime::from_millis(0)),
        "regex" => Bson::RegularExpression(Regex { pattern: "^x".to_owned(), options: String::new() }),
        "int" => Bson::Int32(0),
        "timestamp" => Bson::Timestamp(Timestamp { time: 0, increment: 0 }),
        "long" => Bson::Int64(0),
        "decimal" => "0".parse::<Decimal128>().map_or(Bson::Int32(0), Bson::Decimal128),
        "minKey" => Bson::MinKey,
        "maxKey" => Bson::MaxKey,
        _ => Bson::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::doc;

    fn projected() -> Document {
        doc! { "filter": [
            { "k": "status", "t": "string", "ops": Bson::Null },
            { "k": "placedAt", "t": "object", "ops": [ { "k": "$gte", "t": "date", "et": Bson::Null } ] },
            { "k": "region", "t": "object", "ops": [ { "k": "$in", "t": "array", "et": "string" } ] },
            { "k": "address", "t": "object", "ops": [ { "k": "city", "t": "string" } ] },
            { "k": "$or", "t": "array", "ops": Bson::Null },
            { "k": "loc", "t": "object", "ops": [ { "k": "$near", "t": "array", "et": "double" } ] },
        ] }
    }

    #[test]
    fn names_types_and_no_values() {
        let shape = FilterShape::read(&projected()).unwrap_or_default();
        assert_eq!(shape.names(), "{status, placedAt, region, address, $or, loc}");
        assert_eq!(
            shape.typed(),
            "{status: string, placedAt: {$gte: date}, region: {$in: [string]}, address: {city: string}, $or: array, loc: {$near: [double]}}"
        );
        assert_eq!(FilterShape::read(&doc! { "cmd": "getMore" }), None, "no filter projected");
        assert_eq!(FilterShape::read(&doc! { "filter": [] }).map(|s| s.names()).as_deref(), Some("{}"));
    }

    #[test]
    fn placeholders_keep_types_and_leave_out_what_would_not_plan_alike() {
        let shape = FilterShape::read(&projected()).unwrap_or_default();
        let (filter, left_out) = shape.placeholder_filter();
        assert_eq!(
            filter,
            doc! {
                "status": "x",
                "placedAt": { "$gte": DateTime::from_millis(0) },
                "region": { "$in": [ "x" ] },
                // A document compared whole, not operators: an empty document of that type.
                "address": {},
            }
        );
        assert_eq!(left_out, vec!["$or".to_owned(), "loc".to_owned()]);
        for t in
            ["double", "int", "long", "decimal", "objectId", "bool", "date", "regex", "timestamp", "binData"]
        {
            assert!(placeholder(t) != Bson::Null, "{t}");
        }
        assert_eq!(placeholder("javascript-or-anything"), Bson::Null);
    }
}
