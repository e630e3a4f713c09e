"""Invented English sentences in styles the development set lacks: wire copy, live
blogs, think-tank updates and Telegram posts translated to English, each a template
with the claims a careful reader takes. Written for these tests; ``{a}`` is a place, ``A``
its canonical name. Every template is read with each pair of places in PAIRS."""

from __future__ import annotations

PAIRS = [
    ("Pokrovsk", "Myrnohrad"),
    ("Kupiansk", "Vovchansk"),
    ("Siversk", "Kostiantynivka"),
]

CASES = [
    # wire copy
    (
        "KYIV (Reuters) - Ukraine's General Staff said on Tuesday that {a} is under the control of Ukraine's defence forces.",
        {("A", "UA", "UA")},
    ),
    (
        "Ukraine's army said its troops still hold {a}, rejecting Moscow's assertions.",
        {("A", "UA", "UA")},
    ),
    (
        "Ukraine's military dismissed the Russian claim, saying Kyiv still controls {a}.",
        {("A", "UA", "UA"), ("A", "UA", "CONTESTED")},
    ),
    ("Kyiv still controls {a}, a Ukrainian military spokesman said.", {("A", "UA", "UA")}),
    (
        "Russia's Defence Ministry said its forces had captured {a} and {b}.",
        {("A", "RU", "RU"), ("B", "RU", "RU")},
    ),
    (
        "Moscow said its troops had taken {a}, a claim Kyiv denied.",
        {("A", "RU", "RU"), ("A", "UA", "CONTESTED")},
    ),
    (
        "Untrue are statements that 80 per cent of {a} has been captured, Ukraine's General Staff said.",
        {("A", "UA", "CONTESTED")},
    ),
    (
        "Ukraine's General Staff rejected Moscow's assertions that Russian forces had captured {a}.",
        {("A", "RU", "RU"), ("A", "UA", "CONTESTED")},
    ),
    ("The Kremlin said Russian troops had taken Sudzha in the Kursk region, far from {a}.", set()),
    ("Zelensky met Macron in Paris on Monday to discuss air defence for {a}.", set()),
    ("Peskov told reporters in Moscow that talks on {a} were not on the agenda.", set()),
    (
        "Russian forces captured {a} and {b} in Donetsk, the ministry said.",
        {("A", "RU", "RU"), ("B", "RU", "RU")},
    ),
    # live blogs
    (
        "12:40 - Russia claims capture of {a}. Russia's Defence Ministry says its units have taken full control of {a}.",
        {("A", "RU", "RU")},
    ),
    ("Update: Ukraine's General Staff denies that {a} has fallen.", {("A", "UA", "CONTESTED")}),
    (
        "Fighting is still under way in {a}, Ukraine's military said on Wednesday.",
        {("A", "UA", "CONTESTED")},
    ),
    (
        "Ukrainian troops pulled out of {a} to avoid encirclement, the army said.",
        {("A", "UA", "RU")},
    ),
    ("Residents of {a} queued for water as shelling went on through the night.", set()),
    ("Russian drones struck an energy facility near {a} overnight, the governor said.", set()),
    (
        "Russian forces repelled Ukrainian attacks in the areas of {a} and {b}, the ministry said.",
        set(),
    ),
    # think-tank updates
    (
        "The Institute for the Study of War assessed that Russian forces control most of {a}.",
        {("A", "OTHER", "RU")},
    ),
    (
        "ISW said geolocated footage showed Russian forces had advanced into central {a}.",
        {("A", "OTHER", "CONTESTED")},
    ),
    ("Analysts said Russian forces were attempting to seize {a} before winter.", set()),
    (
        "If confirmed, the fall of {a} would be Russia's largest gain this year, analysts said.",
        set(),
    ),
    ("DeepState said Russian forces held about 30 per cent of {a}.", {("A", "OTHER", "RU")}),
    ("DeepState's map showed {a} as contested.", {("A", "OTHER", "CONTESTED")}),
    # Telegram posts translated to English
    (
        'Translated from Telegram: "Units of the Centre group of forces have liberated the settlement of {a}," the Russian Defence Ministry wrote.',
        {("A", "RU", "RU")},
    ),
    (
        "In a Telegram post, Ukraine's Khortytsia group said {a} remained under Ukrainian control.",
        {("A", "UA", "UA")},
    ),
    ('"The enemy is lying: {a} is ours," a Ukrainian brigade wrote on Telegram.', set()),
    (
        "Russian military bloggers claimed that Russian troops had entered {a}.",
        {("A", "OTHER", "CONTESTED")},
    ),
    (
        "The General Staff of Ukraine said on Telegram that Russian claims about the capture of {a} were disinformation.",
        {("A", "RU", "RU"), ("A", "UA", "CONTESTED")},
    ),
    (
        "Ukrainian forces recaptured {a}, the Ukrainian military said on Telegram.",
        {("A", "UA", "UA")},
    ),
    ("Russian forces sought to capture {a} but were repelled, Ukraine's army said.", set()),
    ("Ukraine's army said it had retaken the northern part of {a}.", {("A", "UA", "UA")}),
    (
        "Moscow's claims of having captured {a} are false, Kyiv said.",
        {("A", "RU", "RU"), ("A", "UA", "CONTESTED")},
    ),
]
