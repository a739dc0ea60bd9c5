"""The user's own account: login throttling and personal API tokens."""
