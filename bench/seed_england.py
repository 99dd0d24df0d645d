"""Time `seed_demo --scale england --reset` (which prints the rows per table itself).

Run from the project folder with DATABASE_URL pointing at a database of its own (see README.md).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecf.settings.development")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

TARGET_SECONDS = 600


def main() -> int:
    database = connection.settings_dict["NAME"]
    if not database.endswith("_bench"):
        print(f"Refusing to wipe {database!r}: benchmarks run on a database whose name ends in _bench.")
        return 2
    started = time.perf_counter()
    call_command("seed_demo", scale="england", reset=True, verbosity=0)
    elapsed = time.perf_counter() - started
    print(f"seed_demo --scale england: {elapsed:.1f} s (target under {TARGET_SECONDS} s)")
    return 0 if elapsed < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
