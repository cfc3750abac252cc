"""Shared test support: the one account seeder every suite builds state with."""
