"""Imports jobs/airflow/smart_tuner_dag.py and prints, as JSON, what the DAG declares and the
spark-submit argv its `tune` task runs. Uses the real Airflow when `import airflow` works,
else the test double in airflow_test_double/ (Airflow is not on this project's mirror).

Usage: airflow_dag_argv.py DAG_FILE   (settings via AIRFLOW_VAR_SMART_TUNER, AIRFLOW_CONN_<ID>)
"""

import importlib.util
import json
import os
import sys
from datetime import timedelta


def real_airflow():
    try:
        import airflow  # noqa: F401
    except ImportError:
        return False
    return not getattr(airflow, "TEST_DOUBLE", False)


def load_with_real_airflow(path):
    try:
        from airflow.models.dagbag import DagBag
    except ImportError:
        from airflow.dag_processing.dagbag import DagBag
    bag = DagBag(dag_folder=path, include_examples=False)
    if bag.import_errors:
        sys.exit("DAG import errors: " + json.dumps({str(k): str(v) for k, v in bag.import_errors.items()}))
    return bag.get_dag("smart_tuner")


def load_with_test_double(path):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "airflow_test_double"))
    spec = importlib.util.spec_from_file_location("smart_tuner_dag", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


def main():
    path = sys.argv[1]
    compile(open(path).read(), path, "exec")
    real = real_airflow()
    dag = load_with_real_airflow(path) if real else load_with_test_double(path)
    task = dag.get_task("tune")
    argv = task._get_hook()._build_spark_submit_command(task.application)
    delay = task.retry_delay
    print(json.dumps({
        "airflow": "real" if real else "test-double",
        "dag_id": dag.dag_id,
        "schedule": str(getattr(dag, "schedule", None) if not real else dag.timetable.summary),
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "retries": task.retries,
        "retry_delay_s": delay.total_seconds() if isinstance(delay, timedelta) else None,
        "max_active_tis_per_dag": task.max_active_tis_per_dag,
        "doc_md": dag.doc_md,
        "argv": argv,
    }))


if __name__ == "__main__":
    main()
