"""Read-side analytics built on the marts: attention decline, retention, reach (issue 4)."""
