"""Exporters: plain functions that take the graph and write a file (or return an rdflib.Graph)."""
