"""Storage: the models, the database and its migrations, encryption at rest, the audit log, the clock."""
