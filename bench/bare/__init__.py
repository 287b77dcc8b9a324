"""A bench-only Django app: one model and one view that inserts one row (the HTTP baseline)."""
