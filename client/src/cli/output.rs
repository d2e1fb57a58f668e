//! Printing results: JSON (default, stable for `jq`), a table for people, plain text for shell
//! variables; and `--query`, a small path language to pick fields.

use serde_json::Value;

/// `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Pretty-printed JSON (field order as in the API's types).
    Json,
    /// Aligned columns: one row per item, one column per scalar field.
    Table,
    /// Raw strings and numbers, one per line; objects as tab-separated values.
    Text,
}

/// Picks part of `value`: `images[0].imageID`, `images[].imageID` (each element), `images[-1]`
/// (from the end), `images[].[imageID,imageName]` (objects with just these fields),
/// `totalCount`. A missing field is `null`.
pub fn query(value: &Value, path: &str) -> Result<Value, String> {
    let path = path.trim();
    if path.is_empty() || path == "." || path == "@" {
        return Ok(value.clone());
    }
    let mut segments = Vec::new();
    for part in path.trim_start_matches('.').split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            segments.push(Segment::Field(name.to_owned()));
        } else if rest.is_empty() {
            return Err(format!("invalid --query `{path}`: empty field name"));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or_else(|| format!("invalid --query `{path}`: missing `]`"))?;
            let inner = r[..end].trim();
            segments.push(if inner.is_empty() || inner == "*" {
                Segment::Each
            } else if inner.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                Segment::Pick(inner.split(',').map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect())
            } else {
                Segment::Index(
                    inner.parse().map_err(|_| format!("invalid --query `{path}`: `[{inner}]` is not an index"))?,
                )
            });
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return Err(format!("invalid --query `{path}`: unexpected `{rest}`"));
        }
    }
    Ok(apply(value, &segments))
}

enum Segment {
    Field(String),
    Index(i64),
    Each,
    /// `[a,b]`: an object with just these fields.
    Pick(Vec<String>),
}

fn apply(value: &Value, segments: &[Segment]) -> Value {
    let Some((first, rest)) = segments.split_first() else { return value.clone() };
    match first {
        Segment::Field(name) => value.get(name).map_or(Value::Null, |v| apply(v, rest)),
        Segment::Index(i) => {
            let Value::Array(a) = value else { return Value::Null };
            let idx = if *i < 0 { a.len() as i64 + i } else { *i };
            usize::try_from(idx).ok().and_then(|i| a.get(i)).map_or(Value::Null, |v| apply(v, rest))
        }
        Segment::Pick(fields) => match value {
            Value::Object(o) => {
                let picked = fields.iter().map(|f| (f.clone(), o.get(f).cloned().unwrap_or(Value::Null))).collect();
                apply(&Value::Object(picked), rest)
            }
            _ => Value::Null,
        },
        Segment::Each => match value {
            Value::Array(a) => Value::Array(a.iter().map(|v| apply(v, rest)).collect()),
            _ => Value::Null,
        },
    }
}

/// The fields a `--query` picks last (`images[].[imageID,imageName]`), in the order given: the
/// table's columns (JSON objects keep their keys sorted).
pub fn picked_fields(path: &str) -> Option<Vec<String>> {
    let open = path.rfind("[")?;
    let inner = path[open + 1..].strip_suffix(']')?;
    inner
        .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        .then(|| inner.split(',').map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect())
}

/// `value` printed in `format`, ending with a newline (nothing for an empty text result).
pub fn render(value: &Value, format: Format) -> String {
    render_columns(value, format, None)
}

/// Like [`render`], with the table's columns in this order when given.
pub fn render_columns(value: &Value, format: Format, columns: Option<&[String]>) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
            s.push('\n');
            s
        }
        Format::Text => {
            let mut out = String::new();
            text_lines(value, &mut out);
            out
        }
        Format::Table => table(value, columns),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn text_lines(value: &Value, out: &mut String) {
    match value {
        Value::Null => {}
        Value::Array(a) => a.iter().for_each(|v| text_lines(v, out)),
        Value::Object(o) => {
            let cells: Vec<String> = o.values().map(scalar_text).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
        other => {
            out.push_str(&scalar_text(other));
            out.push('\n');
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// The rows a value stands for, and whether they are a list: an array of objects, the one
/// array of objects inside an object (`images` of a list), or the object itself (not a list).
fn rows(value: &Value) -> Option<(Vec<&serde_json::Map<String, Value>>, bool)> {
    match value {
        Value::Array(a) if a.iter().all(Value::is_object) => {
            Some((a.iter().filter_map(Value::as_object).collect(), true))
        }
        Value::Object(o) => {
            let lists: Vec<&Vec<Value>> = o
                .values()
                .filter_map(Value::as_array)
                .filter(|a| !a.is_empty() && a.iter().all(Value::is_object))
                .collect();
            match lists.as_slice() {
                [only] => Some((only.iter().filter_map(Value::as_object).collect(), true)),
                _ => Some((vec![o], false)),
            }
        }
        _ => None,
    }
}

fn table(value: &Value, order: Option<&[String]>) -> String {
    let Some((rows, list)) = rows(value) else { return render(value, Format::Text) };
    if rows.is_empty() {
        return "(no items)\n".to_owned();
    }
    // Columns: scalar fields in order of first appearance; nested values shown as JSON.
    let mut columns: Vec<&str> = order.unwrap_or_default().iter().map(String::as_str).collect();
    for r in &rows {
        for (k, v) in r.iter() {
            if !columns.contains(&k.as_str()) && (is_scalar(v) || !list) {
                columns.push(k);
            }
        }
    }
    let cell = |r: &serde_json::Map<String, Value>, c: &str| match r.get(c) {
        None | Some(Value::Null) => "-".to_owned(),
        Some(v) if is_scalar(v) => scalar_text(v),
        Some(v) => v.to_string(),
    };
    let width = |s: &str| s.chars().map(|c| if (c as u32) >= 0x1100 && !c.is_ascii() { 2 } else { 1 }).sum::<usize>();
    if !list {
        // One object: a two-column key/value table.
        let kw = columns.iter().map(|c| width(c)).max().unwrap_or(0);
        let mut out = String::new();
        for c in &columns {
            out.push_str(c);
            out.push_str(&" ".repeat(kw - width(c) + 2));
            out.push_str(&cell(rows[0], c));
            out.push('\n');
        }
        return out;
    }
    let grid: Vec<Vec<String>> = rows.iter().map(|r| columns.iter().map(|c| cell(r, c)).collect()).collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| grid.iter().map(|row| width(&row[i])).chain([width(c)]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[&str]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(widths[i] - width(c) + 2));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(&columns);
    for row in &grid {
        out.push_str(&line(&row.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries() {
        let v = json!({"images": [{"imageId": "a", "n": 1}, {"imageId": "b"}], "totalCount": 2});
        assert_eq!(query(&v, "images[0].imageId").unwrap(), json!("a"));
        assert_eq!(query(&v, "images[-1].imageId").unwrap(), json!("b"));
        assert_eq!(query(&v, "images[].imageId").unwrap(), json!(["a", "b"]));
        assert_eq!(query(&v, "images[5]").unwrap(), Value::Null);
        assert_eq!(query(&v, "totalCount").unwrap(), json!(2));
        assert_eq!(query(&v, "").unwrap(), v);
        assert_eq!(
            query(&v, "images[].[imageId, n]").unwrap(),
            json!([{"imageId": "a", "n": 1}, {"imageId": "b", "n": null}])
        );
        assert!(query(&v, "images[1x]").is_err());
        assert!(query(&v, "images[0").is_err());
    }

    #[test]
    fn formats() {
        let v = json!({"images": [{"imageId": "a", "imageName": "web", "tags": [1]}, {"imageId": "bb", "imageName": null}]});
        assert_eq!(render(&v, Format::Table), "imageId  imageName\na        web\nbb       -\n");
        assert_eq!(render(&json!(["x", "y"]), Format::Text), "x\ny\n");
        assert_eq!(render(&json!({"a": 1, "b": "two"}), Format::Table), "a  1\nb  two\n");
        assert_eq!(render(&json!({"images": []}), Format::Table), "images  []\n");
        assert_eq!(render(&json!({"images": [{"a": 1}]}), Format::Table), "a\n1\n");
        assert_eq!(render(&json!([]), Format::Table), "(no items)\n");
        let picked = picked_fields("images[].[n, imageId]").unwrap();
        assert_eq!(picked, ["n", "imageId"]);
        let rows = json!([{"imageId": "a", "n": 1}, {"imageId": "b", "n": 2}]);
        assert_eq!(render_columns(&rows, Format::Table, Some(&picked)), "n  imageId\n1  a\n2  b\n");
        assert_eq!(picked_fields("images[0]"), None);
    }
}
