"""Shared state beyond one machine: PostgreSQL behind DATABASE_URL.

Imported only when DATABASE_URL is set, so the embedded default (SQLite under DATA_DIR) needs
none of its packages (`uv sync --extra postgres` or `pip install 'community-bot[postgres]'`).
"""
