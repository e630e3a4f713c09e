"""The reader on invented sentences about many battles (not the development reports):
who claims what, about which place, when; and what must give no claim."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.reader.extract import extract, published_from_text, split_sentences

TUE = date(2024, 2, 20)  # a Tuesday


def claims_of(text, published=TUE):
    return {(c.place.name, c.claimant, c.controller) for c in extract(text, published).claims}


@pytest.mark.parametrize(
    "text, expected",
    [
        # A side announcing its own capture.
        (
            "Russia's Defence Ministry said on Saturday that its troops had taken full control of "
            "Avdiivka.",
            {("Avdiivka", "RU", "RU")},
        ),
        ("Russia's military said its forces had liberated Ugledar.", {("Vuhledar", "RU", "RU")}),
        (
            "The Russian Defense Ministry claimed to have taken control of Toretsk, which Russians "
            "call Dzerzhinsk.",
            {("Toretsk", "RU", "RU")},
        ),
        ("Selidovo was captured, the Russian Defence Ministry said.", {("Selydove", "RU", "RU")}),
        (
            "Wagner chief Yevgeny Prigozhin claimed on May 20 that his fighters had taken Bakhmut.",
            {("Bakhmut", "RU", "RU")},
        ),
        # A withdrawal announced by one side: that side says the other holds the place.
        (
            "Ukrainian forces withdrew from the town of Marinka, the General Staff said on Monday.",
            {("Marinka", "UA", "RU")},
        ),
        # Ukraine's own statements.
        (
            "Ukrainian troops pushed Russian forces out of Kupiansk, the Ukrainian General Staff "
            "said on Sunday.",
            {("Kupiansk", "UA", "UA")},
        ),
        (
            "Ukrainian forces continue to hold most of Toretsk, the military said.",
            {("Toretsk", "UA", "UA")},
        ),
        (
            "Fighting continues in Toretsk, a spokesman for the Khortytsia group said on Wednesday.",
            {("Toretsk", "UA", "CONTESTED")},
        ),
        (
            "Russian troops have entered Toretsk, Ukrainian officials acknowledged.",
            {("Toretsk", "UA", "CONTESTED")},
        ),
        # Denials make the denying side's claim contested (and keep the denied claim).
        (
            "The General Staff of Ukraine dismissed as fake Russian claims that Krynky had been "
            "captured.",
            {("Krynky", "RU", "RU"), ("Krynky", "UA", "CONTESTED")},
        ),
        ("Zelenskyy denied that Bakhmut had fallen.", {("Bakhmut", "UA", "CONTESTED")}),
        (
            "Kyiv's military said on Thursday that Russian claims of the capture of Kupiansk were "
            "untrue.",
            {("Kupiansk", "RU", "RU"), ("Kupiansk", "UA", "CONTESTED")},
        ),
        # Third parties: monitors, analysts, the report itself.
        (
            "The Institute for the Study of War said Russian forces control about 70 per cent of "
            "Chasiv Yar.",
            {("Chasiv Yar", "OTHER", "RU")},
        ),
        (
            "DeepState shows Vovchansk almost entirely in Russian hands.",
            {("Vovchansk", "OTHER", "RU")},
        ),
        ("Mariupol has been under Russian occupation since 2022.", {("Mariupol", "OTHER", "RU")}),
        (
            "Vuhledar, which was occupied by Russian forces in October, lies south of Kurakhove.",
            {("Vuhledar", "OTHER", "RU")},
        ),
        (
            "Moscow is pressing towards the Ukrainian-held cities of Kramatorsk and Druzhkivka.",
            {("Kramatorsk", "OTHER", "UA"), ("Druzhkivka", "OTHER", "UA")},
        ),
        ("Ukrainian troops have retaken the village of Krynky.", {("Krynky", "OTHER", "UA")}),
        # More wordings of the same few acts.
        (
            "The ministry said Russian troops had 'liberated' the settlement of Rodynske.",
            {("Rodynske", "RU", "RU")},
        ),
        (
            "Ukraine's military on Friday acknowledged the loss of Selydove.",
            {("Selydove", "UA", "RU")},
        ),
        ("Pokrovsk has not fallen, Syrskyi said on Thursday.", {("Pokrovsk", "UA", "CONTESTED")}),
        (
            "Ukrainian forces remain in control of Kupiansk, the General Staff said.",
            {("Kupiansk", "UA", "UA")},
        ),
        (
            "Russian troops are now fighting in the streets of Pokrovsk, Ukrainian officials said.",
            {("Pokrovsk", "UA", "CONTESTED")},
        ),
        (
            "Russian units have reached the outskirts of Pokrovsk, DeepState said.",
            {("Pokrovsk", "OTHER", "CONTESTED")},
        ),
        (
            "Moscow says it now controls Vuhledar; Kyiv has not commented.",
            {("Vuhledar", "RU", "RU")},
        ),
        ("Chasiv Yar remains contested.", {("Chasiv Yar", "OTHER", "CONTESTED")}),
        (
            "The Russian Defence Ministry said units of the Centre group of forces had liberated "
            "Novohrodivka.",
            {("Novohrodivka", "RU", "RU")},
        ),
        (
            "Russia's army has taken over 60% of Chasiv Yar, a Russian war blogger said.",
            {("Chasiv Yar", "OTHER", "RU")},
        ),
        (
            "Units of the Battlegroup West liberated the community of Kondrashovka in the Kharkov "
            "Region, the Russian Defense Ministry reported.",
            {("Kindrashivka", "RU", "RU")},
        ),
        (
            "The enemy has not captured Kostiantynivka, Ukraine's 'Luhansk' operational-tactical "
            "group said.",
            {("Kostiantynivka", "UA", "CONTESTED")},
        ),
    ],
)
def test_claims_from_sentences(text, expected):
    assert claims_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "If confirmed, the fall of Vuhledar would be a blow to Kyiv.",  # hedge
        "Taking Pokrovsk would give Russia a platform for an advance.",  # hypothetical
        "Moscow has sought to capture Siversk since 2023.",  # attempt
        "Russian troops are trying to take Chasiv Yar.",  # attempt
        "Russian forces captured Bakhmut in May 2023 after months of fighting.",  # history
        "Since the fall of Avdiivka in February 2024, Russia has advanced.",  # history
        "Russian forces are about 10 kilometres from Pokrovsk and pushing toward Myrnohrad.",
        "Russian drones struck Kharkiv and Zaporizhzhia overnight, officials said.",  # targets
        "President Volodymyr Zelenskyy visited troops near Kupiansk on Thursday.",
        "Ukrainian officials have not confirmed that Vovchansk has fallen.",  # unconfirmed
        "Why capturing Pokrovsk matters to Moscow",  # headline gerund
        "The town lies 20 kilometres north of Huliaipole.",  # distance
        "Russian forces took Artyomovsk in May 2023.",  # history
        "Ukraine said its troops had been pushed back from positions near Velyka Novosilka.",
        "Russia's Defence Ministry said its troops were advancing on Kurakhove.",  # a target
        # A denial made in the past is history too.
        "Russia claimed Vovchansk in May 2024, a claim Ukraine denied at the time.",
        # Places that the sentence's own region rules out are not guessed.
        "Russian forces claimed to have seized two more villages in Ukraine's Dnipropetrovsk "
        "region, Malynivka and Yalta.",
    ],
)
def test_no_current_claim(text):
    assert claims_of(text) == set()


@pytest.mark.parametrize(
    "text, extent, fraction, part",
    [
        (
            "Ukraine's army said its troops still hold the northern part of Toretsk.",
            "partial",
            None,
            "north",
        ),
        (
            "Ukraine's army said its troops still hold the eastern outskirts of Toretsk.",
            "partial",
            None,
            "east",
        ),
        (
            "The ISW said Russian forces control the outskirts of Huliaipole.",
            "partial",
            None,
            "outskirts",
        ),
        ("The ISW said Russian forces control about half of Huliaipole.", "partial", 0.5, None),
        ("The ISW said Russian forces control 70 per cent of Huliaipole.", "partial", 0.7, None),
        ("Russia said its forces had fully captured Huliaipole.", "full", None, None),
    ],
)
def test_extent_fraction_and_part(text, extent, fraction, part):
    (c,) = extract(text, TUE).claims
    assert (c.extent, c.part) == (extent, part)
    assert c.fraction == pytest.approx(fraction) if fraction else c.fraction is None


def test_both_sides_holding_parts_is_contested():
    text = (
        "According to DeepState, Ukrainian forces hold the northern part of Toretsk, "
        "with the rest of Toretsk in Russian hands."
    )
    (c,) = extract(text, TUE).claims
    assert (c.claimant, c.controller, c.extent, c.part) == (
        "OTHER",
        "CONTESTED",
        "partial",
        "south",
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Kremlin said on Monday that Russian troops had captured Kurakhove.", "2024-02-19"),
        (
            "Russia's Defence Ministry claimed on Feb. 17 that it had captured Avdiivka.",
            "2024-02-17",
        ),
        ("Russian forces captured Avdiivka, the Kremlin said.", "2024-02-20"),
    ],
)
def test_claim_dates(text, expected):
    (c,) = extract(text, TUE).claims
    assert c.date.isoformat() == expected


def test_undated_claim_takes_the_date_its_side_spoke_on():
    text = (
        "The Kremlin announced on Sunday that the battle was over.\n"
        "Russian forces say they have captured Avdiivka."
    )
    (c,) = extract(text, TUE).claims
    assert (c.claimant, c.date.isoformat(), c.date_from) == ("RU", "2024-02-18", "side")


def test_the_city_refers_to_the_last_place_named():
    text = "Russia says it has captured Avdiivka. Ukraine's army said it still holds the north of the city."
    got = {(c.place.name, c.claimant, c.controller, c.part) for c in extract(text, TUE).claims}
    assert got == {("Avdiivka", "RU", "RU", None), ("Avdiivka", "UA", "UA", "north")}


def test_evidence_is_the_sentence():
    text = "Some context here. Russia said its forces had captured Avdiivka. More text."
    ex = extract(text, TUE)
    (c,) = ex.claims
    ((s, e),) = c.evidence
    assert text[s:e] == "Russia said its forces had captured Avdiivka."
    d = c.as_dict(text)
    assert d["evidence"][0]["text"] == text[s:e] and d["geonames_id"] == c.place.geonames_id


def test_unresolved_places_give_no_claim_but_are_reported():
    ex = extract("Russia said its forces had captured Andriivka.", TUE)
    assert ex.claims == []
    assert [m.as_dict()["unresolved"] for m in ex.mentions] == [True]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("published: 2025-07-31\n\nText", date(2025, 7, 31)),
        ("MOSCOW, Dec 2 (Reuters) - Text", None),  # year from today's date: checked below
        ("December 02, 2025\n\nText", date(2025, 12, 2)),
        ("No dateline here.", None),
        ("МОСКВА, 14 ноября 2025 — Новости. Текст", date(2025, 11, 14)),
        ("КИЇВ, 3 грудня 2025 року. Текст", date(2025, 12, 3)),
        ("Заголовок\n\n03.12.2025 09:40\nТекст", date(2025, 12, 3)),
        ("14 листопада 2025, 10:15\nТекст", date(2025, 11, 14)),
        ("ДОНЕЦК, 31 ноября 2025. Текст", None),  # no such day
        ("МОСКВА, 14 ноября 2099. Текст", None),  # after today: not a publication date
    ],
)
def test_publication_date_from_the_text(text, expected):
    got = published_from_text(text)
    if expected is None and "Reuters" in text:
        assert got is not None and (got.month, got.day) == (12, 2)
    else:
        assert got == expected


def test_sentences_respect_abbreviations_and_lines():
    text = "Gen. Syrskyi said Jan. 6 was calm. Kyiv denied it.\nA new line"
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Gen. Syrskyi said Jan. 6 was calm.",
        "Kyiv denied it.",
        "A new line",
    ]


def test_the_town_reaches_back_over_a_quotation():
    text = (
        '"The situation in Toretsk is unchanged. Nothing new," a soldier said. '
        "Ukraine's army said it still holds the north of the town."
    )
    got = {(c.place.name, c.claimant, c.controller, c.part) for c in extract(text, TUE).claims}
    assert got == {("Toretsk", "UA", "UA", "north")}


@pytest.mark.parametrize(
    "text, org",
    [
        (
            "According to Ukrainian monitoring group DeepState, Russian forces hold Toretsk.",
            "DeepState",
        ),
        (
            '"We hold Toretsk," said Viktor Tregubov, a spokesman, in a comment to a news agency.',
            "Ukrainian spokesperson",
        ),
        (
            "KYIV, Feb 17 (Reuters) - Ukraine's top commander said Russian forces hold Toretsk.",
            "Ukrainian military",
        ),
        ("Kremlin spokesman Dmitry Peskov said Russian forces hold Toretsk.", "Peskov"),
        # What a side says it holds after denying the other's claim is its own word.
        (
            "A spokesman for Ukraine's Khortytsia group of forces dismissed the claim and said "
            "Ukrainian troops still hold the northern part of Toretsk.",
            "Khortytsia group",
        ),
    ],
)
def test_who_speaks(text, org):
    (c,) = extract(text, TUE).claims
    assert c.claimant_org == org


@pytest.mark.parametrize(
    "text, expected",
    [
        # The object first, the holder after the verb (invented, in General Staff style).
        ("Північну частину Родинського контролюють Сили оборони.", [("UA", "UA", "north")]),
        ("Родинське і надалі утримують українські захисники.", [("UA", "UA", None)]),
        ("Северную часть Купянска удерживают ВСУ.", [("UA", "UA", "north")]),
        ("Купянск контролируют российские войска.", [("RU", "RU", None)]),
        # No side named as the holder: no claim, never a guess.
        ("Покровськ утримують підрозділи, сказав він.", []),
    ],
)
def test_a_holder_named_after_the_verb_decides_the_controller(text, expected):
    ex = extract(text, TUE)
    assert [(c.claimant, c.controller, c.part) for c in ex.claims] == expected
