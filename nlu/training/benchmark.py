"""``candor bench nlu``: how fast and how big the emotion model is on this machine.

Prints figures; asserts nothing. Single-message latency is measured with 1 and 2 encoder
threads, throughput with batches, and the async path with many concurrent messages, as the
bot sees them. Each language's row adds the process's CPU milliseconds per message, which a
machine shared with other work inflates far less than wall-clock time.
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import sys
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

LANGUAGE_SAMPLES: dict[str, tuple[str, ...]] = {
    "en": ("Where is my order? I'm getting worried.", "Thanks, that solved it!", "This is unacceptable."),
    "ru": ("Где мой заказ? Я очень волнуюсь.", "Спасибо, всё работает!", "Это безобразие, третий раз пишу!"),
    "pl": ("Gdzie jest moja paczka? Trochę się martwię.", "Dziękuję, już działa!", "To jest skandal, piszę trzeci raz!"),
    "zh": ("我的订单到哪了？有点担心。", "谢谢，问题解决了！", "太离谱了，我已经问了三次了！"),
}
"""Each language the bot speaks, scored as the bot scores a single message: one thread, with search vectors."""


def run_nlu_benchmark(
    model_dir: Path, texts: list[str], messages: int, report: Callable[[str], None], precision: str = "auto",
    batch_messages: int = 1024, cache_dir: Path | None = None,
) -> None:
    from nlu.model import EmotionModel
    from nlu.precision import cpu_kind, read_cpu_flags
    from nlu.runtime import EmotionAnalyzer

    flags = read_cpu_flags()
    report(f"CPU                       {cpu_kind(flags)}, {os.cpu_count()} cores; {flags_summary(flags)}")
    started = time.perf_counter()
    model = EmotionModel(model_dir, precision, cache_dir=cache_dir)
    export = " (the first load of an ONNX precision includes its export)" if "onnx" in model.encoder.precision else ""
    report(f"load time                 {time.perf_counter() - started:8.2f} s{export}")
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
    for language, examples in LANGUAGE_SAMPLES.items():
        model.analyse(list(examples), True, 1)
        timings, cpu = [], []
        for index in range(max(messages // 3, 30)):
            tick, cpu_tick = time.perf_counter(), time.process_time()
            model.analyse([examples[index % len(examples)]], True, 1)
            timings.append((time.perf_counter() - tick) * 1000)
            cpu.append((time.process_time() - cpu_tick) * 1000)
        report(f"single message, {language}, 1 thread  p50 {_percentile(timings, 50):6.1f} ms   "
               f"p95 {_percentile(timings, 95):6.1f} ms   CPU p50 {_percentile(cpu, 50):6.1f} ms "
               "(emotion + search vectors)")
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
    runtime = "torch" if "torch" in sys.modules else "no torch"
    report(f"peak RSS                  {peak:8.0f} MB (this process: Python, {runtime}, the models)")


SPEED_FLAGS = ("avx2", "fma", "avx_vnni", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8")
"""The flags that change which kernels the encoder gets; a figure means little without them."""


def flags_summary(flags: frozenset[str]) -> str:
    present = [flag for flag in SPEED_FLAGS if flag in flags]
    return "flags " + (" ".join(present) if present else "none of " + " ".join(SPEED_FLAGS))


def _percentile(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]
