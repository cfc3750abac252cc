"""Benchmarks; each writes its own section of docs/performance.md."""
