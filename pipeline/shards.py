"""Run per-document work over shards of the corpus: in process, on local worker processes, or on Dask.

The expensive stages (decode and normalize, extract) work on one document at a
time, so the corpus is cut into shards (row groups of the work tables, or
groups of files) and each shard goes to a worker that loaded the spaCy
pipeline once. Only documents travel, never per-token work; results come back
in shard order, so the output does not depend on the engine or the number of
workers.

Engines:
* ``local`` with ``workers=1``: in this process (no pickling at all);
* ``local`` with ``workers=N``: a ``multiprocessing`` pool of N processes
  (``fork`` where available, so the compiled rules are shared copy-on-write);
* ``dask``: a Dask cluster, a new ``LocalCluster`` of ``workers`` processes by
  default or the existing one at ``scheduler`` (see README, "Beyond one
  machine"). Workers must see the same paths (a shared file system).
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Iterable, Iterator


def map_shards(function: Callable, shards: list, workers: int = 1, engine: str = "local",
               scheduler: str | None = None, initializer: Callable | None = None,
               initargs: tuple = ()) -> Iterator:
    """Yield ``function(shard)`` for every shard, in order."""
    if engine == "dask":
        yield from _dask_map(function, shards, workers, scheduler, initializer, initargs)
        return
    if workers <= 1 or len(shards) <= 1:
        if initializer is not None:
            initializer(*initargs)
        for shard in shards:
            yield function(shard)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with context.Pool(processes=workers, initializer=initializer, initargs=initargs) as pool:
        yield from pool.imap(function, shards, chunksize=1)


def _dask_map(function: Callable, shards: list, workers: int, scheduler: str | None,
              initializer: Callable | None, initargs: tuple) -> Iterator:
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None, host="127.0.0.1")
        client = Client(cluster)
    try:
        if initializer is not None:
            client.run(initializer, *initargs)
        futures = client.map(_call, [function] * len(shards), shards, pure=False)
        for future in futures:
            yield future.result()
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _call(function: Callable, shard) -> object:
    return function(shard)


def default_workers() -> int:
    """Workers from ORGFUNCTIONS_WORKERS (the Makefile's WORKERS), default 1."""
    try:
        return max(1, int(os.environ.get("ORGFUNCTIONS_WORKERS", "1")))
    except ValueError:
        return 1


def chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
