"""Command-line filters shared by the export commands: which articles."""

import argparse
from datetime import date


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD).") from None


def add_article_filters(parser) -> None:
    parser.add_argument(
        "--outlet",
        action="append",
        default=[],
        metavar="OUTLET",
        help="Articles of this outlet (id or name); repeat for several.",
    )
    parser.add_argument(
        "--since", type=_date, metavar="DATE", help="Articles published on or after (YYYY-MM-DD)."
    )
    parser.add_argument(
        "--until", type=_date, metavar="DATE", help="Articles published on or before (YYYY-MM-DD)."
    )
    parser.add_argument(
        "--article",
        action="append",
        type=int,
        default=[],
        metavar="ID",
        help="This article (id); repeat for several.",
    )


def article_filters(options: dict) -> dict:
    return {
        "outlets": options["outlet"],
        "since": options["since"],
        "until": options["until"],
        "article_ids": options["article"],
    }


class RawOutput:
    """A command's stdout written as is (``OutputWrapper`` would end every write with a
    line break, and the serializers write a line in several pieces)."""

    def __init__(self, wrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")
