"""Every metadata format the normalizer promises to read, one parametrized case each."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone

import pytest

from workers.normalize import NormalizeError, clean_text, normalize_page
from workers.normalize.attribution import cited_sources, split_dateline, split_signature
from workers.normalize.credits import credit_from_text
from workers.normalize.dates import MOSCOW, parse_date_text
from workers.normalize.decode import decode_html
from workers.normalize.views import parse_views

MSK = timezone(timedelta(hours=3))
NOW = datetime(2026, 1, 17, 15, 0, tzinfo=MSK)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17-01-2026", datetime(2026, 1, 17, tzinfo=MSK)),
        ("17.01.2026", datetime(2026, 1, 17, tzinfo=MSK)),
        ("2025-10-29", datetime(2025, 10, 29, tzinfo=MSK)),
        ("17 января 2026, 14:05", datetime(2026, 1, 17, 14, 5, tzinfo=MSK)),
        ("17 января 2026 г. в 14:05", datetime(2026, 1, 17, 14, 5, tzinfo=MSK)),
        ("14:05, 17 января 2026", datetime(2026, 1, 17, 14, 5, tzinfo=MSK)),
        ("Опубликовано: 17.01.2026 в 14:05", datetime(2026, 1, 17, 14, 5, tzinfo=MSK)),
        ("вчера в 12:30", datetime(2026, 1, 16, 12, 30, tzinfo=MSK)),
        ("сегодня, 09:15", datetime(2026, 1, 17, 9, 15, tzinfo=MSK)),
        ("2 часа назад", datetime(2026, 1, 17, 13, 0, tzinfo=MSK)),
        ("15 минут назад", datetime(2026, 1, 17, 14, 45, tzinfo=MSK)),
        ("17 января, 10:40", datetime(2026, 1, 17, 10, 40, tzinfo=MSK)),
        ("28 декабря", datetime(2025, 12, 28, tzinfo=MSK)),  # no year, later than now: last year
        ("Jan. 17, 2026, 2:05 p.m. ET", datetime(2026, 1, 17, 14, 5, tzinfo=timezone(timedelta(hours=-5)))),
        ("January 16, 2026 at 6:40 a.m. EST", datetime(2026, 1, 16, 6, 40, tzinfo=timezone(timedelta(hours=-5)))),
        ("July 4, 2026 9:00 AM ET", datetime(2026, 7, 4, 9, 0, tzinfo=timezone(timedelta(hours=-4)))),  # EDT
        ("17 Jan 2026 09:15 GMT", datetime(2026, 1, 17, 9, 15, tzinfo=UTC)),
        ("2 hours ago", datetime(2026, 1, 17, 13, 0, tzinfo=MSK)),
        ("yesterday at 3:15 PM", datetime(2026, 1, 16, 15, 15, tzinfo=MSK)),
        ("Tuesday 17th January 2026", datetime(2026, 1, 17, tzinfo=MSK)),  # dateparser fallback
    ],
)
def test_dates(text: str, expected: datetime) -> None:
    found = parse_date_text(text, zone=MOSCOW, now=NOW)
    assert found is not None and found.value == expected


@pytest.mark.parametrize("text", ["5 материалов", "Читать далее", "", "мама мыла раму 2026"])
def test_not_dates(text: str) -> None:
    assert parse_date_text(text, zone=MOSCOW, now=NOW, fallback=False) is None


@pytest.mark.parametrize(
    ("text", "labelled", "expected"),
    [
        ("602", False, 602),
        ("2 741 просмотр", True, 2741),
        ("2\u00a0603 просмотра", True, 2603),
        ("1 100 просмотров", True, 1100),
        ("1,2 тыс.", False, 1200),
        ("12K", False, 12000),
        ("12K views", True, 12000),
        ("1,234 views", True, 1234),
        ("Просмотров: 3 050", True, 3050),
        ("2 часа назад 2 603 просмотра", True, 2603),
        ("1.2M views", True, 1_200_000),
        ("4.5", False, None),
        ("Читать 5 минут", True, None),
    ],
)
def test_views(text: str, labelled: bool, expected: int | None) -> None:
    assert parse_views(text, labelled=labelled) == expected


@pytest.mark.parametrize(
    ("text", "credit", "rest"),
    [
        ("Фото: Вологда-поиск", "Вологда-поиск", ""),
        ("Фото: ТАСС / Иван Иванов", "ТАСС / Иван Иванов", ""),
        ("Photo: Reuters", "Reuters", ""),
        ("Photo by Mark Lennihan / AP", "Mark Lennihan / AP", ""),
        ("Фото — пресс-служба администрации", "пресс-служба администрации", ""),
        ("Здание Банка России. Фото: Сергей Бобылев / ТАСС", "Сергей Бобылев / ТАСС", "Здание Банка России."),
        ("Каток в парке (Фото: Елена Морозова)", "Елена Морозова", "Каток в парке"),
        ("© AFP", "AFP", ""),
        ("© 2003-2026 Маркет Репорт", None, "© 2003-2026 Маркет Репорт"),
        ("Фотосессия прошла успешно", None, "Фотосессия прошла успешно"),
    ],
)
def test_credits(text: str, credit: str | None, rest: str) -> None:
    assert credit_from_text(text) == (credit, rest)


def test_json_ld_credit_text_and_copyright_holder() -> None:
    page = (
        '<html lang="ru"><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Заголовок",'
        '"image":[{"@type":"ImageObject","creditText":"Фотобанк Лори"},'
        '{"@type":"ImageObject","copyrightHolder":{"name":"РИА Новости"}}]}</script></head>'
        "<body><article><h1>Заголовок</h1><p>"
        + "Текст новости про погоду и дороги. " * 10
        + "</p></article></body></html>"
    )
    record = normalize_page(page.encode(), url="https://x.ru/a", fetched_at=NOW)
    assert record.photo_credits == ("Фотобанк Лори", "РИА Новости")
    assert record.provenance["photo_credits"] == "json-ld:image"


@pytest.mark.parametrize(
    ("text", "place", "agency", "rest"),
    [
        ("МОСКВА (Маркет Репорт) -- Завод начал работу.", "Москва", "Маркет Репорт", "Завод начал работу."),
        ("САНКТ-ПЕТЕРБУРГ (Интерфакс) — Порт вырос.", "Санкт-Петербург", "Интерфакс", "Порт вырос."),
        ("НИЖНЕКАМСК, 15 января. /ТАСС/. Завод запущен.", "Нижнекамск", "ТАСС", "Завод запущен."),
        ("ROSTOV-ON-DON, Jan 17 (Reuters) - Output rose.", "Rostov-on-Don", "Reuters", "Output rose."),
        ("Москва стала лидером рейтинга.", None, None, "Москва стала лидером рейтинга."),
        ("ЦБ - регулятор рынка.", None, None, "ЦБ - регулятор рынка."),
        ("МВД — главный заказчик проекта.", None, None, "МВД — главный заказчик проекта."),
        ("ТВЕРЬ -- Мост открыт.", "Тверь", None, "Мост открыт."),
    ],
)
def test_datelines(text: str, place: str | None, agency: str | None, rest: str) -> None:
    dateline, remaining = split_dateline(text)
    assert (dateline.place if dateline else None, dateline.agency if dateline else None) == (place, agency)
    assert remaining == rest


@pytest.mark.parametrize(
    ("text", "signature", "rest"),
    [
        ("Первый абзац.\nMRC", "MRC", "Первый абзац."),
        ("Первый абзац.\n© Reuters", "Reuters", "Первый абзац."),
        ("Всего более 4 тыс наименований. MRC", "MRC", "Всего более 4 тыс наименований."),
        ("Первый абзац.\nВторой абзац про ТАСС и МЧС.", None, "Первый абзац.\nВторой абзац про ТАСС и МЧС."),
    ],
)
def test_agency_signatures(text: str, signature: str | None, rest: str) -> None:
    assert split_signature(text) == (signature, rest)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("По данным Autonews, компания провела переговоры.", ["Autonews"]),
        ("Об этом сообщает ПраймПресс со ссылкой на сообщение пресс-службы.", ["ПраймПресс"]),
        ("Как пишет «Парламентская газета», документ разослан.", ["Парламентская газета"]),
        ("«Российская газета» писала об этом в августе.", ["Российская газета"]),
        ("Так подсчитали аналитики Frank RG.", ["Frank RG"]),
        ("According to the USDA, payments begin in February.", ["USDA"]),
        ("Autonews.ru reported, citing a source.", ["Autonews.ru"]),
        ("Как сообщили в мэрии, работы завершат.", []),
    ],
)
def test_cited_sources(text: str, expected: list[str]) -> None:
    assert cited_sources(text) == expected


def test_text_normalization() -> None:
    # No-break and thin spaces fold, soft hyphen and zero-width space vanish, quotes and dashes stay.
    raw = "Ёлка\u00a0— «праздник»\u200b  и\u00adгра\u2009„цитата“ – итог\n\n  второй\tабзац  "
    assert clean_text(raw) == "Ёлка — «праздник» игра „цитата“ – итог\nвторой абзац"
    assert clean_text("Е\u0308лка cafe\u0301") == "Ёлка café"  # NFC


PAGE = (
    "<html><head><title>Новость</title></head><body><article><h1>Заголовок новости</h1>"
    "<p>Вологодские дорожники начали ремонт моста через реку Вологду. Работы продлятся до осени, "
    "движение транспорта будет ограничено по ночам, сообщили в администрации города.</p>"
    "<p>Стоимость контракта составляет сорок миллионов рублей, подрядчик выбран по итогам аукциона.</p>"
    "</article></body></html>"
)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "koi8-r"])
def test_undeclared_cyrillic_encodings_are_detected(encoding: str) -> None:
    body = PAGE.encode(encoding)
    text, _ = decode_html(body, "text/html")
    assert "Вологодские дорожники" in text


def test_lying_utf8_header_on_a_cp1251_page() -> None:
    body = PAGE.replace("<head>", '<head><meta charset="windows-1251">').encode("cp1251")
    record = normalize_page(body, url="https://x.ru/a", content_type="text/html; charset=utf-8", fetched_at=NOW)
    assert "Вологодские дорожники" in record.text


def test_bom_wins_over_a_wrong_declaration() -> None:
    body = b"\xef\xbb\xbf" + PAGE.replace("<head>", '<head><meta charset="koi8-r">').encode("utf-8")
    assert "Вологодские дорожники" in normalize_page(body, url="https://x.ru/a").text


def test_gzip_compressed_page_as_raw_objects_are_stored() -> None:
    record = normalize_page(gzip.compress(PAGE.encode("cp1251")), url="https://x.ru/a", fetched_at=NOW)
    assert record.title == "Заголовок новости" and record.language == "ru"


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "text/html", "empty body"),
        (b"%PDF-1.4 binary", "application/pdf", "not HTML"),
        (b"just some words, no markup at all", "text/plain", "not HTML"),
        (b"<html><body>" + b"x" * 2000 + b"</body></html>", "text/html", "over the 1000-byte cap"),
        (gzip.compress(b"<p>" + b"a" * 5000), "text/html", "over the 1000-byte cap"),
        (b"\x1f\x8b\x08\x00broken", "text/html", "corrupt gzip"),
        (b"<html><body><div></div></body></html>", "text/html", "no article text"),
        (b"<html><body><script>var a = 1;</script></body></html>", "text/html", "no article text"),
    ],
)
def test_bad_input_gets_a_reason(body: bytes, content_type: str, reason: str) -> None:
    with pytest.raises(NormalizeError, match=reason):
        normalize_page(body, url="https://x.ru/a", content_type=content_type, max_bytes=1000)


def test_a_sentence_mentioning_a_photo_stays_in_the_text() -> None:
    sentence = "Полиция опубликовала фото: на нем видно подозреваемого."
    page = (
        '<html lang="ru"><body><article><h1>Заголовок</h1>'
        "<p>Вчера вечером в центре города неизвестный ограбил ювелирный магазин и скрылся на машине.</p>"
        f"<p>{sentence}</p>"
        "<p>Всех, кто узнал мужчину, просят позвонить по телефону дежурной части отдела полиции.</p>"
        "</article></body></html>"
    )
    record = normalize_page(page.encode(), url="https://x.ru/a", fetched_at=NOW)
    assert sentence in record.text.split("\n")
    assert record.photo_credits == ()
