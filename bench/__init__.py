"""Benchmarks for the capabilities that handle volume (run with `make bench`, not `make test`)."""
