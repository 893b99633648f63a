"""TEST DOUBLE of Apache Airflow (see ../README.md); only what jobs/airflow/smart_tuner_dag.py uses."""

from airflow.models import DAG  # noqa: F401  (Airflow 2 exports DAG at the top level)

TEST_DOUBLE = True
