"""Baselines the benchmarks compare creatorpulse with: plain implementations of the same work."""
