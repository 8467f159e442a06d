"""The Dask worker plugin that loads the geoparser and its index once per worker, when the worker
joins (workers that join later get it too), so no task waits for the index. Imported only by a
Dask batch, where `distributed` is installed (the `cluster` extra)."""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from dashboard.batch.work import worker_geoparser


class GeoparserPlugin(WorkerPlugin):
    def setup(self, worker: object) -> None:
        worker_geoparser()
