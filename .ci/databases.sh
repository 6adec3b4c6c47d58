# Sourced by .ci/run: starts throw-away PostgreSQL and MariaDB servers on the
# loopback interface (own data directories under a temporary directory,
# non-default ports), exports their URLs for tests/cli/databases.rs, and stops
# them when the script exits. Servers run as their packages' system users,
# never as root.
#
#   HIHOJI_TEST_POSTGRES_URL  postgres://hihoji_admin:…@127.0.0.1:54329/postgres
#   HIHOJI_TEST_MYSQL_URL     mysql://hihoji_admin:…@127.0.0.1:33069/

db_dir=$(mktemp -d /tmp/hihoji-db.XXXXXX)
chmod 755 "$db_dir"
db_password="ci-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
pg_port=54329
my_port=33069

stop_databases() {
  if [ -n "${pg_ctl:-}" ] && [ -f "$db_dir/pg/postmaster.pid" ]; then
    runuser -u postgres -- "$pg_ctl" -D "$db_dir/pg" -m fast stop >/dev/null 2>&1 || true
  fi
  if [ -f "$db_dir/myrun/my.pid" ]; then
    kill "$(cat "$db_dir/myrun/my.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -f "$db_dir/myrun/my.pid" ] || break; sleep 0.2; done
  fi
  rm -rf "$db_dir"
}
trap stop_databases EXIT

# PostgreSQL: initdb and pg_ctl from the newest installed server version.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
pg_ctl="$pg_bin/pg_ctl"
mkdir -p "$db_dir/pg" "$db_dir/pgrun"
chown postgres: "$db_dir/pg" "$db_dir/pgrun"
printf '%s\n' "$db_password" >"$db_dir/pgpw"
chown postgres: "$db_dir/pgpw"
runuser -u postgres -- "$pg_bin/initdb" -D "$db_dir/pg" -U hihoji_admin --pwfile="$db_dir/pgpw" \
  --auth=scram-sha-256 >"$db_dir/initdb.log" 2>&1 || { cat "$db_dir/initdb.log"; exit 1; }
rm -f "$db_dir/pgpw"
runuser -u postgres -- "$pg_ctl" -D "$db_dir/pg" -w -l "$db_dir/pgrun/pg.log" \
  -o "-p $pg_port -k $db_dir/pgrun -c listen_addresses=127.0.0.1" start >/dev/null \
  || { cat "$db_dir/pgrun/pg.log"; exit 1; }
export HIHOJI_TEST_POSTGRES_URL="postgres://hihoji_admin:$db_password@127.0.0.1:$pg_port/postgres"

# MariaDB: its own data directory owned by the mysql user, TCP on loopback only.
mkdir -p "$db_dir/my" "$db_dir/myrun"
chown mysql: "$db_dir/my" "$db_dir/myrun"
mariadb-install-db --no-defaults --datadir="$db_dir/my" --user=mysql \
  --auth-root-authentication-method=socket >"$db_dir/my-install.log" 2>&1 \
  || { cat "$db_dir/my-install.log"; exit 1; }
mariadbd --no-defaults --datadir="$db_dir/my" --user=mysql --port=$my_port \
  --bind-address=127.0.0.1 --skip-name-resolve --socket="$db_dir/myrun/my.sock" --pid-file="$db_dir/myrun/my.pid" \
  --log-error="$db_dir/myrun/my.log" --skip-log-bin >/dev/null 2>&1 &
for _ in $(seq 1 100); do
  mariadb --no-defaults -S "$db_dir/myrun/my.sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.2
done
mariadb --no-defaults -S "$db_dir/myrun/my.sock" -u root -e "
  CREATE USER 'hihoji_admin'@'%' IDENTIFIED BY '$db_password';
  GRANT ALL PRIVILEGES ON *.* TO 'hihoji_admin'@'%' WITH GRANT OPTION;" \
  || { cat "$db_dir/myrun/my.log"; exit 1; }
export HIHOJI_TEST_MYSQL_URL="mysql://hihoji_admin:$db_password@127.0.0.1:$my_port/"
