#!/usr/bin/env python3
"""Writes N realistic articles in Gazette's plain-text article format into a folder, for
`gazette import --publish` to load (bench/fill.sh does both). Every article has a
metadata line (date over the last five years, a section, three of 300 tags), a dek-length
first paragraph, 6–10 body paragraphs with section headings, takeaways, analysis, three
FAQ items and an AI disclosure. Deterministic for a given N and seed.

Usage: bench/generate.py N OUT_DIR [SEED]
"""
import datetime
import os
import random
import sys

WORDS = """harbour bridge council budget river school hospital election minister court
railway strike market farmers weather storm energy grid water housing rent museum festival
police inquiry report science climate ocean forest mining wages union transport airport
ferry tunnel village city region border trade export import tariff bank inflation loan
clinic nurses teachers students library theatre football league coach stadium drought
flood harvest vineyard factory workers robots software network satellite launch telescope
vaccine research doctors patients pharmacy road cyclists pedestrians planning permit
heritage church castle lighthouse island fishing quota coastline tourism hotel restaurant""".split()
SECTIONS = ["News", "Politics", "Business", "Science", "Culture", "Sport", "Local", "World"]
TAGS = [f"{a.title()} {b.title()}" for a, b in zip(WORDS * 3, (WORDS[7:] + WORDS[:7]) * 3)][:300]


def sentence(rng, n=None):
    n = n or rng.randint(8, 20)
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def article(rng, i, now):
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))).capitalize()
    title = f"{title} {i}"
    date = now - datetime.timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
    tags = "; ".join(rng.sample(TAGS, 3))
    lines = [f", {date.strftime('%Y-%m-%dT%H:%M:%SZ')}, {rng.choice(SECTIONS)}, {tags}", title, ""]
    lines += [paragraph(rng), ""]
    for p in range(rng.randint(6, 10)):
        if p % 3 == 2:
            lines += ["## " + sentence(rng, 4)[:-1], ""]
        lines += [paragraph(rng), ""]
    lines += ["Key Takeaways"] + [f"  • {sentence(rng)}" for _ in range(3)] + [""]
    lines += ["Editor's Analysis & Impact", paragraph(rng), "", paragraph(rng), ""]
    lines += ["Frequently Asked Questions"]
    for _ in range(3):
        lines += [f"Q: {sentence(rng, 7)[:-1]}?", f"A: {paragraph(rng)}"]
    lines += ["", "AI Disclosure: Written by our staff; a language model suggested the FAQ."]
    return "\n".join(lines) + "\n"


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    # Dates run back five years from now, so the news sitemap (last 48 hours) has its share.
    now = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        with open(os.path.join(out, f"a{i:06d}.txt"), "w", encoding="utf-8") as f:
            f.write(article(rng, i, now))


if __name__ == "__main__":
    main()
