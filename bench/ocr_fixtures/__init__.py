"""Deterministic rendering of the OCR benchmark's test set (see ``generate.py``); nothing rendered
is committed: the script makes the images again, bit for bit, from the seed."""
