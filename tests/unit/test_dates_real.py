"""Publication dates as real pages give them: the article's own date over every other date on the page.

Each test is a small page written for one mechanism (teaser dates, header clocks, zones, URL dates, odd
printed forms, malformed markup)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from workers.normalize import normalize_page
from workers.normalize.dates import MOSCOW, parse_date_text, parse_iso, site_zone, url_date

FETCHED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
BODY = "<p>" + "Основной текст статьи, достаточно длинный, чтобы его признали статьёй. " * 6 + "</p>"
EN_BODY = "<p>" + "The body of the article, long enough to count as the article's text. " * 6 + "</p>"


def page(head: str, article: str, *, lang: str = "ru", before: str = "", body: str = BODY) -> bytes:
    return (
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>t</title>{head}</head><body>{before}'
        f"<article><h1>Заголовок статьи</h1>{article}{body}</article></body></html>"
    ).encode()


def published(html: bytes, url: str = "https://example.ru/news/item-1/", **kw: object) -> datetime | None:
    return normalize_page(html, url=url, fetched_at=kw.pop("fetched_at", FETCHED), **kw).published_at  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("февр. 02 2012, 13:34", datetime(2012, 2, 2, 13, 34, tzinfo=MOSCOW)),
        ("Мар 1, 2021", datetime(2021, 3, 1, tzinfo=MOSCOW)),
        ("11.03.12 2:51", datetime(2012, 3, 11, 2, 51, tzinfo=MOSCOW)),
        ("12. Januar 2022, 10:15", datetime(2022, 1, 12, 10, 15, tzinfo=MOSCOW)),
        ("Publié le 29 juin 2019 à 10h30", datetime(2019, 6, 29, 10, 30, tzinfo=MOSCOW)),
        ("3 de febrero de 2022", datetime(2022, 2, 3, tzinfo=MOSCOW)),
        ("Jan 3rd, 2020", datetime(2020, 1, 3, tzinfo=MOSCOW)),
        ("2019/10/19", datetime(2019, 10, 19, tzinfo=MOSCOW)),
    ],
)
def test_printed_forms(text: str, expected: datetime) -> None:
    found = parse_date_text(text, zone=MOSCOW, now=FETCHED, fallback=False)
    assert found is not None and found.value == expected


def test_a_version_number_is_not_a_date() -> None:
    assert parse_date_text("Version 1.2.3", zone=MOSCOW, now=FETCHED, fallback=False) is None
    assert parse_date_text("счёт 2.1.22", zone=MOSCOW, now=FETCHED, fallback=False) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20171024T1348+0300Z", datetime(2017, 10, 24, 13, 48, tzinfo=timezone(timedelta(hours=3)))),
        ("2017-05-10T08:05:48.48T+00:0010", datetime(2017, 5, 10, 8, 5, 48, tzinfo=UTC)),
        ("Sat, 19 Oct 2019 00:04:00 +0200", datetime(2019, 10, 19, 0, 4, tzinfo=timezone(timedelta(hours=2)))),
    ],
)
def test_malformed_markup_timestamps(raw: str, expected: datetime) -> None:
    assert parse_iso(raw, MOSCOW) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/2021/03/01/slug/", date(2021, 3, 1)),
        ("http://www.example.ru/politics/24/10/2017/59ef091c9a79", date(2017, 10, 24)),
        ("https://example.ru/politics/20171024/1507454680.html", date(2017, 10, 24)),
        ("https://example.de/meldungen/29-10-2021", date(2021, 10, 29)),
        ("http://example.com/russia/27jan2012/slug.html", date(2012, 1, 27)),
        ("https://example.ru/2021/01/slug/", None),
        ("https://example.com/news/1507454680", None),
        ("https://web.archive.org/web/20130307194448/example.net/page.html", None),
    ],
)
def test_the_date_in_the_url(url: str, expected: date | None) -> None:
    assert url_date(url) == expected


def test_site_zone_by_country_then_language() -> None:
    assert str(site_zone("https://example.de/a", None)) == "Europe/Berlin"
    assert str(site_zone("https://example.com/a", "fr")) == "Europe/Berlin"
    assert site_zone("https://example.com/a", "en") is None


def test_the_header_clock_is_not_the_publication_date() -> None:
    html = page("", '<div class="date">30 марта 2012, 09:40</div>', before='<div class="date">Сегодня 2 Июля</div>')
    assert published(html) == datetime(2012, 3, 30, 9, 40, tzinfo=MOSCOW)


def test_the_date_nearest_the_headline_wins_over_a_teaser_time_element() -> None:
    html = (
        '<html lang="ru"><head><title>t</title></head><body><article><h1>Заголовок статьи</h1>'
        '<div class="meta-time">15:12, 9 мая 2017</div>' + BODY + "<div>"
        + "".join(f'<div><time datetime="2017-05-{d:02d}T08:05:00Z">08:05</time></div>' for d in (10, 11, 12))
        + "</div></article></body></html>"
    ).encode()  # fmt: skip
    assert published(html) == datetime(2017, 5, 9, 15, 12, tzinfo=MOSCOW)


def test_a_teaser_card_date_in_a_link_with_its_headline_is_skipped() -> None:
    teaser = '<a href="/other-story/"><span class="date">01.01.2020</span> Совсем другая новость из ленты сайта</a>'
    html = page("", f'<span class="date">15.03.2021</span>{teaser}')
    assert published(html).date() == date(2021, 3, 15)  # type: ignore[union-attr]
    before = page("", teaser + '<span class="date">15.03.2021</span>')  # the teaser first, nearer the headline
    assert published(before).date() == date(2021, 3, 15)  # type: ignore[union-attr]


def test_a_date_alone_in_a_link_to_the_print_issue_is_the_articles() -> None:
    html = page("", '<div class="info"><a href="/daily/25859/">(30 Марта 2012, 00:00)</a></div>')
    assert published(html) == datetime(2012, 3, 30, tzinfo=MOSCOW)


def test_microdata_date_of_a_teaser_card_is_not_the_articles() -> None:
    card = (
        '<div itemscope itemtype="https://schema.org/NewsArticle"><time itemprop="datePublished" '
        'datetime="2018-08-26T05:20:52+04:00">26.08.2018</time><h2 itemprop="headline">'
        '<a href="/politics/other.shtml">Другая галерея</a></h2></div>'
    )
    html = page("", '<span class="date_time">27.08.2018, 18:34</span>', before=card)
    assert published(html) == datetime(2018, 8, 27, 18, 34, tzinfo=MOSCOW)


def test_a_utc_timestamp_is_written_in_the_sites_zone() -> None:
    head = '<meta property="article:published_time" content="2018-08-22T21:02:00Z">'
    assert published(page(head, "")) == datetime(2018, 8, 23, 0, 2, tzinfo=MOSCOW)
    german = page(head.replace("2018-08-22T21:02:00Z", "2021-11-04T23:00:00Z"), "", lang="de", body=EN_BODY)
    assert published(german, "https://example.de/a/").isoformat() == "2021-11-05T00:00:00+01:00"  # type: ignore[union-attr]


def test_a_utc_timestamp_a_day_past_the_url_date_is_put_on_the_urls_day() -> None:
    head = '<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">'
    value = published(page(head, "", lang="en", body=EN_BODY), "https://example.com/2020/02/24/story/")
    assert value is not None and value.date() == date(2020, 2, 24)
    assert value == datetime(2020, 2, 25, 2, 25, 54, tzinfo=UTC)  # the same instant


def test_the_url_day_beats_a_declared_date_years_off() -> None:
    head = '<script type="application/ld+json">{"@type": "BlogPosting", "datePublished": "2019-06-17T18:28:00+02:00"}'
    head += "</script>"
    value = published(page(head, "", lang="en", body=EN_BODY), "https://example.com/home/2017/7/12/story")
    assert value is not None and value.date() == date(2017, 7, 12)


def test_a_declared_local_time_days_after_the_url_day_is_kept() -> None:
    head = '<meta property="article:published_time" content="2022-05-08T06:00:00-05:00">'
    value = published(page(head, "", lang="es", body=EN_BODY), "https://example.pe/x/2022/05/02/story/")
    assert value == datetime(2022, 5, 8, 6, 0, tzinfo=timezone(timedelta(hours=-5)))


def test_the_url_date_when_the_page_shows_only_a_time() -> None:
    html = page("", '<span class="time">12:46</span>')
    assert published(html, "http://www.example.ru/politics/24/10/2017/59ef091c9a79").date() == date(2017, 10, 24)  # type: ignore[union-attr]


def test_a_year_less_date_takes_the_year_the_page_prints_for_that_day() -> None:
    comments = "".join(f"<div>user{i} 9 июня 2017 в 13:{i:02d}</div>" for i in range(3))
    html = page("", '<span class="tm-date">9 июня в 12:44</span>').replace(b"</body>", comments.encode() + b"</body>")
    assert published(html) == datetime(2017, 6, 9, 12, 44, tzinfo=MOSCOW)


def test_a_time_element_says_the_time_of_its_dated_parent() -> None:
    html = page("", '<span class="posted-on"><time datetime="2026-01-17T10:00:00+03:00">17.01.2026</time></span>')
    assert published(html) == datetime(2026, 1, 17, 10, 0, tzinfo=timezone(timedelta(hours=3)))


def test_less_common_meta_spellings_of_the_publication_date() -> None:
    head = '<meta name="published" content="July 17, 2025">'
    assert published(page(head, "", lang="en", body=EN_BODY), "https://example.com/blog/x").date() == date(2025, 7, 17)  # type: ignore[union-attr]


def test_a_short_paragraph_opening_with_a_date_is_a_date_line() -> None:
    html = page("", "<p>Dec 26, 2025 \u2022 14 min read \u2022 Written by the editors</p>", lang="en", body=EN_BODY)
    assert published(html, "https://example.com/article/x").date() == date(2025, 12, 26)  # type: ignore[union-attr]


def test_a_date_in_a_block_dropped_as_boilerplate_is_still_read_as_a_last_resort() -> None:
    html = page("", "", lang="en", body=EN_BODY, before='<div class="sidebar-widget"><span>12.01.2022</span></div>')
    value = published(html, "https://example.com/article/x")
    assert value is not None and value.date() == date(2022, 1, 12)


def test_json_ld_wrapped_in_cdata_is_read() -> None:
    head = (
        '<meta property="article:published_time" content="2015-12-11T14:28:34Z">'
        '<script type="application/ld+json"><![CDATA[\n{"@context": "http://schema.org", "@type": "NewsArticle",'
        ' "datePublished": "2015-10-15T02:19:15Z"}\n]]></script>'
    )
    value = published(page(head, "", lang="en", body=EN_BODY), "https://example.com/story-d146a92473a1")
    assert value == datetime(2015, 10, 15, 2, 19, 15, tzinfo=UTC)


def test_a_relative_date_with_a_time_counts_against_the_fetch_time() -> None:
    teasers = "".join(f"<div><span>Лента</span> <span>{d}.11.2026</span></div>" for d in (20, 21, 22))
    html = page("", '<div class="article-date">вчера в 11:56</div>', body=BODY + teasers)
    assert published(html) == datetime(2026, 11, 24, 11, 56, tzinfo=MOSCOW)


def test_microdata_in_a_block_dropped_as_boilerplate_still_dates_the_article() -> None:
    widget = (
        '<div class="elementor-widget"><ul><li itemprop="datePublished"><time datetime="2019-10-19T14:37:24+02:00">'
        "19. Oktober 2019</time></li></ul></div>"
    )
    teasers = "".join(
        f'<div><a href="/other-{d}/">Ein ganz anderer Artikel der Seite</a>'
        f'<span class="date">{d}. Oktober 2019</span></div>'
        for d in (17, 15)
    )
    html = page("", widget, lang="de", body=EN_BODY + teasers)
    assert published(html, "https://example.de/kommentar/x/") == datetime(
        2019, 10, 19, 14, 37, 24, tzinfo=timezone(timedelta(hours=2))
    )


def test_a_page_that_prints_utc_keeps_its_utc_timestamp() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2017-12-27T07:37:23Z"}</script>'
    )
    value = published(page(head, '<div class="meta">07:37, 27 декабря 2017</div>'))
    assert value is not None and value.isoformat() == "2017-12-27T07:37:23+00:00"


def test_a_belarusian_domain_is_read_in_minsk_time_not_moscow() -> None:
    html = page("", '<div class="date">28 октября 2012, 17:25</div>')
    value = published(html, "http://www.example.by/news/12345/")
    assert value is not None and value.isoformat() == "2012-10-28T17:25:00+03:00"


def test_a_declared_day_takes_the_printed_time_of_that_day() -> None:
    head = '<meta itemprop="datePublished" content="2023-04-04">'
    value = published(page(head, '<div class="date">4 апреля 2023, 09:24</div>'))
    assert value == datetime(2023, 4, 4, 9, 24, tzinfo=MOSCOW)


def test_dateparser_reading_only_now_is_no_date() -> None:
    assert parse_date_text("сейчас 1", zone=MOSCOW, now=FETCHED) is None


def test_a_year_less_date_takes_the_year_of_an_archive_style_url() -> None:
    html = page("", '<span class="date">8 января, 17:46</span>')
    assert published(html, "https://example.ru/2021/01/slug/") == datetime(2021, 1, 8, 17, 46, tzinfo=MOSCOW)


def _saved_post(comments: str) -> bytes:
    return (
        "<html lang='ru'><body><div class='post'><span class='post__time'>сегодня в 01:13</span>"
        "<h1>Разработка игр для начинающих</h1><div class='post__text'><p>"
        + "Текст статьи о разработке игр, достаточно длинный для статьи. " * 8
        + "</p></div></div><div class='comments'>"
        + comments
        + "</div></body></html>"
    ).encode()


def test_today_on_a_page_saved_long_before_its_fetch_is_the_day_the_page_shows() -> None:
    """A copy of a page (an archive, a scraper's saved file) read years later: its "сегодня" is the day its
    comments were written, not the fetch day."""
    comments = "".join(f"<div class='comment'><time>10 мая 2017 в {h}:07</time><p>Спасибо!</p></div>" for h in (9, 14))
    fetched = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    record = normalize_page(_saved_post(comments), url="https://habr.example/post/1/", fetched_at=fetched)
    assert record.published_at == datetime(2017, 5, 10, 1, 13, tzinfo=MOSCOW)


def test_today_on_a_fresh_page_is_the_fetch_day() -> None:
    fetched = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    one_old_date = "<div class='comment'><time>10 мая 2017 в 09:07</time><p>Спасибо!</p></div>"
    record = normalize_page(_saved_post(one_old_date), url="https://habr.example/post/1/", fetched_at=fetched)
    assert record.published_at is not None and record.published_at.date() == date(2026, 11, 25)
