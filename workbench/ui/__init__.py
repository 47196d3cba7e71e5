"""The PySide6 window. The only place Qt is imported."""
