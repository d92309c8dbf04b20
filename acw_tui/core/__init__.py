"""Headless core of acw: plain Python, no Textual, no SQL."""
