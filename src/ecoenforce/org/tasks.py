"""Background work of the org app (run by `manage.py worker`)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def sweep_upload_spool() -> int:
    """Remove uploads left in the spool by a job that never ran (org/uploads.py)."""
    from ecoenforce.org.uploads import spool_sweep

    n = spool_sweep()
    if n:
        logger.info("upload spool: removed %d stale file(s)", n)
    return n
