"""The audience: the database, subscribers and their consent."""
