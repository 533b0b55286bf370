"""Running bots, workers, the console and ``candor`` itself, over HTTP and in subprocesses."""
