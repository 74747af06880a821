"""Benchmark scripts: they start the real stack or engine on this machine and print figures."""
