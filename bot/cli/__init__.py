"""``candor ...``: argparse and printing only, one file per command group; ``main`` catches CandorError once."""
