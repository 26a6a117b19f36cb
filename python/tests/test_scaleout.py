"""Scale-out: the engine pickles, so the batch maps over Dask partitions in worker processes and
gives exactly the in-process result."""

from __future__ import annotations

import datetime as dt

import dask
import dask.dataframe as dd
import distributed
import pandas as pd
import pytest

import amscore
from conftest import synthetic_roster

pytestmark = pytest.mark.scaleout


def test_200k_roster_through_a_local_dask_cluster_equals_the_in_process_batch(engine: amscore.Engine) -> None:
    base = pd.DataFrame(synthetic_roster(20_000, seed=11))
    roster = pd.concat([base] * 10, ignore_index=True)
    roster["member_id"] = [f"M-{i}" for i in range(len(roster))]
    assert len(roster) == 200_000
    as_of = dt.date(2026, 1, 20)
    local = engine.batch(roster, as_of)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            # Keep pandas' object strings, so the frames compare exactly (Dask would convert them).
            with dask.config.set({"dataframe.convert-string": False}):
                parts = dd.from_pandas(roster, npartitions=8)
                meta = engine.batch(roster.iloc[0:0], as_of)
                remote = parts.map_partitions(engine.batch, as_of, meta=meta).compute()
            workers = client.run(lambda: __import__("os").getpid())
    assert len(workers) == 2
    pd.testing.assert_frame_equal(remote.sort_index(), local)
    assert local["error_code"].notna().sum() > 0
