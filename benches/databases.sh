#!/usr/bin/env bash
# Rows per second of a live-database scan against psql \copy (docs/databases.md, "Measured"):
# starts the throw-away servers of .ci/databases.sh, fills a 1,000,000-row table with synthetic
# numbers, times `\copy` three times and `hihoji scan postgres://…` once. Needs a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/databases.sh
base=${HIHOJI_TEST_POSTGRES_URL%/postgres}
psql -q "$HIHOJI_TEST_POSTGRES_URL" -c "create database bench"
psql -q "$base/bench" <<'SQL'
create table orders (id bigint primary key, name text, email text, card text, expiry text, amount numeric, created timestamptz);
insert into orders
select i, 'CUSTOMER ' || i, 'user' || i || '@example.com',
       '4' || lpad((floor(random() * 1e15))::bigint::text, 15, '0'),
       lpad((1 + i % 12)::text, 2, '0') || '/' || (26 + i % 5)::text,
       round((random() * 100000)::numeric, 0), now() - (i || ' seconds')::interval
from generate_series(1, 1000000) as i;
SQL
echo "psql copy:"
for r in 1 2 3; do /usr/bin/time -f "%e s elapsed" psql -q "$base/bench" -c "\copy orders to /dev/null"; done
echo "hihoji release:"
/usr/bin/time -f "%e s elapsed, %U s user, %M KB peak" env HIHOJI_FINGERPRINT_KEY=5e1f0a7c93b2d4e68f01a2b3c4d5e6f7 target/release/hihoji scan "$base/bench" --json /tmp/dbbench.json --no-progress -q || true
python3 -c "import json; d=json.load(open('/tmp/dbbench.json')); print('findings', len(d['findings']), d['summary'].get('verdict'))"
