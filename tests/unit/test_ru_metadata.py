"""Russian page metadata: rubric evidence read before pruning (breadcrumbs, the URL's section, menus), the
article's own view counter, photo credits as printed, wire datelines and agency signatures. Each page here is a
small snippet written for one mechanism."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workers.normalize import normalize_page
from workers.normalize.attribution import split_dateline, split_signature
from workers.normalize.credits import credit_from_text
from workers.normalize.views import parse_counter

NOW = datetime(2026, 1, 17, 12, 0, tzinfo=UTC)
BODY = "<p>" + "Правительство обсудило бюджет на следующий год и решило увеличить расходы на дороги. " * 4 + "</p>"


def page(head: str = "", before: str = "", inside: str = "", after: str = "") -> bytes:
    return (
        f'<html lang="ru"><head><title>Заголовок</title>{head}</head><body>{before}'
        f"<article><h1>Заголовок</h1>{inside}{BODY}</article>{after}</body></html>"
    ).encode()


def record(body: bytes, url: str = "https://news.example.ru/a/1.html"):  # type: ignore[no-untyped-def]
    return normalize_page(body, url=url, fetched_at=NOW)


# --- rubric -----------------------------------------------------------------------------------------------


def test_rubric_from_json_ld_breadcrumbs_skips_home_and_the_article_itself() -> None:
    ld = (
        '<script type="application/ld+json">{"@type":"BreadcrumbList","itemListElement":['
        '{"@type":"ListItem","position":1,"item":{"@id":"https://news.example.ru/","name":"Главная"}},'
        '{"@type":"ListItem","position":2,"item":{"@id":"https://news.example.ru/economy/","name":"Экономика"}},'
        '{"@type":"ListItem","position":3,"item":{"@id":"https://news.example.ru/a/1.html","name":"Заголовок"}}'
        "]}</script>"
    )
    found = record(page(head=ld))
    assert (found.rubric, found.provenance["rubric"]) == ("Экономика", "json-ld:BreadcrumbList")


def test_rubric_from_a_breadcrumb_nav_that_pruning_removes() -> None:
    crumbs = (
        '<nav class="breadcrumbs"><a href="/">Главная</a> » <a href="/news/">Новости</a> » '
        '<a href="/news/sport/">Спорт</a></nav>'
    )
    found = record(page(before=crumbs))
    assert (found.rubric, found.provenance["rubric"]) == ("Спорт", "html:breadcrumbs")


def test_a_generic_section_gives_way_to_the_real_one() -> None:
    found = record(
        page(
            head='<meta property="article:section" content="Новости">',
            inside='<div itemprop="articleSection">Экономика</div>',
        )
    )
    assert (found.rubric, found.provenance["rubric"]) == ("Экономика", "microdata:articleSection")


def test_a_generic_section_is_kept_when_nothing_else_names_one() -> None:
    assert record(page(head='<meta property="article:section" content="Новости">')).rubric == "Новости"


def test_rubric_from_the_link_to_the_urls_own_section() -> None:
    menu = '<ul class="menu"><li><a href="/politics/">Политика</a></li><li><a href="/sport/">Спорт</a></li></ul>'
    found = record(page(before=menu), url="https://news.example.ru/politics/20171024/1507454680.html")
    assert (found.rubric, found.provenance["rubric"]) == ("Политика", "url:section-link")


def test_the_sites_home_under_a_path_and_a_catch_all_link_are_not_sections() -> None:
    links = '<a class="logo" href="/city/">Город-инфо</a><a href="/city/news/">Авто</a><a href="/city/news/">Спорт</a>'
    rubric = '<div class="news-rubric"><a href="/city/news/">Авто</a></div>'
    found = record(page(before=links, inside=rubric), url="https://portal.example.ru/city/news/avto/123-title.html")
    assert found.rubric == "Авто"
    assert found.provenance["rubric"] != "url:section-link"


def test_a_breadcrumb_is_recognised_by_its_shape_without_a_class() -> None:
    trail = '<div class="path"><a href="/">Главная</a> / <a href="/agro.html">Сельское хозяйство</a></div>'
    found = record(page(before=trail))
    assert (found.rubric, found.provenance["rubric"]) == ("Сельское хозяйство", "html:breadcrumb-shape")


def test_a_whole_menu_marked_up_as_a_breadcrumb_list_gives_its_active_item() -> None:
    items = "".join(
        f'<div class="item{" active" if name == "Политика" else ""}" itemprop="itemListElement" itemscope '
        f'itemtype="http://schema.org/ListItem"><a itemprop="item" href="/{slug}/"><span itemprop="name">{name}'
        "</span></a></div>"
        for slug, name in (("news", "Новости"), ("politics", "Политика"), ("business", "Бизнес"), ("army", "Армия"),
                           ("culture", "Культура"), ("science", "Наука"), ("sport", "Спорт"))
    )  # fmt: skip
    menu = f'<nav itemscope itemtype="http://schema.org/BreadcrumbList">{items}</nav>'
    found = record(page(before=menu))
    assert (found.rubric, found.provenance["rubric"]) == ("Политика", "microdata:BreadcrumbList")


def test_a_credit_line_is_never_the_rubric() -> None:
    found = record(page(inside='<div class="b-label__credits">Фото: Иван Петров / «Коммерсантъ»</div>'))
    assert found.rubric is None
    assert found.photo_credits == ("Иван Петров / «Коммерсантъ»",)


def test_the_section_link_just_before_the_headline_is_the_rubric_not_the_topic_list_above_it() -> None:
    topics = "".join(f'<a href="/category/{s}">{n}</a>, ' for s, n in (
        ("rights", "Права человека"), ("politics", "Политика"), ("society", "Общество"), ("economy", "Экономика"),
        ("culture", "Культура"), ("crime", "Преступность")))  # fmt: skip
    body = (
        f'<html lang="ru"><body><div class="topics">{topics}</div><div class="meta"><p class="tags">'
        '<a href="/category/society">Общество</a> &gt; <b><a href="/sections/day">События дня</a></b></p></div>'
        f"<h1>Заголовок</h1>{BODY}</body></html>"
    ).encode()
    found = record(body)
    assert (found.rubric, found.provenance["rubric"]) == ("Общество", "html:section-link-before-headline")


def test_navigation_links_and_labels_are_not_rubrics() -> None:
    links = (
        '<div class="meta"><a href="/category/all">&lt; Назад к списку</a></div>'
        '<div class="post-category">Рубрика:</div>'
    )
    found = record(page(before=links))
    assert found.rubric is None


def test_a_tab_with_a_count_or_a_language_switch_is_not_the_active_section() -> None:
    menu = (
        '<ul class="menu"><li class="active"><a href="/en/">English</a></li><li><a href="/ru/">Русский</a></li></ul>'
        '<ul class="nav-tabs"><li class="active"><a href="#c">Комментарии 4</a></li></ul>'
    )
    assert record(page(before=menu)).rubric is None


# --- views ------------------------------------------------------------------------------------------------


def test_views_words_beat_vote_and_favourite_counters() -> None:
    meta = (
        '<div class="counter voting__counter">+28</div><span class="favs__counter" title="В избранном">39</span>'
        "<ul><li>9 июня в 12:44</li><li>22833 просмотра</li><li>96 комментариев</li></ul>"
    )
    found = record(page(inside=meta))
    assert (found.views, found.provenance["views"]) == (22833, "text-pattern:views")


def test_analytics_counters_and_photo_counts_are_not_views() -> None:
    meta = '<a class="item__link js-yandex-counter" href="/g">10 Фото</a><span class="comments-count">5</span>'
    assert record(page(inside=meta)).views is None


def test_a_named_counter_in_the_posts_info_panel_after_the_article() -> None:
    panel = (
        '<div class="post-additionals"><ul class="postinfo-panel"><li><div class="voting-wjt__counter">+67</div>'
        '</li><li><div class="views-count_post" title="Просмотры публикации">10,2k</div></li></ul></div>'
    )
    found = record(page(after=panel))
    assert (found.views, found.provenance["views"]) == (10200, "html:views-element")


def test_a_views_element_with_its_word_in_another_language() -> None:
    meta = '<span class="article__header_views"><i class="icon-eye"></i> <strong>4323</strong> prikaza</span>'
    assert record(page(inside=meta)).views == 4323


def test_no_counter_no_views() -> None:
    assert record(page(inside="<span>Комментарии (12)</span>")).views is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10,2k", 10200),
        ("42 126", 42126),
        ("Просмотров: 602", 602),
        ("10 Фото", None),
        ("11 min read", None),
        ("1/10", None),
    ],
)
def test_counter_text(text: str, expected: int | None) -> None:
    assert parse_counter(text) == expected


# --- photo credits ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "credit", "rest"),
    [
        ("Фото Владимира Сухова", "Владимира Сухова", ""),
        ("Фото М. Кочневой", "М. Кочневой", ""),
        ("Фото из архива администрации района", "из архива администрации района", ""),
        ("Фото предоставлено газетой «Заря»", "предоставлено газетой «Заря»", ""),
        ("коллаж: Андрей Калистратенко", "Андрей Калистратенко", ""),
        ("Фото/Видео: Бузулук-Информ", "Бузулук-Информ", ""),
        ("Фото в анонсе: Wendyʼs\u200f / Twitter", "Wendyʼs\u200f / Twitter", ""),
        ("Участники шествия. © Артём Сизов/Ridus.ru", "Артём Сизов/Ridus.ru", "Участники шествия."),
        ("Фото сделано вчера вечером", None, "Фото сделано вчера вечером"),
        ("Image credit: Tom's Hardware", "Tom's Hardware", ""),
        ("Bildquelle: auto-motor.at/Stefan Gruber", "auto-motor.at/Stefan Gruber", ""),
        ("Фото предоставлено", None, "Фото предоставлено"),
    ],
)
def test_credit_forms(text: str, credit: str | None, rest: str) -> None:
    assert credit_from_text(text) == (credit, rest)


def test_a_credit_element_with_a_source_label_and_a_call_to_action() -> None:
    inside = (
        '<div class="image-box"><img src="/a.jpg"><div class="image-box__author">Источник: Фундация DEJURE</div></div>'
        '<div class="media__copyright"><a href="/c">© РИА Новости / Илья Иванов</a></div>'
        '<div class="media__copyright-item"><a href="/buy">Перейти в медиабанк</a></div>'
    )
    assert record(page(inside=inside)).photo_credits == ("Фундация DEJURE", "РИА Новости / Илья Иванов")


def test_a_credit_line_at_the_end_of_a_long_paragraph() -> None:
    paragraph = "<p>" + "Дети катались на лыжах весь день. " * 8 + "<br>(Соб. инф.)<br>Фото: РОО «Вместе»<br></p>"
    found = record(page(inside=paragraph))
    assert found.photo_credits == ("РОО «Вместе»",)
    assert "Фото: РОО «Вместе»" not in found.text


def test_a_byline_then_a_genitive_credit_in_one_paragraph() -> None:
    found = record(page(inside="<p><strong>Алёна КАЗАНЦЕВА<br>\nФото предоставлено</strong><br>\n"
                               "<strong>газетой «Заря»</strong></p>"))  # fmt: skip
    assert found.photo_credits == ("предоставлено газетой «Заря»",)


# --- datelines and signatures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dateline", "agency", "rest"),
    [
        ("МОСКВА, 24 окт — РИА Новости. Телеведущая заявила.", "МОСКВА, 24 окт — РИА Новости.", "РИА Новости",
         "Телеведущая заявила."),
        ("МОСКВА, 3 мар - ПРАЙМ. Цены выросли.", "МОСКВА, 3 мар - ПРАЙМ.", "ПРАЙМ", "Цены выросли."),
        ("Москва. 24 октября. INTERFAX.RU - Суд решил.", "Москва. 24 октября. INTERFAX.RU -", "INTERFAX.RU",
         "Суд решил."),
        ("Подзаголовок статьи\nМОСКВА, 11 июн - РИА Новости. Число выросло.", "МОСКВА, 11 июн - РИА Новости.",
         "РИА Новости", "Подзаголовок статьи\nЧисло выросло."),
        ("WASHINGTON (January 24, 2017) — The bill passed.", None, None,
         "WASHINGTON (January 24, 2017) — The bill passed."),
        ("Москва, в 2024 году - рост цен. Текст.", None, None, "Москва, в 2024 году - рост цен. Текст."),
    ],
)  # fmt: skip
def test_wire_datelines(text: str, dateline: str | None, agency: str | None, rest: str) -> None:
    found, remaining = split_dateline(text)
    assert (found.text if found else None, found.agency if found else None, remaining) == (dateline, agency, rest)


@pytest.mark.parametrize(
    ("text", "signature", "rest"),
    [
        ("Первый абзац.\nИнтерфакс", "Интерфакс", "Первый абзац."),
        ("Первый абзац.\n(Интерфакс)", "Интерфакс", "Первый абзац."),
        ("Первый абзац.\nПраймПресс", "ПраймПресс", "Первый абзац."),
        ("Цены выросли на 5%. Интерфакс", "Интерфакс", "Цены выросли на 5%."),
        ("Об этом сообщает Интерфакс.", None, "Об этом сообщает Интерфакс."),
        ("Первый абзац.\nREAD MORE", None, "Первый абзац.\nREAD MORE"),
        ("Первый абзац.\nYouTube", None, "Первый абзац.\nYouTube"),
    ],
)
def test_agency_signatures_in_any_case(text: str, signature: str | None, rest: str) -> None:
    assert split_signature(text) == (signature, rest)


def test_a_teaser_cards_counter_is_never_the_articles_views() -> None:
    """The sample Vologda page with its own counter gone (a redesign moved it): the "Главные новости" cards
    below keep theirs ("2 741 просмотр"), and none of them is the article's."""
    from pathlib import Path

    page = Path(__file__).parents[2] / "deploy/sample_site/www/vologda/news/avto/51688-benzin-tseny.html"
    raw = page.read_bytes()
    url = "https://vologda.example/news/avto/51688-benzin-tseny.html"
    assert normalize_page(raw, url=url).views == 978
    own_counter = '<span class="news-detail__views" title="Просмотры">978</span>'.encode()
    assert own_counter in raw
    record = normalize_page(raw.replace(own_counter, b""), url=url)
    assert record.views is None, record.provenance.get("views")


def test_a_forms_label_is_never_the_rubric() -> None:
    html = (
        "<html lang='ru'><body><article><h1>Налоги: договориться с властью</h1><p>"
        + "Текст статьи о налогах и о том, как с ними жить. " * 8
        + "</p><div class='p-popup'><input type='radio' id='c1'><label for='c1' class='label-rad'>"
        "Нарушение авторских прав</label></div></article></body></html>"
    ).encode()
    assert normalize_page(html, url="https://kp.example/daily/26000/1/").rubric != "Нарушение авторских прав"


def test_photo_credit_declared_for_the_articles_image_in_microdata() -> None:
    """The picture's credit line sits in an inset the boilerplate step drops; the ImageObject declares it."""
    body = "Певица заявила, что тоже является добровольцем и поздравила детей. " * 6
    html = (
        "<html lang='ru'><body><div itemscope itemtype='http://schema.org/NewsArticle'><h1>Нюша поздравила детей</h1>"
        "<div class='item-text-incut'><div itemprop='image' itemscope itemtype='http://schema.org/ImageObject'>"
        "<img src='/p.jpg'><span class='item-img-author'>Фото: <span itemprop='author' itemscope"
        " itemtype='http://schema.org/Person'><span itemprop='name'>Илья Московец © URA.RU</span></span></span>"
        f"</div></div><p>{body}</p></div></body></html>"
    ).encode()
    record = normalize_page(html, url="https://ura.example/news/1052317323")
    assert record.photo_credits == ("Илья Московец © URA.RU",)
