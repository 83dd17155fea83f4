from __future__ import annotations

from collections.abc import Iterator

import pytest

from alerts.smtp_sink import Received, smtp_sink


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[Received]]]:
    with smtp_sink() as server:
        yield server
