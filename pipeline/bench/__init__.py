"""Small benchmarks of pipeline stages, run as ``python -m pipeline.bench.<stage>``."""
