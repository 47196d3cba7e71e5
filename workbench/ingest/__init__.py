"""Reading customs extracts: formats, encodings, header rows, column mapping, values."""
