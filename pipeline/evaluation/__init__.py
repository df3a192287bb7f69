"""Evaluation of pipeline components against public gold sets."""
