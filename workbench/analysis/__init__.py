"""Pandas over the shipment table: the filter language, queries and aggregates."""
