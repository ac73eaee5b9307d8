"""A real task queue for the tests: the machine's Redis and a Celery worker in a process of
its own, reading the test database (a file on SQLite, see ``tests/conftest.py``; the
PostgreSQL test database otherwise), with the tests' writes committed (transactional
tests).

Redis is ``TRACKER_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/1``); each test
session uses a queue of its own, so parallel runs do not take each other's tasks. Without
Redis these tests are skipped, and they fail when ``CI=true``: CI must run them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools

from tracker.celery import app as celery_app

REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
ROOT = Path(__file__).resolve().parents[2]
QUEUE = f"tracker-test-{uuid.uuid4().hex[:12]}"


def redis_reachable(url: str) -> str | None:
    """None when Redis answers at ``url``, else why not."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:
        return str(error)
    return None


def need_redis() -> None:
    problem = redis_reachable(REDIS_URL)
    if problem is None:
        return
    message = f"Redis is not reachable at {REDIS_URL} ({problem}); the worker tests need it."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " CI=true: they cannot be skipped.")
    pytest.skip(message)


def use_broker(url: str, settings_fixture) -> None:
    """Point this process at the broker ``url`` (the settings and the Celery app, whose
    connection pools are dropped)."""
    settings_fixture.CELERY_BROKER_URL = url
    celery_app.conf.broker_url = url
    celery_app.conf.task_default_queue = QUEUE
    celery_app.conf.broker_transport_options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "socket_connect_timeout": 1,
    }
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()  # kombu's producer pools, one per broker URL, hold closed connections


@pytest.fixture
def task_queue(settings, transactional_db) -> Iterator[str]:
    """Tasks go to the test queue on the machine's Redis (emptied before and after)."""
    need_redis()
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(QUEUE)
    use_broker(REDIS_URL, settings)
    yield REDIS_URL
    client.delete(QUEUE)
    use_broker("", settings)


def database_url() -> str:
    """The test database as a DATABASE_URL the worker process reads."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        name = config["NAME"]
        assert not connection.is_in_memory_db(), "the worker tests need a file database"
        return f"sqlite:///{name}"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return (
        f"postgres://{config['USER']}{password}@{config['HOST'] or '127.0.0.1'}{port}/"
        f"{config['NAME']}"
    )


class Worker:
    """A ``celery worker`` process (prefork, one pool process) on the test queue."""

    def __init__(self, log: Path):
        self.log = log
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
            "TRACKER_TASK_RETRY_BACKOFF": "1",
            "TRACKER_TASK_RETRY_BACKOFF_MAX": "2",
        }
        env.pop("CI", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--queues",
                QUEUE,
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_for("ready.", timeout=60)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, line: str, *, timeout: float = 30, count: int = 1) -> None:
        deadline = time.monotonic() + timeout
        while self.text().count(line) < count:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"The worker exited ({self.process.returncode}):\n{self.text()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"No {line!r} from the worker in {timeout} s:\n{self.text()}")
            time.sleep(0.05)

    def pool_pids(self) -> list[int]:
        """The pool processes (children of the worker's main process)."""
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture
def start_worker(task_queue, tmp_path) -> Iterator[Callable[[], Worker]]:
    """Start a worker on the test queue (stopped after the test, before the database goes)."""
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_until(condition: Callable[[], object], *, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Not so after {timeout} s: {what}")
        time.sleep(0.05)
