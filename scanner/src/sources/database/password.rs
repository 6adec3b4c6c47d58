//! Where a database password comes from, in the order the clients' own tools
//! use: the URL, `--db-password-file`, then the environment (`PGPASSWORD`,
//! `MYSQL_PWD`) and for PostgreSQL the password file (`PGPASSFILE`, else
//! `~/.pgpass`).

use std::path::{Path, PathBuf};

use super::target::{DatabaseTarget, Password, Server};
use super::DatabaseError;

/// The password to connect to `target` with, if any is given.
pub fn password_for(target: &DatabaseTarget, file: Option<&Path>) -> Result<Option<Password>, DatabaseError> {
    if let Some(password) = &target.password {
        return Ok(Some(password.clone()));
    }
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| DatabaseError::PasswordFile(format!("{}: {e}", path.display())))?;
        let line = text.lines().next().unwrap_or_default();
        return Ok(Some(Password::new(line.to_string())));
    }
    let variable = match target.server {
        Server::Postgres => "PGPASSWORD",
        Server::MySql => "MYSQL_PWD",
    };
    if let Some(value) = std::env::var(variable).ok().filter(|v| !v.is_empty()) {
        return Ok(Some(Password::new(value)));
    }
    if target.server == Server::Postgres {
        let pgpass = std::env::var_os("PGPASSFILE")
            .map(PathBuf::from)
            .or_else(|| dirs::home_dir().map(|h| h.join(".pgpass")));
        if let Some(text) = pgpass.and_then(|p| std::fs::read_to_string(p).ok()) {
            return Ok(pgpass_lookup(&text, target).map(Password::new));
        }
    }
    Ok(None)
}

/// The password of the first `host:port:database:user:password` line of a
/// `.pgpass` file that matches (`*` matches anything; `\:` and `\\` escape).
fn pgpass_lookup(text: &str, target: &DatabaseTarget) -> Option<String> {
    let port = target.port.to_string();
    let wanted = [
        target.host.as_str(),
        port.as_str(),
        target.database.as_str(),
        target.user.as_str(),
    ];
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            if fields.len() != 5 {
                return None;
            }
            let host_matches =
                |f: &str| f == "*" || f == wanted[0] || (f == "localhost" && wanted[0] == "127.0.0.1");
            (host_matches(&fields[0])
                && wanted[1..]
                    .iter()
                    .zip(&fields[1..4])
                    .all(|(w, f)| f == "*" || f == w))
            .then(|| fields[4].clone())
        })
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(field)) = (chars.next(), fields.last_mut()) {
                    field.push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::pgpass_lookup;
    use crate::sources::database::target::DatabaseTarget;

    #[test]
    fn pgpass_first_matching_line_wins_with_wildcards_and_escapes() {
        let target = DatabaseTarget::parse("postgres://scan@db1:5433/shop")
            .unwrap()
            .unwrap();
        let text = "# comment\nother:5433:shop:scan:no\ndb1:*:shop:scan:pa\\:ss\n*:*:*:*:fallback\n";
        assert_eq!(pgpass_lookup(text, &target).as_deref(), Some("pa:ss"));
        let other = DatabaseTarget::parse("postgres://x@h/d").unwrap().unwrap();
        assert_eq!(pgpass_lookup(text, &other).as_deref(), Some("fallback"));
    }
}
