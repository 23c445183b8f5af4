"""What the benches share: a scratch PostgreSQL database, Django on it, CPU readings.

Each bench has its own scratch database (``BENCH_DB`` overrides the name) on the
server at ``BENCH_PG`` (default postgres://postgres@127.0.0.1:5432); it is dropped
and created again at the start of a run, and dropped at the end unless kept.
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def bench_db(default: str) -> str:
    return os.environ.get("BENCH_DB", default)


def _server(*statements: str) -> None:
    import psycopg2

    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    conn.close()


def scratch_database(db: str) -> None:
    """Drop ``db`` if it exists and create it empty."""
    _server(f"DROP DATABASE IF EXISTS {db}", f"CREATE DATABASE {db}")


def drop_database(db: str) -> None:
    from django.db import connections

    connections.close_all()
    _server(f"DROP DATABASE IF EXISTS {db}")


def setup_django(db: str) -> None:
    """Point Django at ``db`` (this process only), set it up and migrate."""
    os.environ["DATABASE_URL"] = f"{PG}/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_admin.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def backend_cpu() -> float | None:
    """CPU seconds used so far by the PostgreSQL backend of Django's connection
    (None when the server does not run on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
