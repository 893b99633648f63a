"""Airflow DAG `smart_tuner`: runs a Smart Tuner study nightly with SparkSubmitOperator.

Copy this file and smart_tuner_submit.py into the DAGs folder (together). Needs
apache-airflow 2.x or 3.x and apache-airflow-providers-apache-spark, a `spark-submit` of
Spark 4.0.x on the worker's PATH, and the settings in Airflow Variable `smart_tuner`
(see DOC_MD below, or the README section "Running from Airflow").
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta, timezone

# The DAGs folder is on sys.path only at its top level; this keeps a subfolder copy working.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import smart_tuner_submit as submit  # noqa: E402

try:  # Airflow 3
    from airflow.sdk import DAG, Variable
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.models import Variable
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator  # noqa: E402

# Positional arguments: Airflow 2 calls the default `default_var`, Airflow 3 `default`.
settings = submit.Settings.from_variable(Variable.get(submit.VARIABLE, None, True))

DOC_MD = f"""
# Smart Tuner: nightly study

Runs `smart-tuner tune` with spark-submit (client mode: the Spark driver runs on the Airflow
worker), exactly as `jobs/tune.sh --config CONFIG --master MASTER --jar JAR [--conf K=V]...`.

**Settings**: Airflow Variable `{submit.VARIABLE}`, a JSON object; every key is optional:

| key | default | meaning |
| --- | --- | --- |
""" + "\n".join(
    f"| `{k}` | `{submit.DEFAULTS[k]!r}` | {submit._DOC[k]} |" for k in submit.DEFAULTS
) + """

The Spark master, deploy-mode extras and spark-submit binary come from the Spark connection
(`spark_conn_id`), e.g. `AIRFLOW_CONN_SPARK_DEFAULT='spark://master:7077'`.

**Resume without sensors**: the study's state is in its Delta tables, and running the same
command again continues it (finished trials kept, running ones resume from their last
checkpoint). So a retry, **Clear** on a failed `tune` task, or a re-run of the DAG run *is* the
resume. `max_active_runs=1`, `catchup=False` and one running `tune` task at a time make sure two
runs never write one study at once. A study that already reached `n_trials` ends at once.
"""

with DAG(
    dag_id="smart_tuner",
    schedule=settings.schedule,
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "smart-tuner",
        "retries": settings.retries,
        "retry_delay": timedelta(minutes=settings.retry_delay_minutes),
    },
    doc_md=DOC_MD,
    tags=["smart-tuner", "spark"],
) as dag:
    optional = {"properties_file": settings.properties_file} if settings.properties_file else {}
    tune = SparkSubmitOperator(
        task_id="tune",
        conn_id=settings.spark_conn_id,
        application=settings.job_jar,
        java_class=submit.MAIN_CLASS,
        deploy_mode=submit.DEPLOY_MODE,
        conf=settings.spark_conf(),
        application_args=settings.application_args(),
        name=settings.app_name(),
        max_active_tis_per_dag=1,
        **optional,
    )
