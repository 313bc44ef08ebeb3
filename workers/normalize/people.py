"""Telling a person's byline from everything else that sits where a byline goes: the publisher or the site
(an Organization, the og:site_name, the domain), a site account ("admin", "Администратор", "Журналист"),
a label without its name ("By:", "Автор:"), a job title after the name."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from workers.normalize.headline import tokens
from workers.normalize.text import clean_line

# Words before the name: "By", "Written by", "Guide by", "von", "Автор:", "Текст:", "от".
BYLINE_PREFIX = re.compile(
    r"^[\s:|•·—–-]*(?:(?:автор[ыа]?|текст|материал подготовил[аи]?|подготовил[аи]?|фото и текст|author[s]?|"
    r"authored by|written by|posted by|published by|reviewed by|article by|guide by|story by|words by|"
    r"veröffentlicht von|geschrieben von|artikel von|ein beitrag von|by|von|par|por|от)\b[\s:—–-]*)+",
    re.IGNORECASE,
)
# What follows the name and is not part of it: a job title, "Updated ...", a date, "| Site".
BYLINE_TAIL = re.compile(
    r"\s*(?:[|•·]|\s[—–-]\s|,\s*(?:корреспондент|обозреватель|редактор|журналист|staff|senior|editor|reporter|"
    r"writer|correspondent|contributor|columnist|head|former|председатель|специальный)|\s(?:updated|last updated|"
    r"published|on|am|le|el|vom|am)\s|\s\d).*$",
    re.IGNORECASE,
)
# Words that name a role, not a person, when they are the whole byline.
ACCOUNT = re.compile(
    r"^(?:admin|administrator|администратор|админ|журналист|user|guest|webmaster|moderator|модератор|"
    r"пользователь|гость|follow|share|subscribe|datum|date|more|read more|view all posts|posts|author|автор|"
    r"by|von|зарегистрироваться|регистрация|войти|вход|выйти|профиль|login|log in|sign in|sign up|register|"
    r"logout|profile|my account)(?:$|\s)",
    re.IGNORECASE,
)
# A company, agency or newsroom name rather than a person's.
ORGANIZATION_WORD = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|ag|co|corp|company|group|media|news|newsroom|press|agency|team|staff|redaktion|"
    r"редакция|новости|агентство|газета|журнал|издание|службa|пресс-служба|clinic|university|institute)\b\.?",
    re.IGNORECASE,
)
_NOT_NAME = re.compile(r"[@{}<>©]|^https?:")  # an e-mail, a template placeholder, markup, a copyright, a link
_LETTER = re.compile(r"[^\W\d_]")
# A person's name as signed under Russian articles: first name and surname, the surname often in capitals
# ("Мария КОЧНЕВА"). Latin two-word lines are too often buttons and headings ("Read More") to be read so.
SIGNATURE = re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+(?:[А-ЯЁ]\.\s*)?[А-ЯЁ][А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?$")
MAX_NAME = 60


def clean_byline(text: str) -> str:
    """ "By Jane Doe, Senior Editor | Updated May 2" -> "Jane Doe"; "" when nothing name-like is left."""
    text = clean_line(html.unescape(text)) if "&" in text else clean_line(text)
    text = BYLINE_PREFIX.sub("", text)
    text = BYLINE_TAIL.sub("", text).strip(" ,;:.|-—–")
    if not _LETTER.search(text) or len(text) > MAX_NAME or ACCOUNT.match(text) or _NOT_NAME.search(text):
        return ""
    return text


def is_account(name: str) -> bool:
    """A site account or a label, not a person: "admin", "Администратор Сен 27", "Follow"."""
    return bool(ACCOUNT.match(name.strip(" .:")))


def same_as_site(name: str, site_names: Iterable[str]) -> bool:
    """The publisher or site given as the author: equal to a declared site name, or to the host."""
    found = tokens(name)
    if not found:
        return False
    for site in site_names:
        site_tokens = tokens(site)
        if site_tokens and (found == site_tokens or set(found) <= set(site_tokens) | {"com", "www"}):
            return True
    return False


def looks_like_organization(name: str) -> bool:
    return bool(ORGANIZATION_WORD.search(name))


def signature(text: str) -> str:
    """A line that is only a person's name (optionally followed by ", role"), as signed under an article."""
    name = re.split(r",|\s[—–]\s", clean_line(text))[0].strip()
    return name if SIGNATURE.match(name) and not is_account(name) else ""
