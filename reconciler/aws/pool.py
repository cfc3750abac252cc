"""The thread pool the readers fan out on.

`with ThreadPoolExecutor()` waits on exit for every queued task: a Ctrl-C, or the first
AccessDenied of a read, would still make the thousands of calls already queued (minutes at
SES's rates) before anyone hears of it. This pool drops the queued work when the block fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager


@contextmanager
def worker_pool(workers: int) -> Iterator[ThreadPoolExecutor]:
    """A pool that runs its queue to the end on success and cancels it on any exception."""
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
