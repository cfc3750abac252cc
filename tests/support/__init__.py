"""Shared test support: the one account seeder every suite builds state with, and other
helpers shared by unit and integration tests."""
