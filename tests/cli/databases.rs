//! End-to-end: card numbers where merchants keep them — SQLite files, SQL
//! dumps, and live PostgreSQL and MariaDB/MySQL servers.
//!
//! The server tests need `HIHOJI_TEST_POSTGRES_URL` / `HIHOJI_TEST_MYSQL_URL`
//! (an account that may create databases and roles; `.ci/run` starts
//! throw-away servers and sets them). Without them they print why and pass,
//! so `cargo test` works on a bare machine; CI always has them.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::databases::{host_port, server, sqlite_db, Postgres};
use crate::support::{hihoji, masked, synthetic_pan, Rng};

/// A synthetic card number: `prefix`, `len` digits, its own for each `seed`.
fn pan(prefix: &str, len: usize, seed: u64) -> String {
    synthetic_pan(&mut Rng::new(seed), prefix, len)
}

/// Numbers of several brands and lengths.
fn pans(count: usize, seed: u64) -> Vec<String> {
    let brands = [("4", 16), ("53", 16), ("3530", 16), ("4", 19), ("2221", 16)];
    (0..count)
        .map(|i| {
            let (prefix, len) = brands[i % brands.len()];
            pan(prefix, len, seed * 1000 + i as u64)
        })
        .collect()
}

/// A finding's provenance as text: `artifact!/member#stream`.
fn provenance(finding: &Value) -> String {
    let p = &finding["provenance"];
    let mut text = p["artifact"].as_str().unwrap_or_default().to_string();
    for layer in p["layers"].as_array().into_iter().flatten() {
        let joiner = if layer["kind"] == "stream" { "#" } else { "!/" };
        text.push_str(joiner);
        text.push_str(layer["name"].as_str().unwrap_or_default());
    }
    text
}

struct Scan {
    report: Value,
    code: i32,
    /// Everything the run printed, reports included.
    output: String,
}

fn scan(args: &[&str]) -> Scan {
    let out = hihoji()
        .arg("scan")
        .args(args)
        .args(["--json", "-"])
        .output()
        .expect("run hihoji");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    Scan {
        report,
        code: out.status.code().unwrap_or(-1),
        output,
    }
}

impl Scan {
    fn findings(&self) -> Vec<&Value> {
        self.report["findings"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }

    /// Provenances of PAN findings whose masked value matches `pan`.
    fn places_of(&self, pan: &str) -> Vec<String> {
        let masked = masked(pan);
        self.findings()
            .into_iter()
            .filter(|f| f["rule_id"] == "PAN" && f["masked"] == masked.as_str())
            .map(provenance)
            .collect()
    }

    fn skipped(&self) -> Vec<(String, String)> {
        self.report["skipped"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                (
                    provenance(s),
                    s["reason"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    fn assert_no_full_number(&self, numbers: &[String]) {
        for n in numbers {
            assert!(
                !self.output.contains(n.as_str()),
                "a full card number reached the output"
            );
        }
    }
}

#[test]
fn sqlite_pans_in_text_columns_followed_by_other_columns_are_found_in_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pos.db");
    let conn = sqlite_db(
        &db,
        "CREATE TABLE customers (name TEXT, pan TEXT, exp TEXT);
         CREATE TABLE contacts (email TEXT, pan TEXT);
         CREATE TABLE cards (pan TEXT, exp TEXT);
         CREATE TABLE sales (amount INTEGER, pan TEXT, status TEXT);",
    );
    let numbers = pans(400, 1);
    for (i, n) in numbers.iter().enumerate() {
        let sql = match i / 100 {
            0 => "INSERT INTO customers VALUES ('山田 太郎', ?1, '10/30')",
            1 => "INSERT INTO contacts VALUES ('a@example.jp', ?1)",
            2 => "INSERT INTO cards VALUES (?1, '2612')",
            _ => "INSERT INTO sales VALUES (12000, ?1, '1')",
        };
        conn.execute(sql, [n]).unwrap();
    }
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    let result = scan(&[db.to_str().unwrap()]);
    assert_eq!(result.code, 1, "{}", result.output);
    for (i, n) in numbers.iter().enumerate() {
        let table = ["customers", "contacts", "cards", "sales"][i / 100];
        let expected = format!("{}!/{table}.pan#rowid={}", db.display(), i % 100 + 1);
        assert!(
            result.places_of(n).contains(&expected),
            "row {i} not found as {expected}: {:?}",
            result.places_of(n)
        );
    }
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database file was changed"
    );
    result.assert_no_full_number(&numbers);
}

#[test]
fn sqlite_integer_and_real_pans_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.sqlite");
    let conn = sqlite_db(
        &db,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, card_number INTEGER, amount REAL);",
    );
    let numbers = pans(2, 2);
    let as_int: i64 = numbers[0].parse().unwrap();
    conn.execute("INSERT INTO t (card_number, amount) VALUES (?1, 1.5)", [as_int])
        .unwrap();
    // A 15-digit (American Express) number is exact in a REAL.
    let real = pan("37", 15, 9);
    let as_real: f64 = real.parse().unwrap();
    conn.execute("INSERT INTO t (card_number, amount) VALUES (NULL, ?1)", [as_real])
        .unwrap();
    drop(conn);
    let result = scan(&[db.to_str().unwrap()]);
    assert!(result
        .places_of(&numbers[0])
        .contains(&format!("{}!/t.card_number#rowid=1", db.display())));
    assert!(result
        .places_of(&real)
        .contains(&format!("{}!/t.amount#rowid=2", db.display())));
}

#[test]
fn sqlite_row_only_in_the_wal_file_is_found_as_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let conn = sqlite_db(
        &db,
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE payments (pan TEXT, exp TEXT);",
    );
    let number = pan("4", 16, 3);
    conn.execute("INSERT INTO payments VALUES (?1, '1030')", [&number])
        .unwrap();
    let wal = dir.path().join("live.db-wal");
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 0,
        "the row is in the WAL"
    );
    // The connection stays open: nothing is checkpointed into live.db.
    let result = scan(&[dir.path().to_str().unwrap()]);
    let places = result.places_of(&number);
    assert!(
        places.contains(&"live.db!/payments.pan#rowid=1".to_string()),
        "{places:?}"
    );
    drop(conn);
}

#[test]
fn sqlite_deleted_rows_left_in_the_file_are_found_with_their_table_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pos.db");
    let conn = sqlite_db(
        &db,
        "PRAGMA secure_delete = OFF;
         CREATE TABLE payments (id INTEGER PRIMARY KEY, pan TEXT, exp TEXT);
         CREATE TABLE cards (pan TEXT, exp TEXT, holder TEXT);",
    );
    // Values run on into the expiry column: the raw bytes alone never show them.
    let emptied = pans(60, 4);
    for n in &emptied {
        conn.execute("INSERT INTO payments (pan, exp) VALUES (?1, '1030')", [n])
            .unwrap();
    }
    let halved = pans(40, 14);
    for n in &halved {
        conn.execute("INSERT INTO cards VALUES (?1, '2612', 'TARO')", [n])
            .unwrap();
    }
    // A whole table's pages go to the freelist; every other row leaves a freeblock.
    conn.execute_batch("DELETE FROM payments; DELETE FROM cards WHERE rowid % 2 = 0;")
        .unwrap();
    drop(conn);
    let result = scan(&[db.to_str().unwrap()]);
    let shown = db.display().to_string();
    for (i, n) in emptied.iter().enumerate() {
        assert!(
            result
                .places_of(n)
                .iter()
                .any(|p| p.starts_with(&format!("{shown}!/payments.pan#deleted@page="))),
            "deleted payments row {i}: {:?}",
            result.places_of(n)
        );
    }
    for (i, n) in halved.iter().enumerate() {
        let places = result.places_of(n);
        if i % 2 == 0 {
            assert_eq!(places, vec![format!("{shown}!/cards.pan#rowid={}", i + 1)]);
        } else {
            assert!(
                places
                    .iter()
                    .any(|p| p.starts_with(&format!("{shown}!/cards.pan#deleted@page="))),
                "deleted cards row {i}: {places:?}"
            );
        }
    }
}

#[test]
fn corrupt_sqlite_file_is_scanned_as_bytes_and_recorded_as_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("broken.db");
    let number = pan("53", 16, 5);
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend_from_slice(&[0xff; 84]);
    bytes.extend_from_slice(format!(" card {number} ").as_bytes());
    bytes.resize(4096, 0);
    std::fs::write(&db, &bytes).unwrap();
    let result = scan(&[db.to_str().unwrap()]);
    assert_eq!(result.places_of(&number), vec![db.display().to_string()]);
    assert!(
        result
            .skipped()
            .iter()
            .any(|(p, reason)| p == &db.display().to_string()
                && (reason == "corrupt" || reason == "encrypted")),
        "{:?}",
        result.skipped()
    );
}

#[test]
fn sqlite_database_inside_a_zip_is_read_by_record() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("inner.db");
    let conn = sqlite_db(&db, "CREATE TABLE orders (pan TEXT, exp TEXT);");
    let number = pan("3530", 16, 6);
    conn.execute("INSERT INTO orders VALUES (?1, '0931')", [&number])
        .unwrap();
    drop(conn);
    let zip_path = dir.path().join("backup.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    zip.start_file("pos/inner.db", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(&std::fs::read(&db).unwrap()).unwrap();
    zip.finish().unwrap();
    let result = scan(&[zip_path.to_str().unwrap()]);
    assert!(result.places_of(&number).contains(&format!(
        "{}!/pos/inner.db!/orders.pan#rowid=1",
        zip_path.display()
    )));
}

#[test]
fn plain_pg_dump_copy_values_are_found_with_table_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = pans(3, 7);
    let dump = format!(
        "--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE public.orders (\n    id integer NOT NULL,\n    card_no character varying(19),\n    exp text\n);\n\n\
         COPY public.orders (id, card_no, exp) FROM stdin;\n1\t{}\t1030\n2\t{}\t\\N\n\\.\n\n\
         INSERT INTO public.refunds (id, pan) VALUES (1, '{}');\n",
        numbers[0], numbers[1], numbers[2]
    );
    let path = dir.path().join("shop.sql");
    std::fs::write(&path, dump).unwrap();
    let result = scan(&[path.to_str().unwrap()]);
    let shown = path.display().to_string();
    assert_eq!(
        result.places_of(&numbers[0]),
        vec![format!("{shown}!/public.orders.card_no#line=12")]
    );
    assert_eq!(
        result.places_of(&numbers[1]),
        vec![format!("{shown}!/public.orders.card_no#line=13")]
    );
    assert_eq!(
        result.places_of(&numbers[2]),
        vec![format!("{shown}!/public.refunds.pan#line=16")]
    );
}

#[test]
fn mysqldump_inserts_take_their_columns_from_create_table() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = pans(3, 8);
    let dump = format!(
        "-- MySQL dump 10.13  Distrib 8.0.36\n\nCREATE TABLE `payments` (\n  `id` int NOT NULL,\n  `pan` varchar(19) DEFAULT NULL,\n  `memo` text,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n\
         INSERT INTO `payments` VALUES (1,'{}','it\\'s, fine'),(2,'{}',NULL),(3,'x','{}');\n",
        numbers[0], numbers[1], numbers[2]
    );
    let path = dir.path().join("shop.sql");
    std::fs::write(&path, dump).unwrap();
    let result = scan(&[path.to_str().unwrap()]);
    let shown = path.display().to_string();
    assert_eq!(
        result.places_of(&numbers[0]),
        vec![format!("{shown}!/payments.pan#line=9")]
    );
    assert_eq!(
        result.places_of(&numbers[1]),
        vec![format!("{shown}!/payments.pan#line=9")]
    );
    assert_eq!(
        result.places_of(&numbers[2]),
        vec![format!("{shown}!/payments.memo#line=9")]
    );
}

const SCAN_PASSWORD: &str = "Scan-Pw-7c1f9e";

#[test]
fn postgres_tables_are_read_by_column_without_change_and_an_unreadable_table_is_a_gap() {
    let Some(mut pg) = Postgres::create("hihoji_t") else {
        return;
    };
    let role = pg.create_role("hihoji_scan_", SCAN_PASSWORD);
    let (db, db_url, admin_url) = (pg.name.clone(), pg.url.clone(), pg.admin_url.clone());
    let mut client = pg.connect();
    let n = pans(8, 10);
    client
        .batch_execute(&format!(
            "CREATE TABLE orders (id serial PRIMARY KEY, note text, pan_varchar varchar(19), pan_text text,
                                  pan_bigint bigint, pan_numeric numeric(19,0), doc jsonb, raw bytea, exp text);
             INSERT INTO orders (note, pan_varchar, pan_text, pan_bigint, pan_numeric, doc, raw, exp)
               VALUES ('first', '{}', 'card {}', {}, {}, '{{\"card\": {{\"number\": \"{}\"}}}}', convert_to('{}', 'UTF8'), '10/30');
             CREATE TABLE secrets (pan text);
             INSERT INTO secrets VALUES ('{}');
             GRANT CONNECT ON DATABASE {db} TO {role};
             GRANT SELECT ON orders TO {role};",
            n[0], n[1], n[2], n[3], n[4], n[5], n[6]
        ))
        .unwrap();
    let checksum = |c: &mut postgres::Client| -> String {
        let row = c
            .query_one(
                "SELECT md5(string_agg(o::text, '|' ORDER BY id)) || (SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public') FROM orders o",
                &[],
            )
            .unwrap();
        row.get(0)
    };
    let before = checksum(&mut client);
    let target = format!("postgres://{role}:{SCAN_PASSWORD}@{}/{db}", host_port(&admin_url));
    let result = scan(&[&target]);
    let base = format!("postgres://{}/{db}", host_port(&admin_url));
    for (i, column) in [
        "pan_varchar",
        "pan_text",
        "pan_bigint",
        "pan_numeric",
        "doc",
        "raw",
    ]
    .iter()
    .enumerate()
    {
        let places = result.places_of(&n[i]);
        assert!(
            places.contains(&format!("{base}/public.orders.{column}#ctid=(0,1)")),
            "{column}: {places:?}\n{}",
            result.output
        );
    }
    assert!(
        result.places_of(&n[6]).is_empty(),
        "a table without SELECT was read"
    );
    assert!(result
        .skipped()
        .contains(&(format!("{base}/public.secrets"), "permission_denied".to_string())));
    assert_ne!(result.code, 0);
    // Without findings, the unreadable table alone makes the verdict incomplete: exit 3.
    let only_secrets = scan(&[&target, "--db-table", "secrets"]);
    assert!(only_secrets
        .skipped()
        .contains(&(format!("{base}/public.secrets"), "permission_denied".to_string())));
    assert_eq!(only_secrets.code, 3, "{}", only_secrets.output);
    assert!(
        !result.output.contains(SCAN_PASSWORD),
        "the password reached the output"
    );
    result.assert_no_full_number(&n);
    assert_eq!(checksum(&mut client), before, "rows or tables changed");

    // A plain dump of the same tables: every number, with its table.
    if let Ok(out) = std::process::Command::new("pg_dump").arg(&db_url).output() {
        if out.status.success() {
            let dir = tempfile::tempdir().unwrap();
            let dump = dir.path().join("shop.sql");
            std::fs::write(&dump, &out.stdout).unwrap();
            let result = scan(&[dump.to_str().unwrap()]);
            for (i, number) in n.iter().enumerate().take(7) {
                let table = if i == 6 { "public.secrets" } else { "public.orders" };
                assert!(
                    result
                        .places_of(number)
                        .iter()
                        .any(|p| p.contains(&format!("!/{table}."))),
                    "dump: number {i} not found with its table: {:?}",
                    result.places_of(number)
                );
            }
        }
    }
}

#[test]
fn postgres_wrong_password_is_exit_2_and_never_shows_the_password() {
    let Some(admin_url) = server("HIHOJI_TEST_POSTGRES_URL") else {
        return;
    };
    let wrong = "Wrong-Pw-0d4e2a";
    let target = format!(
        "postgres://hihoji_admin:{wrong}@{}/postgres",
        host_port(&admin_url)
    );
    let result = scan(&[&target]);
    assert_eq!(result.code, 2, "{}", result.output);
    assert!(
        result
            .output
            .contains("cannot connect to postgres://hihoji_admin@"),
        "{}",
        result.output
    );
    assert!(!result.output.contains(wrong));
    let unreachable = scan(&["postgres://nobody:pw-1234@127.0.0.1:1/x"]);
    assert_eq!(unreachable.code, 2);
    assert!(!unreachable.output.contains("pw-1234"));
}

#[test]
fn mysql_tables_are_read_by_column_without_change() {
    let Some(admin_url) = server("HIHOJI_TEST_MYSQL_URL") else {
        return;
    };
    use mysql::prelude::Queryable;
    let mut admin = mysql::Conn::new(mysql::Opts::from_url(&admin_url).unwrap()).unwrap();
    let db = format!("hihoji_t{}", std::process::id());
    let user = format!("hscan{}", std::process::id());
    let n = pans(7, 11);
    admin
        .query_drop(format!(
            "DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}; USE {db};
             CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, pan_varchar VARCHAR(19), pan_text TEXT,
                                  pan_bigint BIGINT UNSIGNED, pan_decimal DECIMAL(19,0), doc JSON, raw BLOB, exp CHAR(5));
             INSERT INTO orders (pan_varchar, pan_text, pan_bigint, pan_decimal, doc, raw, exp)
               VALUES ('{}', 'card {}', {}, {}, '{{\"card\": \"{}\"}}', X'{}', '10/30');
             DROP USER IF EXISTS '{user}'@'%';
             CREATE USER '{user}'@'%' IDENTIFIED BY '{SCAN_PASSWORD}';
             GRANT SELECT ON {db}.* TO '{user}'@'%';",
            n[0],
            n[1],
            n[2],
            n[3],
            n[4],
            hex_of(&n[5])
        ))
        .unwrap();
    let checksum = |c: &mut mysql::Conn| -> String {
        c.query::<String, _>(format!(
            "SELECT CONCAT_WS(',', id, pan_varchar, pan_text, pan_bigint, pan_decimal, doc, HEX(raw), exp) FROM {db}.orders"
        ))
        .unwrap()
        .join("|")
            + &c.query::<String, _>(format!(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}'"
            ))
            .unwrap()
            .join(",")
    };
    let before = checksum(&mut admin);
    let target = format!("mysql://{user}:{SCAN_PASSWORD}@{}/{db}", host_port(&admin_url));
    let result = scan(&[&target]);
    let base = format!("mysql://{}/{db}", host_port(&admin_url));
    for (i, column) in [
        "pan_varchar",
        "pan_text",
        "pan_bigint",
        "pan_decimal",
        "doc",
        "raw",
    ]
    .iter()
    .enumerate()
    {
        let places = result.places_of(&n[i]);
        assert!(
            places.contains(&format!("{base}/{db}.orders.{column}#id=1")),
            "{column}: {places:?}\n{}",
            result.output
        );
    }
    assert_eq!(result.code, 1);
    assert!(!result.output.contains(SCAN_PASSWORD));
    result.assert_no_full_number(&n);
    assert_eq!(checksum(&mut admin), before, "rows changed");

    if let Ok(out) = std::process::Command::new("mariadb-dump")
        .args(["--no-defaults", "-h", "127.0.0.1", "-P"])
        .arg(host_port(&admin_url).rsplit(':').next().unwrap_or("3306"))
        .args([
            "-u",
            &user,
            &format!("-p{SCAN_PASSWORD}"),
            "--no-tablespaces",
            &db,
        ])
        .output()
    {
        if out.status.success() {
            let dir = tempfile::tempdir().unwrap();
            let dump = dir.path().join("shop.sql");
            std::fs::write(&dump, &out.stdout).unwrap();
            let result = scan(&[dump.to_str().unwrap()]);
            for (i, number) in n.iter().enumerate().take(5) {
                assert!(
                    result.places_of(number).iter().any(|p| p.contains("!/orders.")),
                    "dump: number {i} not found with its table: {:?}",
                    result.places_of(number)
                );
            }
        }
    }
    admin
        .query_drop(format!("DROP DATABASE {db}; DROP USER '{user}'@'%';"))
        .unwrap();
}

fn hex_of(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn database_flags_narrow_what_is_read() {
    let Some(pg) = Postgres::create("hihoji_f") else {
        return;
    };
    let mut client = pg.connect();
    let n = pans(3, 12);
    client
        .batch_execute(&format!(
            "CREATE TABLE keep_me (pan text); INSERT INTO keep_me VALUES ('{}'), ('{}');
             CREATE TABLE other (pan text); INSERT INTO other VALUES ('{}');",
            n[0], n[1], n[2]
        ))
        .unwrap();
    let result = scan(&[&pg.url, "--db-table", "keep_*", "--db-sample", "1"]);
    let found: BTreeSet<usize> = (0..3).filter(|&i| !result.places_of(&n[i]).is_empty()).collect();
    assert_eq!(found.len(), 1, "one row of keep_me only: {found:?}");
    assert!(found.is_subset(&BTreeSet::from([0, 1])));
}
