"""Service and messages: the scheduled service's use cases (pushes, follow-ups, ledgers, report) and the
channels that carry its messages (outbox, in-app inbox, SMS, e-mail)."""
