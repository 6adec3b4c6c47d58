//! Databases for the database tests: SQLite files, and throw-away databases
//! on the PostgreSQL and MariaDB/MySQL servers `.ci/run` starts.

use std::path::Path;

use rusqlite::Connection;

/// A SQLite database at `path` made by `sql`, still open.
pub fn sqlite_db(path: &Path, sql: &str) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
    conn
}

/// The server URL from the environment, or why the test does not run.
pub fn server(variable: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("skipped: {variable} is not set (.ci/run starts a server and sets it)");
            None
        }
    }
}

/// `host:port` of a `scheme://user:password@host:port/` URL.
pub fn host_port(url: &str) -> String {
    url.rsplit('@')
        .next()
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A database of its own on the PostgreSQL server, named after the test and
/// this process; dropped again when the test ends (passed or not).
pub struct Postgres {
    admin: postgres::Client,
    /// Roles made for the test, dropped after the database.
    roles: Vec<String>,
    /// The database's name.
    pub name: String,
    /// The admin account's URL for this database.
    pub url: String,
    /// The admin account's URL.
    pub admin_url: String,
}

impl Postgres {
    /// A fresh database `{prefix}{pid}`, or `None` (with the reason printed)
    /// when no server is configured.
    pub fn create(prefix: &str) -> Option<Postgres> {
        let admin_url = server("HIHOJI_TEST_POSTGRES_URL")?;
        let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls).unwrap();
        let name = format!("{prefix}{}", std::process::id());
        // One statement each: neither runs inside a transaction block.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let url = admin_url.rsplit_once('/').unwrap().0.to_string() + "/" + &name;
        Some(Postgres {
            admin,
            roles: Vec::new(),
            name,
            url,
            admin_url,
        })
    }

    /// A connection to the database as the admin account.
    pub fn connect(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }

    /// A login role `{prefix}{pid}` with `password`, dropped with the database.
    pub fn create_role(&mut self, prefix: &str, password: &str) -> String {
        let role = format!("{prefix}{}", std::process::id());
        self.admin
            .batch_execute(&format!(
                "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN PASSWORD '{password}'"
            ))
            .unwrap();
        self.roles.push(role.clone());
        role
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // WITH (FORCE): a connection a failed test left open does not keep it.
        let _ = self
            .admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        for role in &self.roles {
            let _ = self.admin.batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
        }
    }
}
