"""End-to-end benchmarks of a running worker (``candor bench e2e`` and ``candor bench handoffs``)."""
