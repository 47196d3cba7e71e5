"""The `workbench` command line, one module per group of commands (app.py wires them)."""
