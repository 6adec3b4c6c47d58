//! PostgreSQL: every table, materialized view and partition the user may read,
//! streamed with `COPY (SELECT ctid, * FROM ONLY t) TO STDOUT` in its own
//! read-only transaction with a statement and a lock timeout. COPY's text
//! format gives every type (numeric, JSON/JSONB, arrays, bytea as `\x…`) as
//! text without a type mapping to maintain, and streams without a cursor.

use std::io::{self, BufReader};
use std::sync::Arc;
use std::time::Duration;

use postgres::config::SslMode;
use postgres::error::SqlState;
use postgres::types::Type;
use postgres::{Client, Config, IsolationLevel, NoTls};

use super::{DatabaseError, Password, ServerScan};
use crate::decode::copy_text::{bytea, read_row, CopyFields};
use crate::field::FieldValue;
use crate::findings::SkipReason;

/// A table as the catalogue lists it.
struct Relation {
    schema: String,
    name: String,
    kind: String,
    readable: bool,
    row_security: bool,
}

impl Relation {
    fn display(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    fn quoted(&self) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }
}

pub(super) fn scan(scan: &mut ServerScan<'_, '_>, password: Option<Password>) -> Result<(), DatabaseError> {
    let target = scan.target;
    let mut config = Config::new();
    config
        .host(&target.host)
        .port(target.port)
        .dbname(&target.database)
        .application_name("hihoji")
        .connect_timeout(Duration::from_secs(15));
    let user = if target.user.is_empty() {
        std::env::var("PGUSER")
            .or_else(|_| std::env::var("USER"))
            .unwrap_or_default()
    } else {
        target.user.clone()
    };
    config.user(&user);
    if let Some(password) = &password {
        config.password(password.expose());
    }
    let connected = if target.tls {
        config.ssl_mode(SslMode::Require);
        let tls = tls_connector(target.root_cert.as_deref()).map_err(|m| scan.connect_error(&m, None))?;
        config.connect(tls)
    } else {
        config.connect(NoTls)
    };
    let mut client = connected.map_err(|e| scan.connect_error(&describe(&e), password.as_ref()))?;
    let relations = list_relations(&mut client)
        .map_err(|e| scan.connect_error(&format!("listing tables: {}", describe(&e)), None))?;
    for relation in relations {
        if !scan.options.wants(&relation.schema, &relation.name) {
            continue;
        }
        let table = relation.display();
        if client.is_closed() {
            scan.skip(
                &table,
                SkipReason::ReadError,
                "the connection to the server was lost".to_string(),
            );
            continue;
        }
        if relation.kind == "f" {
            // Scope, not a gap: the rows live on another server, scanned there.
            continue;
        }
        if !relation.readable {
            scan.skip(
                &table,
                SkipReason::PermissionDenied,
                "no SELECT privilege on the table (or USAGE on its schema) for this role".to_string(),
            );
            continue;
        }
        if relation.row_security {
            scan.skip(
                &table,
                SkipReason::PermissionDenied,
                "row-level security is on for this role: rows it may not see were not read".to_string(),
            );
        }
        if let Err((reason, detail)) = read_table(scan, &mut client, &relation) {
            scan.skip(&table, reason, detail);
        }
    }
    Ok(())
}

fn list_relations(client: &mut Client) -> Result<Vec<Relation>, postgres::Error> {
    let rows = client.query(
        "SELECT n.nspname::text, c.relname::text, c.relkind::text,
                has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'),
                CASE WHEN c.relkind = 'f' THEN false
                     WHEN has_table_privilege(c.oid, 'SELECT') THEN row_security_active(c.oid)
                     ELSE false END
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'm', 'f')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname !~ '^pg_(toast|temp_)'
         ORDER BY 1, 2",
        &[],
    )?;
    rows.iter()
        .map(|row| {
            Ok(Relation {
                schema: row.try_get(0)?,
                name: row.try_get(1)?,
                kind: row.try_get(2)?,
                readable: row.try_get(3)?,
                row_security: row.try_get(4)?,
            })
        })
        .collect()
}

/// Reads one table; an error is the reason it could not be read to its end.
fn read_table(
    scan: &mut ServerScan<'_, '_>,
    client: &mut Client,
    relation: &Relation,
) -> Result<(), (SkipReason, String)> {
    let options = scan.options;
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .isolation_level(IsolationLevel::RepeatableRead)
        .start()
        .map_err(|e| classify(&e))?;
    tx.batch_execute(&format!(
        "SET LOCAL statement_timeout = {}; SET LOCAL lock_timeout = 10000",
        options.statement_timeout.as_millis().max(1)
    ))
    .map_err(|e| classify(&e))?;
    let quoted = relation.quoted();
    let statement = tx
        .prepare(&format!("SELECT * FROM ONLY {quoted} LIMIT 0"))
        .map_err(|e| classify(&e))?;
    let columns: Vec<String> = statement.columns().iter().map(|c| c.name().to_string()).collect();
    let is_bytea: Vec<bool> = statement
        .columns()
        .iter()
        .map(|c| *c.type_() == Type::BYTEA)
        .collect();
    let limit = options.sample.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
    let copy = tx
        .copy_out(&format!(
            "COPY (SELECT ctid, * FROM ONLY {quoted}{limit}) TO STDOUT"
        ))
        .map_err(|e| classify(&e))?;
    let mut reader = BufReader::with_capacity(256 * 1024, copy);
    let mut table = scan.table(&relation.display(), &columns);
    let mut line = Vec::new();
    let mut fields = CopyFields::default();
    let mut row_label = String::new();
    let mut cut_rows = 0u64;
    let max_row = usize::try_from(options.max_row_bytes).unwrap_or(usize::MAX);
    let result = loop {
        match read_row(&mut reader, &mut line, max_row) {
            Ok(None) => break Ok(()),
            Ok(Some(cut)) => {
                table.rows += 1;
                cut_rows += u64::from(cut);
                fields.split(&line);
                row_label.clear();
                row_label.push_str("ctid=");
                row_label.push_str(&String::from_utf8_lossy(fields.get(0).unwrap_or_default()));
                for (column, &binary) in is_bytea.iter().enumerate() {
                    let Some(text) = fields.get(column + 1) else {
                        continue;
                    };
                    let decoded;
                    let value = match binary.then(|| bytea(text)).flatten() {
                        Some(bytes) => {
                            decoded = bytes;
                            FieldValue::Blob(&decoded)
                        }
                        None => FieldValue::Text(text),
                    };
                    table.value(scan, column, &row_label, value);
                }
            }
            Err(e) => break Err(classify_io(&e)),
        }
    };
    drop(reader);
    let complete = result.is_ok();
    table.finish(scan, complete);
    if cut_rows > 0 {
        scan.skip(
            &relation.display(),
            SkipReason::TooLarge,
            format!(
                "{cut_rows} rows longer than {} bytes: only their first bytes were scanned",
                options.max_row_bytes
            ),
        );
    }
    result?;
    tx.commit().map_err(|e| classify(&e))
}

/// `"name"` with inner quotes doubled.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The skip reason for a failed statement.
fn classify(e: &postgres::Error) -> (SkipReason, String) {
    let reason = match e.code() {
        Some(code) if *code == SqlState::INSUFFICIENT_PRIVILEGE => SkipReason::PermissionDenied,
        Some(code) if *code == SqlState::QUERY_CANCELED || *code == SqlState::LOCK_NOT_AVAILABLE => {
            SkipReason::Timeout
        }
        _ => SkipReason::ReadError,
    };
    (reason, describe(e))
}

fn classify_io(e: &io::Error) -> (SkipReason, String) {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<postgres::Error>())
    {
        Some(pg) => classify(pg),
        None => (SkipReason::ReadError, e.to_string()),
    }
}

/// The server's own message when it sent one (it names no row values), else the driver's.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

/// TLS that verifies the server's certificate against the system's roots and
/// `sslrootcert`: stricter than libpq's `require`, which checks nothing.
fn tls_connector(
    root_cert: Option<&std::path::Path>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = root_cert {
        use rustls::pki_types::pem::PemObject;
        let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
            .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
        for cert in certs {
            let cert = cert.map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
            roots
                .add(cert)
                .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
        }
    }
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}
