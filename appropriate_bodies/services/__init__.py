"""Writes for appropriate bodies, one module per kind of write, each a keyword-only function in
one transaction:

- `access`: support give a person access to a body; DfE Sign-in gives it from the organisation.
- `claims`: claiming an ECT, and the rules a claim must pass (shared with bulk uploads).
- `outcomes`: recording a pass, a fail or a release.
- `extensions`: adding, changing and removing an extension.
- `bulk`: uploading, checking and applying a CSV file of claims or outcomes.
- `terms`: reading and checking a number of terms, the one rule for journeys and bulk.
"""
