"""Photo credits and images: `Фото: ТАСС / Иван Иванов`, `Photo: Reuters`, figcaptions, schema.org creditText."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from workers.normalize.record import Image
from workers.normalize.scope import ShortText, class_words, within
from workers.normalize.text import clean_line, element_text

# "Фото: X", "Фото — X", "Photo by X", "Источник фото: X" ... the credit is what follows.
# "Фото в анонсе:" credits the teaser picture; "Фото/Видео:", "коллаж:" credit the article's own.
CREDIT_PREFIX = re.compile(
    r"(?:^|(?<=[\s.(]))(?:фото(?:графия)?(?:\s*(?:и|/)\s*видео)?(?:\s+(?:в анонсе|на (?:анонсе|обложке|главной)))?"
    r"|источник фото|иллюстрация|коллаж|кадр|скриншот|photo(?:graph)?s?|image|picture|illustration|fotos?"
    r"|bild(?:quelle)?)"
    r"(?:\s+credits?)?\s*(?:by\b|:|—|–|-)\s*(?P<credit>[^()\n]{2,80}?)\s*\)?\s*\.?$",
    re.IGNORECASE,
)
# "Фото Владимира Сухова", "Фото М. Кочневой", "Фото из архива …", "Фото предоставлено …": no colon, the credit
# is a name in the genitive or a provenance phrase, and it ends the line.
GENITIVE_CREDIT = re.compile(
    r"(?:^|(?<=[\s.(]))(?:Фото|ФОТО|фото)\s+(?P<credit>(?:(?:из|с|со|от) (?:архива|сайта|личного|открытых|соцсет|"
    r"пресс-служб)|(?:предоставлен\w*|автора)\s+\S|[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+|[А-ЯЁ][а-яё]+(?:ой|ы|и|а|я|ого|его)\s+"
    r"[А-ЯЁ][а-яё]+(?:ой|ой|ы|и|а|я|ого|его|ева|ова|ина)\b)[^()\n]{0,70}?)\s*\)?\s*\.?$"
)
COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\s*(?P<credit>.{2,80})$", re.IGNORECASE)
# A caption ending in a copyright: "Участники шествия. © Артём Сизов/Ridus.ru".
TRAILING_COPYRIGHT = re.compile(r"(?<=[.!?»\"])\s+(?:©|\(c\))\s*(?P<credit>[^©\n]{2,80})$", re.IGNORECASE)
CREDIT_CLASS = re.compile(
    r"credit|copyright|photo-?source|photo__source|image-?source|photographer|author-photo"
    r"|(?:img|image|photo|foto|media|picture)\w*?[-_]+(?:\w+?[-_]+)?(?:author|source)"
)
# A label before the credit in a credit element: "Источник: Фундация DEJURE".
CREDIT_LABEL = re.compile(r"^(?:источник|source|автор фото|фотограф|photographer)\s*[:—–-]\s*", re.IGNORECASE)


@lru_cache(maxsize=4096)  # every reader asks the page's short texts; pure, so asked once
def credit_from_text(text: str) -> tuple[str | None, str]:
    """(credit, text before it): "Площадь. Фото: ТАСС / Иван Иванов" -> ("ТАСС / Иван Иванов", "Площадь.")."""
    for pattern in (CREDIT_PREFIX, GENITIVE_CREDIT):
        match = pattern.search(text)
        if match:
            return _tidy(match.group("credit")), text[: match.start()].strip(" ,(")
    match = COPYRIGHT.match(text) or TRAILING_COPYRIGHT.search(text)
    if match and not re.search(r"\d{4}", match.group(0)):  # "© 2003-2026 Site" is the page's copyright
        return _tidy(match.group("credit")), text[: match.start()].strip()
    return None, text


def credits_in_scope(texts: list[ShortText]) -> list[tuple[etree._Element, str]]:
    """Credits printed on the page: credit elements, then any short line that reads as a credit."""
    found: list[tuple[etree._Element, str]] = []
    seen: set[int] = set()
    for element, text in within(texts, limit=200):
        credit, before = credit_from_text(text)
        if credit and before and element.tag == "p" and _SENTENCE_WORD.search(before):
            continue  # "Полиция опубликовала фото: на нем…" is a sentence of the article, not a credit
        if credit is None and CREDIT_CLASS.search(class_words(element)) and len(text) <= 80:
            credit = _tidy(CREDIT_LABEL.sub("", text))
        if credit:
            credit = _tidy(CALL_TO_ACTION.split(credit)[0])  # "© РИА Новости / Перейти в медиабанк"
        if credit and not re.search(r"[^\W\d_]", credit):
            continue  # "2022", "18+": no name, no credit
        if credit and not any(id(a) in seen for a in element.iterancestors()):
            seen.add(id(element))
            found.append((element, credit))
    return found


def credit_lines_in_paragraphs(scope: etree._Element) -> list[str]:
    """Credits printed as a line of their own inside a long paragraph: `…текст.<br>Фото: РОО «Вместе»<br>`."""
    found = []
    for br in scope.iter("br"):
        line = (br.tail or "").strip()
        following = br.getnext()
        if not line or len(line) > 100 or (following is not None and following.tag != "br"):
            continue
        credit, before = credit_from_text(line)
        if credit and not before:
            found.append(credit)
    return found


CALL_TO_ACTION = re.compile(r"\b(?:перейти|купить|скачать|подробнее|buy|license this|download)\b", re.IGNORECASE)
_SENTENCE_WORD = re.compile(r"(?:^|\s)[а-яёa-z]{2,}")  # a lower-case word: the text before is a sentence


# schema.org ImageObject properties that credit a picture, most specific first.
IMAGE_CREDIT_KEYS = ("creditText", "copyrightHolder", "author")


def credits_in_json_ld(image: Any) -> list[str]:
    """schema.org ImageObject (or a list of them): creditText, copyrightHolder, author."""
    images = image if isinstance(image, list) else [image]
    found = []
    for item in images:
        if not isinstance(item, dict):
            continue
        for key in IMAGE_CREDIT_KEYS:
            value = item.get(key)
            value = value.get("name") if isinstance(value, dict) else value
            if isinstance(value, str) and value.strip():
                found.append(_tidy(value))
                break
    return found


# The article's own pictures in microdata: an ImageObject that is the image of the page's article item.
ARTICLE_IMAGE_XPATH = (
    "//*[@itemscope][contains(@itemtype, 'ImageObject')][contains(concat(' ', normalize-space(@itemprop), ' '),"
    " ' image ')]"
)


def credits_in_microdata(tree: etree._Element) -> list[str]:
    """Credits the page declares in microdata for the article's pictures: an ImageObject's creditText,
    copyrightHolder, author or creator, a Person's name or plain text."""
    found: list[str] = []
    for image in tree.xpath(ARTICLE_IMAGE_XPATH)[:5]:
        for prop in (*IMAGE_CREDIT_KEYS, "creator"):
            for holder in image.xpath(f".//*[contains(concat(' ', normalize-space(@itemprop), ' '), ' {prop} ')]"):
                names = holder.xpath(".//*[@itemprop='name']") if holder.get("itemscope") is not None else [holder]
                for name in names:
                    raw = name.get("content") or element_text(name)
                    value = credit_from_text(raw)[0] or raw.strip(" .")
                    if value and len(value) <= 80 and value not in found:
                        found.append(value)
    return found


def images_in_scope(scope: etree._Element, base_url: str) -> list[Image]:
    """Each picture of the article with its caption and credit (from its figure or the element around it)."""
    images: list[Image] = []
    for img in scope.iter("img"):
        src = img.get("src") or img.get("data-src") or img.get("data-lazy-src")
        if not src or src.startswith("data:"):
            continue
        holder = _holder(img)
        caption, credit = None, None
        if holder is not None:
            caption_el = next(iter(holder.iter("figcaption")), None)
            text = element_text(caption_el) if caption_el is not None else ""
            for part in holder.iter(etree.Element):
                if part is not img and CREDIT_CLASS.search(class_words(part)):
                    part_text = element_text(part)
                    credit = credit_from_text(part_text)[0] or _tidy(part_text)
                    text = text.replace(part_text, "").strip()
            if not credit and text:
                credit, text = credit_from_text(text)
            caption = text or None
        images.append(Image(url=urljoin(base_url, src.strip()), caption=caption, credit=credit))
    return images


def _holder(img: etree._Element) -> etree._Element | None:
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure" or re.search(r"photo|image|picture|img|media", class_words(ancestor)):
            return ancestor
        if ancestor.tag in ("article", "body", "main"):
            break
    return None


def _tidy(credit: str) -> str:
    return clean_line(credit).strip(" .,;:()/|")
