"""Dockable panels, each a view of the open case."""
