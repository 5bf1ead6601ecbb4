"""The scale-out cluster, started once for the tests in this folder."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.conftest import require_model
from tests.live.scale.cluster import Cluster, ClusterDidNotStart, scale_out_cluster
from tests.live.scale.services import missing_services


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    reason = missing_services()
    if reason:
        pytest.skip(reason)
    try:
        with scale_out_cluster(require_model()) as running:
            yield running
    except ClusterDidNotStart as error:
        pytest.fail(f"could not start the scale-out cluster: {error}")
