"""Storage for todobot: SQL stores (SQLite / PostgreSQL) and an in-memory reference store."""
