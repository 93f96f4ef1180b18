"""Logs, metrics and traces of what the bot does and what it costs."""
