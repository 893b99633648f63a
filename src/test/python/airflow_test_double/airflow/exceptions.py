"""TEST DOUBLE: Airflow's exception types used by the hook."""


class AirflowException(Exception):
    pass


class AirflowNotFoundException(AirflowException):
    pass
