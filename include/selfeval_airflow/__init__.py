"""The Airflow side of selfeval: what the DAGs need that only Airflow knows.

`resources` turns Airflow configuration (the Variable `selfeval_share`, the connections
`selfeval_warehouse` and `smtp_default`) into a `Share`, an `Engine` and a mail `send`; `tasks`
holds the task callables both DAGs use, each a few lines calling `selfeval.intake` (or alerts,
publish), and `intake_files`, the intake wiring both DAGs share. The library `selfeval` never
imports Airflow; this package is the only code that does besides the DAG files (ADR 0011).
"""
