#!/usr/bin/env python3
"""A leaked database dump for the memory benchmark (issue 15): one CSV with N
synthetic card numbers (random digits under real brand prefixes, with a
computed Luhn digit), or with --masked the same shape holding only masked
numbers (first 6 + last 4), which hihoji reports as notes.

usage: gen_dump.py OUT_FILE [--numbers 2000000] [--masked] [--size-mb N]
  --size-mb  with --masked: write rows until the file is N MB instead
"""
import argparse
import random

from gen_corpus import luhn_complete

rng = random.Random(15)
BRANDS = [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("3530", 16), ("3589", 16),
          ("34", 15), ("37", 15), ("6011", 16), ("65", 16), ("36", 14)]


def pan():
    prefix, length = rng.choice(BRANDS)
    return luhn_complete(prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1)))


def masked():
    number = pan()
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--numbers", type=int, default=2_000_000)
    ap.add_argument("--masked", action="store_true")
    ap.add_argument("--size-mb", type=int)
    args = ap.parse_args()
    limit = args.size_mb << 20 if args.size_mb else None
    written = 0
    with open(args.out, "w") as out:
        out.write("order_id,card_number,expiry,amount\n")
        i = 0
        while (written < limit) if limit else (i < args.numbers):
            card = masked() if args.masked else pan()
            line = f"{i},{card},{rng.randrange(1, 13):02d}/{rng.randrange(27, 32)},{rng.randrange(100, 100000)}\n"
            out.write(line)
            written += len(line)
            i += 1


if __name__ == "__main__":
    main()
