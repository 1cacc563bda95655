# store/: SQLite. Knows nothing about the web.
