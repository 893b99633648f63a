"""TEST DOUBLE of SparkSubmitOperator: the constructor and _get_hook for the fields the DAG sets."""

from __future__ import annotations

from airflow.models import BaseOperator
from airflow.providers.apache.spark.hooks.spark_submit import SparkSubmitHook


class SparkSubmitOperator(BaseOperator):
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages",
                       "exclude_packages", "keytab", "principal", "proxy_user", "name", "application_args",
                       "env_vars", "properties_file")

    def __init__(self, *, application="", conf=None, conn_id="spark_default", java_class=None, name="arrow-spark",
                 application_args=None, properties_file=None, deploy_mode=None, **kwargs):
        super().__init__(**kwargs)
        self.application = application
        self.conf = conf
        self._conn_id = conn_id
        self._java_class = java_class
        self.name = name
        self.application_args = application_args
        self.properties_file = properties_file
        self._deploy_mode = deploy_mode

    def _get_hook(self):
        return SparkSubmitHook(conf=self.conf, conn_id=self._conn_id, java_class=self._java_class, name=self.name,
                               application_args=self.application_args, properties_file=self.properties_file,
                               deploy_mode=self._deploy_mode)
