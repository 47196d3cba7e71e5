"""Writing what leaves the case: Excel summaries, chart images, interchange formats."""
