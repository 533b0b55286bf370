"""The trainers' web console."""
