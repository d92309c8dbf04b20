"""Benchmarks of SPEC §11: each measures acw against a floor measured in the same run."""
