"""Harness of the exchange reliability test and benchmark: two installations, a hub, workers."""
