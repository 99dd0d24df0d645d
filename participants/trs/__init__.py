"""The Teaching Record System (TRS): our client for it (`client.py`) and a fake of it (`fake.py`).

    from participants.trs import find_teacher, TeacherNotFound, TRSUnavailable

The client's names are loaded on first use rather than here, so that importing this package does
not import Django: the fake, which lives here too, runs on its own (`python -m participants.trs.fake`).
"""

__all__ = [
    "InvalidTRN",
    "TRSError",
    "TRSRefused",
    "TRSUnavailable",
    "TeacherDeactivated",
    "TeacherMerged",
    "TeacherNotFound",
    "TeacherRecord",
    "find_teacher",
    "induction_write",
    "normalise_national_insurance_number",
    "normalise_trn",
    "record_induction",
]


def __getattr__(name: str):
    if name in __all__:
        from participants.trs import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
