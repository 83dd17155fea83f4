"""The host name Airflow records for a task instance (`[core] hostname_callable`).

Two Celery workers on one machine share its FQDN, so nothing in the metadata would say which
ran a task. A worker started with `SELFEVAL_WORKER_NAME` set (`make cluster` names its workers
`worker-a` and `worker-b`) reports that name instead; any other process reports the FQDN, as
Airflow's default does. Leave the variable unset on workers that have machines of their own:
the api-server fetches a live task's log from `http://<hostname>:<worker_log_server_port>`, so
the name must resolve there (ADR 0015).
"""

from __future__ import annotations

import os
import socket

WORKER_NAME_ENV = "SELFEVAL_WORKER_NAME"


def worker_name() -> str:
    """$SELFEVAL_WORKER_NAME when set, else this machine's fully qualified name."""
    return os.environ.get(WORKER_NAME_ENV, "").strip() or socket.getfqdn()
