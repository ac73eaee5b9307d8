"""Extractor throughput: articles per second on one core, for seed-sized articles and for a
20,000-word article, and words per second across article lengths (linear, not quadratic).

Run on one core:  taskset -c 0 .venv/bin/python bench/extraction.py [--repeat N]
[--method rules|tagger|combined]  (default combined, as ``extract``; process time, so other
processes on the machine count less)

The long article is INVENTED: distinct paragraphs from wire-style templates filled with
made-up names, places and numbers (a fixed seed makes it the same every run).
"""

import argparse
import platform
import random
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from suggestions.extraction import extract  # noqa: E402

SYLLABLES = [
    "ka",
    "lo",
    "ven",
    "dra",
    "mi",
    "sor",
    "tel",
    "ba",
    "rin",
    "os",
    "ul",
    "ne",
    "ther",
    "gal",
    "vi",
    "mar",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TEMPLATES = [
    "“We have waited {n} days for the {thing},” said {p}, a {age}-year-old {role} in "
    "{place}. “Nobody has told us anything.”",
    "{p}, a spokesman for the {org}, said the {thing} in {place} would reopen by {day} and "
    "that {n} workers had been hired.",
    "The {thing} was damaged by floods on {day}, officials in {place} said, adding that "
    "repairs could cost {n} million crowns.",
    "According to the {org}, at least {n} families in {place} have been moved to temporary "
    "shelters since {day}.",
    "{s} told the {outlet} late on {day} that the {org} had been “completely unprepared” for "
    "the storm.",
    "Two officials at the {org}, who spoke on condition of anonymity because they were not "
    "authorized to brief reporters, said the {thing} had failed {n} inspections.",
    "Residents of {place} said they had received no warning. “The water came at night,” said {p}.",
    "The {org} said in a statement on {day} that it would investigate. It said {n} engineers "
    "had been sent to {place}.",
    "{s} said the {thing} was safe. She said the {org} had checked it {n} times this year.",
    "The {thing} in {place} has been closed for {n} weeks, and traders say business has collapsed.",
]


def invented_paragraphs(words: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)

    def name() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    paragraphs: list[str] = []
    count = 0
    while count < words:
        text = rng.choice(TEMPLATES).format(
            p=f"{name()} {name()}",
            s=f"{name()} {name()}",
            n=rng.randint(2, 900),
            age=rng.randint(19, 80),
            role=rng.choice(["farmer", "teacher", "driver", "nurse"]),
            place=name(),
            org=f"{name()} {rng.choice(['Water Board', 'Ministry of Works', 'Council'])}",
            thing=rng.choice(["bridge", "dam", "harbor", "rail line", "power station"]),
            day=rng.choice(DAYS),
            outlet=f"{name()} {rng.choice(['Courier', 'Herald', 'Post'])}",
        )
        paragraphs.append(text)
        count += len(text.split())
    return paragraphs


def best(func, number: int, repeat: int) -> float:
    return min(timeit.repeat(func, number=number, repeat=repeat, timer=time.process_time)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--method", choices=("rules", "tagger", "combined"), default="combined")
    args = parser.parse_args()
    method = args.method

    def run(text: str):
        return extract(text, method=method)

    seed = (ROOT / "seeds" / "baghouz-2019-03-13.txt").read_text(encoding="utf-8")
    paragraphs = invented_paragraphs(20_000)
    long_article = "\n\n".join(paragraphs)

    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
        f", method: {method}"
    )
    per_seed = best(lambda: run(seed), 200, args.repeat)
    print(
        f"seed article ({len(seed.split())} words): {per_seed * 1000:.2f} ms, "
        f"{1 / per_seed:.0f} articles/s"
    )
    per_long = best(lambda: run(long_article), 1, args.repeat)
    found = len(run(long_article).suggestions)
    print(
        f"invented article ({len(long_article.split())} words, {found} suggestions): "
        f"{per_long * 1000:.0f} ms, {1 / per_long:.1f} articles/s"
    )
    print("linearity (words: ms, words/s):")
    for share in (0.125, 0.25, 0.5, 1.0):
        part = "\n\n".join(paragraphs[: max(1, int(len(paragraphs) * share))])
        words = len(part.split())
        seconds = best(lambda part=part: run(part), 1, 3)
        print(f"  {words:>6}: {seconds * 1000:7.1f} ms, {words / seconds:>9,.0f} words/s")


if __name__ == "__main__":
    main()
