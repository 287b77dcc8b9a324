"""Benchmarks (not tests): see bench/README.md. ``bench.settings`` serves Yiwang plus a bare view."""
