#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecf.settings.development")
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        sys.exit(
            f"{' and '.join(missing)} not set. Use `bin/dev manage {' '.join(sys.argv[1:])}`, which starts an "
            "embedded PostgreSQL and Redis when they are not set, or set them yourself."
        )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
