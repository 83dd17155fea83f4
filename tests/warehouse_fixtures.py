"""Warehouse engine fixtures (SQLite and PostgreSQL). Filled in with the warehouse."""
