"""One layer against a real database or the real model, in-process."""
