"""ses-reconciler: declarative reconciler for Amazon SES v2 tenants."""

__version__ = "0.1.0"
