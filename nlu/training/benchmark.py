"""``candor bench nlu``: how fast and how big the emotion model is on this machine.

Prints figures; asserts nothing. Single-message latency is measured with 1 and 2 torch
threads, throughput with batches, and the async path with many concurrent messages, as the
bot sees them.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

SAMPLE_TEXTS = (
    "My card was charged twice and I'm really worried",
    "Where is my order? It was due on Monday.",
    "This is the third time I'm asking. Unacceptable.",
    "Thanks, that solved it!",
    "I don't understand what this status means",
    "Can I change the email on my account?",
)


def run_nlu_benchmark(
    model_dir: Path, texts: list[str], messages: int, report: Callable[[str], None], precision: str = "auto",
    batch_messages: int = 1024,
) -> None:
    from nlu.model import EmotionModel
    from nlu.runtime import EmotionAnalyzer

    started = time.perf_counter()
    model = EmotionModel(model_dir, precision)
    report(f"load time                 {time.perf_counter() - started:8.2f} s")
    report(f"encoder precision         {model.encoder.precision:>8} (CANDOR_MODEL_PRECISION={precision})")
    size = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file())
    report(f"artifact size             {size / 1e6:8.2f} MB ({model_dir})")
    sample = [texts[i % len(texts)] for i in range(messages)]
    rows = ((False, 1, "1 thread ", "emotion only"), (False, 2, "2 threads", "emotion only"),
            (True, None, "adaptive ", "emotion + search vectors, as the bot runs it"))
    for retrieval, threads, label, what in rows:
        model.analyse(sample[:8], retrieval, threads)
        timings = []
        for text in sample:
            tick = time.perf_counter()
            model.analyse([text], retrieval, threads)
            timings.append((time.perf_counter() - tick) * 1000)
        p50, p95 = _percentile(timings, 50), _percentile(timings, 95)
        report(f"single message, {label}  p50 {p50:6.1f} ms   p95 {p95:6.1f} ms ({what})")
    if model.multilingual is not None:
        russian = ["Где мой заказ? Я очень волнуюсь.", "Спасибо, всё работает!", "Это безобразие!"]
        model.analyse(russian)
        timings = []
        for index in range(max(messages // 3, 20)):
            tick = time.perf_counter()
            model.analyse([russian[index % len(russian)]])
            timings.append((time.perf_counter() - tick) * 1000)
        report(f"single message in Russian  p50 {_percentile(timings, 50):6.1f} ms   p95 {_percentile(timings, 95):6.1f} ms"
               " (multilingual head)")
    batch = [texts[i % len(texts)] for i in range(max(batch_messages, 64))]
    for retrieval, what in ((False, "emotion only"), (True, "with search vectors")):
        tick = time.perf_counter()
        for start in range(0, len(batch), 64):
            model.analyse(batch[start : start + 64], retrieval)
        report(f"batched (64), 2 threads   {len(batch) / (time.perf_counter() - tick):8.0f} messages/s ({what})")

    async def concurrent() -> float:
        analyzer = EmotionAnalyzer(model.analyse, max_batch=64)
        try:
            tick = time.perf_counter()
            await analyzer.analyse_many(batch)
            return len(batch) / (time.perf_counter() - tick)
        finally:
            await analyzer.close()

    report(f"async, {len(batch)} concurrent   {asyncio.run(concurrent()):8.0f} messages/s (micro-batched)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(f"peak RSS                  {peak:8.0f} MB (this process: Python, torch, model)")


def _percentile(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]
