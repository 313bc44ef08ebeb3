import pytest

from deploy.settings import Settings, env_var_names


def test_defaults_leave_services_unset() -> None:
    s = Settings.from_env({})
    assert s.missing_services() == ["DATABASE_URL", "REDIS_URL", "S3_ENDPOINT"]
    assert s.worker_concurrency == 2


def test_reads_and_types_environment() -> None:
    s = Settings.from_env(
        {"DATABASE_URL": "postgresql://db/x", "S3_ENDPOINT": "https://minio:9000", "WORKER_CONCURRENCY": "8"}
    )
    assert s.database_url == "postgresql://db/x"
    assert s.worker_concurrency == 8
    assert s.s3_secure and s.s3_host == "minio:9000"


def test_bad_integer_names_the_variable() -> None:
    with pytest.raises(ValueError, match="WORKER_CONCURRENCY"):
        Settings.from_env({"WORKER_CONCURRENCY": "many"})


def test_to_env_round_trips() -> None:
    s = Settings.from_env({"REDIS_URL": "redis://r:6379/1", "MAX_PAGE_BYTES": "1000"})
    assert Settings.from_env(s.to_env()) == s
    assert set(s.to_env()) == env_var_names()
