"""The reader on whole invented reports about other battles (written for these tests):
the claims a careful reader would take, and nothing else."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.reader.extract import extract

DOCS = {
    "avdiivka": (
        date(2024, 2, 17),
        """KYIV, Feb 17 (Reuters) - Ukraine's top commander said on Saturday he had ordered troops to pull out of the eastern town of Avdiivka to save soldiers' lives, handing Russia its biggest battlefield gain since it captured Bakhmut in May last year.
"I decided to withdraw our units from the town and move to defence on more favourable lines," Oleksandr Syrskyi said in a statement.
Russia's Defence Ministry later said its forces had taken full control of Avdiivka, and Defence Minister Sergei Shoigu congratulated the troops.
Avdiivka, which lies just north of the Russian-held city of Donetsk, had been under heavy attack since October.""",
    ),
    "vuhledar": (
        date(2024, 10, 2),
        """Ukraine's military said on Wednesday it had ordered its troops to leave the town of Vuhledar in Donetsk region to avoid being encircled, after a siege that lasted more than two years.
The Khortytsia group of forces said the high command had authorised a manoeuvre to withdraw units from Vuhledar.
Russian military bloggers said on Tuesday that Russian troops had raised flags in the centre of the town.
Vuhledar sits on high ground about 50 km southwest of Donetsk city. Its fall would expose supply lines to Kurakhove, analysts said.""",
    ),
    "sudzha": (
        date(2025, 3, 13),
        """MOSCOW, March 13 - Russia's General Staff said on Thursday that its forces had recaptured Sudzha, the largest town Ukraine seized in its incursion into the Kursk region last August.
Putin visited a command post in the Kursk region on Wednesday and ordered the military to clear the region of Ukrainian forces.
Ukraine's General Staff did not comment directly on Sudzha but said its troops were manoeuvring to better positions. DeepState's map showed Ukrainian forces had lost most of the town.""",
    ),
    "velyka": (
        date(2025, 1, 26),
        """Russia claimed on Sunday to have captured Velyka Novosilka, a town in southern Donetsk region that Ukraine has held since the start of the invasion.
Ukraine's Khortytsia group denied the claim, saying fighting was continuing in and around the town and that Ukrainian units were not encircled.
The Institute for the Study of War said geolocated footage showed Russian forces had advanced into central Velyka Novosilka.""",
    ),
    "kupiansk": (
        date(2025, 11, 21),
        """The Russian Defence Ministry said on Thursday that its troops had liberated Kupiansk in the Kharkiv region, and Chief of the General Staff Valery Gerasimov told Putin the town was fully under Russian control.
Ukraine's General Staff said the claim was "a lie" and that Ukrainian forces controlled the town, although small Russian groups had infiltrated its northern districts.
Kupiansk, a railway hub on the Oskil river, was occupied by Russia in the first weeks of the war and retaken by Ukraine in September 2022.""",
    ),
}

EXPECTED = {
    "avdiivka": {("Avdiivka", "UA", "RU"), ("Avdiivka", "RU", "RU"), ("Donetsk", "OTHER", "RU")},
    "vuhledar": {("Vuhledar", "UA", "RU")},
    "sudzha": set(),  # a town in Russia: the map is of Ukraine, so no claim
    "velyka": {
        ("Velyka Novosilka", "RU", "RU"),
        ("Velyka Novosilka", "UA", "CONTESTED"),
        ("Velyka Novosilka", "OTHER", "CONTESTED"),
    },
    "kupiansk": {
        ("Kupiansk", "RU", "RU"),
        ("Kupiansk", "UA", "UA"),
        ("Kupiansk", "UA", "CONTESTED"),
    },
}


def names(claims):
    return {(c.place.name, c.claimant, c.controller) for c in claims}


@pytest.mark.parametrize("name", sorted(DOCS))
def test_whole_reports(name):
    published, text = DOCS[name]
    assert names(extract(text, published).claims) == EXPECTED[name]


def test_dates_of_a_report():
    published, text = DOCS["kupiansk"]
    dates = {(c.claimant, c.controller): c.date for c in extract(text, published).claims}
    assert dates[("RU", "RU")] == date(2025, 11, 20)  # "on Thursday"
    assert dates[("UA", "CONTESTED")] == published  # no day named: publication


def test_history_in_a_report_gives_no_claim():
    published, text = DOCS["avdiivka"]
    assert "Bakhmut" not in {c.place.name for c in extract(text, published).claims}
