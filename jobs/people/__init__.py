"""People and regions: workers, identity values, administrative divisions."""
