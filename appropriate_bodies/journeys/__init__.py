"""Appropriate bodies' journeys, one module each, on core.wizard:

- `claim_ect`: find the ECT in TRS, then start date and programme, then claim.
- `record_outcome`: a pass, a fail (with the right to appeal) or a release.
- `extension`: add or change an extension (removing one is a confirm page there too).
- `common`: what those share.

Bulk uploads are not a wizard (their one answer is a file, their state in the database):
`appropriate_bodies/bulk_views.py`, decision 0028.
"""
