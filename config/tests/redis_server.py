"""A Redis server of the test's own, on a free loopback port, that a test may pause (SIGSTOP:
it still accepts connections but answers nothing, like a hung broker) and resume."""

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest


def redis_cache(location: str, *, timeout: float = 1) -> dict:
    """CACHES settings for a Redis cache at `location` that gives up after `timeout` seconds."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "coehub-test",
            "OPTIONS": {"socket_timeout": timeout, "socket_connect_timeout": timeout},
        }
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process, self.port = process, port
        self.url = f"redis://127.0.0.1:{port}/0"

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


@contextmanager
def private_redis():
    """Start redis-server without persistence, yield it, then stop it (resumed first)."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("needs redis-server")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    server = PrivateRedis(process, port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield server
    finally:
        server.resume()
        process.terminate()
        process.wait(timeout=10)


def forget_broker_connections() -> None:
    """Drop pooled broker connections and producers, so the next publish connects to whatever
    broker the configuration names now (earlier tests cached the in-memory one)."""
    import kombu.pools

    from config.celery import app

    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str, transport_options: dict):
    """Point the project's Celery app at `url` for the block, then restore it."""
    from config.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.broker_transport_options = url, transport_options
    forget_broker_connections()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        forget_broker_connections()
