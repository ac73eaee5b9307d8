"""Small text helpers every app's presentation shares."""


def shorten(text: str, limit: int = 80) -> str:
    """At most ``limit`` characters, cut at a word boundary where there is one."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def from_whole_word(text: str, previous: str | None = None) -> str:
    """``text``, cut out of a longer text just after the character ``previous`` (None when
    it is not known), from its first whole word: the piece of a word cut in two that it
    may start with is left out (all of ``text`` when it is that piece), and the spaces
    before the word. A context shown before a quote reads "… of land", not "…eck of land"."""
    if not text or not _is_word(text[0]) or (previous is not None and not _is_word(previous)):
        return text.lstrip()
    space = next((i for i, char in enumerate(text) if char.isspace()), None)
    return "" if space is None else text[space:].lstrip()


def to_whole_word(text: str, following: str | None = None) -> str:
    """``text``, cut out of a longer text just before the character ``following`` (None
    when it is not known), up to its last whole word: see ``from_whole_word``."""
    if not text or not _is_word(text[-1]) or (following is not None and not _is_word(following)):
        return text.rstrip()
    space = next((i for i in range(len(text) - 1, -1, -1) if text[i].isspace()), None)
    return "" if space is None else text[:space].rstrip()
