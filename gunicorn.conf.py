"""gunicorn's settings for the web app (the Dockerfile's CMD; bench/load.py serves with it too).

Sized for 2 cores (docs/decisions/0040): 4 worker processes, so both cores are busy while
workers wait, each with 3 threads, so a worker waiting on PostgreSQL or Redis serves another
request meanwhile: 12 requests at once. A request is mostly Python (the GIL lets one thread of a
worker run at a time), so more threads add waiting, not speed: in issue 19's rush at 150 requests
a second, 4 workers of 3 answered at a p95 of 230 ms, 3 of 4 at 300 ms, 6 of 2 at 240 ms with
180 MB more memory. Each worker keeps one database
connection per thread (CONN_MAX_AGE in ecf/settings/production.py). Every number can be changed
from the environment for a machine of another size.
"""

import os


def _number(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = _number("WEB_CONCURRENCY", 4)
threads = _number("GUNICORN_THREADS", 3)
# Loaded once in the master and forked: workers start fast and share the code's memory. Nothing
# connects to a database or Redis at import, so no connection is shared across the fork.
preload_app = True
# A worker is restarted after about this many requests (spread, so not all at once): memory a
# worker grows on large pages is given back. Not much more often: a new worker parses its
# templates, builds its precompiled queries and opens its connections again, and at 2,000 each of
# the 4 restarted about once a minute in issue 19's rush (20,000: 164-175 requests a second flat
# out became 197, with workers growing 9 MB in the rush and 19 MB on pages of 3,000).
max_requests = _number("GUNICORN_MAX_REQUESTS", 20_000)
max_requests_jitter = max_requests // 10
# A request still running after this long is cut off and its worker restarted.
timeout = _number("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# Seconds an idle keep-alive connection stays open: more than a load balancer's idle timeout in
# front (60 s is usual), so it never sends a request on a connection gunicorn has just closed.
keepalive = _number("GUNICORN_KEEPALIVE", 75)
# The heartbeat file on memory, not the container's overlay disk (which can stall a worker).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
