//! SQLite database files (a POS terminal's cache, an app's local store), read
//! record by record and as raw bytes.
//!
//! SQLite stores a row's values back to back, so in the raw bytes a card
//! number in a TEXT column runs on into the next column (`…0873` + `10/30`)
//! and an INTEGER column holds it as 8 binary bytes: neither is a card number
//! to a byte scanner. So every value of every row of every table is read
//! through SQLite itself and scanned as its own field, named
//! `db!/table.column#rowid=N`. The raw bytes are scanned too, for what SQLite
//! no longer shows (deleted rows, free pages); a value already found in a
//! record is not reported again from them. Deleted records are parsed back
//! into fields where their bytes allow (see `sqlite_carve`).
//!
//! A database on disk is opened read-only and immutable, so a live database is
//! never locked or changed. When a `-wal` file lies beside it, its rows not yet
//! checkpointed are part of the database: the two are copied (up to
//! `--max-buffered-bytes`) and the copy is read. A database inside an archive
//! is written to a temporary file first, within the same limit. A database
//! SQLite cannot read (damaged, or encrypted like SQLCipher) has its raw bytes
//! scanned and is recorded as corrupt or encrypted.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::{DecodeError, Decoder, InnerSink, ReadSeek};
use crate::decode::{Event, Piece};
use crate::field::{integral_real, Field, FieldValue};
use crate::findings::SkipReason;

pub struct Sqlite;

const MAGIC: &[u8] = b"SQLite format 3\0";

/// Integers with fewer digits cannot be card data (a security code has 3).
const SMALLEST_SCANNED_INTEGER: i64 = 100;

impl Decoder for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(MAGIC)
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let limit = sink.limits().max_buffered_bytes;
        let dir = tempfile::tempdir().map_err(|e| DecodeError::Io(with_context(e, "temporary directory")))?;
        let db = dir.path().join("db");
        let mut copy = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&db)
            .map_err(|e| DecodeError::Io(with_context(e, "temporary file")))?;
        let copied = io::copy(&mut input.take(limit.saturating_add(1)), &mut copy)
            .map_err(|e| DecodeError::reading("SQLite database", e))?;
        copy.flush()?;
        copy.seek(SeekFrom::Start(0))?;
        if copied > limit {
            sink.push(Piece::here(&mut (&mut copy).chain(input), None))
                .map_err(|e| DecodeError::reading("SQLite database", e))?;
            return Err(DecodeError::Limit(format!(
                "records not read: database larger than {limit} bytes (--max-buffered-bytes); its raw bytes were scanned"
            )));
        }
        let records = read_records(&db, Open::Copy, sink);
        copy.seek(SeekFrom::Start(0))?;
        scan_raw(&mut copy, sink)?;
        records
    }

    fn decode_seekable(
        &self,
        input: &mut dyn ReadSeek,
        name: &str,
        sink: &mut dyn InnerSink,
    ) -> Result<(), DecodeError> {
        let Some(path) = sink.path().map(Path::to_path_buf) else {
            return self.decode(input, name, sink);
        };
        let wal = sibling(&path, "-wal");
        let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let records = if wal_len == 0 {
            read_records(&path, Open::Immutable, sink)
        } else {
            with_wal(&path, &wal, wal_len, sink)
        };
        input.seek(SeekFrom::Start(0))?;
        scan_raw(input, sink)?;
        records
    }

    fn expands(&self) -> bool {
        false
    }
}

/// Reads the database with its `-wal` file applied, from a copy of both.
fn with_wal(path: &Path, wal: &Path, wal_len: u64, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
    let limit = sink.limits().max_buffered_bytes;
    let db_len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
    if db_len.saturating_add(wal_len) > limit {
        sink.event(Event::skip(
            "-wal",
            SkipReason::TooLarge,
            format!(
                "rows in the -wal file not read as records: database and WAL larger than {limit} bytes \
                 (--max-buffered-bytes); the -wal file's raw bytes are scanned as a file of its own"
            ),
        ));
        return read_records(path, Open::Immutable, sink);
    }
    let dir = tempfile::tempdir().map_err(|e| DecodeError::Io(with_context(e, "temporary directory")))?;
    let copy = dir.path().join("db");
    std::fs::copy(path, &copy).map_err(|e| DecodeError::Io(with_context(e, "copying the database")))?;
    std::fs::copy(wal, dir.path().join("db-wal"))
        .map_err(|e| DecodeError::Io(with_context(e, "copying the -wal file")))?;
    read_records(&copy, Open::Copy, sink)
}

/// How a database file is opened.
#[derive(Clone, Copy)]
enum Open {
    /// The user's own file: read-only and immutable (no locks, no WAL, no change).
    Immutable,
    /// hihoji's temporary copy: opened normally, so that a WAL is applied.
    Copy,
}

fn open(path: &Path, how: Open) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = match how {
        Open::Immutable => {
            Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_READ_ONLY)?
        }
        Open::Copy => Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_READ_WRITE)?,
    };
    conn.execute_batch("PRAGMA query_only = 1; PRAGMA trusted_schema = 0;")?;
    Ok(conn)
}

/// `file:/path/to/db?mode=ro&immutable=1`, with the path percent-encoded.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
}

/// `orders.db` + `-wal` → `orders.db-wal`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Reads every row of every table and scans each value as its own field.
/// A table that fails part-way is recorded and the others are still read; a
/// database that cannot be opened at all is the error returned.
fn read_records(path: &Path, how: Open, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
    let conn = open(path, how).map_err(|e| unreadable(path, &e))?;
    let tables = list_tables(&conn).map_err(|e| unreadable(path, &e))?;
    for table in &tables {
        if let Err(e) = read_table(&conn, table, sink) {
            match e {
                TableError::Sqlite(e) => sink.event(Event::skip(
                    &table.name,
                    SkipReason::Corrupt,
                    format!("table could not be read to its end: {e}; rows before the damage were scanned"),
                )),
                TableError::Scan(e) => return Err(DecodeError::reading("SQLite table", e)),
            }
        }
    }
    super::sqlite_carve::carve_deleted(&conn, path, sink)
        .map(|_| ())
        .map_err(|e| DecodeError::reading("SQLite free space", e))
}

/// Why SQLite could not open the database: encrypted when the header
/// reserves bytes per page as SQLCipher does and the pages are not readable.
fn unreadable(path: &Path, e: &rusqlite::Error) -> DecodeError {
    let reserved = File::open(path).ok().and_then(|mut f| {
        let mut header = [0u8; 21];
        f.read_exact(&mut header).ok().map(|()| header[20])
    });
    let not_a_database = e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase);
    match reserved {
        Some(reserved) if not_a_database && reserved >= 16 => DecodeError::Encrypted(format!(
            "SQLite cannot read the pages ({e}) and the header reserves {reserved} bytes per page, \
             as SQLCipher does; records not read, raw bytes scanned"
        )),
        _ => DecodeError::Corrupt(format!(
            "SQLite cannot read the database ({e}); records not read, raw bytes scanned"
        )),
    }
}

struct Table {
    name: String,
    without_rowid: bool,
}

/// Ordinary tables; virtual tables keep their rows in shadow tables, which are read.
fn list_tables(conn: &Connection) -> rusqlite::Result<Vec<Table>> {
    let mut stmt = conn.prepare(
        "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY rootpage",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
    let mut tables = Vec::new();
    for row in rows {
        let (name, sql) = row?;
        let sql = sql.to_ascii_uppercase();
        if sql.starts_with("CREATE VIRTUAL") {
            continue;
        }
        tables.push(Table {
            name,
            without_rowid: sql.contains("WITHOUT ROWID"),
        });
    }
    Ok(tables)
}

enum TableError {
    Sqlite(rusqlite::Error),
    Scan(io::Error),
}

impl From<rusqlite::Error> for TableError {
    fn from(e: rusqlite::Error) -> Self {
        TableError::Sqlite(e)
    }
}

fn read_table(conn: &Connection, table: &Table, sink: &mut dyn InnerSink) -> Result<(), TableError> {
    let quoted = format!("\"{}\"", table.name.replace('"', "\"\""));
    let (sql, first) = if table.without_rowid {
        (format!("SELECT * FROM {quoted}"), 0)
    } else {
        (format!("SELECT _rowid_, * FROM {quoted}"), 1)
    };
    let mut stmt = conn.prepare(&sql)?;
    let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let mut rows = stmt.query([])?;
    let mut ordinal = 0u64;
    let mut row_label = String::new();
    while let Some(row) = rows.next()? {
        ordinal += 1;
        row_label.clear();
        if table.without_rowid {
            row_label.push_str(&format!("row={ordinal}"));
        } else {
            let rowid: i64 = row.get(0)?;
            row_label.push_str(&format!("rowid={rowid}"));
        }
        for (i, column) in columns.iter().enumerate().skip(first) {
            let number;
            let value = match row.get_ref(i)? {
                ValueRef::Null => continue,
                ValueRef::Integer(n) => {
                    if n.unsigned_abs() < SMALLEST_SCANNED_INTEGER as u64 {
                        continue;
                    }
                    number = n.unsigned_abs().to_string();
                    FieldValue::Text(number.as_bytes())
                }
                ValueRef::Real(r) => match integral_real(r) {
                    Some(text) => {
                        number = text;
                        FieldValue::Text(number.as_bytes())
                    }
                    None => continue,
                },
                ValueRef::Text(t) => FieldValue::Text(t),
                ValueRef::Blob(b) => FieldValue::Blob(b),
            };
            let field = Field {
                table: &table.name,
                column,
                row: &row_label,
                value,
                recovered: false,
            };
            sink.field(&field).map_err(TableError::Scan)?;
        }
    }
    Ok(())
}

/// Scans the file's own bytes: deleted rows and free pages.
fn scan_raw(input: &mut dyn Read, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
    sink.push(Piece::here(input, None))
        .map(|_| ())
        .map_err(|e| DecodeError::reading("SQLite database bytes", e))
}

fn with_context(e: io::Error, what: &str) -> io::Error {
    io::Error::new(e.kind(), format!("{what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::immutable_uri;
    use std::path::Path;

    #[test]
    fn uri_escapes_characters_sqlite_would_read_as_query() {
        assert_eq!(
            immutable_uri(Path::new("/pos/my db?#.sqlite")),
            "file:/pos/my%20db%3F%23.sqlite?mode=ro&immutable=1"
        );
    }
}
