"""Peak memory of a real bot process: the local chat answering messages in every language.

The model benchmark's own peak includes its batches of 64 and its timing data; what a
deployment must budget for is the bot process itself, with the model, the topic index and
the database, answering customers one message at a time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

POLL_SECONDS = 0.05
CUSTOMER_MESSAGES = (
    "my card was charged twice and I'm really worried",
    "Где мой заказ? Я очень волнуюсь.",
    "Gdzie jest moja paczka? Czekam od tygodnia.",
    "我的订单在哪里？我很着急",
    "This is ridiculous, nobody answers!",
    "Dziękuję, wszystko działa!",
)


def bot_process_peak_rss_mb(model_dir: Path, precision: str, messages: int = 200,
                            cache_dir: Path = Path("var/cache")) -> float:
    """Run ``candor chat`` in a child process on a throwaway database; its peak resident memory in MB."""
    lines = [f"{CUSTOMER_MESSAGES[i % len(CUSTOMER_MESSAGES)]} #{i}" for i in range(messages)] + ["/quit"]
    with tempfile.TemporaryDirectory(prefix="candor-bench-") as folder:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "DATABASE_"))}
        env.update({
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "CANDOR_MODEL_DIR": str(model_dir),
            "CANDOR_MODEL_PRECISION": precision, "CANDOR_LOG_LEVEL": "WARNING", "HF_HUB_OFFLINE": "1",
            "CANDOR_MODEL_CACHE_DIR": str(cache_dir.resolve()),
        })
        process = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli.main import main; raise SystemExit(main(['chat']))"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=folder,
        )
        assert process.stdin is not None
        process.stdin.write("\n".join(lines).encode() + b"\n")
        process.stdin.close()
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, high_water_kb(process.pid))
            try:
                process.wait(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                continue
    if process.returncode != 0:
        raise RuntimeError(f"the local chat exited with {process.returncode} during the memory benchmark")
    return peak_kb / 1024


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a running process's threads so far; 0 where unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def high_water_kb(pid: int) -> int:
    """VmHWM of a running process. Read from /proc, not wait4's ru_maxrss: that one also counts
    the parent's pages the child held between fork and exec."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
