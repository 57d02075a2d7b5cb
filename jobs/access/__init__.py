"""Access and queries: who may see and do what, and the named read side."""
