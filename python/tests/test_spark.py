"""Scale-out on Spark: the engine pickles into Spark's Python workers, so ``mapInPandas`` over a
100k-member roster in local mode gives exactly the in-process batch's answers.

Needs ``pyspark`` and a Java runtime. Without them the test is skipped with the reason, so a
developer without Java can run pytest; ``scripts/test.sh`` installs both and sets
``AMSCORE_REQUIRE_SPARK=1``, which turns a missing dependency into a failure instead."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pytest

import amscore
from conftest import synthetic_roster

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType

AS_OF = dt.date(2026, 1, 20)
WORKER = "spark_worker_pid"


def _missing() -> str | None:
    """Why Spark cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError as e:
        return f"pyspark is not installed ({e})"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))):
        return "no Java runtime (java is not on PATH and JAVA_HOME is not set)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    why = _missing()
    if why is not None:
        if os.environ.get("AMSCORE_REQUIRE_SPARK") == "1":
            pytest.fail(f"AMSCORE_REQUIRE_SPARK=1 but {why}", pytrace=False)
        pytest.skip(f"{why}; scripts/test.sh installs it")
    from pyspark.sql import SparkSession

    # The workers run this interpreter (the virtual environment with amscore in it).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("amscore-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        # A short-lived JVM: the C1 compiler only and one GC thread spend less CPU starting up.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # An Arrow conversion that fails must fail the test, not fall back to rows quietly.
        .config("spark.sql.execution.arrow.pyspark.fallback.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def spark_schema(table: pa.Table) -> StructType:
    """The Spark schema of a batch result: its Arrow types, categoricals as their values."""
    from pyspark.sql.pandas.types import from_arrow_type
    from pyspark.sql.types import StructField, StructType

    return StructType([StructField(f.name, from_arrow_type(f.type), nullable=True) for f in decoded(table).schema])


def decoded(table: pa.Table) -> pa.Table:
    """The table with its dictionary columns as their values, and its text as Spark gives text
    back (``string``: pandas 3's text columns are ``large_string`` in Arrow, Spark has one
    string type)."""

    def spark(t: pa.DataType) -> pa.DataType:
        t = t.value_type if pa.types.is_dictionary(t) else t
        return pa.string() if pa.types.is_large_string(t) else t

    return table.cast(pa.schema([pa.field(f.name, spark(f.type)) for f in table.schema]))


def test_100k_roster_through_spark_map_in_pandas_equals_the_in_process_batch(spark: SparkSession, engine: amscore.Engine) -> None:
    base = pd.DataFrame(synthetic_roster(25_000, seed=13))
    roster = pd.concat([base] * 4, ignore_index=True)
    roster["member_id"] = [f"M-{i}" for i in range(len(roster))]
    assert len(roster) == 100_000
    table = pa.Table.from_pandas(roster, preserve_index=False)
    local = engine.batch(table, AS_OF, decide=True)
    assert local.column("error_code").null_count < local.num_rows  # some bad rows
    assert local.column("error_code").null_count > local.num_rows // 2  # most rows answered

    from pyspark.sql.types import LongType, StructField

    def answer(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        # Runs in Spark's Python workers: `engine` arrives pickled with the function.
        for frame in frames:
            out = engine.batch(frame, AS_OF, decide=True)
            out[WORKER] = os.getpid()
            yield out

    schema = spark_schema(local)
    schema.add(StructField(WORKER, LongType(), nullable=False))
    frame = spark.createDataFrame(roster)
    assert frame.rdd.getNumPartitions() == 2
    remote = frame.mapInPandas(answer, schema).toArrow()

    assert remote.num_rows == local.num_rows
    assert remote.column_names == local.column_names + [WORKER]
    workers = set(remote.column(WORKER).to_pylist())
    assert os.getpid() not in workers  # answered in Spark's worker processes, not here
    remote = remote.drop_columns([WORKER]).sort_by("member_id")
    # Spark has no dictionary type: its columns hold the categoricals' values; every other type
    # (dates, decimals, int16 codes, nullable booleans, text) comes back as the batch wrote it.
    local = decoded(local).sort_by("member_id")
    assert remote.schema == local.schema
    for name in local.column_names:
        want, got = local.column(name), remote.column(name)
        if not got.equals(want):
            row = next(i for i, (a, b) in enumerate(zip(got.to_pylist(), want.to_pylist())) if a != b)
            pytest.fail(f"column {name}, member {local.column('member_id')[row]}: Spark {got[row]}, in-process {want[row]}")
