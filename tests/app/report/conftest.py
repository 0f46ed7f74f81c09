"""Report fixtures: the real bundle and the samples scored once per session."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.bundle import Bundle, load_bundle
from app.core.table import ScoredTable, load_table
from tests.app.inputs import LABELLED, SAMPLE

NOW = datetime(2026, 12, 3, 9, 30, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    return load_bundle()


@pytest.fixture(scope="session")
def labelled(bundle: Bundle) -> ScoredTable:
    return load_table(LABELLED, bundle)


@pytest.fixture(scope="session")
def unlabelled(bundle: Bundle) -> ScoredTable:
    return load_table(SAMPLE, bundle)
