#!/usr/bin/env python3
"""Deterministic benchmark corpus: access logs, JSON logs and CSV exports.

Shaped like issue 3's measurement corpus: many small files (4-64 KiB) plus a
few large ones, about one synthetic card number per 100 KB, and plenty of
13-digit millisecond timestamps and other digit runs that are not card numbers.
All card numbers are synthetic (random digits with a computed Luhn digit).

usage: gen_corpus.py OUT_DIR [--total-mb 1070] [--small-files 8000] [--large-files 10] [--single] [--clean] [--dense]
  --single   one file of --total-mb instead (the "one huge file" case)
  --clean    no card numbers at all (for the false-positive check)
  --dense    number-dense kinds instead (issue 18): JSON logs with timestamps,
             64-bit request ids, amounts and order numbers on every line; CSV
             exports with a dozen numeric columns; access logs with numeric
             query strings. Digit runs of 10-19 digits on every line, as in
             the held-out corpus that made the default one look faster.
"""
import argparse
import os
import random

rng = random.Random(3)


def luhn_complete(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def pan():
    prefix, length = rng.choice([("4", 16), ("53", 16), ("3530", 16), ("37", 15), ("6011", 16)])
    return luhn_complete(prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1)))


def ts():
    return str(1_700_000_000_000 + rng.randrange(100_000_000_000))


def access_line(card=None):
    path = f"/pay?card={card}&amt={rng.randrange(100, 99999)}" if card else rng.choice(
        ["/", "/health", "/api/v1/orders/%d" % rng.randrange(10**9), "/static/app.%x.js" % rng.getrandbits(48)])
    return (f'10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)} - - '
            f'[25/Nov/2026:10:{rng.randrange(60):02d}:{rng.randrange(60):02d} +0900] "GET {path} HTTP/1.1" '
            f'{rng.choice([200, 200, 200, 302, 404])} {rng.randrange(50000)} rt={rng.random():.3f} ts={ts()}\n')


def json_line(card=None):
    extra = f',"card_number":"{card}"' if card else f',"trace_id":"{rng.getrandbits(128):032x}"'
    return (f'{{"ts":{ts()},"level":"info","user_id":{rng.randrange(10**7)},"order_id":{rng.randrange(10**12)},'
            f'"amount":{rng.randrange(100, 100000)},"msg":"checkout step {rng.randrange(9)}"{extra}}}\n')


def csv_line(card=None):
    return (f'{rng.randrange(10**8)},{ts()},{card or rng.randrange(10**9)},{rng.randrange(1, 13):02d}/{rng.randrange(26, 32)},'
            f'{rng.randrange(100, 100000)},JP,{rng.choice(["ok", "ng", "pending"])}\n')


def dense_access_line(card=None):
    query = f"card={card}" if card else f"item={rng.randrange(10**10)}&session={rng.getrandbits(63)}"
    return (f'10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)} - - '
            f'[25/Nov/2026:10:{rng.randrange(60):02d}:{rng.randrange(60):02d} +0900] '
            f'"GET /api/v2/orders/{rng.randrange(10**12)}/items/{rng.randrange(10**6)}?{query}&t={ts()} HTTP/1.1" '
            f'200 {rng.randrange(50000)} {rng.randrange(10**6)}us rid={rng.getrandbits(64)}\n')


def dense_json_line(card=None):
    extra = f',"card_number":"{card}"' if card else f',"span_id":{rng.getrandbits(63)}'
    return (f'{{"ts":{ts()},"time":"2026-11-25T10:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(10**6):06d}+09:00",'
            f'"request_id":{rng.getrandbits(64)},"user_id":{rng.randrange(10**9)},"order_no":"{rng.randrange(10**15):015d}",'
            f'"amount":{rng.randrange(100, 10**6)},"tax":{rng.randrange(10, 10**5)},"items":[{rng.randrange(10**8)},{rng.randrange(10**8)}],'
            f'"latency_ms":{rng.random() * 1000:.3f}{extra}}}\n')


def dense_csv_line(card=None):
    cols = [str(rng.randrange(10**8)), ts(), card or str(rng.randrange(10**12))]
    cols += [str(rng.randrange(10 ** rng.randrange(3, 14))) for _ in range(9)]
    cols += [f"{rng.random() * 10**5:.2f}", f"{rng.randrange(1, 13):02d}/{rng.randrange(26, 32)}", "JP"]
    return ",".join(cols) + "\n"


KINDS = [("access", ".log", access_line), ("json", ".jsonl", json_line), ("export", ".csv", csv_line)]
DENSE_KINDS = [("access", ".log", dense_access_line), ("json", ".jsonl", dense_json_line), ("export", ".csv", dense_csv_line)]


CLEAN = False


def write_file(path, size, make_line):
    pool = [make_line() for _ in range(2000)]
    written = 0
    next_card = float("inf") if CLEAN else rng.randrange(50_000, 150_000)
    with open(path, "w") as f:
        chunk = []
        while written < size:
            if written >= next_card:
                line = make_line(pan())
                next_card = written + rng.randrange(50_000, 150_000)
            else:
                line = pool[rng.randrange(len(pool))]
            chunk.append(line)
            written += len(line)
            if len(chunk) >= 4096:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--total-mb", type=int, default=1070)
    ap.add_argument("--small-files", type=int, default=8000)
    ap.add_argument("--large-files", type=int, default=10)
    ap.add_argument("--single", action="store_true")
    ap.add_argument("--clean", action="store_true")
    ap.add_argument("--dense", action="store_true")
    a = ap.parse_args()
    global CLEAN, KINDS
    CLEAN = a.clean
    if a.dense:
        KINDS = DENSE_KINDS
    os.makedirs(a.out, exist_ok=True)
    total = a.total_mb * 1_000_000
    if a.single:
        write_file(os.path.join(a.out, "huge.log"), total, KINDS[0][2])
        return
    small_total = 0
    for i in range(a.small_files):
        name, ext, make = KINDS[i % 3]
        d = os.path.join(a.out, "small", f"{i // 500:03d}")
        os.makedirs(d, exist_ok=True)
        size = rng.randrange(4 * 1024, 64 * 1024)
        write_file(os.path.join(d, f"{name}-{i}{ext}"), size, make)
        small_total += size
    remaining = max(total - small_total, 0)
    weights = [rng.uniform(10, 208) for _ in range(a.large_files)]
    for i, w in enumerate(weights):
        name, ext, make = KINDS[i % 3]
        write_file(os.path.join(a.out, f"{name}-large-{i}{ext}"), int(remaining * w / sum(weights)), make)


if __name__ == "__main__":
    main()
