"""Case Workbench: build stories out of customs records and prove every number."""

__version__ = "0.1.0"
