"""One real webhook worker for ``candor bench e2e``: ``candor run --webhook`` in a child process.

The worker talks to the fake Bot API like it would to Telegram and keeps its log in a file,
which the benchmark reads after a clean stop (SIGTERM): that is where the model's busy time is.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.bench.process import cpu_seconds, high_water_kb
from bot.channels.webhook import SECRET_HEADER
from bot.testing.webhook_client import free_port

READY_TIMEOUT_SECONDS = 180.0
STOP_TIMEOUT_SECONDS = 60.0
BENCH_MAX_CONNECTIONS = 800
"""Room for the default levels (up to two connections per concurrent chat, 200 chats) under a 1,024-file limit."""


class WorkerError(RuntimeError):
    """The worker did not start or stop; the message carries the end of its log."""


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker of one benchmark run gets."""

    api_base_url: str
    token: str
    secret: str
    model_dir: Path
    precision: str
    cache_dir: Path | None = None
    """The ONNX export's folder, shared by every worker (default: var/cache in each worker's own folder)."""


@dataclass(frozen=True)
class WorkerExit:
    peak_rss_mb: float
    log: str
    returncode: int | None


class BenchWorker:
    def __init__(self, process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
        self._process = process
        self._log_path = log_path
        self.url = f"http://127.0.0.1:{port}/"

    @classmethod
    def start(cls, setup: WorkerSetup, database_url: str, folder: Path,
              extra_env: dict[str, str] | None = None) -> BenchWorker:
        """Start ``candor run --webhook`` on a free local port; its settings come only from here, not from .env."""
        port = free_port()
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TELEGRAM_", "DATABASE_", "CANDOR_"))}
        env.update({
            "TELEGRAM_BOT_TOKEN": setup.token, "TELEGRAM_API_BASE_URL": setup.api_base_url,
            "CANDOR_WEBHOOK_SECRET": setup.secret, "DATABASE_URL": database_url,
            "CANDOR_MODEL_DIR": str(setup.model_dir.resolve()), "CANDOR_MODEL_PRECISION": setup.precision,
            "CANDOR_LOG_LEVEL": "INFO", "HF_HUB_OFFLINE": "1",
            **({"CANDOR_MODEL_CACHE_DIR": str(setup.cache_dir.resolve())} if setup.cache_dir else {}),
            # Order lookups only where a level asks for them (``--shop``): the others measure the bot alone.
            "CANDOR_SHOP": "none",
            # The bench's customers each hold a connection (Telegram holds at most 100): none is refused here.
            "CANDOR_WEBHOOK_MAX_CONNECTIONS": str(BENCH_MAX_CONNECTIONS), **(extra_env or {}),
        })
        log_path = folder / f"worker-{port}.log"
        command = ["run", "--webhook", "--listen", "127.0.0.1", "--port", str(port)]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", f"from bot.cli.main import main; raise SystemExit(main({command!r}))"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder,
            )
        return cls(process, port, log_path)

    async def wait_until_ready(self, secret: str) -> None:
        """Until the webhook answers; an empty update is refused (400) without being handled."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        async with httpx.AsyncClient(timeout=5.0) as client:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    raise WorkerError(f"the worker exited with {self._process.returncode}:\n{self._log_tail()}")
                try:
                    await client.post(self.url, content=b"{}", headers={SECRET_HEADER: secret})
                    return
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        self.kill()
        raise WorkerError(f"the worker did not answer within {READY_TIMEOUT_SECONDS:.0f} s:\n{self._log_tail()}")

    def cpu_seconds(self) -> float:
        """User plus system CPU time of all the worker's threads so far."""
        return cpu_seconds(self._process.pid)

    async def stop(self) -> WorkerExit:
        """Read the peak memory while the process still lives, then stop it as an operator would."""
        peak_kb = high_water_kb(self._process.pid)
        self._process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(self._process.wait, STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
        return WorkerExit(peak_kb / 1024, self._log_path.read_text(encoding="utf-8", errors="replace"),
                          self._process.returncode)

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def log_text(self) -> str:
        """The worker's log so far (the benchmark counts lines in it at a level's milestones)."""
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def _log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])
