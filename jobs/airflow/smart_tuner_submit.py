"""What `jobs/tune.sh` passes to spark-submit, as plain Python for the Airflow DAG.

No Airflow import here: the DAG builds its SparkSubmitOperator from these values, and
AirflowDagTest checks that the command Airflow runs equals `jobs/tune.sh --dry-run` for the
same inputs. SPARK_JVM_FLAGS must stay equal to pom.xml's <spark.jvm.flags> (that test fails
otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import posixpath

MAIN_CLASS = "org.smarttuner.cli.Main"

# Same list, same order as spark_flags=( ... ) in jobs/tune.sh and <spark.jvm.flags> in pom.xml.
SPARK_JVM_FLAGS = (
    "-XX:+IgnoreUnrecognizedVMOptions",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
    "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    "-Djdk.reflect.useDirectMethodHandle=false",
    "-Dio.netty.tryReflectionSetAccessible=true",
)
JVM_OPTIONS = " ".join(SPARK_JVM_FLAGS + ("-Dai.djl.offline=true",))

# tune.sh refuses these in --conf: they carry the flags above.
RESERVED_CONF = ("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")

# The driver runs where spark-submit runs (the Airflow worker): the SQLite study file and
# the resume logic live with it, as with tune.sh.
DEPLOY_MODE = "client"

VARIABLE = "smart_tuner"

DEFAULTS = {
    "config": "/opt/smart-tuner/conf/gpu-cluster.yaml",
    "study": "",
    "spark_conn_id": "spark_default",
    "job_jar": "/opt/smart-tuner/smart-tuner-job.jar",
    "conf": {},
    "properties_file": "",
    "schedule": "0 1 * * *",
    "retries": 2,
    "retry_delay_minutes": 15,
}

_DOC = {
    "config": "absolute path of the study YAML on the Airflow worker (the driver runs there)",
    "study": "study name; empty keeps the YAML's study.name (passed as spark.smarttuner.study.name)",
    "spark_conn_id": "Airflow connection of the Spark master (spark://host:7077, yarn, k8s://...)",
    "job_jar": "the job jar: target/smart-tuner-<version>-job.jar (mvn -Pcuda package for GPUs)",
    "conf": "extra Spark settings {key: value}, e.g. from conf/spark/yarn.properties",
    "properties_file": "a Spark properties file passed as --properties-file (empty: none)",
    "schedule": "cron expression or preset of the nightly run",
    "retries": "task retries; each retry resumes the study from Delta",
    "retry_delay_minutes": "minutes between retries",
}


class SettingsError(ValueError):
    """A bad `smart_tuner` Airflow Variable: says which key, what was wrong, what is allowed."""


@dataclass(frozen=True)
class Settings:
    config: str
    study: str
    spark_conn_id: str
    job_jar: str
    conf: dict = field(default_factory=dict)
    properties_file: str = ""
    schedule: str = DEFAULTS["schedule"]
    retries: int = DEFAULTS["retries"]
    retry_delay_minutes: int = DEFAULTS["retry_delay_minutes"]

    @staticmethod
    def from_variable(value) -> "Settings":
        """Settings from the JSON of Airflow Variable `smart_tuner` (None or {} gives the defaults)."""
        where = f"Airflow Variable '{VARIABLE}'"
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise SettingsError(f"{where} must be a JSON object, got {type(value).__name__}: {value!r}")
        unknown = sorted(set(value) - set(DEFAULTS))
        if unknown:
            raise SettingsError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(DEFAULTS)})")
        s = {**DEFAULTS, **value}
        for key in ("config", "study", "spark_conn_id", "job_jar", "properties_file", "schedule"):
            if not isinstance(s[key], str):
                raise SettingsError(f"{where}: '{key}' must be a string ({_DOC[key]}), got {s[key]!r}")
        for key in ("config", "spark_conn_id", "job_jar", "schedule"):
            if not s[key].strip():
                raise SettingsError(f"{where}: '{key}' must not be empty ({_DOC[key]})")
        if not posixpath.isabs(s["config"]):
            raise SettingsError(f"{where}: 'config' must be an absolute path, got '{s['config']}' ({_DOC['config']})")
        for key in ("retries", "retry_delay_minutes"):
            if isinstance(s[key], bool) or not isinstance(s[key], int) or s[key] < 0:
                raise SettingsError(f"{where}: '{key}' must be a whole number >= 0 ({_DOC[key]}), got {s[key]!r}")
        if not isinstance(s["conf"], dict):
            raise SettingsError(f"{where}: 'conf' must be a JSON object of Spark settings, got {s['conf']!r}")
        for k, v in s["conf"].items():
            if not k.strip() or "=" in k:
                raise SettingsError(f"{where}: conf key '{k}' is not a Spark setting name")
            if k in RESERVED_CONF:
                raise SettingsError(f"{where}: conf '{k}' is set by the DAG (Spark's JVM flags, as in jobs/tune.sh); "
                                    "use spark.executor.defaultJavaOptions for more executor options")
            if k == "spark.smarttuner.config":
                raise SettingsError(f"{where}: conf '{k}' comes from 'config'; set 'config' instead")
            if not isinstance(v, (str, int, float)) or isinstance(v, bool):
                raise SettingsError(f"{where}: conf '{k}' must be a string or number, got {v!r}")
        return Settings(**s)

    def spark_conf(self) -> dict:
        """--conf pairs in tune.sh's order: JVM flags, the config file, then the study and the extras."""
        conf = {
            "spark.driver.extraJavaOptions": JVM_OPTIONS,
            "spark.executor.extraJavaOptions": JVM_OPTIONS,
            "spark.smarttuner.config": self.config,
        }
        if self.study:
            conf["spark.smarttuner.study.name"] = self.study
        conf.update({k: str(v) for k, v in self.conf.items()})
        return conf

    def application_args(self) -> list:
        return ["tune", "--config", self.config]

    def app_name(self) -> str:
        return f"smart-tuner-{self.study}" if self.study else "smart-tuner"
