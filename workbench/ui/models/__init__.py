"""Qt item models: thin adapters over prepared column arrays."""
