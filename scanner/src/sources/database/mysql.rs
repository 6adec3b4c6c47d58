//! MySQL and MariaDB: every base table the user may read, streamed with the
//! text protocol (rows are read from the socket one at a time, never buffered
//! whole) inside a read-only transaction with a statement timeout. The text
//! protocol gives every type as its text, and BLOB/BINARY columns (binary
//! character set) as their bytes.
//!
//! MySQL's catalogue lists only the tables a user holds some privilege on, so
//! a table this user may not read at all cannot be named as a gap; a
//! least-privilege role with `GRANT SELECT ON db.*` reads them all
//! (docs/databases.md).

use std::time::Duration;

use mysql::consts::ColumnType;
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, SslOpts, Value};

use super::{DatabaseError, Password, ServerScan};
use crate::field::FieldValue;
use crate::findings::SkipReason;

/// The binary character set: the column holds bytes, not text.
const BINARY_CHARSET: u16 = 63;

/// Longest integer primary key named in a provenance; a longer one could be a
/// card number itself, so such rows are named by their position instead.
const MAX_KEY_DIGITS: usize = 11;

pub(super) fn scan(scan: &mut ServerScan<'_, '_>, password: Option<Password>) -> Result<(), DatabaseError> {
    let target = scan.target;
    let mut opts = OptsBuilder::new()
        .ip_or_hostname(Some(target.host.clone()))
        .tcp_port(target.port)
        .user((!target.user.is_empty()).then(|| target.user.clone()))
        .pass(password.as_ref().map(|p| p.expose().to_string()))
        .db_name((!target.database.is_empty()).then(|| target.database.clone()))
        .prefer_socket(false)
        .tcp_connect_timeout(Some(Duration::from_secs(15)));
    if target.tls {
        opts = opts.ssl_opts(Some(
            SslOpts::default().with_root_cert_path(target.root_cert.clone().map(std::borrow::Cow::Owned)),
        ));
    }
    let mut conn = Conn::new(opts).map_err(|e| scan.connect_error(&describe(&e), password.as_ref()))?;
    // Each server knows one of these; the other is an unknown variable.
    let millis = scan.options.statement_timeout.as_millis().max(1);
    let _ = conn.query_drop(format!("SET SESSION max_execution_time = {millis}"));
    let _ = conn.query_drop(format!(
        "SET SESSION max_statement_time = {}",
        scan.options.statement_timeout.as_secs_f64()
    ));
    let tables = list_tables(&mut conn, &target.database)
        .map_err(|e| scan.connect_error(&format!("listing tables: {}", describe(&e)), None))?;
    for (schema, name) in tables {
        if !scan.options.wants(&schema, &name) {
            continue;
        }
        if let Err((reason, detail)) = read_table(scan, &mut conn, &schema, &name) {
            let _ = conn.query_drop("ROLLBACK");
            scan.skip(&format!("{schema}.{name}"), reason, detail);
        }
    }
    Ok(())
}

fn list_tables(conn: &mut Conn, database: &str) -> mysql::Result<Vec<(String, String)>> {
    let sql = "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
               WHERE TABLE_TYPE = 'BASE TABLE'
                 AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
                 AND (? = '' OR TABLE_SCHEMA = ?)
               ORDER BY TABLE_SCHEMA, TABLE_NAME";
    conn.exec(sql, (database, database))
}

fn read_table(
    scan: &mut ServerScan<'_, '_>,
    conn: &mut Conn,
    schema: &str,
    name: &str,
) -> Result<(), (SkipReason, String)> {
    let key: Vec<String> = conn
        .exec(
            "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY'
             ORDER BY ORDINAL_POSITION",
            (schema, name),
        )
        .map_err(|e| classify(&e))?;
    conn.query_drop("START TRANSACTION READ ONLY")
        .map_err(|e| classify(&e))?;
    let limit = scan
        .options
        .sample
        .map(|n| format!(" LIMIT {n}"))
        .unwrap_or_default();
    let sql = format!(
        "SELECT * FROM {}.{}{limit}",
        quote_ident(schema),
        quote_ident(name)
    );
    let display = format!("{schema}.{name}");
    let mut result = conn.query_iter(sql).map_err(|e| classify(&e))?;
    let columns: Vec<String> = result
        .columns()
        .as_ref()
        .iter()
        .map(|c| c.name_str().into_owned())
        .collect();
    let binary: Vec<bool> = result
        .columns()
        .as_ref()
        .iter()
        .map(|c| c.character_set() == BINARY_CHARSET && is_string_type(c.column_type()))
        .collect();
    let key_columns: Vec<usize> = key
        .iter()
        .filter_map(|k| columns.iter().position(|c| c == k))
        .collect();
    let mut table = scan.table(&display, &columns);
    let mut row_label = String::new();
    let mut outcome = Ok(());
    for row in result.by_ref() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                outcome = Err(classify(&e));
                break;
            }
        };
        table.rows += 1;
        row_label.clear();
        name_row(&row, &columns, &key_columns, table.rows, &mut row_label);
        for (column, &is_binary) in binary.iter().enumerate() {
            let Some(Value::Bytes(bytes)) = row.as_ref(column) else {
                continue;
            };
            let value = if is_binary {
                FieldValue::Blob(bytes)
            } else {
                FieldValue::Text(bytes)
            };
            table.value(scan, column, &row_label, value);
        }
    }
    drop(result);
    table.finish(scan, outcome.is_ok());
    outcome?;
    conn.query_drop("COMMIT").map_err(|e| classify(&e))
}

/// `id=17` from an integer primary key, else the row's position `row=17`.
fn name_row(row: &mysql::Row, columns: &[String], key: &[usize], ordinal: u64, out: &mut String) {
    let parts: Option<Vec<String>> = (!key.is_empty())
        .then(|| {
            key.iter()
                .map(|&i| match row.as_ref(i) {
                    Some(Value::Bytes(b))
                        if !b.is_empty() && b.len() <= MAX_KEY_DIGITS && b.iter().all(u8::is_ascii_digit) =>
                    {
                        Some(format!("{}={}", columns[i], String::from_utf8_lossy(b)))
                    }
                    _ => None,
                })
                .collect()
        })
        .flatten();
    match parts {
        Some(parts) => out.push_str(&parts.join(",")),
        None => out.push_str(&format!("row={ordinal}")),
    }
}

fn is_string_type(t: ColumnType) -> bool {
    matches!(
        t,
        ColumnType::MYSQL_TYPE_BLOB
            | ColumnType::MYSQL_TYPE_TINY_BLOB
            | ColumnType::MYSQL_TYPE_MEDIUM_BLOB
            | ColumnType::MYSQL_TYPE_LONG_BLOB
            | ColumnType::MYSQL_TYPE_STRING
            | ColumnType::MYSQL_TYPE_VAR_STRING
            | ColumnType::MYSQL_TYPE_VARCHAR
    )
}

fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// The skip reason for a failed statement: 1142/1143 no privilege, 3024
/// (MySQL) and 1969 (MariaDB) the statement timeout.
fn classify(e: &mysql::Error) -> (SkipReason, String) {
    let reason = match e {
        mysql::Error::MySqlError(m) if matches!(m.code, 1142 | 1143 | 1044) => SkipReason::PermissionDenied,
        mysql::Error::MySqlError(m) if matches!(m.code, 3024 | 1969 | 1317) => SkipReason::Timeout,
        _ => SkipReason::ReadError,
    };
    (reason, describe(e))
}

/// The error's text, never a value: the driver's value and row conversion
/// errors print what they hold, so they are named only.
fn describe(e: &mysql::Error) -> String {
    match e {
        mysql::Error::MySqlError(m) => format!("server error {}: {}", m.code, m.message),
        mysql::Error::IoError(io) => io.to_string(),
        mysql::Error::DriverError(d) => d.to_string(),
        mysql::Error::UrlError(u) => u.to_string(),
        mysql::Error::TlsError(t) => format!("TLS: {t}"),
        mysql::Error::CodecError(c) => c.to_string(),
        mysql::Error::FromValueError(_) | mysql::Error::FromRowError(_) => {
            "unexpected value type".to_string()
        }
    }
}
