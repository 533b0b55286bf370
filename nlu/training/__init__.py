"""Training and measuring the emotion model (``candor nlu train``, ``eval``, ``candor bench nlu``); the bot never imports it at run time."""
