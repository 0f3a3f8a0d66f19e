"""The national-scale benchmark: a generator for a large network (`generate.py`, `network.py`) and the timing of a
12-indicator dashboard against hand-written SQL (`dashboard.py`, `indicators.py`, `handsql.py`)."""
