"""Benchmark of the tenant inventory import (called by `manage.py bench`, or alone with
`manage.py bench_inventory` in a scratch database): 50,000 resources and 600,000 monthly usage
rows, each import run as `import_inventory` in a process of its own so that its peak memory
(maximum resident set) is its own."""

import csv
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from .sources.csvfiles import TEMPLATE_COLUMNS, USAGE_TEMPLATE_COLUMNS

TYPES = [
    "microsoft.powerapps/canvasapps",
    "microsoft.powerapps/modeldrivenapps",
    "microsoft.powerautomate/cloudflows",
    "microsoft.copilotstudio/agents",
]


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128)))


def write_files(folder: Path, *, resources: int, months: int, seed: int = 14) -> tuple[Path, Path]:
    """A template CSV of `resources` resources over 200 environments and 5,000 owners, and a
    usage CSV with one row per resource and month."""
    rng = random.Random(seed)
    environments = [(_guid(rng), f"Environment {n}") for n in range(200)]
    owners = [_guid(rng) for _ in range(5000)]
    ids = [_guid(rng) for _ in range(resources)]
    inventory, usage = folder / "inventory.csv", folder / "usage.csv"
    with open(inventory, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(TEMPLATE_COLUMNS)
        for number, resource_id in enumerate(ids):
            env_id, env_name = environments[number % len(environments)]
            writer.writerow([
                resource_id, TYPES[number % len(TYPES)], f"Solution {number}", env_id, env_name,
                owners[number % len(owners)], "", "2025-06-01T08:00:00Z", "2026-01-15T10:30:00Z",
                "", "",
            ])  # fmt: skip
    with open(usage, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(USAGE_TEMPLATE_COLUMNS)
        for resource_id in ids:
            for month in range(1, months + 1):
                writer.writerow(
                    [resource_id, f"2025-{month:02d}", rng.randint(0, 4000), rng.randint(0, 300),
                     rng.randint(0, 80)]
                )  # fmt: skip
    return inventory, usage


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'] or '')}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


# The child: import_inventory, then the CPU time its PostgreSQL backend used (read from /proc
# when the database runs on this machine), so that the figures say where the time went even
# when other work shares the machine.
CHILD = """
import os, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("import_inventory", *sys.argv[1:])
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
try:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    print(f"database CPU {(int(fields[11]) + int(fields[12])) / ticks:.1f} s")
except OSError:
    pass
"""


def _import(path: Path, *extra: str) -> dict:
    """Run import_inventory in a child process; its timings, rows written and peak memory."""
    env = {**os.environ, "DATABASE_URL": _database_url()}
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own manage.py, arguments we built
        [sys.executable, "-c", CHILD, str(path), *extra], cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )  # fmt: skip
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"import_inventory failed:\n{output}")
    figures = {
        "wall": time.perf_counter() - started,
        "peak_mb": usage.ru_maxrss / 1024,
        "cpu": usage.ru_utime + usage.ru_stime,  # this process alone, not the database's
    }
    for name in ("preview", "commit"):
        match = re.search(rf"{name} (\d+\.\d+) s", output)
        figures[name] = float(match.group(1)) if match else 0.0
    match = re.search(r"(\d+) rows written", output)
    figures["written"] = int(match.group(1)) if match else 0
    match = re.search(r"database CPU (\d+\.\d+) s", output)
    figures["db_cpu"] = float(match.group(1)) if match else None
    return figures


def bench_inventory(stdout, *, resources: int = 50_000, months: int = 12) -> dict:
    """Import resources, then usage, then the resources again unchanged; print the figures."""
    from .models import WelcomeMessage

    WelcomeMessage.objects.update_or_create(pk=1, defaults={"is_enabled": False})
    with tempfile.TemporaryDirectory() as folder:
        inventory, usage = write_files(Path(folder), resources=resources, months=months)
        results = {
            "resources": _import(inventory),
            "usage": _import(usage, "--partial"),
            "re-import": _import(inventory),
        }
    stdout.write(f"Inventory import: {resources:,} resources, {resources * months:,} usage rows")
    for label, figures in results.items():
        db_cpu = "" if figures["db_cpu"] is None else f", database CPU {figures['db_cpu']:.0f} s"
        stdout.write(
            f"  {label:<10} preview {figures['preview']:6.1f} s  commit {figures['commit']:6.1f} s"
            f"  peak {figures['peak_mb']:6.0f} MB  rows written {figures['written']:,}"
            f"  (Python CPU {figures['cpu']:.0f} s{db_cpu})"
        )
    targets = [
        ("preview and commit each ≤ 60 s", all(
            f["preview"] <= 60 and f["commit"] <= 60 for f in results.values())),
        ("peak memory ≤ 300 MB", all(f["peak_mb"] <= 300 for f in results.values())),
        ("re-import ≤ 20 s and 0 rows written", results["re-import"]["written"] == 0
         and results["re-import"]["preview"] + results["re-import"]["commit"] <= 20),
    ]  # fmt: skip
    for target, met in targets:
        stdout.write(f"  {'met' if met else 'MISSED':<6} {target}")
    return results
