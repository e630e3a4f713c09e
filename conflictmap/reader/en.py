"""The cue words a reader uses to turn a sentence into control claims.

Everything here is general wording of war reporting, written as regular expressions
over a sentence in which every place mention has been replaced by a numbered
placeholder ``⟦n⟧``: capture and hold verbs, "X-held", "in Russian hands", denials,
hedges, attempts, history. Who speaks is read from a lexicon of sides: organisations
and people of Russia (RU), of Ukraine (UA), and third parties (OTHER: news agencies,
monitoring groups, analysts). No rule names a report's wording or a place.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .cues import Actor, Speech, pick
from .dates import find_dates  # noqa: F401 (the pipeline asks each cue module)

FLAGS = re.IGNORECASE

PLACE = r"⟦\d+⟧"
PLACE_LIST = rf"{PLACE}(?:\s*(?:,\s*(?:and\s+)?|and\s+|&\s+|or\s+){PLACE})*"
# Words that may stand inside a noun phrase before a place ("the strategic eastern city
# of"), but not prepositions or verbs that would take the phrase elsewhere.
_NP_WORD = (
    r"(?!(?:to|in|on|at|near|from|toward|towards|into|around|close|up|with|by|for|"
    r"after|before|since|and|or|but|that|which|who|positions?|than|over|under|off|"
    r"out|of|as|its|their|his|her|is|was|were|are|has|had|have|would|could|will|"
    r"said|says|also)\b)[\w’'-]+"
)
NOUN_PHRASE = (
    rf"(?:(?:the|a|an|its|their|his|her|this|that|these)\s+)?(?:{_NP_WORD}\s+){{0,4}}?"
    r"(?:(?:city|cities|town|towns|village|villages|settlement|settlements|hub|"
    r"stronghold|locality|localities|community|communities|hamlet|"
    r"urban\s+settlement)\s+of\s+)?"
)
_DIRS = r"(?:north|south|east|west)(?:-?(?:east|west))?"
PART_PHRASE = (
    rf"(?:(?:the\s+)?(?P<part>{_DIRS}(?:ern)?|central|centre|center)"
    rf"(?:\s+and\s+(?P<part2>{_DIRS}(?:ern)?|central))?\s+"
    r"(?:parts?|half|halves|sections?|districts?|areas?|edges?|neighbou?rhoods?|outskirts|"
    r"suburbs|quarters?)\s+of\s+"
    rf"|(?:the\s+)?(?P<whole_part>outskirts|suburbs|centre|center|rest|remainder|{_DIRS})"
    r"\s+of\s+"
    rf"|(?P<part_adj>{_DIRS}ern|central)\s+(?=⟦))?"
)
FRACTION_PHRASE = (
    r"(?:(?P<fraction>(?:(?:about|around|roughly|approximately|some|nearly|almost|over|"
    r"more\s+than|less\s+than|up\s+to)\s+)?\d{1,3}(?:\.\d+)?\s*(?:%|per\s*cent|percent)"
    r"|(?:(?:about|around|roughly|nearly|almost|more\s+than)\s+)?(?:half|a\s+third|one[\s-]+third|"
    r"two[\s-]+thirds|a\s+quarter|three[\s-]+quarters)"
    r"|most|much|the\s+bulk|the\s+majority|large\s+parts?)\s+of\s+)?"
)
OBJECT = rf"{FRACTION_PHRASE}{PART_PHRASE}{NOUN_PHRASE}(?P<places>{PLACE_LIST})"

SIDE_WORD_RU = (
    r"(?:Russian|Russia['’]s|Russia|Moscow['’]s|Moscow|Kremlin|pro-Russian|Russians|occupiers|"
    r"invaders)"
)
SIDE_WORD_UA = r"(?:Ukrainian|Ukraine['’]s|Ukraine|Kyiv['’]s|Kyiv|Kiev|Ukrainians)"

# -- events (hedged by conditions, modals, attempts, history) --------------------------
CAPTURE_VERB = re.compile(
    r"(?=[fcetslorapbmigwh])"
    r"\b(?P<cue>(?:(?:fully|completely|entirely|totally)\s+)?"
    r"(?:captured|capture|captures|capturing|seized|seize|seizes|seizing|took|take|takes|taking|"
    r"taken|liberated|liberate|liberates|liberating|overran|overrun|overrunning|conquered|"
    r"recaptured|recapture|retook|retaken|retake|regained|regain|entered|"
    r"(?:advanced|pushed|broke|moved|penetrated|infiltrated|broken)\s+into|"
    r"(?:took|taken|take|taking|seized|seize|gained|gain|established|establish|assumed|secured|"
    r"won|has|have|had)\s+(?:full\s+|complete\s+|total\s+)?control\s+(?:of|over)))['’\"”]?\s+"
    r"(?:full\s+|complete\s+|total\s+)?(?:control\s+(?:of|over)\s+)?" + OBJECT,
    FLAGS,
)
CAPTURE_NOUN = re.compile(
    r"(?=[fctslo])"
    r"\b(?P<cue>(?:(?:full|complete|total)\s+)?(?:capture|seizure|fall|liberation|takeover|"
    r"occupation|surrender))\s+of\s+" + OBJECT,
    FLAGS,
)
CAPTURE_POSSESSIVE = re.compile(
    rf"(?P<places>{PLACE_LIST})['’]s?\s+"
    r"(?P<cue>(?:(?:full|complete|total)\s+)?(?:capture|seizure|"
    r"fall|liberation|takeover|surrender))\b(?!\s+of\b)",
    FLAGS,
)
CAPTURE_PASSIVE = re.compile(
    rf"(?P<places>{PLACE_LIST})(?:\s+(?:in|near|of)\s+(?:[\w'’-]+\s+){{0,5}}?[\w'’-]+)?\s*,?\s+"
    r"(?:(?:has|have|had|was|were|is|are)\s+)?(?:(?:also|now|reportedly|already|finally|"
    r"fully|completely|effectively)\s+)*(?:been\s+)?(?:(?:fully|completely|effectively)\s+)?"
    r"(?P<cue>captured|taken|seized|liberated|overrun|recaptured|retaken|fallen|fell)\b"
    r"(?:\s+(?:by|to|into)\s+(?P<by>[^,.;⟦]{1,40}))?",
    FLAGS,
)
# "seized two more villages in the Donetsk region, A and B"
CAPTURE_COUNTED = re.compile(
    r"(?=[cslt])\b(?P<cue>captured|seized|liberated|took|taken)\s+(?:control\s+of\s+)?"
    r"(?:two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s+(?:more\s+|other\s+|new\s+)?"
    r"(?:villages|settlements|towns|localities|communities)\b[^.;⟦]{0,80}?"
    rf"(?P<places>{PLACE_LIST})",
    FLAGS,
)
LOSS_NOUN = re.compile(r"\b(?P<cue>loss|abandonment|surrender)\s+of\s+" + OBJECT, FLAGS)
# Forces reaching a place's edge or centre: the place is contested there.
REACHED = re.compile(
    r"(?=[ref])"
    r"\b(?P<cue>reached|reach|reaching|entered|fighting\s+(?:on|in))\s+"
    rf"(?:the\s+)?(?P<whole_part>outskirts|edge|edges|centre|center)\s+of\s+{NOUN_PHRASE}"
    rf"(?P<places>{PLACE_LIST})",
    FLAGS,
)
PUSHED_OUT = re.compile(
    r"(?=[pdfketo])"
    r"\b(?P<cue>(?:pushed|drove|driven|forced|kicked|expelled|ousted|threw|thrown)\s+"
    r"(?:(?:the|their|its)\s+)?(?:[\w-]+\s+){0,2}?(?:forces|troops|units|enemy|invaders|occupiers)"
    r"\s+(?:out\s+of|from))\s+" + OBJECT,
    FLAGS,
)
WITHDRAWAL = re.compile(
    r"(?=[wrpal])"
    r"\b(?P<cue>withdr[ae]wn?|withdrawing|withdrawal|retreat(?:ed|ing)?"
    r"|pull(?:ed|ing)?\s+(?:out|back)"
    r"|abandon(?:ed|ing)?|leave|leaving|left(?!\s+(?:bank|flank|side))|lost|lose|loses|losing)\s+"
    r"(?:(?:its|their|our|the)\s+)?(?:(?:forces|troops|units|soldiers|defenders|positions)\s+)?"
    r"(?:(?:from|of|in)\s+)?(?:control\s+(?:of|over)\s+)?" + OBJECT,
    FLAGS,
)
HOLD_VERB = re.compile(
    r"(?=[ihcdkr])"
    r"\b(?P<cue>in\s+(?:full\s+|firm\s+)?control\s+of|"
    r"hold|holds|held|holding|control|controls|controlled|controlling|keep|keeps|kept|"
    r"keeping|retain|retains|retained|retaining|defend|defends|defended|defending)\s+"
    r"(?:out\s+in\s+|on\s+to\s+|onto\s+|on\s+in\s+|(?:(?:their|its|our)\s+)?positions\s+in\s+)?"
    + OBJECT,
    FLAGS,
)
FIGHTING = re.compile(
    r"(?=[bfchasu])"
    r"\b(?P<cue>battles?|fighting|clashes|combat|hostilities|assault\s+operations|"
    r"street\s+(?:battles|fighting)|urban\s+warfare)\s+"
    r"(?:(?:are|is|was|were|continue[sd]?|continuing|remain|ongoing|still|under\s*way|raging|rage|"
    r"taking\s+place|going\s+on)\s+){0,3}"
    r"(?:in|inside|within)\s+(?:the\s+(?:urban\s+area|outskirts|streets|centre|center)\s+of\s+)?"
    + NOUN_PHRASE
    + rf"(?P<places>{PLACE_LIST})",
    FLAGS,
)
CONTESTED_STATE = re.compile(
    rf"(?P<places>{PLACE_LIST})\s+(?:(?:is|are|was|remains|remain|remained|as)\s+)?"
    r"(?:(?:still|now)\s+)?(?P<cue>contested|in\s+the\s+gr[ae]y\s+zone)",
    FLAGS,
)

# -- states (not hedged: "Ukrainian-held", "held by", "in Russian hands") ---------------
HELD_BY = re.compile(
    rf"(?P<places>{PLACE_LIST})\s*,?\s*(?:(?:the|a|an|which|that|who)\s+)?(?:[^,.;⟦]{{0,40}}?\s)?"
    r"(?:(?:is|are|was|were|remain|remains|remained)\s+)?(?:(?:still|now|firmly|fully)\s+)?"
    r"(?P<cue>held|controlled|occupied)\s+by\s+(?P<by>[^,.;⟦]{1,40})",
    FLAGS,
)
SIDE_HELD = re.compile(
    rf"\b(?P<by>{SIDE_WORD_RU}|{SIDE_WORD_UA})[- ](?P<cue>held|controlled|occupied)\s+"
    rf"(?:[^.;⟦]{{0,60}}?)(?P<places>{PLACE_LIST})",
    FLAGS,
)
OCCUPIED = re.compile(
    rf"(?<![-\w])(?P<cue>occupied)\s+(?:[\w'’-]+\s+){{0,2}}?(?P<places>{PLACE_LIST})",
    FLAGS,
)
UNDER_CONTROL_OF = re.compile(
    rf"(?P<places>{PLACE_LIST})\s+(?:(?:is|are|was|were|remains?|remained|stays?|now|still|"
    r"firmly|fully|completely)\s+)*(?P<cue>(?:under|in)\s+(?:the\s+)?(?:full\s+|firm\s+|"
    r"complete\s+)?control\s+of)\s+(?P<by>[^,.;⟦]{1,50})",
    FLAGS,
)
IN_HANDS = re.compile(
    rf"(?P<places>{PLACE_LIST})\s+(?:(?:is|are|was|were|remains?|"
    r"now|still)\s+)*(?P<degree>(?:[\w-]+\s+){0,2}?)(?:in|under)\s+"
    rf"(?P<by>{SIDE_WORD_RU}|{SIDE_WORD_UA})(?:\s+(?:forces|troops)['’]?)?\s+"
    r"(?P<cue>hands|control|occupation)\b",
    FLAGS,
)

# Each rule with a cheap test a sentence must pass before the rule runs (speed).
NEEDS = {  # substrings of the lower-cased sentence; one must occur for the rule to run
    "capture": (
        "captur",
        "seiz",
        "took",
        "tak",
        "liberat",
        "overr",
        "conquer",
        "retook",
        "regain",
        "enter",
        "control",
        "fall",
        "fell",
        "into",
        "occup",
        "surrender",
        "pushed",
        "drove",
        "driven",
        "forced",
        "kicked",
        "expelled",
        "ousted",
        "thr",
    ),
    "withdrawal": ("withdr", "retreat", "pull", "abandon", "leav", "left", "los", "surrender"),
    "hold": ("hold", "held", "control", "keep", "kept", "retain", "defend"),
    "fighting": ("battle", "fight", "clash", "combat", "hostilit", "assault", "warfare"),
    "contested": ("contested", "grey", "gray"),
    "reached": ("reach", "entered", "fighting"),
    "held_by": ("held by", "controlled by", "occupied by", "control of"),
    "side_held": ("held", "controlled", "occupied"),
    "occupied": ("occupied",),
    "in_hands": ("hands", "control", "occupation"),
}


def first_needed(low: str, kind: str) -> int:
    """Where the first word a rule needs occurs in ``low``, or -1 when none does."""
    found = [i for i in (low.find(n) for n in NEEDS[kind]) if i >= 0]
    return min(found) if found else -1


# Substrings (lower case) without which a cue cannot occur: cheap tests that spare most
# sentences most of the regular expressions.
MAY_DENY = (
    "den",
    "dismiss",
    "reject",
    "refut",
    "true",
    "fake",
    "lying",
    "lie",
    "reality",
    "information",
    "baseless",
    "groundless",
    "fabricat",
    "false",
    "not ",
    "never",
)
MAY_CONDITION = ("if ", "should ")
MAY_UNCONFIRM = ("confirm", "verif")
MAY_CLAIM_NOUN = ("claim", "report", "assertion", "statement", "announcement", "allegation")
MAY_SPEAK = (
    "said",
    "say",
    "state",
    "claim",
    "announc",
    "report",
    "told",
    "tell",
    "insist",
    "den",
    "dismiss",
    "reject",
    "refut",
    "confirm",
    "assert",
    "add",
    "wrote",
    "write",
    "post",
    "show",
    "described",
    "hail",
    "brief",
    "inform",
    "declar",
    "note",
    "acknowledg",
    "admit",
    "assess",
    "congratulat",
    "according",
    "cit",
)
# What may stand just before a place in the states above ("the rest of", "about half of").
BEFORE_PLACE = re.compile(rf"{FRACTION_PHRASE}{PART_PHRASE}$", FLAGS)
EVENT_RULES = (
    ("capture", CAPTURE_VERB),
    ("capture", CAPTURE_NOUN),
    ("capture", CAPTURE_POSSESSIVE),
    ("capture", CAPTURE_PASSIVE),
    ("capture", PUSHED_OUT),
    ("capture", CAPTURE_COUNTED),
    ("withdrawal", WITHDRAWAL),
    ("withdrawal", LOSS_NOUN),
    ("reached", REACHED),
    ("hold", HOLD_VERB),
    ("fighting", FIGHTING),
    ("contested", CONTESTED_STATE),
)
STATE_RULES = (
    ("held_by", HELD_BY),
    ("held_by", UNDER_CONTROL_OF),
    ("side_held", SIDE_HELD),
    ("occupied", OCCUPIED),
    ("in_hands", IN_HANDS),
)

# -- sentence-level cues ------------------------------------------------------------------
DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|dismiss(?:ed|es|ing)?|reject(?:ed|s|ing)?|refut(?:ed|es|e|ing)"
    r"|(?:has|have|had)\s+not\s+(?:fallen|been\s+(?:captured|taken|seized|lost))"
    r"|(?:has|have|had|did)\s+not\s+(?:capture|captured|take|taken|seize|seized)"
    r"|(?:was|were|is|are)\s+not\s+(?:captured|taken|seized|lost)|never\s+(?:fell|been\s+captured)"
    r"|untrue|not\s+true|fakes?|a\s+lie|(?:is|are|was|were)\s+false"
    r"|(?:is|are|was|were|been|simply|just|again|blatantly|openly)\s+lying"
    r"|lying\s+(?:again|about)|(?:spread\w*|tell\w*|told|more|outright|blatant)\s+lies"
    r"|(?:do|does|did)\s+not\s+(?:correspond|match)\s+"
    r"(?:to|with)\s+reality|disinformation|misinformation|baseless|groundless|fabricat\w+"
    r"|false\s+(?:claims?|reports?|statements?))\b",
    FLAGS,
)
CONDITIONAL = re.compile(
    r"\bif\s+(?:confirmed|true|verified|substantiated|accurate|correct|so)\b"
    r"|\bif\s+[^,.;]{0,60}?\b(?:prove|proves|proven|proved|is\s+confirmed|are\s+confirmed|"
    r"turn\s+out|turns\s+out|succeeds?|falls?|were\s+to|was\s+to)\b"
    r"|\bshould\s+[^,.;]{0,30}?\bfall\b",
    FLAGS,
)
MODAL = re.compile(
    r"\b(?:would|could|might|will|shall|can|may(?!\s+\d))\b(?!\s+not\s+confirm)", FLAGS
)
ATTEMPT = re.compile(
    r"\b(?:try|tries|tried|trying|attempt\w*|seek\w*|sought|aim\w*|goal\w*|objective\w*|plan\w*|"
    r"want\w*|bid|effort\w*|push\w*|intend\w*|intention\w*|ambition\w*|hop(?:e|es|ed|ing)|"
    r"struggl\w*|battle\s+to|battle\s+for|fight\s+for|fighting\s+for|order(?:ed|s)?\s+to|"
    r"ready\s+to|threat(?:en\w*)?|risk\w*|prepar\w*|to\s+(?:complete|finish)|in\s+order\s+to|"
    r"would-be|potential|possible|prevent\w*|avoid\w*|repel\w*|thwart\w*|foil\w*)\b",
    FLAGS,
)
UNCONFIRMED = re.compile(
    r"\b(?:not|yet\s+to|never|cannot|can't|couldn't|could\s+not|has\s+not|have\s+not)\s+"
    r"(?:\w+\s+){0,2}?(?:confirm\w*|verif\w*)|\bunconfirmed\b|\bunverified\b",
    FLAGS,
)
NEGATION = re.compile(r"\b(?:not|never|no\s+longer|n't|nor|failed\s+to|unable\s+to)\b", FLAGS)
CLAIMED_MARK = re.compile(
    r"\b(?:claimed|alleged|purported|reported|so-called|announced|declared|supposed|what\s+"
    r"(?:it|they|he|she|Moscow|Russia|Kyiv|the\s+\w+)\s+(?:called|described\s+as|said\s+was))\b",
    FLAGS,
)
CLAIM_NOUN = re.compile(
    r"\b(?=[crasa])(?:claims?|reports?|assertions?|statements?|announcements?|allegations?)\s+"
    r"(?:(?:from|by)\s+(?P<post>[\w'’ -]{1,30}?)\s+)?(?:that|of|about|regarding|to\s+have)\b",
    FLAGS,
)
# The word before a claim noun ("Moscow's claim", "Russian reports").
WORD_BEFORE = re.compile(r"([\w'’-]+)\s+$")
SPEECH = re.compile(
    r"(?=[scartidwphbn])"
    r"\b(?P<verb>said|says|say|stated|states|claimed|claims|claim|announced|announces|reported|"
    r"reports|told|tells|insisted|insists|denied|denies|deny|dismissed|dismisses|rejected|"
    r"rejects|refuted|confirmed|confirms|asserted|asserts|added|adds|wrote|writes|posted|shows|"
    r"showed|show|shown|described|hailed|hails|briefed|informed|declared|declares|noted|notes|"
    r"acknowledged|admitted|assessed|assesses|congratulated|congratulates|according\s+to|citing|"
    r"cited)\b",
    FLAGS,
)
NOUN_BEFORE = re.compile(
    r"(?:['’]s|\b(?:the|its|their|his|her|these|those|such|any|Russian|Ukrainian|latest|"
    r"new|earlier|recent|his|of|a|an|unconfirmed|initial))\s+$",
    FLAGS,
)
FULL_WORDS = re.compile(
    r"\b(?:full|fully|complete|completely|entire|entirely|whole|total|"
    r"totally|all\s+of)\b",
    FLAGS,
)


# (side, label, pattern, specific). Specific entries are named organisations, offices and
# people; the rest are nationality words, used only when nothing specific is named.
_ACTORS = [
    ("OTHER", "DeepState", r"DeepState(?:Map)?|Deep\s+State\s+map", True),
    (
        "OTHER",
        "Institute for the Study of War",
        r"Institute\s+for\s+the\s+Study\s+of\s+War|ISW",
        True,
    ),
    (
        "OTHER",
        "news agency",
        r"Reuters|AFP|Agence\s+France[- ]Presse|Associated\s+Press|AP|"
        r"Bloomberg|BBC|CNN|TASS|RIA(?:\s+Novosti)?|Interfax(?:-Ukraine)?|Ukrinform|RBK-Ukraine|"
        r"Ukrainska\s+Pravda|Suspilne|Kyiv\s+Independent|Kyiv\s+Post|Moscow\s+Times|Meduza|"
        r"(?:news|press)\s+agency|newspaper|state\s+media|state\s+TV",
        True,
    ),
    (
        "OTHER",
        "analysts",
        r"analysts?|think\s+tank|monitoring\s+group|open[- ]source|OSINT|"
        r"(?:pro-)?(?:Russian|Ukrainian|Kremlin)\s+(?:military\s+|war\s+)?bloggers?|bloggers?|"
        r"military\s+bloggers?|milbloggers?|war\s+bloggers?|observers?|researchers?|"
        r"(?:battlefield\s+|pro-Ukrainian\s+|pro-Russian\s+|independent\s+)?maps|"
        r"Black\s+Bird\s+Group|Critical\s+Threats|Rybar|"
        r"Foreign\s+Policy\s+Research\s+Institute",
        True,
    ),
    ("RU", "Kremlin", r"Kremlin", True),
    (
        "RU",
        "Russian Defence Ministry",
        r"(?:Russia['’]s|Russian)\s+(?:Defen[cs]e\s+Ministry|Ministry\s+of\s+Defen[cs]e|MoD)",
        True,
    ),
    (
        "RU",
        "Russian military",
        r"(?:Russia['’]s|Russian|Moscow['’]s)\s+(?:(?:top|senior|chief|military|army|defen[cs]e|"
        r"front-?line|regional)\s+){0,2}(?:military|army|armed\s+forces|forces|troops|commander|"
        r"chief|general|generals|spokesman|spokesperson|spokeswoman|"
        r"General\s+Staff|commanders?|officials?|authorities|government|state\s+media|"
        r"President|Chief\s+of\s+(?:the\s+General\s+)?Staff|Defen[cs]e\s+Minister|"
        r"(?:[\w-]+\s+){0,2}group\s+of\s+forces)",
        True,
    ),
    (
        "RU",
        "Russian group of forces",
        r"(?:Centre|Center|Tsentr|Zapad|West|Yug|South|Vostok|East|Sever|North|Dnepr)\s+"
        r"(?:group|grouping)\s+of\s+(?:forces|troops)",
        True,
    ),
    ("RU", "Putin", r"Putin", True),
    ("RU", "Peskov", r"Peskov", True),
    ("RU", "Gerasimov", r"Gerasimov", True),
    ("RU", "Belousov", r"Belousov", True),
    ("RU", "Shoigu", r"Shoigu", True),
    ("RU", "Konashenkov", r"Konashenkov", True),
    ("RU", "Zakharova", r"Zakharova", True),
    ("RU", "Lavrov", r"Lavrov", True),
    ("RU", "Wagner", r"Wagner|Prigozhin", True),
    ("RU", "Kadyrov", r"Kadyrov|Akhmat", True),
    (
        "UA",
        "General Staff of Ukraine",
        r"General\s+Staff\s+of\s+(?:Ukraine|the\s+Armed\s+Forces\s+of\s+Ukraine|Ukraine['’]s\s+"
        r"Armed\s+Forces)|(?:Ukraine['’]s|Ukrainian|Kyiv['’]s)\s+General\s+Staff",
        True,
    ),
    (
        "UA",
        "Ukrainian military",
        r"(?:Ukraine['’]s|Ukrainian|Kyiv['’]s)\s+(?:(?:top|senior|chief|military|army|defen[cs]e|"
        r"front-?line|regional)\s+){0,2}(?:military|army|armed\s+forces|forces|troops|commander|"
        r"chief|general|generals|spokesman|spokesperson|spokeswoman|"
        r"commanders?|officials?|authorities|government|sources|Defen[cs]e\s+Ministry|President|"
        r"(?:[\w-]+\s+){0,4}(?:brigade|corps|battalion|regiment|group\s+of\s+forces))",
        True,
    ),
    ("UA", "Zelensky", r"Zelensk(?:y|yy|iy|i)", True),
    ("UA", "Syrskyi", r"Syrsk(?:yi|y|iy)", True),
    ("UA", "Budanov", r"Budanov", True),
    ("UA", "Zaluzhnyi", r"Zaluzhn(?:yi|y|iy)", True),
    ("UA", "Khortytsia group", r"Khortytsia|Khortytsya", True),
    ("UA", "Tavria group", r"Tavri(?:a|ya)", True),
    (
        "UA",
        "Ukrainian spokesperson",
        r"(?:Tregubov|Trehubov|Voloshyn|Lykhovii|Sarantsev|"
        r"Podoliak|Podolyak|Yermak)",
        True,
    ),
    (
        "UA",
        "Ukrainian unit",
        r"\d+(?:st|nd|rd|th)\s+(?:[\w-]+\s+){0,4}(?:Brigade|Corps|Battalion|Regiment)",
        True,
    ),
    (
        "UA",
        "Ukrainian general",
        r"(?:Armed\s+Forces\s+of\s+Ukraine|Ukrainian\s+General\s+Staff)",
        True,
    ),
    # Ukraine's name for its own forces ("under the control of the Defence Forces")
    ("UA", "Ukrainian military", r"(?:the\s+)?Defen[cs]e\s+Forces(?:\s+of\s+Ukraine)?", True),
    ("RU", "Russia", rf"{SIDE_WORD_RU}", False),
    ("UA", "Ukraine", rf"{SIDE_WORD_UA}", False),
]
_ACTOR_PATTERN = re.compile(
    "|".join(rf"(?P<a{i}>\b(?:{pat})\b)" for i, (_, _, pat, _) in enumerate(_ACTORS))
)
# Where an actor can start: a capitalised word or number, or one of the lower-case words
# that open the entries above (trying the long pattern only there is much faster).
_ACTOR_TRIGGER = re.compile(
    r"\b(?:[A-Z0-9]|analyst|think|monitor|open|osint|milit|milblog|war\s|observ|research|"
    r"battlefield|pro-|independent|maps|news|newspaper|press|state)"
)
_NAMED_GROUP = re.compile(r"Khortytsi?a|Khortytsya|Tavri(?:a|ya)")
_RU_BEFORE = re.compile(rf"{SIDE_WORD_RU}\s+$")


def actors_in(text: str, offset: int = 0) -> list[Actor]:
    """Sides named in ``text``, in order (case matters: names are capitalised).

    >>> [(a.side, a.label) for a in actors_in("Kyiv's General Staff said, citing Reuters")]
    [('UA', 'General Staff of Ukraine'), ('OTHER', 'news agency')]
    """
    out = []
    last_end = 0
    for t in _ACTOR_TRIGGER.finditer(text):
        if t.start() < last_end:
            continue
        m = _ACTOR_PATTERN.match(text, t.start())
        if m is None:
            continue
        last_end = m.end()
        i = int(m.lastgroup[1:])
        side, label, _, specific = _ACTORS[i]
        # A Russian or Ukrainian unit named with the other nationality keeps its own.
        if label == "Ukrainian unit" and _RU_BEFORE.search(
            text[max(0, m.start() - 20) : m.start()]
        ):
            side, label = "RU", "Russian unit"
        named = _NAMED_GROUP.search(m.group(0))
        if named and side == "UA":
            khortytsia = named.group(0).lower().startswith("khort")
            label = "Khortytsia group" if khortytsia else "Tavria group"
        out.append(Actor(side, label, m.start() + offset, m.end() + offset, specific))
    return out


@lru_cache(maxsize=4096)
def side_of(text: str) -> str | None:
    """The side a short phrase names ("by Russian forces" -> RU), or None.

    >>> side_of("by Russian forces"), side_of("Ukraine"), side_of("the army")
    ('RU', 'UA', None)
    """
    found = actors_in(text)
    return found[0].side if found else None


def part_of_groups(groups: dict) -> tuple[str | None, str | None]:
    """(part, second part) from a rule's named groups ("northern" -> "north")."""

    def norm(word):
        if not word:
            return None
        w = word.lower().replace("-", "")
        w = {"center": "centre", "central": "centre", "suburbs": "outskirts"}.get(w, w)
        return w[:-3] if w.endswith("ern") else w

    first = groups.get("part") or groups.get("whole_part") or groups.get("part_adj")
    return norm(first), norm(groups.get("part2"))


_WORD_FRACTIONS = {
    "half": 0.5,
    "a third": 1 / 3,
    "one third": 1 / 3,
    "two thirds": 2 / 3,
    "a quarter": 0.25,
    "three quarters": 0.75,
}


def fraction_of(text: str | None) -> float | None:
    """0..1 for "70 per cent", "about half", "almost completely"; None when not a number.

    >>> fraction_of("70 per cent"), fraction_of("about half"), fraction_of("most")
    (0.7, 0.5, None)
    """
    if not text:
        return None
    t = re.sub(r"[\s-]+", " ", text.lower()).strip()  # "two-thirds" is "two thirds"
    m = re.search(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent|percent)", t)
    if m:
        value = float(m.group(1)) / 100
        return value if 0 < value <= 1 else None
    for words, value in _WORD_FRACTIONS.items():
        if t.endswith(words):
            return value
    if re.search(
        r"\b(?:almost|nearly|virtually|practically)\s+(?:completely|entirely|fully|"
        r"totally|all)\b",
        t,
    ):
        return 0.95
    return None


COMPLEMENT = {
    frozenset({"south", "west"}): "northeast",
    frozenset({"south", "east"}): "northwest",
    frozenset({"north", "west"}): "southeast",
    frozenset({"north", "east"}): "southwest",
    frozenset({"north"}): "south",
    frozenset({"south"}): "north",
    frozenset({"east"}): "west",
    frozenset({"west"}): "east",
    frozenset({"centre"}): "outskirts",
    frozenset({"outskirts"}): "centre",
    frozenset({"southwest"}): "northeast",
    frozenset({"southeast"}): "northwest",
    frozenset({"northwest"}): "southeast",
    frozenset({"northeast"}): "southwest",
}
# A gerund ("capturing X") asserts nothing unless a form of "be" carries it
# ("were still holding X") or it is the content of a claim ("its claim of capturing X").
FINITE_BEFORE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|still|now|am)\s+(?:(?:still|now|also|only|not\s+only|"
    r"reportedly|currently|firmly)\s+)*$",
    FLAGS,
)


# -- moved from the pipeline: English wording it needs -----------------------------------
ANAPHOR = re.compile(
    r"\b(?=[tT])(?:the|this|that)\s+(?:(?:embattled|besieged|ruined|strategic|key|eastern|frontline|"
    r"front-line|same|devastated|destroyed|small|industrial|mining)\s+)?"
    r"(?:city|town|village|settlement)\b(?!\s+of\b)(?!\s+(?:council|administration|"
    r"authorities|mayor|hall|limits|residents)\b)",
    re.IGNORECASE,
)

AT_THE_TIME = re.compile(r"\bat\s+the\s+time\b", re.IGNORECASE)

ANAPHOR_NOUNS = ("city", "town", "village", "settlement")

PERIOD_HINT = re.compile(r"\d{4}|last |this ")

NOT_ONLY = re.compile(r"not\s+only\s*$")

BUT = re.compile(r"\bbut\b|;")

SINCE = re.compile(r"\bsince\s+(?:the\s+)?$", re.IGNORECASE)

AGENT = re.compile(rf"\b(?:{SIDE_WORD_RU}|{SIDE_WORD_UA})\b|\b(?:its|their|our|we|they|it)\b")

INTO = re.compile(r"\bentered\b|\binto$", re.IGNORECASE)

SINCE_PERIOD = re.compile(r"\bsince\s+$", re.IGNORECASE)

SIDE_RU = re.compile(SIDE_WORD_RU)

SIDE_UA = re.compile(SIDE_WORD_UA)

# A capital standing for its government ("Moscow said", "Kyiv's General Staff") is a
# speaker, not a place a claim is about: it is left in the text for the actor lexicon.
GOVERNMENT = re.compile(rf"{SIDE_WORD_RU}|{SIDE_WORD_UA}")

PARTIAL_WORDS = re.compile(
    r"\b(?:partly|partially|largely|mostly|most|much|half|part|parts|"
    r"bulk|majority|almost|nearly|third|quarter|\d)",
    re.IGNORECASE,
)

CAPTURE_WORDS = re.compile(
    r"\b(?:captur\w*|seiz\w*|took|taken|fall|fallen|fell|liberat\w*|"
    r"control\w*|occup\w*|takeover)\b",
    re.IGNORECASE,
)

# A gerund ("capturing X") asserts nothing on its own.
UNASSERTED_FORM = re.compile(r"ing$")
RETAKE = re.compile(r"re(?:captur|took|tak|gain)", FLAGS)
DENIAL_VERB = ("den", "dismiss", "reject", "refut")
CLAUSE_PUNCT = re.compile(r"[,;:]")
SENTENCE_PUNCT = re.compile(r"[.;]")
QUOTE_END = re.compile(r"[,”\"’]\s*$")
NAME_AFTER = re.compile(r"\s+(?:the\s+)?[A-Z]")


UNATTRIBUTED_IS_SIDE = False  # an unattributed claim is the report's own
PRONOUN_LABEL = None


def default_controller(cue: str) -> str:
    """Who holds a place captured with no side named: Russia (the side advancing)."""
    return "RU"


DENIED_NEEDS_SIDE = True  # a capture named only to be denied needs its claimant named


def find_speeches(masked: str) -> list[Speech]:
    """Who speaks in a masked sentence: each speech verb with the actor it names."""
    out = []
    for m in SPEECH.finditer(masked):
        verb = m.group("verb").lower()
        before = masked[: m.start()]
        if not verb.startswith(("according", "citing")) and NOUN_BEFORE.search(before):
            continue
        if verb.startswith(("according", "citing")):
            # "according to Ukrainian monitoring group DeepState": the name comes last.
            phrase = CLAUSE_PUNCT.split(masked[m.end() : m.end() + 100])[0]
            actor = pick(actors_in(phrase), first=False)
        elif QUOTE_END.search(before[-4:]) and NAME_AFTER.match(masked[m.end() : m.end() + 8]):
            phrase = masked[m.end() : m.end() + 120]
            phrase = SENTENCE_PUNCT.split(phrase)[0]
            actor = pick(actors_in(phrase), first=True)
        else:
            window = masked[max(0, m.start() - 110) : m.start()]
            cut = max(
                window.rfind(q) for q in ("“", '"', "”", " that ", ". ", ";", " - ", " — ", ") -")
            )
            if cut >= 0:
                window = window[cut + 1 :]
            actors = actors_in(window)
            actor = actors[-1] if actors else None
        out.append(
            Speech(
                m.start(),
                m.end(),
                actor.side if actor else None,
                actor.label if actor else "",
                verb.startswith(DENIAL_VERB),
            )
        )
    return out
