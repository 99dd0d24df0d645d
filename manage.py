#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # No default settings: production must say so, and development goes through bin/dev,
    # which also starts embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are unset.
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        sys.exit(
            f"DJANGO_SETTINGS_MODULE is not set. For development run `bin/dev manage {' '.join(sys.argv[1:])}`; "
            "elsewhere set it (ecf.settings.production needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL)."
        )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
