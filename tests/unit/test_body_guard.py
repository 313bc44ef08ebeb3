"""The body step cannot delete the article: a class word, a tag or a heading is a suspicion, not a verdict.

Each page here is a small layout written for one mechanism seen on real pages (the real pages themselves are in
shared/corpus and measured by bench/extraction.py); the teaser block beside the article must still go.
"""

from __future__ import annotations

import lxml.html
import pytest

from workers.normalize import normalize_page
from workers.normalize.scope import ProseGuard, boilerplate_blocks, drop_non_text, unwrap_layout_tables

PARAGRAPHS = [
    "The council voted on Tuesday to rebuild the old river bridge, which has been closed to traffic since the "
    "spring floods damaged two of its piers and left the eastern approach unsafe for heavy vehicles.",
    "Engineers expect the work to take eighteen months. The city will pay for the design, while the regional "
    "government has promised to cover most of the construction costs from its infrastructure fund.",
    "Residents who live near the bridge said they welcomed the decision but worried about noise and dust. "
    "The council promised to limit night work and to publish a schedule of the heaviest works in advance.",
    "A temporary pedestrian crossing will open next month, so that pupils of the two schools on the eastern "
    "bank no longer need to take the bus that has carried them around the closed bridge since April.",
]
TEASERS = '<ul><li><a href="/a">Other story one</a> 12.01.2026</li><li><a href="/b">Other story two</a></li></ul>'


def page(article_html: str, extra: str = "") -> bytes:
    return (
        "<html><head><title>Council votes to rebuild bridge</title></head><body>"
        '<nav class="menu"><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"{article_html}"
        f'<div class="related-posts"><h3>Related</h3>{TEASERS}</div>{extra}'
        "</body></html>"
    ).encode()


def body(paragraphs: list[str] = PARAGRAPHS) -> str:
    return "<h1>Council votes to rebuild bridge</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)


def text_of(html: bytes) -> str:
    return normalize_page(html, url="https://news.example/2026/01/17/bridge").text


@pytest.mark.parametrize(
    "wrapper",
    [
        '<div class="content-sidebar-wrap">{}</div>',
        '<div class="post-read-more-wrapper">{}</div>',
        '<div class="elementor-widget elementor-widget-text-editor">{}</div>',
        '<div class="widget-span widget-type-rich-text">{}</div>',
        "<aside>{}</aside>",
        '<form id="aspnetForm" action="/page.aspx">{}</form>',
        "<button>Menu {}",  # never closed: the parser puts the rest of the page inside
    ],
    ids=["sidebar-wrap", "read-more", "elementor", "widget-span", "aside", "aspnet-form", "unclosed-button"],
)
def test_a_boilerplate_name_or_tag_around_the_article_does_not_remove_it(wrapper: str) -> None:
    text = text_of(page(wrapper.format(body())))
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "Other story" not in text


def test_an_article_split_over_page_builder_widgets_keeps_every_part() -> None:
    widgets = "".join(f'<div class="elementor-widget"><p>{p}</p></div>' for p in PARAGRAPHS)
    text = text_of(page("<h1>Council votes to rebuild bridge</h1>" + widgets))
    for paragraph in PARAGRAPHS:
        assert paragraph in text


def test_a_related_heading_inside_the_body_drops_only_its_list() -> None:
    inside = body(PARAGRAPHS[:2]) + f"<h3>Read more</h3>{TEASERS}" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    text = text_of(page(f"<article>{inside}</article>"))
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "Other story" not in text


def test_the_guard_lets_a_link_list_go_and_keeps_prose() -> None:
    root = lxml.html.fromstring(page(f'<div class="sidebar">{body()}</div>').decode())
    drop_non_text(root)
    guard = ProseGuard(root)
    sidebar = root.xpath("//div[@class='sidebar']")[0]
    related = root.xpath("//div[@class='related-posts']")[0]
    assert not guard.allows(sidebar)
    assert guard.allows(related)
    assert sidebar not in boilerplate_blocks(root)


def test_layout_tables_become_blocks_and_data_tables_stay() -> None:
    root = lxml.html.fromstring(
        "<html><body><table><tr><td><p>First paragraph.</p><p>Second.</p></td><td>menu</td></tr></table>"
        "<table><tr><th>Year</th><th>Tonnes</th></tr><tr><td>2025</td><td>520</td></tr></table></body></html>"
    )
    unwrap_layout_tables(root)
    assert len(root.xpath("//table")) == 1
    assert root.xpath("//table//td")[0].text == "2025"


def test_a_short_brief_keeps_its_paragraphs_apart_and_its_headline_out() -> None:
    brief = ["The bridge reopens on Monday.", "Buses return to their old routes the same day."]
    text = text_of(page(f"<article>{body(brief)}</article>"))
    assert text.split("\n") == brief


def test_an_xhtml_page_with_an_encoding_declaration_is_read() -> None:
    html = b'<?xml version="1.0" encoding="utf-8"?>\n' + page(f"<article>{body()}</article>")
    assert PARAGRAPHS[0] in text_of(html)


def test_a_row_of_topic_links_above_the_article_is_not_its_first_line() -> None:
    topics = '<div class="rubric"><h4>Topics</h4>' + ", ".join(
        f'<a href="/category/{n}">Topic {n}</a>' for n in range(8)
    )
    text = text_of(page(f"{topics}</div><article>{body()}</article>"))
    assert text.startswith(PARAGRAPHS[0])


def test_headings_and_lists_of_an_article_in_plain_divs_are_kept() -> None:
    """A page with no <article>, <main> or known body class: trafilatura alone falls back to loose
    paragraphs and drops the article's headings and lists; the container that holds the prose is named."""
    prose = "<p>" + "The accounting software we compared keeps every invoice in order for freelancers. " * 3 + "</p>"
    html = (
        "<html><body><div class='nav'><a href='/'>Home</a> <a href='/blog'>Blog</a></div>"
        "<div class='rich'><p>Short opening line of the post.</p>"
        + prose
        + "<h2>1. QuickBooks</h2>"
        + prose
        + "<ul><li>Invoicing customization for your brand</li><li>Expense tracking on the go</li></ul>"
        + prose
        + "</div><div class='footer'><p>Copyright 2025 Example Inc. All rights reserved.</p></div>"
        "</body></html>"
    )
    record = normalize_page(html.encode(), url="https://example.com/blog/accounting-software")
    assert "1. QuickBooks" in record.text
    assert "Invoicing customization for your brand" in record.text
    assert "All rights reserved" not in record.text


def test_a_comparison_table_whose_cells_wrap_words_in_paragraphs_stays_a_table() -> None:
    rows = "".join(
        f"<tr><td><p>{name}</p></td><td><p>Basic</p></td><td><p>Best</p></td><td><p>Best</p></td></tr>"
        for name in ("Manufacturing", "Wholesale Distribution", "Hospitality", "Healthcare")
    )
    tree = lxml.html.fromstring(f"<html><body><table><tbody>{rows}</tbody></table></body></html>")
    unwrap_layout_tables(tree)
    assert tree.xpath("//table/tbody/tr/td")


def test_a_table_of_page_columns_is_layout() -> None:
    column = "<p>" + "A paragraph of the article in a column of an old layout table. " * 3 + "</p>"
    tree = lxml.html.fromstring(
        f"<html><body><table><tr><td>{column}</td><td><p>Menu</p></td></tr></table></body></html>"
    )
    unwrap_layout_tables(tree)
    assert not tree.xpath("//table")
