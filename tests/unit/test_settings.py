import pytest

from deploy.settings import Settings, env_var_names, redact_url


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


@pytest.mark.parametrize(
    ("url", "printed"),
    [
        ("postgresql://app:s3cr%40t@db:5432/news", "postgresql://app:***@db:5432/news"),
        ("redis://:hunter2@redis:6379/0", "redis://:***@redis:6379/0"),
        ("host=db user=app password=hunter2 dbname=news", "host=db user=app password=*** dbname=news"),
        ("host=db password='two words' dbname=news", "host=db password=*** dbname=news"),
        ("postgresql://app@db/news", "postgresql://app@db/news"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_urls_are_printed_without_their_password(url: str, printed: str) -> None:
    assert redact_url(url) == printed


def test_scrapy_remote_control_is_off_unless_asked_for() -> None:
    from scrapy_project.run import scrapy_settings

    assert scrapy_settings(Settings()).getbool("REMOTE_CONTROL_ENABLED") is False
    on = Settings.from_env({"CRAWL_REMOTE_CONTROL": "true"})
    assert on.crawl_remote_control is True and scrapy_settings(on).getbool("REMOTE_CONTROL_ENABLED") is True
    assert Settings.from_env(Settings().to_env()).crawl_remote_control is False
    with pytest.raises(ValueError, match="CRAWL_REMOTE_CONTROL"):
        Settings.from_env({"CRAWL_REMOTE_CONTROL": "maybe"})
