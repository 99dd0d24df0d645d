"""Loaded by every Python process `bin/dev --today` starts (it puts this folder on PYTHONPATH).

Under libfaketime the wall clock is moved and the monotonic clock is left alone, so timed waits
(locks, events, thread joins, queue gets) time out on schedule. Python's own `time.sleep`,
though, sleeps until a monotonic deadline through clock_nanosleep, which libfaketime 0.9.10
shifts by the fake offset and the kernel refuses (EINVAL). Sleeping as a timed wait on an event
uses the same monotonic clock without that call.
"""

import threading
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    threading.Event().wait(seconds)


time.sleep = _sleep
