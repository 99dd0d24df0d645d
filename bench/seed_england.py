"""Time `seed_demo --scale england --reset` (which prints the rows per table itself).

Run from the project folder with DATABASE_URL pointing at a database of its own (see README.md).
"""

import sys
import time

from common import refusal_unless_bench_database
from django.core.management import call_command

TARGET_SECONDS = 600


def main() -> int:
    if refusal := refusal_unless_bench_database(doing="wipe"):
        print(refusal)
        return 2
    started = time.perf_counter()
    call_command("seed_demo", scale="england", reset=True, verbosity=0)
    elapsed = time.perf_counter() - started
    print(f"seed_demo --scale england: {elapsed:.1f} s (target under {TARGET_SECONDS} s)")
    return 0 if elapsed < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
