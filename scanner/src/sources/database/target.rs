//! A database server named on the command line (`postgres://…`, `mysql://…`):
//! parsed once, and shown everywhere without its password.

use std::fmt;

use percent_encoding::percent_decode_str;

use super::DatabaseError;

/// Which server protocol a target speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Postgres,
    /// MySQL and MariaDB.
    MySql,
}

impl Server {
    pub fn scheme(self) -> &'static str {
        match self {
            Server::Postgres => "postgres",
            Server::MySql => "mysql",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Server::Postgres => 5432,
            Server::MySql => 3306,
        }
    }
}

/// A password, which never prints.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(text: String) -> Self {
        Password(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `message` with every occurrence of the password replaced (a driver's
    /// error text is not trusted to leave it out).
    pub fn scrub(&self, message: &str) -> String {
        if self.0.len() < 2 {
            return message.to_string();
        }
        message.replace(&self.0, "***")
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A database server and database to scan.
#[derive(Debug, Clone)]
pub struct DatabaseTarget {
    pub server: Server,
    pub user: String,
    /// From the URL; other sources are asked at connection time.
    pub password: Option<Password>,
    pub host: String,
    pub port: u16,
    /// The database (PostgreSQL: required; MySQL: empty for every one the user may read).
    pub database: String,
    /// `sslmode=require` (or MySQL's `ssl-mode=REQUIRED`): connect over TLS only.
    pub tls: bool,
    /// `sslrootcert=FILE`: a CA certificate (PEM) to trust besides the system's.
    pub root_cert: Option<std::path::PathBuf>,
}

impl DatabaseTarget {
    /// The target a command-line argument names, or `None` when it is a path.
    pub fn parse(arg: &str) -> Option<Result<DatabaseTarget, DatabaseError>> {
        let (scheme, _) = arg.split_once("://")?;
        let server = match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Server::Postgres,
            "mysql" | "mariadb" => Server::MySql,
            _ => return None,
        };
        Some(Self::parse_url(server, arg))
    }

    fn parse_url(server: Server, arg: &str) -> Result<DatabaseTarget, DatabaseError> {
        // Parse errors name the URL without its password.
        let shown = redact_url(arg);
        let bad = |why: &str| DatabaseError::Url(format!("{shown}: {why}"));
        let url = url::Url::parse(arg).map_err(|e| bad(&e.to_string()))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
        let user = decode(url.username());
        let password = url.password().map(|p| Password(decode(p)));
        let database = decode(url.path().trim_start_matches('/'));
        if server == Server::Postgres && database.is_empty() {
            return Err(bad("no database name (postgres://USER@HOST[:PORT]/DATABASE)"));
        }
        let mut tls = false;
        let mut root_cert = None;
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.to_ascii_lowercase().as_str()) {
                (
                    "sslmode" | "ssl-mode" | "ssl_mode",
                    "require" | "required" | "verify-ca" | "verify-full" | "verify_identity",
                ) => tls = true,
                (
                    "sslmode" | "ssl-mode" | "ssl_mode",
                    "disable" | "disabled" | "prefer" | "preferred" | "allow",
                ) => {}
                ("sslrootcert" | "ssl-ca", _) => root_cert = Some(std::path::PathBuf::from(value.as_ref())),
                _ => {
                    return Err(bad(&format!(
                        "unsupported parameter {key:?} (sslmode, sslrootcert)"
                    )))
                }
            }
        }
        Ok(DatabaseTarget {
            server,
            user,
            password,
            host,
            port: url.port().unwrap_or(server.default_port()),
            database,
            tls,
            root_cert,
        })
    }

    /// `postgres://host:port/db`: the start of every provenance from this target.
    pub fn base(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!(
            "{}://{host}:{}/{}",
            self.server.scheme(),
            self.port,
            self.database
        )
    }

    /// `postgres://user@host:port/db`: the target as shown to the user.
    pub fn shown(&self) -> String {
        let base = self.base();
        let (scheme, rest) = base.split_once("://").unwrap_or(("", &base));
        if self.user.is_empty() {
            base.clone()
        } else {
            format!("{scheme}://{}@{rest}", self.user)
        }
    }
}

/// A database URL with any password replaced by `***`.
pub fn redact_url(arg: &str) -> String {
    let Some((scheme, rest)) = arg.split_once("://") else {
        return arg.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => arg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_in_url_is_kept_out_of_every_shown_form() {
        let t = DatabaseTarget::parse("postgres://scan:s3cr%40t@db1:5433/shop?sslmode=require")
            .unwrap()
            .unwrap();
        assert_eq!(t.password.as_ref().map(Password::expose), Some("s3cr@t"));
        assert_eq!(t.shown(), "postgres://scan@db1:5433/shop");
        assert_eq!(t.base(), "postgres://db1:5433/shop");
        assert!(t.tls);
        assert!(!format!("{t:?}").contains("s3cr"));
        assert_eq!(redact_url("mysql://u:pw@h/db"), "mysql://u@h/db");
    }

    #[test]
    fn paths_are_not_targets() {
        assert!(DatabaseTarget::parse("exports/orders.csv").is_none());
        assert!(DatabaseTarget::parse("http://example/x").is_none());
    }

    #[test]
    fn postgres_needs_a_database_and_errors_hide_the_password() {
        let e = DatabaseTarget::parse("postgres://u:topsecret@h")
            .unwrap()
            .unwrap_err();
        assert!(!e.to_string().contains("topsecret"));
        let m = DatabaseTarget::parse("mariadb://u@h").unwrap().unwrap();
        assert_eq!((m.server, m.port), (Server::MySql, 3306));
    }
}
