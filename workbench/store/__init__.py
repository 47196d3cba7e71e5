"""The case file: one SQLite file holding shipments, input files and the event log."""
