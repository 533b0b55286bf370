"""The use cases, one unit of work each; their effects (sends, posts, schedules) run after the unit commits."""
