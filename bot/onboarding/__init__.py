"""``candor init``: the questions a shop answers to go live, each checked as it is answered."""
