"""TEST DOUBLE of SparkSubmitHook: _resolve_connection and _build_spark_submit_command, reduced
to the fields the DAG sets (conf, conn_id, java_class, name, application_args, properties_file,
deploy_mode) but in the provider's order: binary, --master, --conf k=v..., --properties-file,
--name, --class, --queue, --deploy-mode, application, application_args."""

from __future__ import annotations

from airflow.exceptions import AirflowException
from airflow.models import Connection

DEFAULT_SPARK_BINARY = "spark-submit"
ALLOWED_SPARK_BINARIES = [DEFAULT_SPARK_BINARY, "spark2-submit", "spark3-submit"]


class SparkSubmitHook:
    def __init__(self, conf=None, conn_id="spark_default", java_class=None, name="default-name",
                 application_args=None, properties_file=None, deploy_mode=None, spark_binary=None):
        self._conf = conf or {}
        self._conn_id = conn_id
        self._java_class = java_class
        self._name = name
        self._application_args = application_args
        self._properties_file = properties_file
        self._deploy_mode = deploy_mode
        self.spark_binary = spark_binary
        self._connection = self._resolve_connection()

    def _resolve_connection(self):
        conn_data = {"master": "yarn", "queue": None, "deploy_mode": None,
                     "spark_binary": self.spark_binary or DEFAULT_SPARK_BINARY}
        try:
            conn = Connection.from_env(self._conn_id)
            if conn.conn_type == "spark" and conn.host and ("://" in conn.host or not conn.port):
                conn_data["master"] = conn.host
            else:
                conn_data["master"] = f"{conn.conn_type}://{conn.host or ''}"
            conn_data["master"] = f"{conn_data['master']}:{conn.port}" if conn.port else conn_data["master"]
            extra = conn.extra_dejson
            conn_data["queue"] = extra.get("queue")
            conn_data["deploy_mode"] = self._deploy_mode if self._deploy_mode else extra.get("deploy-mode")
            if not self.spark_binary:
                self.spark_binary = extra.get("spark-binary", DEFAULT_SPARK_BINARY)
                if self.spark_binary not in ALLOWED_SPARK_BINARIES:
                    raise ValueError(f"The spark-binary extra can be one of {ALLOWED_SPARK_BINARIES}")
            if extra.get("spark-home"):
                raise ValueError("The `spark-home` extra is not allowed any more.")
            conn_data["spark_binary"] = self.spark_binary
        except AirflowException:
            pass  # the provider logs and keeps master=yarn
        return conn_data

    def _build_spark_submit_command(self, application):
        cmd = [self._connection["spark_binary"]]
        cmd += ["--master", self._connection["master"]]
        for key in self._conf:
            cmd += ["--conf", f"{key}={self._conf[key]}"]
        if self._properties_file:
            cmd += ["--properties-file", self._properties_file]
        if self._name:
            cmd += ["--name", self._name]
        if self._java_class:
            cmd += ["--class", self._java_class]
        if self._connection["queue"]:
            cmd += ["--queue", self._connection["queue"]]
        if self._connection["deploy_mode"]:
            cmd += ["--deploy-mode", self._connection["deploy_mode"]]
        cmd += [application]
        if self._application_args:
            cmd += self._application_args
        return cmd
