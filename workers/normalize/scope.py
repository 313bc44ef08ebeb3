"""Where the article is: boilerplate blocks dropped, then the element that holds the article found.

Everything read from page text (dates, views, credits) is read inside that scope only, after teaser and
related-news blocks are gone, so a teaser's date or view count can never become the article's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree

from workers.normalize.text import clean_line

# Tags that never hold article text.
ALWAYS_DROP_TAGS = ("script", "style", "template", "svg", "object", "embed")
# Tags that usually hold no article text, but some pages use them for the main column, or leave them unclosed
# so that the parser puts the rest of the page inside (a `<button>` that swallows the whole article).
DROP_TAGS = ("nav", "aside", "form", "button", "select", "textarea", "noscript", "iframe")
# <header>/<footer> only outside the article: inside it they carry the date, byline and tags.
PAGE_CHROME_XPATH = "//header[not(ancestor::article)] | //footer[not(ancestor::article)]"

# A class or id made of one of these words (between -, _ or spaces) marks a block that is not the article.
BOILERPLATE_NAME = re.compile(
    r"(?:^|[-_\s])(?:related|relap|teasers?|recommend\w*|popular|most-?read|most-?popular|similar|share|sharing"
    r"|social|subscribe|subscription|newsletters?|comments?|banners?|adfox|advert\w*|ads?|adv|sidebar|promo"
    r"|sponsored|partners?|incut|read-?also|read-?more|see-?also|more-?news|week-?news|widgets?|cookies?"
    r"|paywall|breadcrumbs?|pager|pagination|print|rates|weather|topline)(?:$|[-_\s])",
    re.IGNORECASE,
)
# Headings of blocks that list other articles; the block under such a heading is dropped whole.
RELATED_HEADING = re.compile(
    r"^(?:главные новости.*|читайте (?:также|ещё|еще|по теме).*|похожие (?:новости|материалы|записи|статьи)"
    r"|новости по теме|по теме|материалы по теме|самое (?:читаемое|популярное|обсуждаемое|интересное)"
    r"|популярное|последние новости|другие новости|лента новостей|смотрите также|новости партн[её]ров|главное"
    r"|выбор редакции|related.*|read (?:more|also|next).*|more from.*|more stories|most (?:read|popular|viewed)"
    r"|latest (?:news|stories|headlines)|you (?:may|might) also like|recommended.*|top stories|editor'?s picks"
    r"|comments?(?: \(?\d+\)?)?|комментари[иея](?: \(?\d+\)?)?)[:.]?$",
    re.IGNORECASE,
)
# An inline "read also" line inside the text: the line goes, the text around it stays.
INLINE_PROMO = re.compile(r"^(?:читайте также|читайте по теме|см\. также|read (?:also|more)|see also)\s*[:.—-]",
                          re.IGNORECASE)  # fmt: skip
HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}

SCOPE_XPATHS = (
    "//*[@itemprop='articleBody']/ancestor::article[1]",
    "//article[.//h1]",
    "//*[contains(@itemtype, 'Article')][.//h1]",
    "//*[@itemprop='articleBody']/..",
    "//main[.//h1]",
)
_WHITESPACE = (" ", "\n", "\t", "\r", "\xa0")
LAYOUT_CELL_CHARS = 400
# A block of at least four links side by side, nearly all its text inside them, is a link list.
LINK_ROW_XPATH = "//*[count(a) >= 4]"
LINK_LIST_SHARE = 0.8
NAMED_XPATH = "//body//*[@class or @id]"
_INLINE = {"a", "span", "b", "i", "em", "strong", "time", "small", "sup", "sub", "br", "img", "abbr", "u", "font"}


def drop_boilerplate(root: etree._Element, extra_xpaths: Iterable[str] = ()) -> None:
    """Remove, in place, every block that is not part of any article (see boilerplate_blocks)."""
    drop_non_text(root)
    for element in boilerplate_blocks(root, extra_xpaths):
        remove(element)


def drop_non_text(root: etree._Element) -> None:
    """Remove scripts, styles and embeds: never article text, and they would count as the page's prose."""
    for element in list(root.iter(*ALWAYS_DROP_TAGS)):
        remove(element)


def boilerplate_blocks(root: etree._Element, extra_xpaths: Iterable[str] = ()) -> list[etree._Element]:
    """The blocks that are not part of any article, outermost first. `extra_xpaths` come from site rules and
    are obeyed as written; every other cue (tag, class word, heading) is only a suspicion, and a block that
    holds the article's prose is kept whatever its name says (see ProseGuard). Call drop_non_text first,
    or scripts count as prose."""
    guard = ProseGuard(root.find("body") if root.find("body") is not None else root)
    suspects: list[etree._Element] = []
    suspects.extend(root.iter(*DROP_TAGS))
    suspects.extend(root.xpath(PAGE_CHROME_XPATH))
    boilerplate_names: dict[str, bool] = {}  # a page repeats its class names: each is matched once
    for element in root.xpath(NAMED_XPATH):
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if names not in boilerplate_names:
            boilerplate_names[names] = BOILERPLATE_NAME.search(names) is not None
        if boilerplate_names[names] and not _holds_article(element):
            suspects.append(element)
    for element in root.iter(*HEADING_TAGS, "b", "strong", "div"):
        if element.tag in HEADING_TAGS or len(element) == 0:
            text = clean_line(element.text_content())
            if 0 < len(text) <= 60 and RELATED_HEADING.match(text):
                parent = element.getparent()
                block = parent if parent is not None and not _holds_article(parent) else element
                suspects.append(block if guard.allows(block) else element)
    for element in root.iter("p", "div"):
        # A container whose text starts inside a child block is asked through that child.
        starts_here = (element.text and element.text.strip()) or (len(element) and element[0].tag in _INLINE)
        if starts_here and INLINE_PROMO.match(_text_start(element)):
            suspects.append(element)
    # A row of topic / tag / menu links, whatever its class is called.
    suspects.extend(e for e in root.xpath(LINK_ROW_XPATH) if _is_link_list(e, LINK_LIST_SHARE))
    blocks = guard.screen(_outermost_allowed(suspects, guard))
    for xpath in extra_xpaths:
        blocks.extend(root.xpath(xpath))
    return _outermost(blocks)


def unwrap_layout_tables(root: etree._Element) -> None:
    """Tables used for page layout (old sites, wire services) become plain blocks, so the text extractor reads
    their paragraphs as paragraphs; data tables (short cells) stay tables. A cell that holds paragraphs,
    another table or a long text is layout."""
    for table in reversed(root.xpath("//table")):  # innermost first: an outer table sees its inner verdict
        cells = table.xpath("./tr/td | ./*/tr/td | ./tr/th | ./*/tr/th")
        if not _is_data_grid(table) and any(_is_layout_cell(cell) for cell in cells):
            for part in [table, *table.xpath("./tr | ./*/tr | ./tbody | ./thead | ./tfoot"), *cells]:
                part.tag = "div"


def _is_data_grid(table: etree._Element) -> bool:
    """A grid of at least three rows of the same three or more cells, none holding a table or a long text:
    a comparison or a price list, whose cells may wrap their words in <p>, not a page's columns."""
    rows = table.xpath("./tr | ./*/tr")
    widths = [len(row.xpath("./td | ./th")) for row in rows]
    if len(rows) < 3 or min(widths, default=0) < 3 or max(widths) != min(widths):
        return False
    return not table.xpath(".//td//table | .//th//table") and all(
        len(cell.text_content()) <= LAYOUT_CELL_CHARS for cell in table.xpath(".//td | .//th")
    )


def _is_layout_cell(cell: etree._Element) -> bool:
    if cell.xpath("./p | ./div | ./table | ./ul | ./ol | ./h1 | ./h2 | ./h3 | ./blockquote"):
        return True
    return len(cell.text_content()) > LAYOUT_CELL_CHARS


def _outermost_allowed(suspects: list[etree._Element], guard: ProseGuard) -> list[etree._Element]:
    """The suspects the guard lets go, none inside another: outer ones are judged first, so the blocks
    inside one that goes are never measured."""
    depth = {id(e): sum(1 for _ in e.iterancestors()) for e in suspects}
    going: set[int] = set()
    found = []
    for element in sorted(suspects, key=lambda e: depth[id(e)]):
        if id(element) in going or any(id(a) in going for a in element.iterancestors()):
            continue
        if guard.allows(element):
            going.add(id(element))
            found.append(element)
    return found


def _outermost(elements: list[etree._Element]) -> list[etree._Element]:
    chosen = {id(e) for e in elements}
    found, seen = [], set()
    for element in elements:
        if id(element) in seen or any(id(a) in chosen for a in element.iterancestors()):
            continue
        seen.add(id(element))
        found.append(element)
    return found


class ProseGuard:
    """No single cue may delete the article. Real pages put their article inside `content-sidebar-wrap`,
    `elementor-widget`s, an `<aside>` main column or an ASP.NET `<form>`. A block goes only when it looks
    like what the cue says: little prose (text outside links), or mostly links (teasers, menus), and
    never a large share of the page's prose."""

    MAX_SHARE = 0.4  # of the page's prose
    SMALL = 300  # characters of prose: a caption, a promo line, a "related" box
    LINK_DENSE = 0.5  # share of the block's text inside links
    KEEP_SHARE = 0.3  # of the page's prose that must stay when all suspects go

    def __init__(self, page: etree._Element) -> None:
        self.page_prose = prose_length(page)
        self.limit = self.MAX_SHARE * self.page_prose
        self._lengths: dict[etree._Element, tuple[int, int]] = {}  # a block is often asked twice

    def lengths(self, element: etree._Element) -> tuple[int, int]:
        if element not in self._lengths:
            self._lengths[element] = _text_and_link_lengths(element)
        return self._lengths[element]

    def allows(self, element: etree._Element) -> bool:
        text, linked = self.lengths(element)
        prose = text - linked
        if prose > self.limit:
            return False
        return prose <= self.SMALL or linked >= self.LINK_DENSE * text

    def screen(self, blocks: list[etree._Element]) -> list[etree._Element]:
        """The same for all the blocks together: an article cut into page-builder widgets is many small
        suspects. When they would leave little prose on the page, only the link lists among them go; when
        the page keeps its prose (many small comments under an article), they all go."""
        lengths = [self.lengths(block) for block in blocks]
        removed = sum(text - linked for text, linked in lengths)
        if self.page_prose - removed >= self.KEEP_SHARE * self.page_prose:
            return blocks
        return [
            block for block, (text, linked) in zip(blocks, lengths, strict=True) if linked >= self.LINK_DENSE * text
        ]


def prose_length(element: etree._Element) -> int:
    """Characters of text outside links, whitespace not counted: teaser lists are mostly links, articles
    mostly not."""
    text, linked = _text_and_link_lengths(element)
    return text - linked


def _is_link_list(element: etree._Element, share: float) -> bool:
    text, linked = _text_and_link_lengths(element)
    return linked >= share * text


def _text_and_link_lengths(element: etree._Element) -> tuple[int, int]:
    text = non_space_length(element.text_content())
    linked = sum(non_space_length(a.text_content()) for a in element.iter("a"))
    return text, min(text, linked)


def non_space_length(text: str) -> int:
    # str.count runs in C; a regex substitution per link cost a tenth of the boilerplate pass.
    return len(text) - sum(text.count(space) for space in _WHITESPACE)


def _text_start(element: etree._Element, size: int = 40) -> str:
    """The first `size` characters of the element's cleaned text. Every <p> and <div> of the page is asked,
    so the text is read lazily, piece by piece, until enough non-space characters are in hand (a container's
    whole text would be read once per level of nesting)."""
    pieces: list[str] = []
    found = 0
    for piece in element.itertext():
        pieces.append(piece)
        found += len(piece.strip())
        if found > size:
            break
    return " ".join("".join(pieces).split())[:size]


def remove(element: etree._Element) -> None:
    """Drop an element but keep its tail text (the text after it belongs to its parent)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _holds_article(element: etree._Element) -> bool:
    if element.tag in ("body", "html", "article", "main"):
        return True
    return bool(element.xpath(".//h1 | .//*[@itemprop='articleBody'] | .//article"))


# A paragraph shorter than this is a caption, a button or a date, not prose that says where the article is.
CONTAINER_MIN_PARAGRAPH = 25
# The container must hold this share of the page's paragraph text: a page builder's first section alone is
# not the article.
CONTAINER_MIN_SHARE = 0.8


def text_container(root: etree._Element) -> etree._Element | None:
    """The element whose paragraphs make up the article (as readability scores them: a paragraph's length
    counts for its parent, half for its grandparent), widened until it holds most of the page's paragraph
    text. None where the page already names its article (<article>, <main>) or where only <body> holds it."""
    if root.find(".//article") is not None or root.find(".//main") is not None:
        return None
    lengths: dict[etree._Element, int] = {}
    scores: dict[etree._Element, float] = {}
    for paragraph in root.iter("p"):
        length = len(paragraph.text_content().strip())
        parent = paragraph.getparent()
        if length < CONTAINER_MIN_PARAGRAPH or parent is None:
            continue
        lengths[paragraph] = length
        scores[parent] = scores.get(parent, 0) + length
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0) + length / 2
    if not scores:
        return None
    total = sum(lengths.values())
    best: etree._Element | None = max(scores, key=scores.__getitem__)
    while best is not None and best.tag not in ("body", "html"):
        if sum(lengths.get(p, 0) for p in best.iter("p")) >= CONTAINER_MIN_SHARE * total:
            return best
        best = best.getparent()
    return None


def article_scope(root: etree._Element) -> etree._Element:
    """The smallest element that holds the headline and the text; the whole body when unsure."""
    for xpath in SCOPE_XPATHS:
        found = root.xpath(xpath)
        if found:
            return found[0]
    body = root.find("body")
    heading = next(iter(root.xpath("//h1")), None)
    element = heading
    while element is not None and element is not body:
        if len(element.text_content()) >= 400:
            return element
        element = element.getparent()
    return body if body is not None else root


# Element, its cleaned text, the length of its raw text: one scan of the scope serves every field reader.
ShortText = tuple[etree._Element, str, int]
SHORT_TEXT_MAX = 200


def scan_short_texts(scope: etree._Element, limit: int = SHORT_TEXT_MAX) -> list[ShortText]:
    """Small inline-only elements (date lines, counters, captions, bylines) with their text, in page order."""
    found = []
    for element in scope.iter(etree.Element):
        if any(child.tag not in _INLINE for child in element if isinstance(child.tag, str)):
            continue
        raw = element.text_content()
        if element.tag in ("p", "li") and len(raw) > limit:
            continue
        text = clean_line(raw)
        if text and len(text) <= limit:
            found.append((element, text, len(raw)))
    return found


def within(texts: Iterable[ShortText], limit: int) -> Iterator[tuple[etree._Element, str]]:
    """The short texts of at most `limit` characters (a paragraph counts by its raw length, as in the scan)."""
    for element, text, raw_length in texts:
        if len(text) <= limit and not (element.tag in ("p", "li") and raw_length > limit):
            yield element, text


def class_words(element: etree._Element) -> str:
    return f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')}".lower()
