"""Property-based tests of bad input (hypothesis), from the policy up to the webhook."""
