"""Photo captions: separate the caption text from its credits and give each credit a role.

Covers the usual wire and newspaper forms: `Caption (Name)(Name/POOL/AFP)`,
`Caption. Name/AFP via Getty Images`, `(Photo: Name/Reuters)`, `AP Photo/Name`,
`Getty Images`, `Name for The Times`, `© Name`, `Photograph: Name/Guardian`,
`Image copyright Reuters`, `Foto: Name/dpa`. No library does this, hence hand-written
patterns; agencies are recognised from the list below, everything name-like is a photographer.
"""
from __future__ import annotations

import re

from newsdesk.models import Credit

# Photo agencies and picture desks whose name in a credit means role "agency".
AGENCIES = (
    "AFP", "AP", "Associated Press", "Reuters", "Getty Images", "Getty", "EPA", "EPA-EFE", "EFE",
    "dpa", "picture alliance", "picture-alliance", "Bloomberg", "Xinhua", "ANSA", "Kyodo",
    "Kyodo News", "Yonhap", "Anadolu", "Anadolu Agency", "Shutterstock", "Alamy", "PA", "PA Images",
    "PA Wire", "PA Media", "Press Association", "NurPhoto", "Sipa", "SIPA", "Sipa USA", "ZUMA",
    "Zuma Press", "ZUMA Wire", "Imago", "IMAGO", "Keystone", "TASS", "AAP", "Jiji Press", "UPI",
    "Europa Press", "SOPA Images", "LightRocket", "Corbis", "iStock", "iStockphoto", "Unsplash",
    "WireImage", "FilmMagic", "Redux", "Polaris", "Abaca", "ABACA", "Hans Lucas", "Xinhua News Agency",
    "Reuters Pictures", "Bildagentur", "ddp", "ddp images", "Sputnik",
    "Pixabay", "Flickr", "Wikimedia Commons", "Wikimedia", "Stocksy", "Adobe Stock", "Newscom",
    "BELGA", "Belga", "ANP", "TT", "NTB", "Ritzau Scanpix", "Scanpix", "Lehtikuva", "APA",
    "KEYSTONE", "CTK", "PAP", "Agencia Brasil", "Notimex", "Télam", "KCNA", "News1", "Newsis",
)
_AGENCY_KEYS = {a.lower(): a for a in AGENCIES}
_POOL = re.compile(r"^(?:pool|pool photo|pool via .*)$", re.I)
_OTHER = re.compile(r"^(?:handout|courtesy(?: of)? .*|supplied|file|file photo|archive|archiv|"
                    r"screenshot|screengrab|video grab|social media|private|privat|us navy|u\.s\. navy)$", re.I)
_LABEL = re.compile(
    r"^(?:photo(?:graph)?s?|pictures?|image(?:s)?|images? copyright|copyright|credit|credits|"
    r"foto(?:s)?|bild(?:er)?|quelle|source|crédits? photos?|crédit|photo credit|illustration|"
    r"video)\s*(?::|by\b|-|–)?\s*", re.I)
_BY = re.compile(r"^(?:(?:photo|photograph|picture|image)\s+)?by\s+", re.I)
_COPY = re.compile(r"^(?:©|\(c\)|copyright)\s*", re.I)
_FOR = re.compile(r"^(?P<name>.+?)\s+for\s+(?P<outlet>(?:the\s+)?[A-Z][\w.&' -]+)$")
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'’.-]*|[A-ZÀ-ÖØ-Þ]{2,}|(?:van|von|de|der|den|da|di|du|la|le|bin|al|el)\b)"
_PERSON = re.compile(rf"^{_NAME_WORD}(?:[ -]{_NAME_WORD}){{1,4}}$")
_LABELLED_TAIL = re.compile(
    r"(?:^|(?<=[.!?)\]”\"])\s*|\s+|\s*[|–—-]\s*)"
    r"(?P<credit>(?:©|\(c\)|(?:photo(?:graph)?|picture|image|foto|bild|credit|crédits? photos?)"
    r"(?:\s+copyright)?\s*(?::|by\b))\s*[^.!?]{2,80})$", re.I)
_IMAGE_COPYRIGHT = re.compile(r"^image copyright\s+(?P<credit>.+)$", re.I)


def _clean(s: str) -> str:
    return " ".join(s.strip(" \t,;|–—-").split())


def _agency(name: str) -> str | None:
    key = name.strip().lower()
    if key in _AGENCY_KEYS:
        return _AGENCY_KEYS[key]
    for suffix in (" photo", " photos", " images", " pictures", " via getty images"):
        if key.endswith(suffix) and key[: -len(suffix)] in _AGENCY_KEYS:
            return _AGENCY_KEYS[key[: -len(suffix)]]
    return None


def _role_of(part: str) -> list[Credit]:
    part = _clean(part)
    if not part:
        return []
    if _POOL.match(part):
        return [Credit("POOL" if part.isupper() else "Pool", "pool")]
    agency = _agency(part)
    if agency:
        return [Credit(agency, "agency")]
    m = _FOR.match(part)
    if m and _PERSON.match(m.group("name")):
        return [Credit(m.group("name"), "photographer"), Credit(m.group("outlet"), "other")]
    if _OTHER.match(part):
        return [Credit(part, "other")]
    if _PERSON.match(part):
        return [Credit(part, "photographer")]
    return [Credit(part, "other")]


def parse_credits(text: str) -> list[Credit]:
    """Credits in a credit string such as `David MAREUIL/POOL/AFP` or `AP Photo/Jane Doe`."""
    s = _clean(text.strip("()[] "))
    s = _COPY.sub("", s)
    s = _LABEL.sub("", s)
    s = _BY.sub("", s)
    out: list[Credit] = []
    for chunk in re.split(r"\s*/\s*|\s+via\s+|\s*;\s*|\s*,\s*|\s+and\s+|\s*&\s*", s):
        for credit in _role_of(chunk):
            if not any(c.name.lower() == credit.name.lower() for c in out):
                out.append(credit)
    return out


def _credit_like(s: str) -> bool:
    """Whether a bracketed or trailing piece reads as a credit rather than as caption text."""
    s = _clean(s.strip("()[] "))
    if not s or len(s) > 90:
        return False
    if _COPY.match(s) or _LABEL.match(s) and s != _LABEL.sub("", s):
        return True
    parts = [p for p in re.split(r"\s*/\s*|\s+via\s+", s) if p]
    if any(_agency(p) or _POOL.match(p) for p in parts):
        return True
    if len(parts) > 1 and all(_PERSON.match(p) or _agency(p) for p in parts):
        return True
    m = _FOR.match(s)
    if m and _PERSON.match(m.group("name")):
        return True
    return bool(_PERSON.match(s)) and len(s.split()) <= 4


def split_caption(text: str) -> tuple[str, list[Credit]]:
    """(caption without credits, credits). A caption with no recognisable credit comes back whole."""
    s = " ".join(text.split())
    credits: list[Credit] = []
    m = _IMAGE_COPYRIGHT.match(s)
    if m:
        return "", parse_credits(m.group("credit"))
    # trailing bracketed credits, possibly several in a row: `... Nara (Name)(Name/POOL/AFP)`
    while True:
        m = re.search(r"[(\[]([^()\[\]]{2,90})[)\]]\s*$", s)
        if not m or not _credit_like(m.group(1)) or not s[: m.start()].strip():
            break
        credits = parse_credits(m.group(1)) + credits
        s = s[: m.start()].rstrip()
    if not credits:
        m = _LABELLED_TAIL.search(s)
        if m and s[: m.start("credit")].strip(" |–—-"):
            credits = parse_credits(m.group("credit"))
            s = s[: m.start("credit")].rstrip(" |–—-")
        elif m and m.start("credit") == 0:
            return "", parse_credits(m.group("credit"))
    if not credits:
        # `Caption sentence. Name/AFP` or `Caption. Getty Images`: the longest credit-like tail
        # after a sentence end (names may hold initials, so not simply the last full stop)
        for m in re.finditer(r"(?<=[.!?”\"])\s+(?=\S)", s):
            tail = s[m.end():]
            if len(tail) <= 90 and _credit_like(tail) and ("/" in tail or _agency(tail.split(" via ")[-1])):
                credits = parse_credits(tail)
                s = s[: m.start()].rstrip()
                break
    unique: list[Credit] = []
    for c in credits:
        if not any(u.name.lower() == c.name.lower() for u in unique):
            unique.append(c)
    return s.strip(), unique


def is_credit_line(text: str) -> bool:
    """A line that is only a credit (`Getty Images`, `Photo: Name/AFP`, `© Reuters`)."""
    s = _clean(text)
    if not s or len(s) > 90:
        return False
    caption, credits = split_caption(s)
    if credits and not caption:
        return True
    return bool(_COPY.match(s) or (_LABEL.match(s) and ":" in s[:25] and _credit_like(s)))
