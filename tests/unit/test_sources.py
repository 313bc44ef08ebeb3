import pytest

from scrapy_project.sources import SourcesError, parse_sources


def test_parses_sources_and_defaults_domains() -> None:
    [source] = parse_sources(
        {"source": [{"name": "a", "start_urls": ["https://news.example.ru/"], "article_pattern": r"/news/\d+"}]}
    )
    assert source.allowed_domains == ("news.example.ru",)
    assert source.is_article("https://news.example.ru/news/12")
    assert not source.is_article("https://news.example.ru/about")
    assert source.follows("https://news.example.ru/anything")  # no follow_pattern: follow all


def test_host_check_ignores_port_and_allows_subdomains() -> None:
    [source] = parse_sources(
        {"source": [{"name": "a", "start_urls": ["http://example.ru:8080/"], "article_pattern": "x"}]}
    )
    assert source.allows_host("http://example.ru:8080/a")
    assert source.allows_host("https://m.example.ru/a")
    assert not source.allows_host("https://notexample.ru/a")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"start_urls": ["http://x/"]}, "lacks 'name'"),
        ({"name": "a", "start_urls": [], "article_pattern": "x"}, "no start_urls"),
        ({"name": "a", "start_urls": ["http://x/"], "article_pattern": "("}, "bad pattern"),
    ],
)
def test_rejects_broken_entries(entry: dict, message: str) -> None:
    with pytest.raises(SourcesError, match=message):
        parse_sources({"source": [entry]})


def test_rejects_duplicate_names() -> None:
    entry = {"name": "a", "start_urls": ["http://x/"], "article_pattern": "x"}
    with pytest.raises(SourcesError, match="duplicate"):
        parse_sources({"source": [entry, entry]})


def test_shipped_sources_file_loads() -> None:
    from deploy.settings import Settings
    from scrapy_project.sources import load_sources

    assert load_sources(Settings.from_env({}).sources_file)


def test_a_misspelt_key_is_an_error_naming_the_key_meant() -> None:
    entry = {"name": "a", "start_urls": ["http://x/"], "allow_private_address": True, "allowed_domain": ["x"]}
    with pytest.raises(SourcesError) as raised:
        parse_sources({"source": [entry]})
    message = str(raised.value)
    assert "'allow_private_address' (did you mean 'allow_private_addresses'?)" in message
    assert "'allowed_domain' (did you mean 'allowed_domains'?)" in message
