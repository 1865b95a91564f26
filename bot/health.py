"""``/healthz``, ``/readyz`` and ``/metrics`` over HTTP, for probes and Prometheus.

- ``GET /healthz``: 200 while the process runs (liveness: restart it if this fails).
- ``GET /readyz``: 200 when every readiness check passes (the database answers, the platform
  is connected) and the process is not stopping; 503 with the failing checks otherwise
  (a load balancer sends it no new work).
- ``GET /metrics``: Prometheus text format.

Slack's HTTP mode serves these on its own port (:func:`add_health_routes`); the other services
share one :class:`HealthServer` on ``[run] health_port``.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.errors import ConfigError
from bot.lifecycle import Lifecycle
from bot.metrics import Metrics

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


def add_health_routes(app: web.Application, lifecycle: Lifecycle, metrics: Metrics) -> None:
    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def ready(_: web.Request) -> web.Response:
        if lifecycle.stopping:
            return web.json_response({"ready": False, "stopping": True}, status=503)
        checks = await lifecycle.readiness()
        ok = all(checks.values())
        return web.json_response({"ready": ok, "checks": checks}, status=200 if ok else 503)

    async def exposition(_: web.Request) -> web.Response:
        response = web.Response(body=metrics.exposition())
        response.headers["Content-Type"] = metrics.content_type
        return response

    app.router.add_get(HEALTH_PATH, health)
    app.router.add_get(READY_PATH, ready)
    app.router.add_get(METRICS_PATH, exposition)


class HealthServer:
    """The probe endpoints on their own port, from :meth:`start` until :meth:`close`."""

    def __init__(self, lifecycle: Lifecycle, metrics: Metrics, *, host: str, port: int) -> None:
        app = web.Application()
        add_health_routes(app, lifecycle, metrics)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        self._host = host
        self.port = port

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise ConfigError(
                f"Cannot serve health checks on {self._host}:{self.port} ({exc.strerror}); "
                "change [run] health_port."
            ) from exc
        sockets = site._server.sockets if site._server is not None else ()  # type: ignore[attr-defined]
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        log.info("health and metrics on %s:%d", self._host, self.port)

    async def close(self) -> None:
        await self._runner.cleanup()
