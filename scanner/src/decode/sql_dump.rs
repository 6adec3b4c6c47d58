//! Plain SQL dumps (`pg_dump` plain format, `mysqldump`, `mariadb-dump`): the
//! rows of COPY blocks and INSERT statements are scanned value by value, each
//! with its table and column (`dump.sql!/public.orders.card_number#line=120`),
//! so the column's name is context and the table is named in the finding.
//!
//! Column names come from the statement itself (`COPY t (a, b) FROM stdin`,
//! `INSERT INTO t (a, b) VALUES …`) or, for `mysqldump`'s INSERTs that list
//! none, from the `CREATE TABLE` before them. Everything else in the dump
//! (DDL, comments, function bodies) is scanned as bytes of the dump. One pass,
//! streaming: a dump of any size is read once, holding at most one line or
//! one value (up to `--max-buffered-bytes`).
//!
//! This is a light parser over text, not an SQL grammar: a statement it does
//! not follow is scanned as bytes like the rest.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};

use super::copy_text::{bytea, read_row, CopyFields};
use super::{DecodeError, Decoder, InnerSink, OffsetMap, SourcePosition};
use crate::decode::Piece;
use crate::field::{Field, FieldValue};

pub struct SqlDump;

/// Header lines the dump tools write.
const MARKERS: [&[u8]; 3] = [
    b"-- PostgreSQL database dump",
    b"-- MySQL dump",
    b"-- MariaDB dump",
];

/// Tables whose columns are remembered from their CREATE TABLE.
const MAX_TABLES: usize = 100_000;

/// Non-data text gathered before it is scanned as bytes of the dump.
const TEXT_BATCH: usize = 1 << 20;

impl Decoder for SqlDump {
    fn name(&self) -> &'static str {
        "sql-dump"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        !head.contains(&0)
            && (MARKERS.iter().any(|m| memchr::memmem::find(head, m).is_some())
                || head
                    .split(|&b| b == b'\n')
                    .any(|line| starts_with_keyword(line, b"INSERT INTO ") || is_copy_from_stdin(line)))
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let max_line = usize::try_from(sink.limits().max_buffered_bytes).unwrap_or(usize::MAX);
        let mut reader = BufReader::with_capacity(256 * 1024, input);
        let mut dump = DumpReader {
            sink,
            columns: HashMap::new(),
            text: Vec::new(),
            text_at: 0,
            offset: 0,
            line_number: 0,
            cut_lines: 0,
        };
        let result = dump.run(&mut reader, max_line);
        let flushed = dump.flush_text();
        result
            .and(flushed)
            .map_err(|e| DecodeError::reading("SQL dump", e))?;
        if dump.cut_lines > 0 {
            return Err(DecodeError::Limit(format!(
                "{} lines longer than {max_line} bytes (--max-buffered-bytes): only their first bytes were scanned",
                dump.cut_lines
            )));
        }
        Ok(())
    }

    fn expands(&self) -> bool {
        false
    }
}

/// `COPY public.orders (id, pan) FROM stdin;`
fn is_copy_from_stdin(line: &[u8]) -> bool {
    starts_with_keyword(line, b"COPY ") && memchr::memmem::find(line, b"FROM stdin").is_some()
}

fn starts_with_keyword(line: &[u8], keyword: &[u8]) -> bool {
    line.len() >= keyword.len() && line[..keyword.len()].eq_ignore_ascii_case(keyword)
}

/// Offsets of a batch of the dump's text, from where the batch starts.
struct Shifted(u64);

impl OffsetMap for Shifted {
    fn locate(&self, offset: u64) -> SourcePosition {
        SourcePosition {
            offset: self.0 + offset,
            annotations: Default::default(),
        }
    }
}

struct DumpReader<'s> {
    sink: &'s mut dyn InnerSink,
    /// Column names by table, from CREATE TABLE statements.
    columns: HashMap<String, Vec<String>>,
    /// Non-data lines waiting to be scanned, and the dump offset of their first byte.
    text: Vec<u8>,
    text_at: u64,
    /// Dump offset of the next line.
    offset: u64,
    line_number: u64,
    cut_lines: u64,
}

impl DumpReader<'_> {
    fn run(&mut self, reader: &mut dyn BufRead, max_line: usize) -> io::Result<()> {
        let mut line = Vec::new();
        let mut fields = CopyFields::default();
        let mut copy: Option<(String, Vec<String>)> = None;
        let mut create: Option<(String, Vec<String>)> = None;
        let mut insert: Option<InsertParser> = None;
        let mut row_label = String::new();
        loop {
            let start = self.offset;
            let Some(cut) = read_line(reader, &mut line, max_line, &mut self.offset)? else {
                return Ok(());
            };
            self.line_number += 1;
            self.cut_lines += u64::from(cut);
            if let Some((table, names)) = &copy {
                if line == b"\\." {
                    copy = None;
                    continue;
                }
                fields.split(&line);
                row_label.clear();
                row_label.push_str(&format!("line={}", self.line_number));
                for i in 0..fields.len() {
                    let Some(value) = fields.get(i) else { continue };
                    let column = names
                        .get(i)
                        .map_or_else(|| format!("column{}", i + 1), String::clone);
                    let decoded = bytea(value);
                    let value = match &decoded {
                        Some(bytes) => FieldValue::Blob(bytes),
                        None => FieldValue::Text(value),
                    };
                    self.sink.field(&Field {
                        table,
                        column: &column,
                        row: &row_label,
                        value,
                        recovered: false,
                    })?;
                }
                continue;
            }
            if let Some(parser) = insert.as_mut() {
                parser.feed(&line, self.line_number, self.sink)?;
                parser.feed(b"\n", self.line_number, self.sink)?;
                if parser.done {
                    insert = None;
                }
                continue;
            }
            if is_copy_from_stdin(&line) {
                self.keep_text(&line, start)?;
                copy = parse_copy(&line);
                continue;
            }
            if starts_with_keyword(&line, b"INSERT INTO ") {
                if let Some(mut parser) = InsertParser::start(&line, &self.columns) {
                    let rest = parser.take_rest();
                    parser.feed(&rest, self.line_number, self.sink)?;
                    parser.feed(b"\n", self.line_number, self.sink)?;
                    if !parser.done {
                        insert = Some(parser);
                    }
                    continue;
                }
            }
            self.keep_text(&line, start)?;
            self.follow_create(&line, &mut create);
        }
    }

    /// Remembers a CREATE TABLE's column names, one definition per line as
    /// the dump tools write them.
    fn follow_create(&mut self, line: &[u8], create: &mut Option<(String, Vec<String>)>) {
        let text = String::from_utf8_lossy(line);
        let trimmed = text.trim();
        if let Some((table, columns)) = create.as_mut() {
            if trimmed.starts_with(')') {
                if self.columns.len() < MAX_TABLES {
                    self.columns.insert(table.clone(), std::mem::take(columns));
                }
                *create = None;
            } else if let Some(name) = column_definition(trimmed) {
                columns.push(name);
            }
            return;
        }
        let upper = trimmed.to_ascii_uppercase();
        if let Some(rest) = upper
            .strip_prefix("CREATE TABLE ")
            .map(|_| &trimmed["CREATE TABLE ".len()..])
        {
            let rest = rest.trim_start();
            let rest = if rest.to_ascii_uppercase().starts_with("IF NOT EXISTS ") {
                &rest["IF NOT EXISTS ".len()..]
            } else {
                rest
            };
            if let Some(name) = rest.split('(').next().map(|n| table_name(n.trim())) {
                *create = Some((name, Vec::new()));
            }
        }
    }

    /// Queues a non-data line to be scanned as bytes of the dump.
    fn keep_text(&mut self, line: &[u8], at: u64) -> io::Result<()> {
        if self.text.is_empty() {
            self.text_at = at;
        } else if self.text_at + self.text.len() as u64 != at {
            self.flush_text()?;
            self.text_at = at;
        }
        self.text.extend_from_slice(line);
        self.text.push(b'\n');
        if self.text.len() >= TEXT_BATCH {
            self.flush_text()?;
        }
        Ok(())
    }

    fn flush_text(&mut self) -> io::Result<()> {
        if self.text.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.text);
        let shifted = Shifted(self.text_at);
        self.sink.push(Piece::here(&mut &text[..], Some(&shifted)))?;
        Ok(())
    }
}

/// Reads one line without its newline (and a `\r` before it), up to `max` bytes kept.
fn read_line(
    reader: &mut dyn BufRead,
    line: &mut Vec<u8>,
    max: usize,
    offset: &mut u64,
) -> io::Result<Option<bool>> {
    let mut counting = CountingBufRead {
        inner: reader,
        count: 0,
    };
    let cut = read_row(&mut counting, line, max)?;
    *offset += counting.count;
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(cut)
}

struct CountingBufRead<'r> {
    inner: &'r mut dyn BufRead,
    count: u64,
}

impl Read for CountingBufRead<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

impl BufRead for CountingBufRead<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.count += amount as u64;
        self.inner.consume(amount);
    }
}

/// `COPY public.orders (id, pan, exp) FROM stdin;` → table and columns.
fn parse_copy(line: &[u8]) -> Option<(String, Vec<String>)> {
    let text = String::from_utf8_lossy(line);
    let rest = text.get(5..)?.trim_start();
    let end = rest.find(" FROM stdin")?;
    let head = &rest[..end];
    match head.split_once('(') {
        Some((table, columns)) => Some((
            table_name(table.trim()),
            columns
                .trim_end()
                .trim_end_matches(')')
                .split(',')
                .map(|c| unquote(c.trim()))
                .collect(),
        )),
        None => Some((table_name(head.trim()), Vec::new())),
    }
}

/// `"public"."orders"` or `` `orders` `` → `public.orders`, `orders`.
fn table_name(quoted: &str) -> String {
    quoted
        .split('.')
        .map(|part| unquote(part.trim()))
        .collect::<Vec<_>>()
        .join(".")
}

fn unquote(name: &str) -> String {
    let trimmed = name.trim();
    for q in ['"', '`'] {
        if let Some(inner) = trimmed.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner.replace(&format!("{q}{q}"), &q.to_string());
        }
    }
    trimmed.to_string()
}

/// The column a CREATE TABLE line defines, if it defines one (not a key or constraint).
fn column_definition(line: &str) -> Option<String> {
    const NOT_COLUMNS: [&str; 9] = [
        "PRIMARY",
        "KEY",
        "UNIQUE",
        "CONSTRAINT",
        "INDEX",
        "FOREIGN",
        "CHECK",
        "FULLTEXT",
        "SPATIAL",
    ];
    let first = if let Some(q) = line.chars().next().filter(|c| *c == '"' || *c == '`') {
        let end = line[1..].find(q)?;
        return Some(line[1..1 + end].to_string());
    } else {
        line.split(|c: char| c.is_whitespace()).next()?
    };
    let upper = first.to_ascii_uppercase();
    (!first.is_empty()
        && !NOT_COLUMNS.contains(&upper.as_str())
        && first.chars().all(|c| c.is_alphanumeric() || c == '_'))
    .then(|| first.to_string())
}

/// Follows the VALUES of one INSERT statement across lines, value by value.
struct InsertParser {
    table: String,
    columns: Vec<String>,
    rest: Vec<u8>,
    state: InsertState,
    column: usize,
    value: Vec<u8>,
    quoted: bool,
    /// MySQL escapes quotes with a backslash; standard SQL doubles them.
    backslash_escapes: bool,
    done: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum InsertState {
    /// Between tuples: `,` or `;` or the next `(`.
    Between,
    /// Inside a tuple, outside a string.
    Value,
    /// Inside a quoted string.
    Quoted,
    /// After a backslash inside a string.
    Escape,
    /// After a quote inside a string: its end, or a doubled quote.
    QuoteSeen,
}

/// Longest value kept; a longer one is scanned by its first bytes.
const MAX_VALUE: usize = 16 << 20;

impl InsertParser {
    /// From `INSERT INTO t [(a, b)] VALUES …`: the table, its columns and what follows `VALUES`.
    fn start(line: &[u8], known: &HashMap<String, Vec<String>>) -> Option<InsertParser> {
        let values_at = find_ignore_case(line, b" VALUES")?;
        let head = String::from_utf8_lossy(&line["INSERT INTO ".len()..values_at]).into_owned();
        let (table, columns) = match head.split_once('(') {
            Some((table, columns)) => (
                table_name(table.trim()),
                columns
                    .trim_end()
                    .trim_end_matches(')')
                    .split(',')
                    .map(|c| unquote(c.trim()))
                    .collect(),
            ),
            None => {
                let table = table_name(head.trim());
                let columns = known
                    .get(&table)
                    .or_else(|| known.get(table.rsplit('.').next().unwrap_or(&table)))
                    .cloned()
                    .unwrap_or_default();
                (table, columns)
            }
        };
        let rest = line[values_at + " VALUES".len()..].to_vec();
        Some(InsertParser {
            table,
            columns,
            rest,
            state: InsertState::Between,
            column: 0,
            value: Vec::new(),
            quoted: false,
            backslash_escapes: memchr::memchr(b'`', line).is_some(),
            done: false,
        })
    }

    fn take_rest(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.rest)
    }

    fn feed(&mut self, bytes: &[u8], line: u64, sink: &mut dyn InnerSink) -> io::Result<()> {
        for &b in bytes {
            if self.done {
                return Ok(());
            }
            match self.state {
                InsertState::Between => match b {
                    b'(' => {
                        self.state = InsertState::Value;
                        self.column = 0;
                        self.value.clear();
                        self.quoted = false;
                    }
                    b';' => self.done = true,
                    _ => {}
                },
                InsertState::Value => match b {
                    b'\'' => {
                        self.state = InsertState::Quoted;
                        self.quoted = true;
                    }
                    b',' | b')' => {
                        self.emit(line, sink)?;
                        self.column += 1;
                        if b == b')' {
                            self.state = InsertState::Between;
                        }
                    }
                    b' ' | b'\n' | b'\r' | b'\t' if !self.quoted && self.value.is_empty() => {}
                    _ => self.push(b),
                },
                InsertState::Quoted => match b {
                    b'\\' if self.backslash_escapes => self.state = InsertState::Escape,
                    b'\'' => self.state = InsertState::QuoteSeen,
                    _ => self.push(b),
                },
                InsertState::Escape => {
                    self.push(match b {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'0' => 0,
                        other => other,
                    });
                    self.state = InsertState::Quoted;
                }
                InsertState::QuoteSeen => {
                    if b == b'\'' {
                        self.push(b'\'');
                        self.state = InsertState::Quoted;
                    } else {
                        self.state = InsertState::Value;
                        match b {
                            b',' | b')' => {
                                self.emit(line, sink)?;
                                self.column += 1;
                                if b == b')' {
                                    self.state = InsertState::Between;
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn push(&mut self, b: u8) {
        if self.value.len() < MAX_VALUE {
            self.value.push(b);
        }
    }

    /// Scans the value just ended; `NULL` and empty values are skipped.
    fn emit(&mut self, line: u64, sink: &mut dyn InnerSink) -> io::Result<()> {
        let value = std::mem::take(&mut self.value);
        let quoted = std::mem::replace(&mut self.quoted, false);
        let trimmed = value.trim_ascii_end();
        if trimmed.is_empty() || (!quoted && trimmed.eq_ignore_ascii_case(b"NULL")) {
            self.value = value;
            self.value.clear();
            return Ok(());
        }
        let column = self
            .columns
            .get(self.column)
            .cloned()
            .unwrap_or_else(|| format!("column{}", self.column + 1));
        let row = format!("line={line}");
        let decoded = if quoted {
            bytea(trimmed)
        } else {
            hex_literal(trimmed)
        };
        let value_ref = match &decoded {
            Some(bytes) => FieldValue::Blob(bytes),
            None => FieldValue::Text(trimmed),
        };
        sink.field(&Field {
            table: &self.table,
            column: &column,
            row: &row,
            value: value_ref,
            recovered: false,
        })?;
        self.value = value;
        self.value.clear();
        Ok(())
    }
}

/// MySQL's `0x4142` and `X'4142'` (the quote is gone by now: `X4142`) literals.
fn hex_literal(text: &[u8]) -> Option<Vec<u8>> {
    let hex = text.strip_prefix(b"0x").or_else(|| text.strip_prefix(b"X"))?;
    hex::decode(hex).ok()
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_header_names_table_and_columns() {
        let (table, columns) =
            parse_copy(b"COPY public.orders (id, \"card number\", exp) FROM stdin;").unwrap();
        assert_eq!(table, "public.orders");
        assert_eq!(columns, ["id", "card number", "exp"]);
    }

    #[test]
    fn create_table_lines_name_columns_but_not_keys() {
        assert_eq!(
            column_definition("`pan` varchar(19) DEFAULT NULL,").as_deref(),
            Some("pan")
        );
        assert_eq!(
            column_definition("card_no character varying(19),").as_deref(),
            Some("card_no")
        );
        assert_eq!(column_definition("PRIMARY KEY (`id`),"), None);
        assert_eq!(column_definition("KEY `idx` (`pan`)"), None);
    }

    #[test]
    fn sniffs_dumps_not_prose() {
        assert!(SqlDump.sniff(b"-- MySQL dump 10.13  Distrib 8.0\n"));
        assert!(SqlDump.sniff(b"--\n-- PostgreSQL database dump\n--\n"));
        assert!(SqlDump.sniff(b"INSERT INTO t VALUES (1);\n"));
        assert!(!SqlDump.sniff(b"We insert into the table every night.\n"));
    }
}
