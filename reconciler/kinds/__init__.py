"""Kinds of managed objects: one module per kind, registered in `reconciler.kinds.registry`."""
