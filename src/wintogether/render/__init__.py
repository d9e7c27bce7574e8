"""Turning results into text: Rich on a terminal, plain text, JSON and CSV."""
