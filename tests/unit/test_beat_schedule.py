from pathlib import Path

from workers.crawl import beat_schedule


def test_one_periodic_crawl_per_source(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "a"\nstart_urls = ["https://a.ru/"]\narticle_pattern = "/n/"\ncrawl_every_minutes = 15\n'
        '[[source]]\nname = "b"\nstart_urls = ["https://b.ru/"]\narticle_pattern = "/n/"\n'
    )
    assert beat_schedule(sources) == {
        "crawl-a": {
            "task": "newsarchive.crawl_source",
            "schedule": 900.0,
            "args": ["a"],
            "kwargs": {"trigger": "beat"},
        },
        "crawl-b": {
            "task": "newsarchive.crawl_source",
            "schedule": 3600.0,
            "args": ["b"],
            "kwargs": {"trigger": "beat"},
        },
    }


def test_missing_sources_file_schedules_nothing(tmp_path: Path) -> None:
    assert beat_schedule(tmp_path / "none.toml") == {}


def test_celery_routes_crawls_to_their_own_queue() -> None:
    from workers.celery_app import app

    router = app.amqp.router
    assert router.route({}, "newsarchive.crawl_source")["queue"].name == "crawl"
    assert router.route({}, "newsarchive.normalize")["queue"].name == "normalize"


def test_parser_health_runs_every_five_minutes_on_the_default_queue() -> None:
    from workers import tasks  # noqa: F401  (registers the tasks)
    from workers.celery_app import app
    from workers.celeryconfig import beat_schedule as schedule

    assert schedule["parser-health"] == {"task": "newsarchive.parser_health", "schedule": 300.0}
    assert "newsarchive.parser_health" in app.tasks
    assert app.amqp.router.route({}, "newsarchive.parser_health")["queue"].name == "default"
