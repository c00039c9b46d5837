"""Storage and answers: DuckDB snapshots, migrations, SQL models and the query API readers use.

`warehouse` imports none of the other packages.
"""
