"""The ``bangfu`` sub-commands, one module per area."""
