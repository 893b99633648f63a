"""TEST DOUBLE of airflow.models: DAG, BaseOperator, Variable, Connection (recording only)."""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qsl, unquote, urlsplit

from airflow.exceptions import AirflowNotFoundException

_NOTSET = object()
_current_dag = []


class Variable:
    @classmethod
    def get(cls, key, default_var=_NOTSET, deserialize_json=False):
        # Airflow's EnvironmentVariablesBackend: AIRFLOW_VAR_<KEY upper-cased>.
        raw = os.environ.get("AIRFLOW_VAR_" + key.upper())
        if raw is None:
            if default_var is _NOTSET:
                raise KeyError(f"Variable {key} does not exist")
            return default_var
        return json.loads(raw) if deserialize_json else raw


class Connection:
    """Parsed from an AIRFLOW_CONN_<ID> URI as Airflow's Connection(uri=...) does for plain URIs."""

    def __init__(self, conn_id, uri):
        parts = urlsplit(uri)
        self.conn_id = conn_id
        self.conn_type = parts.scheme.replace("-", "_")
        self.host = unquote(parts.hostname) if parts.hostname else None
        self.port = parts.port
        self.extra_dejson = dict(parse_qsl(parts.query, keep_blank_values=True))

    @classmethod
    def from_env(cls, conn_id):
        uri = os.environ.get("AIRFLOW_CONN_" + conn_id.upper())
        if uri is None:
            raise AirflowNotFoundException(f"The conn_id `{conn_id}` isn't defined")
        return cls(conn_id, uri)


class DAG:
    def __init__(self, dag_id, *, schedule=None, start_date=None, catchup=True, max_active_runs=16,
                 default_args=None, doc_md=None, tags=None, **kwargs):
        if "schedule_interval" in kwargs:
            raise TypeError("schedule_interval was removed in Airflow 3; use schedule")
        if kwargs:
            raise TypeError(f"DAG got unexpected arguments {sorted(kwargs)}")
        self.dag_id = dag_id
        self.schedule = schedule
        self.start_date = start_date
        self.catchup = catchup
        self.max_active_runs = max_active_runs
        self.default_args = dict(default_args or {})
        self.doc_md = doc_md
        self.tags = list(tags or [])
        self.tasks = {}

    def __enter__(self):
        _current_dag.append(self)
        return self

    def __exit__(self, *exc):
        _current_dag.pop()
        return False

    def get_task(self, task_id):
        return self.tasks[task_id]


class BaseOperator:
    _base_args = ("retries", "retry_delay", "owner", "max_active_tis_per_dag", "execution_timeout")

    def __init__(self, *, task_id, dag=None, **kwargs):
        unknown = sorted(set(kwargs) - set(self._base_args))
        if unknown:
            # Airflow raises for arguments no operator in the chain accepts.
            raise TypeError(f"Invalid arguments were passed to {type(self).__name__}: {unknown}")
        self.task_id = task_id
        self.dag = dag or (_current_dag[-1] if _current_dag else None)
        defaults = self.dag.default_args if self.dag else {}
        for name in self._base_args:
            setattr(self, name, kwargs.get(name, defaults.get(name)))
        if self.dag is not None:
            self.dag.tasks[task_id] = self
