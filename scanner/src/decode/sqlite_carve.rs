//! Deleted rows of an SQLite database: records SQLite no longer shows but
//! whose bytes are still in the file.
//!
//! Deleting a row leaves its bytes where they were, unless `secure_delete`
//! is on: inside a page still in use (as a freeblock, or in the unallocated
//! gap between the cell pointers and the cell content), or on a page put on
//! the freelist. In the raw bytes such a row has the same problem as a live
//! one (its values run together), so here those regions are parsed as
//! records again and each value is scanned as a field, named
//! `db!/table.column#deleted@page=N`.
//!
//! Which table a page belongs to comes from SQLite's `dbstat` table for pages
//! in use; a free page's records are matched to the table with their number
//! of columns (or named `unknown_table` when none or several match). Every
//! candidate record must parse exactly (a header whose length is its serial
//! types, valid types, a body that fits, text that is UTF-8), so that bytes
//! that only look like a record are not cut into fields.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use rusqlite::Connection;

use super::InnerSink;
use crate::field::{integral_real, Field, FieldValue};

/// A table's columns and what each may hold on disk.
struct TableShape {
    name: String,
    columns: Vec<String>,
    affinities: Vec<Affinity>,
}

/// What serial types a column's declared type allows in a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Affinity {
    /// `INTEGER PRIMARY KEY`: the rowid itself, stored as NULL.
    RowidAlias,
    /// TEXT affinity (`CHAR`, `CLOB`, `TEXT`): NULL, text or blob, never a number.
    Text,
    /// Numeric and BLOB affinities: anything.
    Any,
}

impl Affinity {
    fn of(declared: &str, alias: bool) -> Self {
        let upper = declared.to_ascii_uppercase();
        if alias {
            Affinity::RowidAlias
        } else if !upper.contains("INT") && ["CHAR", "CLOB", "TEXT"].iter().any(|t| upper.contains(t)) {
            Affinity::Text
        } else {
            Affinity::Any
        }
    }

    fn allows(self, serial: u64) -> bool {
        match self {
            Affinity::RowidAlias => serial == 0,
            Affinity::Text => serial == 0 || serial >= 12,
            Affinity::Any => true,
        }
    }
}

impl TableShape {
    fn accepts(&self, types: &[u64]) -> bool {
        types.len() == self.affinities.len() && types.iter().zip(&self.affinities).all(|(&t, a)| a.allows(t))
    }
}

/// Carves the deleted records of the database at `path`, which `conn` has open.
/// Returns how many records were carved; a database whose pages cannot be
/// listed (no `dbstat`) is not carved.
pub(super) fn carve_deleted(conn: &Connection, path: &Path, sink: &mut dyn InnerSink) -> io::Result<u64> {
    let Ok(page_size) = conn.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0)) else {
        return Ok(0);
    };
    let page_size = match usize::try_from(page_size) {
        Ok(size) if (512..=65536).contains(&size) => size,
        _ => return Ok(0),
    };
    let utf8 = conn
        .query_row("PRAGMA encoding", [], |r| r.get::<_, String>(0))
        .map(|e| e.eq_ignore_ascii_case("UTF-8"))
        .unwrap_or(true);
    let Ok(live) = live_pages(conn) else {
        return Ok(0);
    };
    let shapes = table_shapes(conn);
    let mut file = File::open(path)?;
    let mut page = vec![0u8; page_size];
    let mut carved = 0u64;
    let mut number = 0u32;
    file.seek(SeekFrom::Start(0))?;
    loop {
        number += 1;
        if !read_page(&mut file, &mut page)? {
            break;
        }
        let header_at = if number == 1 { 100 } else { 0 };
        let records = match live.get(&number) {
            Some(Owner::TableLeaf(table)) => {
                let shape = shapes.iter().find(|s| &s.name == table);
                let mut found = Vec::new();
                for region in unused_regions(&page, header_at) {
                    let (start, end) = region.range;
                    if region.freeblock {
                        if let Some(record) = shape.and_then(|s| freed_cell(&page[..end], start, s, utf8)) {
                            found.push(record);
                            continue;
                        }
                    }
                    find_records(&page[..end], start, shape, utf8, &mut found);
                }
                found
                    .into_iter()
                    .map(|r| (shape.map(|s| s.name.as_str()), r))
                    .collect::<Vec<_>>()
            }
            Some(Owner::Other) => continue,
            None => {
                let mut found = Vec::new();
                find_records(&page, header_at, None, utf8, &mut found);
                found
                    .into_iter()
                    .filter_map(|r| {
                        let types: Vec<u64> = r.iter().map(Value::serial_class).collect();
                        let matching: Vec<&TableShape> =
                            shapes.iter().filter(|s| s.accepts(&types)).collect();
                        match matching.as_slice() {
                            [one] => Some((Some(one.name.as_str()), r)),
                            [] => None,
                            _ => Some((None, r)),
                        }
                    })
                    .collect()
            }
        };
        let row = format!("deleted@page={number}");
        for (table, record) in records {
            carved += 1;
            let shape = table.and_then(|t| shapes.iter().find(|s| s.name == t));
            for (i, value) in record.iter().enumerate() {
                let column = shape
                    .and_then(|s| s.columns.get(i).cloned())
                    .unwrap_or_else(|| format!("column{}", i + 1));
                let number_text;
                let field_value = match value {
                    Value::Int(n) if n.unsigned_abs() >= 100 => {
                        number_text = n.unsigned_abs().to_string();
                        FieldValue::Text(number_text.as_bytes())
                    }
                    Value::Real(r) => match integral_real(*r) {
                        Some(text) => {
                            number_text = text;
                            FieldValue::Text(number_text.as_bytes())
                        }
                        None => continue,
                    },
                    Value::Text(t) if utf8 => FieldValue::Text(&page[t.0..t.1]),
                    Value::Text(t) | Value::Blob(t) => FieldValue::Blob(&page[t.0..t.1]),
                    _ => continue,
                };
                sink.field(&Field {
                    table: table.unwrap_or("unknown_table"),
                    column: &column,
                    row: &row,
                    value: field_value,
                    recovered: true,
                })?;
            }
        }
    }
    Ok(carved)
}

fn read_page(file: &mut File, page: &mut [u8]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < page.len() {
        match file.read(&mut page[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    page[filled..].fill(0);
    Ok(filled > 0)
}

enum Owner {
    /// A leaf page of this table: its unused space may hold deleted rows.
    TableLeaf(String),
    /// Interior, index or overflow pages, and the schema's own.
    Other,
}

/// Every page in use, and what uses it.
fn live_pages(conn: &Connection) -> rusqlite::Result<HashMap<u32, Owner>> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare("SELECT name, pageno, pagetype FROM dbstat")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut pages = HashMap::new();
    for row in rows {
        let (name, page, kind) = row?;
        let Ok(page) = u32::try_from(page) else { continue };
        let owner = if kind == "leaf" && tables.contains(&name) && name != "sqlite_schema" {
            Owner::TableLeaf(name)
        } else {
            Owner::Other
        };
        pages.insert(page, owner);
    }
    Ok(pages)
}

fn table_shapes(conn: &Connection) -> Vec<TableShape> {
    let Ok(mut stmt) = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
    else {
        return Vec::new();
    };
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default();
    names
        .into_iter()
        .filter_map(|name| {
            let mut info = conn
                .prepare("SELECT name, type, pk FROM pragma_table_info(?1)")
                .ok()?;
            let rows: Vec<(String, String, i64)> = info
                .query_map([&name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .ok()?
                .filter_map(Result::ok)
                .collect();
            let keys = rows.iter().filter(|r| r.2 > 0).count();
            let without_rowid = conn
                .query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [&name], |r| {
                    r.get::<_, String>(0)
                })
                .map(|sql| sql.to_ascii_uppercase().contains("WITHOUT ROWID"))
                .unwrap_or(false);
            let affinities = rows
                .iter()
                .map(|(_, declared, pk)| {
                    let alias =
                        *pk > 0 && keys == 1 && !without_rowid && declared.eq_ignore_ascii_case("INTEGER");
                    Affinity::of(declared, alias)
                })
                .collect();
            Some(TableShape {
                name,
                columns: rows.into_iter().map(|r| r.0).collect(),
                affinities,
            })
        })
        .collect()
}

/// Unused space of a b-tree leaf page.
struct Region {
    range: (usize, usize),
    /// A freeblock: a deleted cell whose first 4 bytes now link the free space.
    freeblock: bool,
}

/// The unallocated gap and the freeblocks of a b-tree leaf page.
fn unused_regions(page: &[u8], header_at: usize) -> Vec<Region> {
    let get16 = |at: usize| -> usize {
        page.get(at..at + 2)
            .map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    };
    let cells = get16(header_at + 3);
    let mut content = get16(header_at + 5);
    if content == 0 {
        content = 65536;
    }
    let pointers_end = header_at + 8 + 2 * cells;
    let mut regions = Vec::new();
    if pointers_end < content.min(page.len()) {
        regions.push(Region {
            range: (pointers_end, content.min(page.len())),
            freeblock: false,
        });
    }
    let mut freeblock = get16(header_at + 1);
    let mut hops = 0;
    while freeblock != 0 && freeblock + 4 <= page.len() && hops < 1024 {
        let size = get16(freeblock + 2);
        let end = (freeblock + size).min(page.len());
        if end > freeblock {
            regions.push(Region {
                range: (freeblock, end),
                freeblock: true,
            });
        }
        let next = get16(freeblock);
        if next <= freeblock {
            break;
        }
        freeblock = next;
        hops += 1;
    }
    regions
}

/// A value of a carved record: numbers decoded, text and blobs as page ranges.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text((usize, usize)),
    Blob((usize, usize)),
}

impl Value {
    /// A serial type of the same class, for matching a record to a table's affinities.
    fn serial_class(&self) -> u64 {
        match self {
            Value::Null => 0,
            Value::Int(_) => 1,
            Value::Real(_) => 7,
            Value::Text(_) => 13,
            Value::Blob(_) => 12,
        }
    }
}

/// Finds records that parse exactly in `bytes[from..]`; with `shape`, only
/// records that table could hold. A record found is skipped over whole.
fn find_records(
    bytes: &[u8],
    from: usize,
    shape: Option<&TableShape>,
    utf8: bool,
    out: &mut Vec<Vec<Value>>,
) {
    let mut at = from;
    while at < bytes.len() {
        match parse_record(bytes, at, shape, utf8) {
            Some((values, end)) => {
                out.push(values);
                at = end;
            }
            None => at += 1,
        }
    }
}

/// A deleted cell at the start of a freeblock of `size` bytes (`bytes[start..end]`).
/// Its payload length, rowid and record header length were overwritten by the
/// freeblock's link (4 bytes); for a small row the first serial type was too.
/// Tried: every column's type from byte 4 on; or the first type lost, its
/// size being what the freeblock's size leaves for it, and its kind what the
/// column allows. The body must end where the freeblock does.
fn freed_cell(bytes: &[u8], start: usize, shape: &TableShape, utf8: bool) -> Option<Vec<Value>> {
    let types_at = start + 4;
    let end = bytes.len();
    let columns = shape.affinities.len();
    let read_types = |count: usize| -> Option<(Vec<u64>, usize)> {
        let mut types = Vec::with_capacity(count);
        let mut pos = types_at;
        for _ in 0..count {
            let (serial, used) = varint(bytes, pos)?;
            if serial == 10 || serial == 11 {
                return None;
            }
            types.push(serial);
            pos += used;
        }
        Some((types, pos))
    };
    if let Some((types, body)) = read_types(columns) {
        if shape.accepts(&types) {
            if let Some((values, body_end)) = parse_body(bytes, &types, body, utf8) {
                if body_end == end {
                    return Some(values);
                }
            }
        }
    }
    let (rest, body) = read_types(columns.checked_sub(1)?)?;
    let rest_size: usize = rest.iter().map(|&t| serial_size(t)).sum();
    let first_size = end.checked_sub(body)?.checked_sub(rest_size)?;
    let first = match shape.affinities.first()? {
        Affinity::RowidAlias if first_size == 0 => 0,
        Affinity::RowidAlias => return None,
        _ if first_size == 0 => 0,
        _ => 13 + 2 * first_size as u64,
    };
    let mut types = vec![first];
    types.extend(rest);
    if !shape.accepts(&types) {
        return None;
    }
    let (values, body_end) = parse_body(bytes, &types, body, utf8)?;
    (body_end == end).then_some(values)
}

/// One record at `at`: header length, serial types, then the body.
fn parse_record(
    bytes: &[u8],
    at: usize,
    shape: Option<&TableShape>,
    utf8: bool,
) -> Option<(Vec<Value>, usize)> {
    let columns = shape.map(|s| s.affinities.len());
    let (header_len, first) = varint(bytes, at)?;
    let header_len = usize::try_from(header_len).ok()?;
    if !(2..=1024).contains(&header_len) {
        return None;
    }
    let header_end = at.checked_add(header_len)?;
    if header_end > bytes.len() {
        return None;
    }
    let mut types = Vec::new();
    let mut pos = at + first;
    while pos < header_end {
        let (serial, used) = varint(bytes, pos)?;
        if serial == 10 || serial == 11 {
            return None;
        }
        types.push(serial);
        pos += used;
        if types.len() > columns.unwrap_or(64) {
            return None;
        }
    }
    if pos != header_end || types.len() < 2 || shape.is_some_and(|s| !s.accepts(&types)) {
        return None;
    }
    parse_body(bytes, &types, header_end, utf8)
}

/// The values of a record body at `body` with these serial types; `None`
/// unless it fits, its text is UTF-8 (in a UTF-8 database) and something is
/// in it.
fn parse_body(bytes: &[u8], types: &[u64], mut body: usize, utf8: bool) -> Option<(Vec<Value>, usize)> {
    let mut values = Vec::with_capacity(types.len());
    let mut any_content = false;
    for &serial in types {
        let size = serial_size(serial);
        let end = body.checked_add(size)?;
        if end > bytes.len() {
            return None;
        }
        let field = &bytes[body..end];
        let value = match serial {
            0 => Value::Null,
            1..=6 => Value::Int(be_int(field)),
            7 => Value::Real(f64::from_bits(be_int(field) as u64)),
            8 => Value::Int(0),
            9 => Value::Int(1),
            s if s % 2 == 1 => {
                if utf8 && (std::str::from_utf8(field).is_err() || field.iter().any(|&b| b < 0x09)) {
                    return None;
                }
                any_content |= !field.is_empty();
                Value::Text((body, end))
            }
            _ => {
                any_content |= !field.is_empty();
                Value::Blob((body, end))
            }
        };
        values.push(value);
        body = end;
    }
    any_content.then_some((values, body))
}

fn be_int(bytes: &[u8]) -> i64 {
    let mut value: i64 = if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        -1
    } else {
        0
    };
    for &b in bytes {
        value = (value << 8) | i64::from(b);
    }
    value
}

fn serial_size(serial: u64) -> usize {
    match serial {
        0 | 8 | 9 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        5 => 6,
        6 | 7 => 8,
        s => usize::try_from((s - 12) / 2).unwrap_or(usize::MAX),
    }
}

/// SQLite's big-endian varint: the value and its length in bytes.
fn varint(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for i in 0..9 {
        let b = *bytes.get(at + i)?;
        if i == 8 {
            return Some(((value << 8) | u64::from(b), 9));
        }
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_parses_only_when_header_and_body_agree() {
        // header 3 bytes: len=3, TEXT(2) (serial 17), INT8 (serial 1); body "ab", 7.
        let bytes = [3u8, 17, 1, b'a', b'b', 7];
        let (values, end) = parse_record(&bytes, 0, None, true).unwrap();
        assert_eq!(end, 6);
        assert_eq!(values, vec![Value::Text((3, 5)), Value::Int(7)]);
        let shape = TableShape {
            name: "t".into(),
            columns: vec!["a".into(), "b".into()],
            affinities: vec![Affinity::Text, Affinity::Text],
        };
        assert!(
            parse_record(&bytes, 0, Some(&shape), true).is_none(),
            "an integer in a TEXT column"
        );
        assert!(parse_record(&bytes[..5], 0, None, true).is_none());
    }
}
