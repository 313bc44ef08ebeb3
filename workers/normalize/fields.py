"""One function per metadata field. Each tries its sources in order of trust and says which one answered:
site rule, then JSON-LD, then <meta>, then microdata, then page elements, then text patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cached_property
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from workers.normalize.credits import (
    credit_from_text,
    credit_lines_in_paragraphs,
    credits_in_json_ld,
    credits_in_microdata,
    credits_in_scope,
)
from workers.normalize.dates import UTC, is_utc, parse_date_text, parse_iso, site_zone, url_date, url_month
from workers.normalize.headline import HEADINGS_PER_TAG, Statement, choose_headline
from workers.normalize.markup import Markup, itemprop_values, names
from workers.normalize.people import (
    clean_byline,
    is_account,
    is_job_title,
    looks_like_organization,
    name_shaped,
    same_as_site,
    signature,
)
from workers.normalize.rubric import Chrome
from workers.normalize.rules import RuleVersion
from workers.normalize.scope import ShortText, class_words, scan_short_texts, within
from workers.normalize.text import clean_line, element_text
from workers.normalize.views import VIEWS_WORDS, parse_counter, parse_views

PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
                  "date", "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date",
                  # less common spellings, still the publication's own
                  "published", "published_time", "og:published_time", "publication_date", "publish_date",
                  "publish-date", "article.published", "citation_publication_date", "dcterms.issued",
                  "dc.date.created")  # fmt: skip
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")
DATE_CLASS = re.compile(r"date|time|publish|posted|pubdate|created")
MODIFIED_LABEL = re.compile(
    r"^(?:обновлено|обновлен[аоы]?|изменено|последнее обновление|updated|last updated|modified|last modified"
    r"|(?:zuletzt )?aktualisiert|stand|mis à jour|actualizado|aggiornato|bijgewerkt)\b",
    re.IGNORECASE,
)
VIEWS_CLASS = re.compile(r"view|counter|hits|\beye\b|prosmotr|reads|stat-?read|\bseen\b|watched")
# A class or title that names views ("m-views", "views-count", "Просмотры публикации"), not "preview"/"review".
VIEWS_NAMED = re.compile(r"(?:^|[-_\s])views?(?:$|[-_\s]|count)|view-?count|prosmotr|\beye\b|просмотр")
# Counters of something else, and analytics hooks ("js-yandex-counter" on every link).
NOT_VIEWS_CLASS = re.compile(
    r"vot(?:e|ing)|rating|score|like|comment|favou?rite|favs|bookmark|share|repost|photo|gallery|yandex|metri[kc]"
    r"|analytics|liveinternet|follow|subscri"
)
AUTHOR_CLASS = re.compile(r"author|byline|writer")
AUTHOR_PREFIX = re.compile(r"^(?:(?:автор[ыа]?|текст|материал подготовил[аи]?)\s*[:—-]|(?:written |posted )?by\b)\s*",
                           re.IGNORECASE)  # fmt: skip
# Sections every site has: kept only when nothing names the real one ("Новости" vs "Экономика").
HEADER_MAX_CHARS = 6000  # the article header around the headline, for its lead picture's credit
AFTER_ARTICLE_MAX_CHARS = 2500
TAGS_CLASS = re.compile(r"tags|keywords|теги|topics")


@dataclass
class Context:
    """What every field reader may look at, plus the elements it used (removed before body extraction)."""

    root: etree._Element
    scope: etree._Element
    markup: Markup
    rule: RuleVersion | None
    zone: tzinfo
    fetched_at: datetime | None
    used: list[etree._Element] = field(default_factory=list)
    full: etree._Element | None = None  # the unpruned page (boilerplate blocks still in)
    url: str = ""  # the fetched URL: the date in it is evidence
    html: str = ""  # the page as decoded, before boilerplate was dropped (for htmldate's last-resort look)
    page_cache: dict[Any, Any] = field(default_factory=dict)  # date readers' scans and parses, done once a page
    chrome: Chrome = field(default_factory=Chrome)  # read before pruning (read_chrome), empty when not given

    def rule_elements(self, name: str) -> list[etree._Element]:
        return self.rule.select(name, self.root) if self.rule else []

    def rule_via(self, name: str) -> str:
        return self.rule.via(name) if self.rule else ""

    @cached_property
    def short_text_index(self) -> list[ShortText]:
        """The scope's short texts, scanned once for every reader (they all run before anything is removed)."""
        return scan_short_texts(self.scope)

    def short_texts(self, limit: int = 120) -> Iterator[tuple[etree._Element, str]]:
        return within(self.short_text_index, limit)


Found = tuple[Any, str]  # (value, provenance)


def title(ctx: Context) -> Found | None:
    for element in ctx.rule_elements("title"):
        return element_text(element), ctx.rule_via("title")
    statements = _headline_statements(ctx)
    scope_h1 = list(ctx.scope.iter("h1"))[:HEADINGS_PER_TAG] or list(ctx.root.iter("h1"))[:HEADINGS_PER_TAG]
    headings = [(h, "h1") for h in scope_h1] + [(h, "h2") for h in list(ctx.scope.iter("h2"))[:HEADINGS_PER_TAG]]
    if ctx.full is not None:  # a headline inside a block that pruning dropped (a page <header>, a hero box)
        outside = list(islice(ctx.full.iter("h1", "h2"), 2 * HEADINGS_PER_TAG))
        headings.extend((h, f"{tag} outside the article") for tag in ("h1", "h2") for h in outside if h.tag == tag)
    # The only <h1> is the headline when nothing contradicts it; among several, the metadata decides.
    with_text = [h for h in scope_h1 if element_text(h)]
    single = with_text[0] if len(with_text) == 1 else None
    return choose_headline(headings, statements, _site_names(ctx), single)


def _headline_statements(ctx: Context) -> list[Statement]:
    """The headline as the page's metadata states it, most specific first; <title> last (it carries the
    site's name)."""
    found = []
    headline = ctx.markup.ld("headline")
    if isinstance(headline, str) and headline.strip():
        found.append(Statement(headline, "json-ld:headline"))
    for key in ("og:title", "twitter:title"):
        for value in ctx.markup.meta.get(key, ())[:1]:
            if value.strip():
                found.append(Statement(value, f"meta:{key}"))
    text = ctx.root.findtext(".//title")
    if text and text.strip():
        found.append(Statement(text, "html:title"))
    return found


def _site_names(ctx: Context) -> list[str]:
    """The site's and publisher's names and the host: a heading or title part equal to one is not a headline."""
    found = [v for key in ("og:site_name", "application-name", "twitter:site") for v in ctx.markup.meta.get(key, ())]
    found.extend(names(ctx.markup.ld("publisher")))
    for url in [ctx.url, *ctx.markup.meta.get("og:url", ()), *ctx.root.xpath("//link[@rel='canonical']/@href")]:
        host = urlsplit(str(url).strip()).hostname or ""
        if host:
            found.append(host.removeprefix("www."))
    return [n.lstrip("@") for n in found if n.strip()]


def published(ctx: Context) -> Found | None:
    """The article's own publication time, preferred over every other date on the page: site rule, then
    the declared date (JSON-LD, <meta>, the article's microdata), then the printed date nearest the
    headline; either checked against the URL's day. Then the URL's day alone, htmldate (fast mode), and
    printed dates anywhere on the page as fetched."""
    for element in ctx.rule_elements("published"):
        value = _rule_date(ctx, element_text(element) or element.get("datetime", ""))
        if value:
            ctx.used.append(element)
            return value, ctx.rule_via("published")
    zone = _local_zone(ctx)
    declared = _declared_date(ctx, "datePublished", PUBLISHED_META, zone)
    if declared is not None:
        return _checked_against_url(ctx, _republished(ctx, declared, zone) or declared, zone)
    printed = _printed_date(ctx, False, zone)
    if printed is not None:
        return _checked_against_url(ctx, _relative_to_page(ctx, printed, zone), zone)
    day = url_date(_page_url(ctx))
    if day is not None:
        return datetime.combine(day, time(0), tzinfo=zone), "url (date only)"
    return _htmldate(ctx, zone) or _printed_on_whole_page(ctx, zone)


def modified(ctx: Context) -> Found | None:
    for element in ctx.rule_elements("modified"):
        value = _rule_date(ctx, element_text(element) or element.get("datetime", ""))
        if value:
            ctx.used.append(element)
            return value, ctx.rule_via("modified")
    zone = _local_zone(ctx)
    return _declared_date(ctx, "dateModified", MODIFIED_META, zone) or _printed_date(ctx, True, zone)


# A page whose newest printed date is this much older than its fetch time was saved long before it was
# fetched (an archive copy, an import): its "today" is not the fetch day.
STALE_PAGE = timedelta(days=30)


def _relative_to_page(ctx: Context, printed: Found, zone: tzinfo) -> Found:
    """ "сегодня в 01:13", "3 hours ago" are read against the fetch time. On a page saved long before it
    was fetched they mean the day it was rendered: the day of the newest full date it prints (its
    comments', its sidebar's), which are all older than the fetch."""
    if not printed[1].startswith(tuple(f"text-pattern:{p}" for p in RELATIVE_PATTERNS)) or not ctx.fetched_at:
        return printed
    newest = _newest_printed(ctx, zone)
    if newest is None or ctx.fetched_at - newest < STALE_PAGE:
        return printed
    rendered = newest.replace(hour=23, minute=59)
    again = parse_date_text(MODIFIED_LABEL.sub("", element_text(ctx.used[-1])), zone=zone, now=rendered)
    if again is None or again.pattern not in RELATIVE_PATTERNS:
        return printed
    return again.value, f"{printed[1]} (against the page's newest date, not the fetch time)"


def _newest_printed(ctx: Context, zone: tzinfo) -> datetime | None:
    """The newest full date printed on the page as fetched (not after the fetch), when the page prints more
    than one full date within a day or two of it: one stray old date (a founding year, a licence) says
    nothing of when the page was rendered."""
    found: list[datetime] = []
    for _element, text, _raw_length in _whole_page_texts(ctx.full if ctx.full is not None else ctx.root):
        if len(text) > 120 or not _DIGIT.search(text):
            continue
        hit = parse_date_text(text, zone=zone, now=None, fallback=False)
        if hit and hit.has_year and (ctx.fetched_at is None or hit.value <= ctx.fetched_at):
            found.append(hit.value)
    if not found:
        return None
    newest = max(found)
    return newest if sum(1 for value in found if newest - value <= timedelta(days=2)) >= 2 else None


def _republished(ctx: Context, declared: Found, zone: tzinfo) -> Found | None:
    """A republished article: the page prints, as its date, the day it declares as modified, and never
    prints the first publication it declares. Readers (and archives citing the page) know it by the
    printed day; the declared first day stays in the markup only."""
    printed = _printed_date(ctx, False, zone)
    if printed is None:
        return None
    element = ctx.used.pop()  # the printed element stays in the body unless it is the answer
    day = printed[0].date()
    first_day = declared[0].date()
    if abs((day - first_day).days) <= 1:  # a zone apart, not a republication
        return None
    if any(c.found[0].date() == first_day for c in _scope_candidates(ctx, zone)):
        return None
    modified_declared = _declared_date(ctx, "dateModified", MODIFIED_META, zone)
    if modified_declared is None or modified_declared[0].date() != day:
        return None
    ctx.used.append(element)
    return printed[0], f"{printed[1]} (republished: declared {declared[1]} not shown)"


def _declared_date(ctx: Context, ld_key: str, meta_keys: tuple[str, ...], zone: tzinfo) -> Found | None:
    """The date the page declares in JSON-LD, <meta> or microdata. A UTC timestamp is shown in the site's
    zone: "2018-08-22T21:02:00Z" on a Moscow site is the 23rd there, and the 23rd is the date it prints."""
    found: Found | None = None
    raw = ctx.markup.ld(ld_key)
    if isinstance(raw, str) and (value := parse_iso(raw, zone)):
        found = value, f"json-ld:{ld_key}"
    for key in meta_keys if found is None else ():
        for raw in ctx.markup.meta.get(key, ()):
            if value := parse_iso(raw, zone):
                found = value, f"meta:{key}"
                break
        if found:
            break
    if found is None:
        found = _microdata_date(ctx, ctx.root, ld_key, zone)
    if found is None and re.search(f"itemprop=[\"']?{ld_key}", ctx.html) and (whole := ctx.full) is not None:
        # The microdata sits in a block the boilerplate step dropped (a page builder's "widget")
        found = _microdata_date(ctx, whole, ld_key, zone)
    if found is None:
        return None
    value, via = found
    shown = [  # the times the page prints (as text, not in attributes)
        c.found[0]
        for c in _scope_candidates(ctx, zone)
        if not c.modified and c.found[1].startswith("text-pattern") and not _is_midnight(c.found[0])
    ]
    if is_utc(value) and zone is not UTC and not _is_midnight(value):
        # Shown in the site's zone, unless the page itself prints the UTC wall time (an AMP page in UTC).
        if not any(_wall(v) == _wall(value) for v in shown):
            value = value.astimezone(zone)
    elif _is_midnight(value) and (same_day := [v for v in shown if v.date() == value.date()]):
        # A declared day and a printed time of that day: the article's own timestamp.
        value, via = same_day[0], f"{via} + printed time"
    return value, via


def _wall(value: datetime) -> datetime:
    return value.replace(tzinfo=None, second=0, microsecond=0)


def _microdata_date(ctx: Context, tree: etree._Element, key: str, zone: tzinfo) -> Found | None:
    for element, raw in itemprop_values(tree, key):
        # <abbr itemprop="datePublished" title="2018-06-05T08:00:00-07:00">08:00</abbr>, or a <time> inside
        inner = element.find(".//time[@datetime]") if not element.get("content") else None
        raw = inner.get("datetime", "") if inner is not None else raw
        value = parse_iso(raw, zone) or parse_iso(element.get("title") or "", zone)
        if value and _own_item(element):
            if tree is ctx.root:
                ctx.used.append(element)
            return value, f"microdata:{key}"
    return None


def _own_item(element: etree._Element) -> bool:
    """A microdata date belongs to the article unless it sits in another item: a teaser card, which has
    a linked headline of its own and neither the page's headline nor the article body."""
    item = next(iter(element.xpath("ancestor::*[@itemscope][1]")), None)
    if item is None or item.xpath(".//h1 | .//*[@itemprop='articleBody']"):
        return True
    return not item.xpath(TEASER_HEADLINE)


TEASER_HEADLINE = ".//*[self::h2 or self::h3 or self::h4 or @itemprop='headline' or @itemprop='name']//a[@href]"


def _checked_against_url(ctx: Context, found: Found, zone: tzinfo) -> Found:
    """The day in the URL (/2021/03/01/) is what the publisher filed the article under. A declared or
    printed date on another day is someone else's (a teaser's, the modified one) or the right instant
    shown in the wrong zone."""
    day = url_date(_page_url(ctx))
    value, via = found
    if day is None or value.date() == day:
        return found
    days_after = (value.date() - day).days
    declared_local = not via.startswith(("text-pattern", "html:")) and not is_utc(value)
    if declared_local and -1 <= days_after <= 7:
        # The publisher's own wall time, on the URL's day or within a week after it: the URL was made
        # for the draft, the article went out on the declared day.
        return found
    if abs(days_after) == 1 and not _is_midnight(value):
        # The same instant seen from the publisher's zone: one that puts it on the URL's day.
        shifted = _on_day(value, day)
        if shifted is not None:
            return shifted, f"{via} (zone from url date)"
    if not via.startswith("text-pattern") and not via.startswith("html:"):
        printed = _printed_date(ctx, False, zone)
        if printed is not None and printed[0].date() == day:
            return printed
    return datetime.combine(day, time(0), tzinfo=zone), "url (date only)"


def _on_day(value: datetime, day: date) -> datetime | None:
    """`value` in the whole-hour offset nearest to its own that puts it on `day`, if one within +-14h does."""
    own = int((value.utcoffset() or timedelta(0)).total_seconds() // 3600)
    for step in range(1, 15):
        for hours in (own - step, own + step):
            if -12 <= hours <= 14:
                shifted = value.astimezone(timezone(timedelta(hours=hours)))
                if shifted.date() == day:
                    return shifted
    return None


def _is_midnight(value: datetime) -> bool:
    return (value.hour, value.minute, value.second) == (0, 0, 0)


def _page_url(ctx: Context) -> str:
    if ctx.url:
        return ctx.url
    declared = ctx.root.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
    return str(declared[0]) if declared else ""


def _local_zone(ctx: Context) -> tzinfo:
    """The site's zone (rules, or Moscow for Russian pages), else the zone of its country or language."""
    language = ctx.root.get("lang") or ctx.root.get("xml:lang")
    if str(ctx.zone) not in ("UTC", "Europe/Moscow"):
        return ctx.zone
    # Moscow is page.py's guess for any Russian page: a Belarusian or Ukrainian domain says better.
    return site_zone(_page_url(ctx), None if str(ctx.zone) == "Europe/Moscow" else language) or ctx.zone


# Dates that are on the page but never the article's: the copyright line, the header's "today is" clock.
NOT_PUBLICATION = re.compile(
    r"©|\(c\)\s*\d{4}|copyright|^(?:сегодня|today|heute)\b(?!\s*(?:в|at|um|,)?\s*\d{1,2}[:.]\d{2})", re.IGNORECASE
)
# How far past the headline (in short texts) the printed-date scan goes once it has a dated full date,
# and once it has any date.
PRINTED_LOOKAHEAD = 40
PRINTED_REACH = 300


def _printed_date(
    ctx: Context, modified: bool, zone: tzinfo | None = None, texts: list[ShortText] | None = None, whole: bool = False
) -> Found | None:
    """A <time datetime> or a printed date near the headline. Text dates inside paragraphs are not read:
    "переговоры прошли 29 октября" is not a publication date. Of several dates the one nearest the
    headline wins, a full date before a year-less or relative one: teasers, comments and the header clock
    are further away."""
    zone = zone or ctx.zone
    texts = ctx.short_text_index if texts is None else texts
    if whole:
        candidates = ctx.page_cache.setdefault(("whole", str(zone)), _printed_candidates(ctx, zone, texts))
    else:
        candidates = _scope_candidates(ctx, zone)
    best = min((c for c in candidates if c.modified == modified), key=lambda c: c.rank, default=None)
    if best is None:
        return None
    ctx.used.append(best.element)
    return best.found


def _scope_candidates(ctx: Context, zone: tzinfo) -> list[_Printed]:
    """The printed dates of the article's scope, scanned once a page (published and modified share it)."""
    key = ("scope", str(zone))
    if key not in ctx.page_cache:
        ctx.page_cache[key] = _printed_candidates(ctx, zone, ctx.short_text_index)
    return ctx.page_cache[key]


@dataclass
class _Printed:
    rank: tuple[int, float]
    found: Found
    element: etree._Element
    modified: bool


def _printed_candidates(ctx: Context, zone: tzinfo, texts: list[ShortText]) -> list[_Printed]:
    heading = next((i for i, (el, _, _) in enumerate(texts) if el.tag == "h1"), 0)
    own_path = urlsplit(_page_url(ctx)).path
    short = {el: text for el, text, _ in texts}
    found_list: list[_Printed] = []
    settled = False  # a dated full date for the publication is in hand: the scan ends a little further on
    parsed_with_fallback = 0
    for index, (element, text, raw_length) in enumerate(texts):
        if index > heading + (PRINTED_LOOKAHEAD if settled else PRINTED_REACH if found_list else len(texts)):
            break  # the article's date is near its headline: far below are teasers, comments, price lists
        if len(text) > 120 or (element.tag in ("p", "li") and raw_length > 120):
            continue
        timed = element.tag == "time" and bool(element.get("datetime"))
        if not timed and not _DIGIT.search(text):
            continue
        if not timed and element.find(".//time[@datetime]") is not None:
            continue  # its <time datetime> speaks for it, with the time of day
        dated = element.tag == "time" or bool(DATE_CLASS.search(class_words(element)))
        found: Found | None = None
        full = True
        if timed and (value := parse_iso(element.get("datetime", ""), zone)):
            found = value, "html:time[datetime]"
        date_line = len(text) <= 40 or (len(text) <= 60 and _STARTS_WITH_DATE.match(text))
        if found is None and (element.tag != "p" or dated or date_line):
            fallback = dated and parsed_with_fallback < 3  # dateparser is slow: a few dated elements at most
            parsed_with_fallback += fallback
            hit = parse_date_text(MODIFIED_LABEL.sub("", text), zone=zone, now=ctx.fetched_at, fallback=fallback)
            if hit:
                suffix = "" if hit.has_time else " (date only)"
                found = hit.value, f"text-pattern:{hit.pattern}{suffix}"
                # "вчера в 11:56" is as precise as a full date (against the fetch time); "9 июня" is not
                full = hit.has_year or hit.pattern in RELATIVE_PATTERNS
                if not full and hit.pattern in YEARLESS_PATTERNS and (year := _year_elsewhere(ctx, text, hit.value)):
                    found = hit.value.replace(year=year[0]), f"text-pattern:{hit.pattern} (year from {year[1]})"
                    full = True
        if found is None or NOT_PUBLICATION.search(text) or _links_elsewhere(element, own_path):
            continue
        words = class_words(element).split()
        if HIDDEN_CLASS.intersection(words) or "display:none" in element.get("style", "").replace(" ", ""):
            continue  # a snippet for search engines, not what the page shows
        labelled_modified = (
            bool(MODIFIED_LABEL.match(text)) or _labelled_around(element, short) or _hatom_updated(element)
        )
        distance = index - heading if index >= heading else (heading - index) * 1.5
        tier = 0 if dated and full else 1 if full else 2
        found_list.append(_Printed((tier, distance), found, element, labelled_modified))
        settled = settled or (tier == 0 and not labelled_modified)
    return found_list


def _hatom_updated(element: etree._Element) -> bool:
    """hAtom's class for the modified time (`<span class="updated">`), on the date or the element holding it;
    WordPress themes write "published updated" on a time that is both."""
    for node in element.iter():
        words = class_words(node).split()
        if "updated" in words and "published" not in words:
            return True
    return False


def _labelled_around(element: etree._Element, short: dict[etree._Element, str]) -> bool:
    """ "Updated <span>January 08, 2026</span>" or "<div>Last updated:</div><div>Dec 12, 2025</div>": the
    label is in the parent's text or the element just before."""
    parent = element.getparent()
    if parent is not None and parent in short and MODIFIED_LABEL.match(short[parent]):
        return True
    previous = element.getprevious()
    return (
        previous is not None
        and len(short.get(previous, "")) <= 30
        and bool(MODIFIED_LABEL.match(short.get(previous, "")))
    )


_DIGIT = re.compile(r"\d")
HIDDEN_CLASS = frozenset(
    ("hidden", "rich-snippet-hidden", "sr-only", "screen-reader-text", "visually-hidden", "visuallyhidden", "d-none")
)
_WORDS = re.compile(r"[^\W\d_]{2,}")
# A short paragraph that opens with a date ("Dec 26, 2025 • 12 min read", "17.01.2026 | Город") is a date line.
_STARTS_WITH_DATE = re.compile(r"^\W*(?:\d{1,4}[./-]\d|\d{1,2}\.?\s+[^\W\d_]{3}|[^\W\d_]{3,10}\.?\s+\d{1,2}\b)")
YEARLESS_PATTERNS = ("ru-words", "time-ru-words")
RELATIVE_PATTERNS = ("day-word", "ago")


def _year_elsewhere(ctx: Context, text: str, value: datetime) -> tuple[int, str] | None:
    """The year of a year-less date: from the URL's /2021/01/ when the month is the date's, else from
    the same day printed with its year elsewhere on the page."""
    in_url = url_month(_page_url(ctx))
    if in_url and in_url[1] == value.month:
        return (in_url[0], "url") if in_url[0] != value.year else None
    year = _year_on_page(ctx, text, value)
    return (year, "page") if year else None


def _year_on_page(ctx: Context, text: str, value: datetime) -> int | None:
    """The year of a year-less "9 июня в 12:44": the page shows the same day with its year elsewhere (the
    comments of that day, an archive link) in the page as fetched; the most frequent such year wins."""
    day = re.search(r"(\d{1,2})\s+([^\W\d_]+)", text)
    if not day or not ctx.html:
        return None
    latest = (ctx.fetched_at or datetime.now(UTC)).year
    found = re.findall(rf"(?<!\d){day[1]}(?:\s|&nbsp;)+{re.escape(day[2])}(?:\s|&nbsp;)+((?:19|20)\d\d)", ctx.html)
    years = [int(y) for y in found if int(y) <= latest]
    if not years:
        return None
    best = max(set(years), key=lambda y: (years.count(y), y))
    return best if best != value.year else None


def _links_elsewhere(element: etree._Element, own_path: str) -> bool:
    """A date in a teaser card is that card's page's date: the link around it leads to another page and
    carries that page's headline too (in its own text or in a sibling link to the same place). A link
    that holds the date alone (to the day's archive, the print issue, the permalink) is not a teaser."""
    for link in element.xpath("ancestor-or-self::a[@href]"):
        href = link.get("href", "")
        path = urlsplit(href).path
        if not path or path in ("/", own_path) or ARCHIVE_LINK.search(path):
            continue
        if len(_WORDS.findall(link.text_content())) >= 4:  # a date is a word or two: the rest is a headline
            return True
        block = link.getparent()
        block = block.getparent() if block is not None and block.getparent() is not None else block
        if block is not None and any(
            other is not link and other.get("href") == href and len(clean_line(other.text_content())) >= 25
            for other in block.iter("a")
        ):
            return True
    return False


ARCHIVE_LINK = re.compile(r"/(?:19|20)\d{2}/\d{1,2}/(?:\d{1,2}/?)?$")


# The elements of a whole page worth a look for its date: the headline (to measure from), <time>, and
# elements whose class or id names a date; short paragraphs right after a headline (date lines).
WHOLE_PAGE_DATES = (
    "//h1 | //time | //*[contains(@class, 'date') or contains(@class, 'time') or contains(@class, 'publish')"
    " or contains(@class, 'posted') or contains(@id, 'date') or contains(@class, 'Date')] | //h1/following::p[1]"
    # and short leaves with a digit ("06.05.2018" alone in a <p> or <dd>)
    " | //body//*[not(*)][string-length(normalize-space()) < 40][translate(., '0123456789', '') != .]"
)


def _whole_page_texts(whole: etree._Element) -> Iterator[ShortText]:
    """The elements of a page worth a look for its dates (WHOLE_PAGE_DATES), with their cleaned text and raw
    length, in document order; a full scan of a big page costs ~15 ms."""
    for element in whole.xpath(WHOLE_PAGE_DATES):
        raw = element.text_content()
        if text := clean_line(raw):
            yield element, text, len(raw)


def _printed_on_whole_page(ctx: Context, zone: tzinfo) -> Found | None:
    """The last resort: printed dates anywhere on the page as fetched, blocks dropped as boilerplate
    included (a blog's date header, a widget-built byline), nearest the headline first."""
    whole = ctx.full
    if whole is None:
        return None
    texts = [short for short in _whole_page_texts(whole) if short[2] <= 300]
    found = _printed_date(ctx, False, zone, texts, whole=True)
    ctx.used.pop() if found else None  # that element is in the other tree: nothing to remove from this one
    return (found[0], f"{found[1]} (whole page)") if found else None


def _htmldate(ctx: Context, zone: tzinfo) -> Found | None:
    """htmldate's answer when the page declares and prints nothing we read (its header, JSON and
    date-element heuristics over the page as fetched). Its fast mode only (~1.5 ms): the full-text search
    costs ~6 ms a page and loads dateparser's every locale on first use (seconds)."""
    from htmldate import find_date  # imported late: most pages never get here

    try:
        raw = find_date(
            ctx.html or ctx.root, url=_page_url(ctx) or None, extensive_search=False, original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S%z",
            max_date=(ctx.fetched_at or datetime.now(UTC)).strftime("%Y-%m-%d"),
        )  # fmt: skip
    except (ValueError, TypeError, LookupError, etree.LxmlError):
        return None
    value = parse_iso(raw, zone) if raw else None
    date_only = bool(raw and raw.endswith("T00:00:00"))
    if value is None or (date_only and (value.month, value.day) == (1, 1)):
        return None  # a bare 1 January is a year (the copyright line's), not a day
    return value, "htmldate" + (" (date only)" if date_only else "")


def _rule_date(ctx: Context, text: str) -> datetime | None:
    if ctx.rule and ctx.rule.date_format:
        try:
            value = datetime.strptime(text.strip(), ctx.rule.date_format)
        except ValueError:
            pass
        else:
            return value if value.tzinfo else value.replace(tzinfo=ctx.zone)
    found = parse_date_text(text, zone=ctx.zone, now=ctx.fetched_at)
    return found.value if found else None


def views(ctx: Context) -> Found | None:
    for element in ctx.rule_elements("views"):
        count = parse_views(element_text(element))
        if count is not None:
            ctx.used.append(element)
            return count, ctx.rule_via("views")
    stats = ctx.markup.ld("interactionStatistic")
    for stat in stats if isinstance(stats, list) else [stats]:
        if isinstance(stat, dict) and re.search(r"View|Watch|Read", str(stat.get("interactionType", "View"))):
            count = parse_views(str(stat.get("userInteractionCount", "")))
            if count is not None:
                return count, "json-ld:interactionStatistic"
    counters = [*itemprop_values(ctx.root, "userInteractionCount"), *itemprop_values(ctx.root, "interactionCount")]
    for _element, raw in counters:
        count = parse_views(raw.split(":")[-1])
        if count is not None:
            return count, "microdata:interactionStatistic"
    found = ctx.markup.first_meta("userinteractioncount", "interactioncount")
    if found and (count := parse_views(found[1].split(":")[-1])) is not None:
        return count, f"meta:{found[0]}"
    own_path, verdicts = urlsplit(_page_url(ctx)).path, ctx.page_cache.setdefault("teaser verdicts", {})
    texts = ctx.short_texts(limit=60)
    found = _views_on_page(((el, t) for el, t in texts if not _in_teaser(el, own_path, verdicts)), strict=False)
    for block in () if found else _blocks_after(ctx.scope):
        texts = within(scan_short_texts(block), 60)
        found = _views_on_page(((el, t) for el, t in texts if not _in_teaser(el, own_path, verdicts)), strict=True)
        if found:
            break
    if found is None:
        return None
    ctx.used.append(found[2])
    return found[0], found[1]


# A teaser card is small: a block with the page's own headline or this much text is the article, not a card.
TEASER_CARD_MAX_CHARS = 600


def _in_teaser(element: etree._Element, own_path: str, verdicts: dict[etree._Element, bool | None]) -> bool:
    """A counter in a card of another article: within a few levels up, a small block that links, with a
    headline of several words, to another page (the article's own counter sits by its headline instead).
    `verdicts` keeps each block's answer for the page: neighbouring counters share their blocks."""
    for level, block in enumerate(element.iterancestors()):
        if level >= 3:
            return False
        if block not in verdicts:
            verdicts[block] = _card_verdict(block, own_path)
        if verdicts[block] is not None:
            return bool(verdicts[block])
    return False


def _card_verdict(block: etree._Element, own_path: str) -> bool | None:
    """True: a teaser card; False: the article or something too big to be a card (look no further up);
    None: neither, look at the next block up."""
    if block.find(".//h1") is not None or len(block.text_content()) > TEASER_CARD_MAX_CHARS:
        return False
    for link in block.iter("a"):
        path = urlsplit(link.get("href", "")).path
        # A headline of several words leading elsewhere; a link to an author's page is no teaser.
        if path and path not in ("/", own_path) and not PROFILE_HREF.search(path) and _headline_words(link):
            return True
    return None


def _headline_words(link: etree._Element) -> bool:
    return len(_WORDS.findall(link.text_content())) >= 4


def _views_on_page(texts: Iterable[tuple[etree._Element, str]], strict: bool) -> tuple[int, str, Any] | None:
    """The article's own counter among short texts, best evidence first: a number with a views word
    ("22833 просмотра"), then an element whose class or title says views ("views-count": "10,2k"), then a
    generic counter element. Vote, comment, like and favourite counters and analytics classes are never views.
    strict: only the first two kinds (used outside the article's scope)."""
    best: tuple[int, int, str, etree._Element] | None = None
    for element, text in texts:
        words = f"{class_words(element)} {element.get('title') or ''} {element.get('aria-label') or ''}".lower()
        if NOT_VIEWS_CLASS.search(words):
            continue
        candidate = None
        if element.tag != "p" and VIEWS_WORDS.search(text) and (count := parse_views(text, labelled=True)) is not None:
            candidate = (0, count, "text-pattern:views")
        elif (VIEWS_NAMED.search(words) or VIEWS_WORDS.search(words)) and (count := _named_count(text)) is not None:
            candidate = (1, count, "html:views-element")
        elif not strict and VIEWS_CLASS.search(words) and (count := parse_counter(text)) is not None:
            candidate = (2, count, "html:views-element")
        if candidate and (best is None or candidate[0] < best[0]):
            best = (*candidate, element)
            if candidate[0] == 0:
                break
    return (best[1], best[2], best[3]) if best else None


def _named_count(text: str) -> int | None:
    """The number of an element named for views: alone, or with one word in any language ("4323 prikaza")."""
    count = parse_counter(text)
    if count is None and len(text.split()) <= 2 and len(re.findall(r"\d+", text)) == 1:
        count = parse_views(text)
    return count


def _blocks_after(scope: etree._Element) -> list[etree._Element]:
    """The small blocks right after the article (a post's info panel with its counters), not lists of other
    articles: the next two blocks after the scope (or after its wrappers, up to three levels up), each short
    and without headings; the first block with a heading or much text ends the search."""
    blocks: list[etree._Element] = []
    level = scope
    for _ in range(4):
        for block in level.itersiblings():
            if not isinstance(block.tag, str):
                continue
            if block.xpath(".//h2 | .//h3 | .//article") or len(block.text_content()) > AFTER_ARTICLE_MAX_CHARS:
                return blocks
            blocks.append(block)
            if len(blocks) == 2:
                return blocks
        parent = level.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        level = parent
    return blocks


def photo_credits(ctx: Context) -> Found | None:
    from_rule = [(el, element_text(el)) for el in ctx.rule_elements("credits")]
    if from_rule:
        ctx.used.extend(el for el, _ in from_rule)
        values = [credit_from_text(text)[0] or text.strip(" .") for _, text in from_rule]
        return _unique(values), ctx.rule_via("credits")
    found: list[str] = []
    via = None
    image = ctx.markup.ld("image")
    if image is not None and (in_ld := credits_in_json_ld(image)):
        found.extend(in_ld)
        via = "json-ld:image"
    in_page = credits_in_scope(ctx.short_text_index)
    header = _header_outside_scope(ctx)
    if header is not None:  # the lead picture sits with the headline, above a scope that holds only the text
        inside = set(ctx.scope.iter())
        in_page += [c for c in credits_in_scope(scan_short_texts(header)) if c[0] not in inside]
    if in_page:
        ctx.used.extend(el for el, _ in in_page)
        found.extend(credit for _, credit in in_page)
        via = via or "text-pattern:credit"
    in_lines = credit_lines_in_paragraphs(ctx.scope)
    if in_lines:
        found.extend(in_lines)
        via = via or "text-pattern:credit-line"
    # The block that shows them may be one the boilerplate step dropped (an inset beside the text).
    if not found and (declared := credits_in_microdata(ctx.full if ctx.full is not None else ctx.root)):
        found, via = declared, "microdata:ImageObject"
    return (_unique(found), via) if found and via else None


def _header_outside_scope(ctx: Context) -> etree._Element | None:
    """The block that holds both the headline and the scope, when the headline is outside the scope and that
    block is small (an article header, not the whole page)."""
    headline = next(ctx.root.iter("h1"), None)
    if headline is None or ctx.scope is ctx.root or any(a is ctx.scope for a in headline.iterancestors()):
        return None
    around = {id(a) for a in ctx.scope.iterancestors()}
    common = next((a for a in headline.iterancestors() if id(a) in around), None)
    if common is None or common.tag in ("body", "html") or len(common.text_content()) > HEADER_MAX_CHARS:
        return None
    return common


def authors(ctx: Context) -> Found | None:
    """Persons first: a publisher, site or newsroom named as the author is kept only when no person is
    named anywhere (it is then the page's only credit)."""
    from_rule = [element_text(el) for el in ctx.rule_elements("authors")]
    if from_rule:
        return _split_names(from_rule), ctx.rule_via("authors")
    sites = _site_names(ctx)
    fallback: Found | None = None

    def persons(values: list[str], via: str, organizations: bool = False) -> Found | None:
        nonlocal fallback
        cleaned = [v for v in (clean_byline(v) for v in values) if v and not is_account(v)]
        kept = [v for v in cleaned if not same_as_site(v, sites)]
        if kept and not organizations and not all(looks_like_organization(v) for v in kept):
            return _split_names(kept), via
        if (kept or cleaned) and fallback is None:
            fallback = _split_names(kept or cleaned), via
        return None

    people, organizations = _ld_authors(ctx.markup.ld("author"))
    if found := persons(people, "json-ld:author"):
        return found
    if organizations:
        persons(organizations, "json-ld:author", organizations=True)
    # A name signed under the text outranks a CMS's meta author (often the site's owner or developer).
    if found := _signed(ctx):
        return found
    for key in AUTHOR_META:
        values = [v for v in ctx.markup.meta.get(key, ()) if v.strip() and not v.startswith("http")]
        if values and (found := persons(values, f"meta:{key}")):
            return found
    in_microdata = []
    for element, raw in itemprop_values(ctx.root, "author"):
        name = next((v for _, v in itemprop_values(element, "name")), raw)
        in_microdata.append(name)
        ctx.used.append(element)
    if not in_microdata and ctx.full is not None:  # schema.org markup is explicit even in a dropped block
        for element, raw in itemprop_values(ctx.full, "author"):
            in_microdata.append(next((v for _, v in itemprop_values(element, "name")), raw))
    if in_microdata and (found := persons(in_microdata[:3], "microdata:author")):
        return found
    site_named: list[str] = []
    if found := _byline(ctx, sites, site_named):
        return found
    return fallback or ((_split_names(site_named[:1]), "html:byline (the site)") if site_named else None)


AUTHOR_META = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author", "byl")
AUTHOR_ATTRIBUTES = re.compile(
    r"author|byline|writer|byl\b|journalist|reporter|screenname|autor(?!iz)|avtor(?!iz)", re.IGNORECASE
)
PROFILE_HREF = re.compile(
    r"/(?:authors?|users?|u|profile|avtory?|autor(?:en)?|journalists?)/(?!new\b|login|register|sign)[^/?#]+/?$"
)
AUTHOR_NAME_ATTRIBUTES = re.compile(
    r"author[\w-]*name|byline[\w-]*name|byline__author|AuthorCard|AuthorURL",
    re.IGNORECASE,
)
MAX_AUTHORS = 4
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
# Attributes that name what an element is, and the words in them that mark a byline.
MARK_ATTRIBUTES = ("class", "id", "rel", "itemprop", "data-testid", "data-component")
AUTHOR_MARK = re.compile(r"author|byline|writer|autor|avtor|journalist|reporter|screenname|byl", re.IGNORECASE)
# "uthor" and "utor" catch author/Author/autor/Autor/avtor's neighbours; "yline" byline/Byline; "riter" writer.
AUTHOR_MARKED_XPATH = (
    ".//*[contains(@class, 'uthor') or contains(@class, 'utor') or contains(@class, 'vtor')"
    " or contains(@class, 'yline')"
    " or contains(@class, 'riter') or contains(@id, 'uthor') or contains(@itemprop, 'uthor') or contains(@rel, 'uthor')"
    " or contains(@data-testid, 'uthor')]"
)
AUTHOR_CLASS_XPATH = ".//*[contains(@class, 'uthor') or contains(@class, 'UTHOR')]"
PROFILE_LINK_XPATH = (
    ".//a["
    + " or ".join(
        f"contains(@href, '/{p}')" for p in ("author", "user", "u/", "profile", "avtor", "autor", "journalist")
    )
    + "]"
)
LABEL_TAGS = ("span", "div", "p", "h2", "h3", "h4", "h5", "dt", "strong", "b", "em", "small", "label")
AUTHOR_LABEL_ALONE = re.compile(
    r"^(?:authors?|autor(?:in|en)?|автор[ыа]?|written by|article by|posted by|by|von|par|por|от|текст)\s*:?$",
    re.IGNORECASE,
)
AUTHOR_BOX = re.compile(r"author[-_]?(?:bio|box|info|card|profile)")
AUTHOR_LABEL = re.compile(r"^(?:автор[ыа]?|текст|authors?|by|von)\s*[:—-]", re.IGNORECASE)
AUTHOR_NOT = re.compile(r"comment|avatar|image|img|photo|bio|about|description|date|time|share|social", re.IGNORECASE)


def _ld_authors(value: object) -> tuple[list[str], list[str]]:
    """JSON-LD author entries split into persons and organizations (by @type)."""
    people: list[str] = []
    organizations: list[str] = []
    for entry in value if isinstance(value, list) else [value]:
        found = names(entry)
        kind = str(entry.get("@type", "")) if isinstance(entry, dict) else ""
        (organizations if "Organization" in kind or "Corporation" in kind else people).extend(found)
    return people, organizations


def _byline(ctx: Context, sites: list[str], site_named: list[str]) -> Found | None:
    """A byline on the page, strongest signal first: an element whose class says author *name*; a short
    line in the article with an author/byline class or label ("By", "Автор:"); any element whose class,
    id, rel or itemprop says author; a link to an author's profile page; a labelled byline in a block that
    pruning dropped. A byline that names the site itself goes to `site_named` (a fallback)."""

    def accept(value: str, strict: bool = True, handle: bool = True) -> bool:
        """`strict`: the words must be name-shaped (else one capitalised word will do); `handle`: a lone
        lower-case user handle may pass (not for a line that only starts with "by")."""
        if not value or re.search(r"\d{2}", value) or is_job_title(value):
            return False
        if not (name_shaped(value) or (not strict and value[:1].isupper())) or (not handle and value[:1].islower()):
            return False
        if same_as_site(value, sites) or looks_like_organization(value):
            site_named.append(value)
            return False
        return True

    # One pass finds the few elements whose attributes mention an author; the passes below sort them. An
    # author in a teaser card ("Лев Пономарев: О незаконной…" in a list of other posts) is that post's.
    own_path, verdicts = urlsplit(_page_url(ctx)).path, ctx.page_cache.setdefault("teaser verdicts", {})
    marked = [el for el in _author_marked(ctx.root) if not _in_teaser(el, own_path, verdicts)]
    in_scope = [el for el in marked if _inside(el, ctx.scope)]
    names_found: list[str] = []
    for candidates in (in_scope, marked):
        container: etree._Element | None = None
        for element in candidates:
            if not (AUTHOR_NAME_ATTRIBUTES.search(_attribute_words(element)) or "author" in (element.get("rel") or "")):
                continue
            # Co-authors sit together; author names further on belong to other articles' teasers.
            if container is not None and not _inside(element, container):
                continue
            text = element_text(element) if not _bigger_than(element, 12) else ""
            value = clean_byline(text) if len(text) <= 80 else ""
            if accept(value) and value not in names_found:
                names_found.append(value)
                parent = element.getparent()
                container = parent.getparent() if parent is not None and container is None else container
                if candidates is marked or len(names_found) == MAX_AUTHORS:
                    break
        if names_found:
            return _split_names(names_found), "html:author-name"
    for element, text in ctx.short_texts(limit=120):
        by_class = AUTHOR_CLASS.search(class_words(element)) or "author" in (element.get("rel") or "")
        if by_class or AUTHOR_PREFIX.match(text):
            value = _name_in(element, text)
            if accept(value, strict=False, handle=bool(by_class)):
                ctx.used.append(element)
                return _split_names([value]), "html:byline"
    for element in marked:
        words = _attribute_words(element)
        if not AUTHOR_ATTRIBUTES.search(words) or AUTHOR_NOT.search(words) or _bigger_than(element, 12):
            continue
        text = element_text(element)
        if text and len(text) <= 120 and accept(value := _name_in(element, text)):
            return _split_names([value]), "html:author-element"
    # A label on its own ("Author", "By", "Автор") and the name in the element after it, in the article
    # first. A label is a leaf: reading only its own text keeps this pass cheap on big pages.
    labels = [
        el
        for el in ctx.root.iter(*LABEL_TAGS)
        if not len(el) and el.text and len(el.text) < 40 and AUTHOR_LABEL_ALONE.match(el.text.strip())
    ]
    for element in [el for el in labels if _inside(el, ctx.scope)] + labels:
        following = element.getnext()
        if following is not None and accept(value := clean_byline(element_text(following))):
            return _split_names([value]), "html:byline-label"
    # An author box names its author in its heading (the rest is the biography).
    for element in marked:
        if AUTHOR_BOX.search(class_words(element)):
            heading = next(element.iterdescendants("h2", "h3", "h4", "h5", "strong", "b"), None)
            if heading is not None and accept(value := clean_byline(element_text(heading))):
                return _split_names([value]), "html:author-box"
    # A link to the author's profile page ("/users/name/", "/authors/name"), in the article first.
    links = ctx.root.xpath(PROFILE_LINK_XPATH)
    for link in [a for a in links if _inside(a, ctx.scope)] + links:
        # A list of profile links is a staff directory or a menu, not a byline.
        if PROFILE_HREF.search(link.get("href") or "") and not link.xpath("ancestor::li"):
            value = clean_byline(element_text(link))
            if not any(is_account(w) for w in value.split()) and accept(value):
                return _split_names([value]), "html:profile-link"
    # A labelled byline ("Авторы: ...") in a block that pruning dropped (layout classes can look like
    # boilerplate); the label makes it safe to read outside the article.
    for element in ctx.full.xpath(AUTHOR_CLASS_XPATH) if ctx.full is not None else ():
        if element.tag not in ("div", "p", "span") or not AUTHOR_CLASS.search(class_words(element)):
            continue
        text = element_text(element) if not _bigger_than(element, 12) else ""
        value = clean_byline(text) if len(text) <= 120 and AUTHOR_LABEL.match(text) else ""
        if accept(value, strict=False):
            return _split_names([value]), "html:byline (outside the article)"
    return None


def _attribute_words(element: etree._Element) -> str:
    return " ".join(element.get(a, "") for a in MARK_ATTRIBUTES)


def _author_marked(root: etree._Element) -> list[etree._Element]:
    """The elements whose class, id, rel, itemprop or test id mentions an author or byline, in page order.
    XPath picks the few candidates in C (a Python loop over every element costs milliseconds on big pages)."""
    return [el for el in root.xpath(AUTHOR_MARKED_XPATH) if AUTHOR_MARK.search(_attribute_words(el))]


def _inside(element: etree._Element, container: etree._Element) -> bool:
    return element is container or any(a is container for a in element.iterancestors())


def _bigger_than(element: etree._Element, size: int) -> bool:
    """More than `size` elements inside (counted lazily: a page-wide container costs no more than a leaf)."""
    return sum(1 for _ in zip(range(size + 1), element.iterdescendants(), strict=False)) > size


def _name_in(element: etree._Element, text: str) -> str:
    """The name(s) in a byline element: the texts of links or spans inside it that are only names ("By
    <a>Will Judd</a>, Former Deputy Editor"; "By <a>A</a> and <a>B</a>"), else the cleaned line."""
    found: list[str] = []
    for inner in element.iterdescendants("a", "span", "strong", "b"):
        value = clean_byline(element_text(inner))
        if value and name_shaped(value) and len(value.split()) >= 2 and not is_job_title(value) and value not in found:
            found.append(value)
    # A span holding "A und B" around the links <a>A</a>, <a>B</a>: the single names, not the pair.
    found = [v for v in found if not any(other != v and other in v for other in found)]
    return ", ".join(found[:MAX_AUTHORS]) if found else clean_byline(re.split(r"\s+[·|•]\s+", text)[0])


def _signed(ctx: Context) -> Found | None:
    """A name signed under the text: the last short block after the article's paragraphs that is only a
    person's name ("Мария КОЧНЕВА", "Ксения Мукеева, председатель клуба")."""
    if not any(CYRILLIC.search(text) for _, text, _ in ctx.short_text_index[:40]):
        return None  # the signature shape is a Russian convention (see people.SIGNATURE)
    long_seen = False
    found = ""
    for element in ctx.scope.iter("p", "div"):
        if element.tag == "div" and _bigger_than(element, 20):
            continue
        raw = element.text_content()
        if len(raw) >= 200 and element.tag == "p":
            long_seen, found = True, ""
            continue
        if not long_seen or len(raw) > 120:
            continue
        first_piece = next((t for t in element.itertext() if t.strip()), "")
        found = signature(first_piece) or signature(raw) or found
    return ([found], "text-pattern:signature") if found else None


def tags(ctx: Context) -> Found | None:
    from_rule = [element_text(el) for el in ctx.rule_elements("tags")]
    if from_rule:
        return _unique(from_rule), ctx.rule_via("tags")
    in_meta = ctx.markup.meta.get("article:tag")
    if in_meta:
        return _unique(in_meta), "meta:article:tag"
    keywords = ctx.markup.ld("keywords")
    if keywords:
        values = keywords if isinstance(keywords, list) else str(keywords).split(",")
        return _unique([str(v) for v in values]), "json-ld:keywords"
    links = ctx.scope.xpath(".//a[contains(concat(' ', @rel, ' '), ' tag ')][not(contains(@rel, 'category'))]")
    if links:
        ctx.used.extend(links)
        return _unique([element_text(a) for a in links]), "html:rel=tag"
    for element in ctx.scope.iter(etree.Element):
        if TAGS_CLASS.search(class_words(element)):
            values = [element_text(a) for a in element.iter("a")]
            if values:
                ctx.used.append(element)
                return _unique(values), "html:tags-element"
    return None


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        value = clean_line(value).strip(" .,;#")
        if value:
            seen.setdefault(value.casefold(), value)
    return list(seen.values())


def _split_names(values: list[str]) -> list[str]:
    """ "Tom Alvarez and Nina Patel" is two authors; "Staff and wire reports" is one byline."""
    names = []
    for value in values:
        parts = re.split(r",\s*|\s+(?:и|and)\s+", clean_line(value))
        names.extend(parts if all(p[:1].isupper() for p in parts) else [clean_line(value)])
    return _unique(names)
