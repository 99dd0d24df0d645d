"""Demo data: `manage.py seed_demo` (small, idempotent) and `seed_demo --scale england`.

Modules, in the order the build uses them: timeline (the fixed "today" and date helpers),
names (fixed name lists), reference (contract periods, providers, appropriate bodies),
schools, people (teachers and their periods), named_schools (the schools the README lists, in
fixed states), events (audit log), loader (ids and COPY), build (the stages, in one transaction).
"""

from core.demo.build import DEMO, AlreadySeeded, england, row_counts, seed_demo, seed_england

__all__ = ["DEMO", "AlreadySeeded", "england", "row_counts", "seed_demo", "seed_england"]
