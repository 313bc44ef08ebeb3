"""One function per metadata field. Each tries its sources in order of trust and says which one answered:
site rule, then JSON-LD, then <meta>, then microdata, then page elements, then text patterns."""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from lxml import etree

from workers.normalize.credits import (
    credit_from_text,
    credit_lines_in_paragraphs,
    credits_in_json_ld,
    credits_in_scope,
)
from workers.normalize.dates import parse_date_text, parse_iso
from workers.normalize.markup import Markup, itemprop_values, names
from workers.normalize.rules import RuleVersion
from workers.normalize.scope import ShortText, class_words, scan_short_texts, within
from workers.normalize.text import clean_line, element_text
from workers.normalize.views import VIEWS_WORDS, parse_counter, parse_views

PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
                  "date", "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date")  # fmt: skip
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")
DATE_CLASS = re.compile(r"date|time|publish|posted|pubdate|created")
MODIFIED_LABEL = re.compile(
    r"^(?:обновлено|обновлен[аоы]?|изменено|последнее обновление|updated|last updated|modified)\b", re.IGNORECASE
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
RUBRIC_CLASS = re.compile(r"rubric|category|section|kicker|eyebrow|overline|supertitle|tag-?line|label|cat\b")
# Sections every site has: kept only when nothing names the real one ("Новости" vs "Экономика").
GENERIC_RUBRICS = {"новости", "news", "главная", "главная страница", "home", "homepage", "статьи", "articles",
                   "публикации", "материалы", "лента", "лента новостей", "все новости", "latest news", "stories",
                   "все материалы", "архив", "archive", "архив новостей", "article", "posts", "all posts",
                   "all articles", "blog index", "all news", "index"}  # fmt: skip
# Link texts that are navigation, not a section: "< Back to All Articles", "Назад", "Контакты", "Подробнее".
NOT_RUBRIC = re.compile(
    r"^\W*(?:back\b|go back|return|назад|вернуться|к списку|contact|контакты|about us|о нас|о проекте|subscribe|подпис"
    r"|log ?in|sign ?in|войти|вход|регистрац|search|поиск|menu|меню|read more|подробнее|далее|next|previous|следующ"
    r"|предыдущ|über uns|impressum)",
    re.IGNORECASE,
)
HOME_WORDS = {"главная", "главная страница", "home", "homepage", "на главную", "начало", "startseite", "accueil",
              "inicio"}  # fmt: skip
BREADCRUMB_NAME = re.compile(
    r"bread-?crumb|crumbs|crumb[-_]?trail|(?:^|[-_\s])crumb(?:$|[-_\s])|^pathway\b", re.IGNORECASE
)  # not "cherry-crumb-pie"
# Links to a section listing: /category/x, /rubrics/x, /hub/x, Drupal's /taxonomy/term/N.
SECTION_HREF = re.compile(r"/(?:category|categories|rubrics?|sections?|hubs?|taxonomy/term)/[^/?#]+/?$", re.I)
ACTIVE_CLASS = re.compile(r"(?:^|[-_\s])(?:active|selected|current(?:-menu-(?:item|parent|ancestor)|-post-ancestor)?)"
                          r"(?:$|[-_\s])", re.IGNORECASE)  # fmt: skip
MENU_CLASS = re.compile(r"menu|nav|rubric", re.IGNORECASE)  # <ul> of a site's menu
TRAIL_SEPARATORS = re.compile(r"^[\s/»>→|·•:\\›-]*$")
URL_NOT_SECTIONS = {"ru", "rus", "en", "eng", "ua", "uk", "ukr", "by", "bel", "kz", "de", "fr", "es", "it", "amp", "m",
                    "mobile", "www", "lang"}  # fmt: skip
# First URL segments that hold every kind of article (an archive, a content type), not a section.
URL_BUCKETS = {"archive", "archives", "arch", "node", "post", "posts", "p", "article", "articles", "story", "stories",
               "content", "item", "items", "view", "show", "material", "materials", "publication", "publications",
               "doc", "docs", "a", "id", "read"}  # fmt: skip
HEADER_MAX_CHARS = 6000
LANGUAGE_NAMES = {"english", "deutsch", "русский", "українська", "беларуская", "français", "español", "italiano",
                  "arabic", "العربية", "中文", "日本語", "português", "polski", "türkçe", "қазақша", "english version",
                  "english edition", "eng", "рус", "укр"}  # fmt: skip
NEAR_HEADLINE_LEVELS = 4  # the headline's ancestor that bounds "near the headline"
LINK_LIST_MIN = 8  # links under one parent from which on it is a menu or topic list (an article's tags are fewer)
AFTER_ARTICLE_MAX_CHARS = 2500
TAGS_CLASS = re.compile(r"tags|keywords|теги|topics")


@dataclass
class Chrome:
    """What the page shows around the article, read BEFORE boilerplate pruning (which drops nav, breadcrumbs
    and scripts): breadcrumb trails, links to the URL's own section, the active menu item, the last section
    link printed before the headline."""

    trails: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (via, [(text, href)])
    section_links: list[str] = field(default_factory=list)
    active_menu: list[str] = field(default_factory=list)
    before_headline: list[str] = field(default_factory=list)
    menu_paths: set[str] = field(default_factory=set)  # paths the site's menus link to (its sections)
    shaped_trails: list[list[tuple[str, str]]] = field(default_factory=list)  # trails found by shape only


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
    for element in ctx.scope.iter("h1"):
        text = element_text(element)
        if text:
            return text, "html:h1"
    headline = ctx.markup.ld("headline")
    if isinstance(headline, str) and headline.strip():
        return clean_line(headline), "json-ld:headline"
    found = ctx.markup.first_meta("og:title", "twitter:title")
    if found:
        return clean_line(found[1]), f"meta:{found[0]}"
    text = ctx.root.findtext(".//title")
    if text and text.strip():
        return re.split(r"\s+[|—–-]\s+", clean_line(text))[0], "html:title"
    return None


def published(ctx: Context) -> Found | None:
    return _timestamp(ctx, "published", "datePublished", PUBLISHED_META, modified=False)


def modified(ctx: Context) -> Found | None:
    return _timestamp(ctx, "modified", "dateModified", MODIFIED_META, modified=True)


def _timestamp(ctx: Context, rule_name: str, ld_key: str, meta_keys: tuple[str, ...], modified: bool) -> Found | None:
    for element in ctx.rule_elements(rule_name):
        value = _rule_date(ctx, element_text(element) or element.get("datetime", ""))
        if value:
            ctx.used.append(element)
            return value, ctx.rule_via(rule_name)
    raw = ctx.markup.ld(ld_key)
    if isinstance(raw, str) and (value := parse_iso(raw, ctx.zone)):
        return value, f"json-ld:{ld_key}"
    for key in meta_keys:
        for raw in ctx.markup.meta.get(key, ()):
            if value := parse_iso(raw, ctx.zone):
                return value, f"meta:{key}"
    for element, raw in itemprop_values(ctx.root, ld_key):
        if value := parse_iso(raw, ctx.zone):
            ctx.used.append(element)
            return value, f"microdata:{ld_key}"
    return _printed_date(ctx, modified)


def _printed_date(ctx: Context, modified: bool) -> Found | None:
    """A <time datetime> or a printed date near the headline. Text dates inside paragraphs are not read:
    "переговоры прошли 29 октября" is not a publication date."""
    candidates: list[tuple[bool, etree._Element, str]] = []
    for element, text in ctx.short_texts():
        labelled_modified = bool(MODIFIED_LABEL.match(text))
        if labelled_modified != modified:
            continue
        if element.tag == "time" and element.get("datetime"):
            value = parse_iso(element.get("datetime", ""), ctx.zone)
            if value:
                ctx.used.append(element)
                return value, "html:time[datetime]"
        dated = bool(DATE_CLASS.search(class_words(element)))
        if element.tag != "p" or dated:
            candidates.append((dated, element, MODIFIED_LABEL.sub("", text)))
    # A dated element first (class says date/time), then any short line that holds a date.
    candidates.sort(key=lambda c: not c[0])
    for dated, element, text in candidates:
        found = parse_date_text(text, zone=ctx.zone, now=ctx.fetched_at, fallback=dated)
        if found:
            ctx.used.append(element)
            suffix = "" if found.has_time else " (date only)"
            return found.value, f"text-pattern:{found.pattern}{suffix}"
    return None


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
    found = _views_on_page(ctx.short_texts(limit=60), strict=False)
    for block in () if found else _blocks_after(ctx.scope):
        found = _views_on_page(within(scan_short_texts(block), 60), strict=True)
        if found:
            break
    if found is None:
        return None
    ctx.used.append(found[2])
    return found[0], found[1]


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
    from_rule = [element_text(el) for el in ctx.rule_elements("authors")]
    if from_rule:
        return _split_names(from_rule), ctx.rule_via("authors")
    in_ld = names(ctx.markup.ld("author"))
    if in_ld:
        return _split_names(in_ld), "json-ld:author"
    for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author"):
        values = [v for v in ctx.markup.meta.get(key, ()) if v.strip() and not v.startswith("http")]
        if values:
            return _split_names(values), f"meta:{key}"
    in_microdata = []
    for element, raw in itemprop_values(ctx.scope, "author"):
        name = next((v for _, v in itemprop_values(element, "name")), raw)
        in_microdata.append(name)
        ctx.used.append(element)
    if in_microdata:
        return _split_names(in_microdata), "microdata:author"
    for element, text in ctx.short_texts(limit=80):
        if (
            AUTHOR_CLASS.search(class_words(element))
            or "author" in (element.get("rel") or "")
            or AUTHOR_PREFIX.match(text)
        ):
            value = re.split(r"\s+[·|•]\s+", AUTHOR_PREFIX.sub("", text))[0]
            if value and len(value) <= 60 and not re.search(r"\d{2}", value):
                ctx.used.append(element)
                return _split_names([value]), "html:byline"
    return None


def rubric(ctx: Context) -> Found | None:
    """The section the article is filed in. Structured data first, then breadcrumbs, then page elements; a
    generic section ("Новости") only when nothing names a real one."""
    for element in ctx.rule_elements("rubric"):
        ctx.used.append(element)
        return element_text(element), ctx.rule_via("rubric")
    generic: Found | None = None
    for raw, via, element in _rubric_candidates(ctx):
        value = _tidy_rubric(raw)
        if not value:
            continue
        if value.casefold() in GENERIC_RUBRICS or value.casefold() in HOME_WORDS:
            generic = generic or (value, via)
            continue
        if element is not None:
            ctx.used.append(element)
        return value, via
    return generic


def _rubric_candidates(ctx: Context) -> Iterator[tuple[str, str, etree._Element | None]]:
    section = ctx.markup.ld("articleSection")
    for value in section if isinstance(section, list) else [section]:
        if isinstance(value, str):
            yield value, "json-ld:articleSection", None
    for value in ctx.markup.meta.get("article:section", ()):
        yield value, "meta:article:section", None
    for element, raw in itemprop_values(ctx.root, "articleSection"):
        yield raw, "microdata:articleSection", element
    for via, items in ctx.chrome.trails:
        for text, _href in items:
            yield text, via, None
    # The URL says the section (/politics/20171024/…) and a link to /politics names it.
    for text in ctx.chrome.section_links:
        yield text, "url:section-link", None
    for link in ctx.scope.xpath(".//a[contains(concat(' ', @rel, ' '), ' category ')]"):
        yield element_text(link), "html:rel=category", link
    for element, text in ctx.short_texts(limit=40):
        if RUBRIC_CLASS.search(class_words(element)) and not re.search(r"\d", text) and not credit_from_text(text)[0]:
            yield text, "html:rubric-element", element
    links = [(a, _split(a.get("href") or "").path.rstrip("/")) for a in ctx.scope.iter("a")]
    sections = []
    for link, path in links:
        rel = (link.get("rel") or "").split()
        if SECTION_HREF.search(path) and ("tag" not in rel or "category" in rel or path in ctx.chrome.menu_paths):
            sections.append(link)
    # A section link the site's menu also lists is the rubric (Drupal prints author and tag terms alike).
    for link, path in links:
        if path in ctx.chrome.menu_paths and SECTION_HREF.search(path) and not _in_link_list(link):
            yield element_text(link), "html:section-link", link
    for text in ctx.chrome.before_headline:
        yield text, "html:section-link-before-headline", None
    for link in sections:
        if not _in_link_list(link):
            yield element_text(link), "html:section-link", link
    for items in ctx.chrome.shaped_trails:
        for text, _href in items:
            yield text, "html:breadcrumb-shape", None
    for text in ctx.chrome.active_menu:
        yield text, "html:active-menu-item", None


def _tidy_rubric(text: str) -> str:
    text = clean_line(text)
    if text.endswith(":") or NOT_RUBRIC.match(text):
        return ""  # "Filed Under:", "Topic:" label a value; they are not one
    value = text.strip(" ,.;:|/»>•·")
    if len(value) > 60 or not re.search(r"[^\W\d_]", value) or credit_from_text(value)[0] is not None:
        return ""
    return value


def read_chrome(root: etree._Element, url: str) -> Chrome:
    """Rubric evidence from the untouched page (call before drop_boilerplate): a few XPaths and one pass over
    the links, no text of the whole page."""
    chrome = Chrome()
    page = _split(url or "")
    chrome.trails.extend(("json-ld:BreadcrumbList", items) for items in _ld_trails(root, page))
    sections = _url_sections(page.path)
    menu_hrefs = chrome.menu_paths
    passed_headline = False
    before_block: etree._Element | None = None
    before: list[tuple[str, etree._Element, bool]] = []  # (text, link, href names a section)
    section_links: list[tuple[int, str, str]] = []
    home_paths: set[str] = set()
    home_names = HOME_WORDS | _site_names(root)
    # Whole-page XPaths with attribute tests cost milliseconds on big pages: menus and trails are found from
    # the links instead (lxml filters the tags in C).
    in_menus = {a for nav in root.iter("nav") for a in nav.iter("a")}
    in_menus.update(a for ul in root.iter("ul") if MENU_CLASS.search(_names(ul)) for a in ul.iter("a"))
    holders: dict[etree._Element, etree._Element | None] = {}  # a link's parent -> the trail around it
    trails: dict[etree._Element, bool] = {}  # trail element -> is schema.org microdata
    for element in root.iter("a", "h1", "li"):
        if element.tag == "h1":
            if not passed_headline:
                # A link that only shares its path with a menu item must sit near the headline (the article's
                # info line, not a header button or a mobile menu); a /category/ link may sit anywhere above.
                area = next(itertools.islice(element.iterancestors(), NEAR_HEADLINE_LEVELS - 1, None), None)
                chrome.before_headline = [
                    text for text, link, named in before if named or (area is not None and _inside(link, area))
                ]
            passed_headline = True
            continue
        if element.tag == "li":
            link = next(element.iter("a"), None) if ACTIVE_CLASS.search(element.get("class") or "") else None
            if link is not None and link in in_menus and _menu_item_name(text := _quick_text(link)):
                chrome.active_menu.append(text)
            continue
        parent = element.getparent()
        if parent is not None:
            if parent not in holders:
                holders[parent] = _trail_holder(parent)
            holder = holders[parent]
            if holder is None and BREADCRUMB_NAME.search(element.get("class") or ""):
                holder = parent  # the links themselves are named: `<a class="breadcrumb">`
            if holder is not None and holder not in trails:
                trails[holder] = "breadcrumblist" in (holder.get("itemtype") or "").lower()
        href = (element.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        path, query = _local_path(href, url, page.netloc)
        if path is None:
            continue  # another site
        text = _quick_text(element)
        if not path and not query:
            trail = _shaped_trail(element, page) if text else []
            if trail:
                chrome.shaped_trails.append(trail)
            continue
        if text.casefold() in home_names or "logo" in class_words(element):
            home_paths.add(path)  # the site's home (a logo, "Главная"), also when the site lives under a path
            continue
        if not text or len(text) > 40:
            continue
        if path.lower() in sections and not query:
            section_links.append((sections.index(path.lower()), path, text))
        in_menu = element in in_menus
        if in_menu:
            menu_hrefs.add(path)
        elif (
            not passed_headline
            and (SECTION_HREF.search(path + "/") or path in menu_hrefs)
            and not _in_link_list(element)
        ):
            # The last block of section links before the headline is the article's ("Политика > События дня"),
            # the ones above it are the site's.
            block = _block(element)
            if block is not before_block:
                before, before_block = [], block
            before.append((text, element, bool(SECTION_HREF.search(path + "/"))))
        if in_menu and ACTIVE_CLASS.search(element.get("class") or "") and _menu_item_name(text):
            chrome.active_menu.append(text)
    chrome.trails.extend(
        ("microdata:BreadcrumbList", items) for holder, micro in trails.items() if micro
        for items in [_microdata_trail(holder, page)] if items is not None
    )  # fmt: skip
    for holder, micro in trails.items():
        links = [(element_text(a), a.get("href") or "", False) for a in holder.iter("a")]
        if not micro and 1 <= len(links) <= 8:
            chrome.trails.append(("html:breadcrumbs", _trail_items(links, page)))
    # A path linked under several names ("Авто", "Спорт" -> /news/) is a catch-all, not the article's section.
    names: dict[str, set[str]] = {}
    for _, path, text in section_links:
        names.setdefault(path, set()).add(_tidy_rubric(text).casefold())
    section_links.sort(key=lambda found: found[0])
    chrome.section_links = [text for _, path, text in section_links if path not in home_paths and len(names[path]) == 1]
    return chrome


def _names(element: etree._Element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''} {element.get('aria-label') or ''}"


def _trail_holder(parent: etree._Element) -> etree._Element | None:
    """The breadcrumb trail (schema.org BreadcrumbList, or a class/id/aria-label naming crumbs) around a link:
    its parent or grandparent, the outer one when both are named (`ol.breadcrumb > li.breadcrumb__item > a`)."""
    found = None
    for candidate in (parent, parent.getparent()):
        if candidate is None or candidate.tag in ("body", "html"):
            break
        if "breadcrumblist" in (candidate.get("itemtype") or "").lower() or BREADCRUMB_NAME.search(_names(candidate)):
            found = candidate
    return found


def _microdata_trail(holder: etree._Element, page: Any) -> list[tuple[str, str]] | None:
    items = []
    for item in holder.xpath(".//*[contains(@itemprop, 'itemListElement')]"):
        name = next((v for _, v in itemprop_values(item, "name")), "") or element_text(item)
        href = next(iter(item.xpath(".//a/@href | .//*[@itemprop='item']/@href")), "")
        active = any(ACTIVE_CLASS.search(e.get("class") or "") for e in item.iter(etree.Element))
        items.append((clean_line(name), str(href), active))
    if any(active for *_, active in items):
        items = [i for i in items if i[2]]  # a whole menu marked up as a trail: its active item
    elif len(items) > 6:
        return None
    return _trail_items(items, page)


def _menu_item_name(text: str) -> bool:
    """An active menu item that can name a section: not a tab with a count ("Комментарии 4"), not a language
    switch ("en", "Deutsch", "Русский")."""
    return 4 <= len(text) <= 40 and not re.search(r"\d", text) and text.casefold() not in LANGUAGE_NAMES


def _inside(element: etree._Element, area: etree._Element) -> bool:
    return any(ancestor is area for ancestor in element.iterancestors())


def _quick_text(element: etree._Element, limit: int = 80) -> str:
    """A link's text with whitespace folded, or "" past `limit` characters (a teaser card, not a name): cheaper
    than element_text for the hundreds of links of a page."""
    parts, size = [], 0
    for part in element.itertext():
        size += len(part)
        if size > limit:
            return ""
        parts.append(part)
    return " ".join("".join(parts).split())


def _local_path(href: str, url: str, host: str) -> tuple[str | None, str]:
    """(path without trailing slash, query) of a link on this site; path None for another site. Site-relative
    and absolute links are cut by hand: urljoin on every link of a page costs more than the rest of the loop."""
    if href.startswith(("http://", "https://", "//")):
        netloc, _, rest = href.split("//", 1)[1].partition("/")
        if host and netloc.lower() != host.lower():
            return None, ""
        href = "/" + rest
    if href.startswith("/") and not href.startswith("//"):
        path, _, query = href.partition("#")[0].partition("?")
        return path.rstrip("/"), query
    target = _split(href, url)
    if target.scheme not in ("http", "https", "") or (target.netloc and host and target.netloc != host):
        return None, ""
    return target.path.rstrip("/"), target.query


def _split(href: str, base: str = "") -> SplitResult:
    """urlsplit that never raises: pages carry hrefs such as `http://[ccpa-preferences]`."""
    try:
        return urlsplit(urljoin(base, href) if base else href)
    except ValueError:
        return urlsplit("")


def _site_names(root: etree._Element) -> set[str]:
    """The site's own name (og:site_name, the <title>'s suffix): a link with that text goes home."""
    head = root.find("head")
    if head is None:
        return set()
    found = {
        (m.get("content") or "").strip().casefold() for m in head.iter("meta") if m.get("property") == "og:site_name"
    }
    title = head.findtext("title") or ""
    parts = re.split(r"\s+[|—–-]\s+", clean_line(title))
    if len(parts) > 1:
        found.update({parts[0].casefold(), parts[-1].casefold()})
    return {name for name in found if name}


def _ld_trails(root: etree._Element, page: Any) -> Iterator[list[tuple[str, str]]]:
    for script in root.iter("script"):
        if script.get("type") != "application/ld+json" or "BreadcrumbList" not in (script.text or ""):
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if item.get("@type") == "BreadcrumbList" and isinstance(item.get("itemListElement"), list):
                    yield _trail_items(
                        [(_ld_name(e), _ld_href(e), False) for e in item["itemListElement"] if isinstance(e, dict)],
                        page,
                    )
                else:
                    stack.extend(v for v in item.values() if isinstance(v, (list, dict)))


def _ld_name(entry: dict[str, Any]) -> str:
    target = entry.get("item")
    name = entry.get("name") or (target.get("name") if isinstance(target, dict) else None)
    return clean_line(html.unescape(str(name))) if name else ""  # "Tips &amp; Tools" is escaped twice


def _ld_href(entry: dict[str, Any]) -> str:
    target = entry.get("item")
    return str(target.get("@id") or "") if isinstance(target, dict) else str(target or "")


def _trail_items(items: list[tuple[str, str, bool]], page: Any) -> list[tuple[str, str]]:
    """A trail without its home link and without the article itself (the last item, when it has no link
    or links to the page)."""
    kept = []
    for index, (text, href, _active) in enumerate(items):
        target = _split(href)
        path = target.path.rstrip("/")
        if not text or text.casefold() in HOME_WORDS or (href and path == "" and not target.query):
            continue
        if index == len(items) - 1 and len(items) > 1 and (not href or (page and path == page.path.rstrip("/"))):
            continue
        if index == 0 and len(items) > 2 and not href:
            continue
        kept.append((text, href))
    return kept


def _shaped_trail(home: etree._Element, page: Any) -> list[tuple[str, str]]:
    """A home link followed by section links with only separators between them ("Главная / Новости / Спорт")
    is a breadcrumb trail, whatever its class."""
    container = home.getparent()
    if container is not None and container.tag == "li":
        container = container.getparent()
    if container is None:
        return []
    links = list(container.iter("a"))
    if not 2 <= len(links) <= 7 or links[0] is not home:
        return []
    rest = container.text_content()
    for link in links:
        rest = rest.replace(link.text_content(), "", 1)
    if len(rest) > 40 or not TRAIL_SEPARATORS.match(rest) or not re.search(r"[/»>→|›]", rest):
        return []
    return _trail_items([(element_text(a), a.get("href") or "", False) for a in links], page)


def _block(element: etree._Element) -> etree._Element | None:
    for ancestor in element.iterancestors():
        if ancestor.tag not in ("a", "b", "strong", "span", "em", "i", "li", "small", "font"):
            return ancestor
    return None


def _in_link_list(link: etree._Element) -> bool:
    """A link among many siblings is a menu or a topic list, not the article's own section link."""
    parent = link.getparent()
    if parent is not None and parent.tag == "li":
        parent = parent.getparent()
    return parent is not None and len(parent.xpath("./a | ./*/a")) >= LINK_LIST_MIN


def _url_sections(path: str) -> list[str]:
    """/politics/20171024/1507454680.html -> ["/politics"]; /site/news/avto/123.html -> ["/site", "/site/news",
    "/site/news/avto"]: the path's folders, shallow first, up to a date, an id or a content bucket."""
    parts = [p.lower() for p in path.split("/") if p][:-1]
    prefix, found = "", []
    while parts and parts[0] in URL_NOT_SECTIONS:  # /rus/articles/…, /amp/politics/…
        prefix += "/" + parts.pop(0)
    for part in parts:
        if part.isdigit() or "." in part or part in URL_BUCKETS:
            break
        prefix += "/" + part
        found.append(prefix)
    return found


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
