//! Live database servers as scan targets: `postgres://…` and `mysql://…`
//! (MariaDB too) beside paths.
//!
//! Every table the user may read is read row by row, streamed (PostgreSQL
//! `COPY … TO STDOUT`, MySQL's unbuffered text protocol) inside a read-only
//! transaction with a statement timeout, and each value is scanned as its own
//! field with its column's name as context (see [`crate::scan::Field`]).
//! Findings are `stored` (保存) and named
//! `postgres://host:port/db/schema.table.column#ctid=(0,17)`.
//!
//! What could not be read is a gap, recorded per table as skipped with its
//! reason (no SELECT privilege, timeout, rows hidden by row-level security); a
//! server that cannot be reached or refuses the login is an error of the whole
//! scan. Passwords never reach an output: targets are shown as
//! `postgres://user@host:port/db` and drivers' messages are scrubbed.

mod mysql;
mod password;
mod postgres;
mod target;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use globset::GlobSet;

pub use target::{redact_url, DatabaseTarget, Password, Server};

use crate::findings::{GuidelineCategory, LayerKind, Note, Provenance, Redacted, SkipReason, Skipped};
use crate::scan::{Engine, FieldValue, FileOutcome, Worker};

/// Which tables to read and how.
#[derive(Debug, Clone)]
pub struct DatabaseOptions {
    /// Only these schemas (PostgreSQL) or databases (MySQL); empty for all.
    pub schemas: Vec<String>,
    /// Only tables whose `schema.table` or `table` matches.
    pub tables: Option<GlobSet>,
    /// At most this many rows per table; `None` reads every row (an audit needs all).
    pub sample: Option<u64>,
    /// Longest one table's read may take before the server cancels it.
    pub statement_timeout: Duration,
    /// A file whose first line is the password (`--db-password-file`).
    pub password_file: Option<PathBuf>,
    /// Longest row held in memory; a longer one is recorded as skipped.
    pub max_row_bytes: u64,
}

impl Default for DatabaseOptions {
    fn default() -> Self {
        DatabaseOptions {
            schemas: Vec::new(),
            tables: None,
            sample: None,
            statement_timeout: Duration::from_secs(3600),
            password_file: None,
            max_row_bytes: 256 << 20,
        }
    }
}

impl DatabaseOptions {
    fn wants(&self, schema: &str, table: &str) -> bool {
        (self.schemas.is_empty() || self.schemas.iter().any(|s| s == schema))
            && self
                .tables
                .as_ref()
                .is_none_or(|globs| globs.is_match(format!("{schema}.{table}")) || globs.is_match(table))
    }
}

/// Why a database target could not be scanned at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("database URL {0}")]
    Url(String),
    #[error("--db-password-file {0}")]
    PasswordFile(String),
    #[error("cannot connect to {target}: {message}")]
    Connect { target: String, message: String },
}

/// Scans every target in turn; stops at the first that cannot be connected to.
pub fn scan_databases(
    targets: &[DatabaseTarget],
    options: &DatabaseOptions,
    engine: &Engine,
) -> Result<FileOutcome, DatabaseError> {
    let mut worker = Worker::new(engine);
    let mut out = FileOutcome::default();
    for target in targets {
        let password = password::password_for(target, options.password_file.as_deref())?;
        let mut scan = ServerScan {
            target,
            options,
            worker: &mut worker,
            out: &mut out,
        };
        match target.server {
            Server::Postgres => postgres::scan(&mut scan, password)?,
            Server::MySql => mysql::scan(&mut scan, password)?,
        }
    }
    Ok(out)
}

/// One server being scanned: where its tables' values and gaps go.
struct ServerScan<'s, 'e> {
    target: &'s DatabaseTarget,
    options: &'s DatabaseOptions,
    worker: &'s mut Worker<'e>,
    out: &'s mut FileOutcome,
}

impl ServerScan<'_, '_> {
    /// `postgres://host:port/db/schema.table`.
    fn table_artifact(&self, table: &str) -> String {
        format!("{}/{table}", self.target.base())
    }

    fn connect_error(&self, message: &str, password: Option<&Password>) -> DatabaseError {
        let message = password.map_or_else(|| message.to_string(), |p| p.scrub(message));
        DatabaseError::Connect {
            target: self.target.shown(),
            message,
        }
    }

    /// Records a table that could not be read (completely).
    fn skip(&mut self, table: &str, reason: SkipReason, detail: String) {
        self.out.skipped.push(Skipped {
            provenance: Provenance::file(self.table_artifact(table)),
            reason,
            detail: detail.into(),
        });
    }

    /// Starts reading `table` (`schema.table`) with these columns.
    fn table(&self, table: &str, columns: &[String]) -> TableScan {
        let short = table.rsplit('.').next().unwrap_or(table);
        TableScan {
            artifact: self.table_artifact(table),
            labels: columns.iter().map(|c| format!("{short}.{c}")).collect(),
            provenances: columns
                .iter()
                .map(|c| {
                    Provenance::file(format!("{}.{c}", self.table_artifact(table)))
                        .child(LayerKind::Stream, "")
                })
                .collect(),
            findings_before: self.out.findings.len(),
            rows: 0,
            bytes: 0,
        }
    }
}

/// One table being read: names each value's provenance and counts what was read.
struct TableScan {
    artifact: String,
    /// `table.column`: the context each value is scanned with.
    labels: Vec<String>,
    /// Per column, with a last layer naming the row, rewritten for each row.
    provenances: Vec<Provenance>,
    findings_before: usize,
    rows: u64,
    bytes: u64,
}

impl TableScan {
    fn value(&mut self, scan: &mut ServerScan<'_, '_>, column: usize, row: &str, value: FieldValue<'_>) {
        let (Some(provenance), Some(label)) = (self.provenances.get_mut(column), self.labels.get(column))
        else {
            return;
        };
        self.bytes += value.bytes().len() as u64;
        if let Some(layer) = provenance.layers.last_mut() {
            layer.name = Redacted::new(row);
        }
        // Only a spent bomb budget fails, and each value has its own.
        let _ = scan
            .worker
            .scan_field(provenance, label, value, GuidelineCategory::Stored, 0, scan.out);
    }

    /// Records how much of the table was read, and annotates its findings
    /// with that count.
    fn finish(self, scan: &mut ServerScan<'_, '_>, complete: bool) {
        let rows = self.rows.to_string();
        for finding in &mut scan.out.findings[self.findings_before..] {
            finding
                .annotations
                .insert("table_rows_read".to_string(), rows.as_str().into());
        }
        let sampled = scan.options.sample.is_some_and(|n| self.rows >= n);
        let detail = match (complete, sampled) {
            (true, false) => format!("{} rows read, every row", self.rows),
            (true, true) => format!("{} rows read (--db-sample)", self.rows),
            (false, _) => format!("{} rows read before the read failed", self.rows),
        };
        let mut annotations = BTreeMap::new();
        annotations.insert("rows_read".to_string(), rows.into());
        annotations.insert("columns".to_string(), self.labels.len().to_string().into());
        scan.out.notes.push(Note {
            provenance: Provenance::file(self.artifact),
            kind: "database_table".to_string(),
            detail: detail.into(),
            annotations,
        });
        scan.out
            .coverage
            .add_stream(scan.target.server.scheme(), self.bytes);
    }
}

/// Adds what the database targets produced to the outcome of the file scan.
pub fn absorb(outcome: &mut crate::outcome::ScanOutcome, targets: &[DatabaseTarget], found: FileOutcome) {
    outcome
        .roots
        .extend(targets.iter().map(|t| Redacted::from(t.shown())));
    outcome.findings.extend(found.findings);
    outcome.skipped.extend(found.skipped);
    outcome.notes.extend(found.notes);
    outcome.coverage.merge(&found.coverage);
}
