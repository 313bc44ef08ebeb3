"""The section an article is filed in, and the page chrome that names it.

The chrome (breadcrumbs, menus, links to the URL's own section, the active menu item) is read from the
page BEFORE boilerplate pruning drops it (`read_chrome`, called by page.py); `rubric` then weighs it with
the structured data and the article's own elements.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urljoin, urlsplit

from lxml import etree

from workers.normalize.credits import credit_from_text
from workers.normalize.markup import Markup, itemprop_values
from workers.normalize.scope import class_words
from workers.normalize.text import clean_line, element_text

if TYPE_CHECKING:
    from workers.normalize.fields import Context, Found

RUBRIC_CLASS = re.compile(r"rubric|category|section|kicker|eyebrow|overline|supertitle|tag-?line|label|cat\b")
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
LANGUAGE_NAMES = {"english", "deutsch", "русский", "українська", "беларуская", "français", "español", "italiano",
                  "arabic", "العربية", "中文", "日本語", "português", "polski", "türkçe", "қазақша", "english version",
                  "english edition", "eng", "рус", "укр"}  # fmt: skip
NEAR_HEADLINE_LEVELS = 4  # the headline's ancestor that bounds "near the headline"
LINK_LIST_MIN = 8  # links under one parent from which on it is a menu or topic list (an article's tags are fewer)


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
        if element.tag == "label" or element.xpath("ancestor::form"):
            continue  # a form's control ("label-rad" of a complaint form's radio button), not page furniture
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


def read_chrome(root: etree._Element, url: str, markup: Markup | None = None) -> Chrome:
    """Rubric evidence from the untouched page (call before drop_boilerplate): a few XPaths and one pass over
    the links, no text of the whole page."""
    chrome = Chrome()
    page = _split(url or "")
    objects = markup.objects if markup else []
    chrome.trails.extend(("json-ld:BreadcrumbList", items) for items in _ld_trails(objects, page))
    sections = _url_sections(page.path)
    menu_hrefs = chrome.menu_paths
    passed_headline = False
    before_block: etree._Element | None = None
    before: list[tuple[str, etree._Element, bool]] = []  # (text, link, href names a section)
    section_links: list[tuple[int, str, str]] = []
    home_paths: set[str] = set()
    home_names = HOME_WORDS | _home_link_names(root)
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


def _home_link_names(root: etree._Element) -> set[str]:
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


def _ld_trails(objects: list[dict[str, Any]], page: Any) -> Iterator[list[tuple[str, str]]]:
    for item in objects:
        if item.get("@type") == "BreadcrumbList" and isinstance(item.get("itemListElement"), list):
            yield _trail_items(
                [(_ld_name(e), _ld_href(e), False) for e in item["itemListElement"] if isinstance(e, dict)], page
            )


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
