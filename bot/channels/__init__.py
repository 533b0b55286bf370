"""Thin adapters between a place customers write (Telegram, a terminal) and the service."""
