"""Headline and byline mechanisms, each on a small page written for it."""

from __future__ import annotations

from datetime import UTC, datetime

from workers.normalize.page import normalize_page

NOW = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
BODY = "<p>" + "Текст статьи о событиях дня, достаточно длинный для извлечения основного текста. " * 6 + "</p>"


def page(head: str, body: str, url: str = "https://news.example.org/a/1") -> dict:
    html = f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    record = normalize_page(html.encode(), url=url, fetched_at=NOW)
    return {"title": record.title, "authors": list(record.authors), "via": record.provenance}


def test_h1_that_is_the_rubric_loses_to_the_h2_the_title_states():
    head = "<title>Районная газета | Официальный сайт - Урожай собран досрочно</title>"
    body = f"<div class='main'><h1>Сельское хозяйство</h1><h2>Урожай собран досрочно</h2>{BODY}</div>"
    assert page(head, body)["title"] == "Урожай собран досрочно"


def test_h1_that_is_the_site_name_is_not_the_headline():
    head = "<title>Rogers Blog: Week two notes</title><meta property='og:site_name' content='Rogers Blog'>"
    body = f"<h1>Rogers Blog</h1><div><h2>Week two notes</h2>{BODY}</div>"
    assert page(head, body)["title"] == "Week two notes"


def test_badge_inside_the_h1_is_left_out_when_og_title_states_the_headline_without_it():
    head = "<meta property='og:title' content='Суд обязал банк вернуть вклад'>"
    badge = "<a><span>Материал редакции</span></a>"
    body = f"<article><h1>Суд обязал банк <span>вернуть вклад {badge}</span></h1>{BODY}</article>"
    assert page(head, body)["title"] == "Суд обязал банк вернуть вклад"


def test_site_name_is_cut_from_a_metadata_title_when_no_heading_agrees():
    head = (
        "<meta property='og:title' content='Грани.Ру | Иван Петров: &amp;quot;Про правду&amp;quot;'>"
        "<title>Грани.Ру: 'Про правду' | Блоги</title>"
    )
    assert page(head, f"<div>{BODY}</div>", url="https://grani.ru/blogs/1.html")["title"] == "Про правду"


def test_only_h1_wins_over_a_differently_worded_og_title():
    head = "<meta property='og:title' content='Seven secrets hotels hide'>"
    body = f"<article><h1>The deck of cards that made tarot famous</h1>{BODY}</article>"
    assert page(head, body)["title"] == "The deck of cards that made tarot famous"


def test_among_several_h1_none_agreeing_the_metadata_headline_wins():
    head = "<meta property='og:title' content='Advent of Code, week two'>"
    body = f"<div><h1>Day 7</h1>{BODY}<h1>Day 8</h1>{BODY}</div>"
    assert page(head, body)["title"] == "Advent of Code, week two"


def test_publisher_as_json_ld_author_gives_way_to_the_byline():
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rates rise",'
        ' "author": {"@type": "Organization", "name": "Daily Example"}}</script>'
    )
    body = f"<article><h1>Rates rise</h1><p class='byline'>By Jane Roe</p>{BODY}</article>"
    assert page(ld, body)["authors"] == ["Jane Roe"]


def test_publisher_stays_when_no_person_is_named():
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rates rise",'
        ' "author": {"@type": "Organization", "name": "Daily Example"}}</script>'
    )
    assert page(ld, f"<article><h1>Rates rise</h1>{BODY}</article>")["authors"] == ["Daily Example"]


def test_site_account_byline_is_not_an_author_and_the_signature_is():
    body = (
        f"<main><h1>Испытания прошли достойно</h1><span class='byline'>от Администратор</span>{BODY}"
        "<p><strong>Ксения Мукеева,</strong><br><strong>председатель клуба</strong></p></main>"
    )
    assert page("", body)["authors"] == ["Ксения Мукеева"]


def test_signature_in_capitals_under_the_text_outranks_a_cms_meta_author():
    head = "<meta name='author' content='Site Developer'>"
    body = f"<div class='post'><h1>Снежные пожелания</h1>{BODY}<p align='right'>Светлана МИХАЙЛОВА</p></div>"
    assert page(head, body)["authors"] == ["Светлана МИХАЙЛОВА"]


def test_byline_label_and_role_are_cut():
    body = f"<article><h1>Wine basics</h1><div class='author'>Guide by Will Judd, Senior Editor</div>{BODY}</article>"
    assert page("", body)["authors"] == ["Will Judd"]


def test_profile_link_names_the_author_but_a_registration_link_does_not():
    body = (
        f"<div><a href='/users/new'>Зарегистрироваться</a><h1>Про правду</h1>"
        f"<p class='meta'><a href='/users/aksenov/'>Сергей Аксенов</a></p>{BODY}</div>"
    )
    assert page("", body)["authors"] == ["Сергей Аксенов"]


def test_host_named_as_meta_author_is_not_a_person():
    head = "<meta name='author' content='news.example.org'>"
    body = f"<article><h1>Rates rise</h1><span class='author-name'>Tom Alvarez</span>{BODY}</article>"
    assert page(head, body)["authors"] == ["Tom Alvarez"]


def test_author_name_element_beats_a_stray_by_line():
    body = (
        f"<article><h1>Save energy</h1><p class='meta'>Save by up to 30%</p>"
        f"<div class='blog-author-name'>Alpha Apex</div>{BODY}</article>"
    )
    assert page("", body)["authors"] == ["Alpha Apex"]


def test_names_linked_inside_a_byline_leave_the_job_title_out():
    body = (
        f"<article><h1>Phones</h1><p class='byline'>By <a>Will Judd</a> Former Deputy Tech Editor</p>{BODY}</article>"
    )
    assert page("", body)["authors"] == ["Will Judd"]


def test_site_named_in_the_byline_is_kept_only_as_the_last_resort():
    head = "<meta property='og:site_name' content='Hausinfo'>"
    body = f"<article><h1>Kondenswasser</h1><p class='author'>Artikel von Hausinfo</p>{BODY}</article>"
    assert page(head, body)["authors"] == ["Hausinfo"]


def test_short_h1_made_of_the_site_names_words_is_the_site():
    head = (
        "<meta property='og:site_name' content='Minecraft Update News'>"
        "<meta property='og:title' content='Minecraft 1.8 - The Bountiful Update'>"
    )
    assert page(head, f"<div><h1>Minecraft News</h1>{BODY}</div>")["title"] == "Minecraft 1.8 - The Bountiful Update"


def test_publisher_named_after_the_headline_is_not_a_site_name():
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": {"name": "Baby photo row"}}'
        "</script><meta property='og:title' content='Baby photo row'>"
    )
    body = f"<div><h1 class='hidden'>Morning Show</h1></div><div><h1>Baby photo row</h1>{BODY}</div>"
    assert page(head, body)["title"] == "Baby photo row"


def test_site_name_glued_to_the_title_without_a_separator_is_cut():
    head = "<title>davidbau.com Vibe Coding</title>"
    assert page(head, f"<div>{BODY}</div>", url="https://davidbau.com/archives/1.html")["title"] == "Vibe Coding"


def test_title_without_site_information_keeps_its_longest_part():
    head = "<title>Students abroad watch the two sessions closely_Education_Youth Net</title>"
    assert page(head, f"<div>{BODY}</div>")["title"] == "Students abroad watch the two sessions closely"


def test_label_alone_and_the_name_in_the_next_element():
    body = f"<article><h1>Grants</h1><div><h3>Author</h3><p> Lisa D. Ellis</p></div>{BODY}</article>"
    assert page("", body)["authors"] == ["Lisa D. Ellis"]


def test_author_box_heading_is_the_name_not_the_biography():
    body = (
        f"<article><h1>Company cars</h1>{BODY}<div class='author-bio'><h3>Martin Junker</h3>"
        "<p>Martin writes about leasing since 2010.</p></div></article>"
    )
    assert page("", body)["authors"] == ["Martin Junker"]


def test_german_blogger_byline_prefix_is_cut():
    body = f"<article><h1>Tach auch</h1>{BODY}<span class='post-author'>Eingestellt von der Michel</span></article>"
    assert page("", body)["authors"] == ["der Michel"]


def test_without_any_metadata_the_first_of_several_h1_is_the_headline():
    body = f"<article><h1>Main story</h1>{BODY}<h1>Second part</h1>{BODY}</article>"
    assert page("", body)["title"] == "Main story"


def test_linked_co_authors_are_single_names_and_the_role_is_left_out():
    byline = (
        "<span class='byline'><span>Von <a>Lars Fischer</a> und <a>Alina Schadwinkel</a></span>, Chief Editor</span>"
    )
    body = f"<article><h1>Corona</h1>{byline}{BODY}</article>"
    assert page("", body)["authors"] == ["Lars Fischer", "Alina Schadwinkel"]


def test_an_author_in_a_teaser_card_is_that_posts_not_the_articles() -> None:
    body = "Текст записи в блоге о правде и о том, как её говорить. " * 8
    html = (
        "<html lang='ru'><body><div class='entry'><h1>Про правду</h1>"
        "<p class='meta'><a href='/users/aksenov/' class='user'>Сергей Аксенов</a></p>"
        f"<p>{body}</p></div><div class='news-list'><div class='one'><span class='date'>03.11.2011</span>"
        "<span class='author-name'>Лев Пономарев</span>: <a href='/blogs/free/entries/192850.html'>О незаконной"
        " деятельности полиции в Москве</a></div></div></body></html>"
    ).encode()
    record = normalize_page(html, url="http://grani.example/blogs/free/entries/192820.html")
    assert "Лев Пономарев" not in record.authors
