#!/usr/bin/env python3
"""Make a synthetic carrier itemised bill (话费详单) for development and benchmarks.

Deterministic for a given --seed. Columns follow what Chinese carriers print on an
enterprise itemised bill: calling line, called number, start time, duration in seconds,
call type, charge in yuan.

    python3 make_bill.py --month 2026-10 --rows 200 > bill.csv
    python3 make_bill.py --month 2026-10 --rows 1000000 --out big.csv
    python3 make_bill.py --month 2026-10 --rows 5000 --xlsx --out bill.xlsx   (needs openpyxl)
    python3 make_bill.py --encoding gb18030 ...                                (as many exports are)

Lines are 0571-8700NNNN for N in 1..--lines; make the same lines in the app to attribute
the calls (`--print-lines` lists them).
"""

import argparse
import calendar
import csv
import io
import random
import sys
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

HEADER = [
    "主叫号码",
    "被叫号码",
    "通话起始时间",
    "通话时长(秒)",
    "通话类型",
    "费用(元)",
]

# (call type, share, rate per started minute in yuan)
KINDS = [
    ("本地", 0.55, Decimal("0.10")),
    ("本地移动", 0.12, Decimal("0.10")),
    ("国内长途", 0.22, Decimal("0.30")),
    ("国际长途", 0.03, Decimal("2.00")),
    ("港澳台", 0.02, Decimal("1.50")),
    ("声讯", 0.01, Decimal("1.00")),
]
AREA_CODES = ["010", "021", "020", "0755", "023", "028", "027", "025", "029", "0532"]
COUNTRY = ["001", "0044", "0081", "0049", "0033", "0065", "0061"]


def line_numbers(count):
    return [f"057187{n:06d}" for n in range(1, count + 1)]


def called_number(kind, rng):
    if kind == "本地":
        return f"8{rng.randrange(10**6, 10**7):07d}"
    if kind == "本地移动":
        return f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9):09d}"
    if kind == "国内长途":
        prefix = rng.choice(["17909", "17951", "", "17909"])
        return f"{prefix}{rng.choice(AREA_CODES)}{rng.randrange(10**7, 10**8):08d}"
    if kind == "国际长途":
        return f"{rng.choice(COUNTRY)}{rng.randrange(10**8, 10**10)}"
    if kind == "港澳台":
        return f"{rng.choice(['00852', '00853', '00886'])}{rng.randrange(10**7, 10**8):08d}"
    if kind == "声讯":
        return f"{rng.choice(['168', '160'])}{rng.randrange(10**4, 10**5):05d}"
    raise ValueError(kind)


def rows(month, count, lines, rng):
    year, mon = map(int, month.split("-"))
    days = calendar.monthrange(year, mon)[1]
    start = datetime(year, mon, 1)
    weights = [k[1] for k in KINDS]
    for _ in range(count):
        kind, _, rate = rng.choices(KINDS, weights)[0]
        when = start + timedelta(seconds=rng.randrange(days * 86400))
        seconds = max(1, int(rng.expovariate(1 / 150)))
        minutes = -(-seconds // 60)
        charge = (rate * minutes).quantize(Decimal("0.01"), ROUND_HALF_UP)
        yield [
            rng.choice(lines),
            called_number(kind, rng),
            when.strftime("%Y-%m-%d %H:%M:%S"),
            seconds,
            kind,
            f"{charge:.2f}",
        ]


def main():
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--month", default="2026-10")
    p.add_argument("--rows", type=int, default=200)
    p.add_argument("--lines", type=int, default=50)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--encoding", default="utf-8-sig")
    p.add_argument("--xlsx", action="store_true")
    p.add_argument("--out")
    p.add_argument("--print-lines", action="store_true")
    a = p.parse_args()
    lines = line_numbers(a.lines)
    if a.print_lines:
        print("\n".join(lines))
        return
    rng = random.Random(a.seed)
    data = rows(a.month, a.rows, lines, rng)
    if a.xlsx:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("话费详单")
        ws.append(HEADER)
        for r in data:
            ws.append(
                r[:5] + [float(r[5])]
            )  # carriers' workbooks hold numbers, not text
        wb.save(a.out or "bill.xlsx")
        return
    if a.out:
        out = open(a.out, "w", newline="", encoding=a.encoding)  # noqa: SIM115
    else:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding=a.encoding, newline="")
    w = csv.writer(out)
    w.writerow(HEADER)
    w.writerows(data)
    if a.out:
        out.close()
    else:
        out.flush()


if __name__ == "__main__":
    main()
