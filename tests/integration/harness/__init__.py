"""Shared helpers for integration tests: throwaway PostgreSQL clusters and the real alembic."""
