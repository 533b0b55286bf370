"""Candor: a Telegram customer-support bot that is candid, clear and human."""

__version__ = "0.1.0"
