"""Telling a person's byline from everything else that sits where a byline goes: the publisher or the site
(an Organization, the og:site_name, the domain), a site account ("admin", "Администратор", "Журналист"),
a label without its name ("By:", "Автор:"), a job title after the name."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from workers.normalize.headline import contains, tokens
from workers.normalize.text import clean_line

# Words before the name: "By", "Written by", "Guide by", "von", "Автор:", "Текст:", "от".
BYLINE_PREFIX = re.compile(
    r"^[\s:|•·—–-]*(?:(?:автор[ыа]?|текст|материал подготовил[аи]?|подготовил[аи]?|фото и текст|author[s]?|"
    r"autor(?:in)?|authored by|written by|posted by|published by|reviewed by|article by|guide by|story by|words by|"
    r"veröffentlicht von|geschrieben von|artikel von|ein beitrag von|eingestellt von|verfasst von|erstellt von|"
    r"redaktion(?=\s*:)|escrito por|écrit par|publié par|view all posts by|more posts by|posts by|"
    r"about the author|about|by|von|par|por|от)\b[\s:—–-]*)+",
    re.IGNORECASE,
)
# What follows the name and is not part of it: a job title, "Updated ...", a date, "| Site", a reviewer.
_TAILS = (
    r"[|•·]",
    r"\s[—–-]\s",
    r",\s*(?:корреспондент|обозреватель|редактор|журналист|председатель|специальный|staff|senior|editor|reporter"
    r"|writer|correspondent|contributor|columnist|head|former)",
    r"\s(?:updated|last updated|published|on|am|le|el|vom)\s",
    r"\.?\s*(?:medically |fact[- ]checked |reviewed )by\b",
    r";\s*(?:источник|source|фото|photo)\b",
    r"\s(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[а-яa-z]*\.?,?\s+\d",
    r"\s\d",
    r"\s+\([^)]*\)$",  # "(Pressesprecher des EJW)"
)
BYLINE_TAIL = re.compile(r"\s*(?:" + "|".join(_TAILS) + r").*$", re.IGNORECASE)
# Words that name a role, not a person, when they are the whole byline.
ACCOUNT = re.compile(
    r"^(?:admin|administrator|администратор|админ|журналист|user|guest|webmaster|moderator|модератор|"
    r"пользователь|гость|follow|share|subscribe|datum|date|more|read more|view all posts|posts|author|автор|"
    r"by|von|зарегистрироваться|регистрация|авторизация|войти|вход|выйти|профиль|написать автору|login|log in|"
    r"sign in|sign up|register|"
    r"logout|profile|my account)(?:$|\s)",
    re.IGNORECASE,
)
# A company, agency or newsroom name rather than a person's.
ORGANIZATION_WORD = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|ag|co|corp|company|group|media|news|newsroom|press|agency|team|staff|redaktion|"
    r"редакция|новости|агентство|газета|журнал|издание|службa|пресс-служба|clinic|university|institute)\b\.?",
    re.IGNORECASE,
)
_NOT_NAME = re.compile(r"[@{}<>©]|^https?:|^www\.")  # an e-mail, a template placeholder, markup, a copyright, a link
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
    """The publisher or site given as the author: a declared site name or the host, alone or inside the
    byline ("Газета Звезда Алтая", "LAOLA1.at")."""
    found = tokens(name)
    if not found:
        return False
    for site in site_names:
        site_tokens = tokens(site)
        if site_tokens and (set(found) <= set(site_tokens) | {"com", "www"} or contains(found, site_tokens)):
            return True
    return False


# Lower-case words allowed inside a person's name.
_PARTICLES = {"von", "van", "de", "da", "di", "del", "der", "den", "du", "le", "la", "bin", "al", "y", "e", "и", "zu"}
_HANDLE = re.compile(r"^[A-Za-z0-9_.-]{3,30}$")


def name_shaped(text: str) -> bool:
    """A person's name as printed in a page element: capitalised words (particles aside), or one Latin
    user handle ("ThisIsZolden", "jullka"). Link texts such as "Написать автору" or "Клуб" are not."""
    parts = [p for p in re.split(r",\s*|\s+(?:and|und|и)\s+", text) if p.strip()]
    if len(parts) > 1:
        return all(name_shaped(p) for p in parts)
    words = text.split()
    if len(words) == 1:
        return bool(_HANDLE.match(words[0]))
    if len(words) > 5:
        return False
    return all(w[:1].isupper() or w.lower() in _PARTICLES or not w[:1].isalpha() for w in words)


JOB_TITLE = re.compile(
    r"^(?:(?:senior|staff|contributing|guest|former|chief|managing|deputy|head|news|tech|freelance)\s+)*"
    r"(?:writer|editor|reporter|contributor|correspondent|columnist|journalist|author|корреспондент|обозреватель)s?$",
    re.IGNORECASE,
)


def is_job_title(name: str) -> bool:
    """ "Staff Writer", "Senior Editor": a role printed where the name would be."""
    return bool(JOB_TITLE.match(name.strip(" .:")))


def looks_like_organization(name: str) -> bool:
    return bool(ORGANIZATION_WORD.search(name))


def signature(text: str) -> str:
    """A line that is only a person's name (optionally followed by ", role"), as signed under an article."""
    name = re.split(r",|\s[—–]\s", clean_line(text))[0].strip()
    return name if SIGNATURE.match(name) and not is_account(name) else ""
