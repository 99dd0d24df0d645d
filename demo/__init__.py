"""Demo data: `manage.py seed_demo` (small, idempotent) and `seed_demo --scale england`. An app
standing above every other (it imports them all; nothing imports it). Import from `demo.build`:
Django imports an app's package before models are ready, so this one imports nothing.

Modules, in the order the build uses them: timeline (the fixed "today" and date helpers),
names (fixed name lists), reference (contract periods, providers, appropriate bodies),
schools, people (teachers and their periods), named_schools (the schools the README lists, in
fixed states), events (audit log), loader (ids and COPY), build (the stages, in one transaction).
"""
