"""Stand-ins for outside services, used by the tests and by ``candor bench`` (never by the running bot)."""
