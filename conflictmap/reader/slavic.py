"""The rules of :mod:`~conflictmap.reader.ru` and :mod:`~conflictmap.reader.uk`, built
from each language's words.

Russian and Ukrainian bulletins say the same things the same way: «освободили
населенные пункты A, B и C» / «звільнили населені пункти A, B та C», «находится под
контролем» / «перебуває під контролем», «бои за» / «бої за». :func:`build` turns one
language's word lists into the attributes the pipeline in
:mod:`~conflictmap.reader.extract` reads from a cue module. Unlike English, an
unattributed capture or hold in these sources is the speaking side's own claim
(«освободили» is what the Russian Defence Ministry says), and Russian media relay it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import SimpleNamespace

from .cues import Actor, Speech, pick

FLAGS = re.IGNORECASE
PLACE = r"⟦\d+⟧"
NEVER = re.compile(r"(?!x)x")
_W = r"[\w’'ʼ«»\"-]+"
DIRECTIONS = {
    "север": "north",
    "північ": "north",
    "юг": "south",
    "южн": "south",
    "півден": "south",
    "запад": "west",
    "захід": "west",
    "західн": "west",
    "восто": "east",
    "схід": "east",
    "східн": "east",
    "центр": "centre",
    "окраин": "outskirts",
    "околиц": "outskirts",
    "предмест": "outskirts",
    "передмі": "outskirts",
}
COMPASS_FORMS = (
    r"(?:северо-?(?:восточн|западн)|південно-?(?:східн|західн)|північно-?(?:східн|західн)|"
    r"юго-?(?:восточн|западн)|северн|южн|западн|восточн|центральн|північн|південн|західн|"
    r"східн)\w*"
)


def _alt(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def build(w: dict, lang: str) -> SimpleNamespace:
    """The cue module attributes for one language's word lists ``w``."""
    from .dates import find_dates_cyrillic

    sep = rf"(?:\s*,\s*(?:(?:{_alt(w['and'])})\s+)?|\s+(?:{_alt(w['and'])})\s+)"
    region_tail = (
        r"(?:\s+(?:в|во|у|на)\s+[\w’'-]+\s+(?:област\w*|обл\.|народн\w*\s+республик\w*)"
        r"|\s+[\w’'-]+\s+(?:област\w*|обл\.|народн\w*\s+республик\w*)"
        r"|\s*\([^)⟦]{1,40}\)|\s+(?:в|у|на)\s+(?:ДНР|ЛНР|[А-ЯІЇЄҐ][\w’'-]+(?:щин|ччин)\w*)"
        r"|\s+на\s+(?:Запоріжж[ія]|Запорожь[ея]))?"
    )
    frac_simple = r"(?:\d{1,3}(?:[.,]\d+)?\s*(?:%|процент\w*|відсот\w*)\s+(?:[\w’'-]+\s+){0,2}?)?"
    item = rf"{frac_simple}{PLACE}{region_tail}"
    place_list = rf"{item}(?:{sep}{item})*"
    np_stop = _alt(w["np_stop"])
    np_word = rf"(?!(?:{np_stop})\b){_W}"
    noun_phrase = rf"(?:{np_word}\s+){{0,5}}?"
    part_phrase = (
        rf"(?:(?P<part>{COMPASS_FORMS})(?:\s+(?:и|і|та)\s+(?P<part2>{COMPASS_FORMS}))?\s+"
        r"(?:част\w*|половин\w*|район\w*|квартал\w*|окраин\w*|околиц\w*|сектор\w*)\s+"
        r"|(?P<whole_part>окраин\w*|околиц\w*|центр\w*|предмест\w*|передміст\w*)\s+)?"
    )
    fraction_phrase = (
        r"(?:(?P<fraction>(?:(?:около|почти|более|свыше|порядка|до|понад|майже|близько|"
        r"приблизно|більш\w*\s+ніж|более\s+чем|не\s+менее|не\s+менше)\s+)?(?:\d{1,3}(?:[.,]\d+)?\s*"
        r"(?:%|процент\w*|відсот\w*)|половин\w*|треть|третину|четверть|чверть)|"
        r"больш\w+\s+част\w*|більш\w+\s+частин\w*)"
        r"(?:\s+(?:зданий|застройки|территории|площади|будівель|забудови|території|площі|"
        r"жилых\s+кварталов|житлових\s+кварталів))?\s+(?:(?:в|во|у)\s+)?)?"
    )
    obj = rf"{fraction_phrase}{part_phrase}{noun_phrase}(?P<places>{place_list})"
    by = r"(?:\s+(?P<by>[^,.;⟦]{3,50}?)(?=[,.;⟦»\"]|$))?"

    capture_verb = re.compile(
        rf"(?<![\w-])(?P<cue>(?:{_alt(w['capture'])})(?:\s+(?:под|під)\s+(?:свой\s+|свій\s+|полный\s+|"
        r"повний\s+)?контроль|\s+(?:полный\s+|повний\s+)?контроль\s+(?:над|за))?)\s+" + obj,
        FLAGS,
    )
    capture_noun = re.compile(
        rf"(?<![\w-])[«\"“]?(?P<cue>(?:{_alt(w['capture_noun'])}))[»\"”]?\s+(?:(?:полного\s+|повного\s+)?"
        r"контроля\s+над\s+|контролю\s+над\s+)?" + obj + by,
        FLAGS,
    )
    capture_after = re.compile(
        rf"(?P<places>{place_list})\s*,?\s+(?:(?:{np_word})\s+){{0,3}}?"
        rf"(?P<cue>(?:{_alt(w['capture'])})(?:\s+(?:под|під)\s+(?:свой\s+|свій\s+)?контроль)?)"
        r"(?![\w-])" + by,
        FLAGS,
    )
    withdrawal = re.compile(
        rf"(?<![\w-])(?P<cue>{_alt(w['withdrawal'])})\s+(?:(?:войска|війська|подразделения|"
        r"підрозділи|силы|сили)\s+)?(?:из|с|со|з|із|зі)\s+" + obj,
        FLAGS,
    )
    withdrawal_noun = re.compile(
        r"(?<![\w-])(?P<cue>вихід|виходу|відхід|відходу|выход\w*|отход\w*)\s+"
        rf"(?:{_W}\s+){{0,3}}?(?:из|с|со|з|із|зі)\s+" + obj,
        FLAGS,
    )
    entry = re.compile(
        r"(?<![\w-])(?P<cue>(?:вошли|вошл[аио]|зашли|зайшли|увійшли|проникли|просочил\w*|"
        r"заходят|заходять))\s+(?:(?:в|во|у|до|на)\s+)" + obj,
        FLAGS,
    )
    be_words = _alt(w["be"])
    under_control_first = re.compile(
        r"(?<![\w-])(?P<cue>(?:под|під)\s+(?:полным\s+|повним\s+)?контролем)"
        rf"\s+(?P<by>[^,.;⟦»\"]{{2,50}}?)\s+(?:{be_words})\s+" + obj,
        FLAGS,
    )
    hold_verb = re.compile(
        rf"(?<![\w-])(?P<cue>{_alt(w['hold'])})\s+(?:(?:позиц\w*|оборону|рубеж\w*)\s+"
        r"(?:в|у|во|на)\s+|контроль\s+(?:над|за)\s+)?" + obj,
        FLAGS,
    )
    clearing_after = re.compile(
        rf"(?:в|во|у)\s+(?P<places>{place_list})\s+(?:[^,.;⟦]{{0,40}}?\s)?"
        rf"(?P<cue>{_alt(w['clearing'])})",
        FLAGS,
    )
    clearing = re.compile(
        rf"(?<![\w-])(?P<cue>{_alt(w['clearing'])})\s+(?:(?:жил\w*|житлов\w*)\s+)?"
        r"(?:(?:квартал\w*|район\w*|застройк\w*|забудов\w*)\s+)?" + obj,
        FLAGS,
    )
    fighting = re.compile(
        rf"(?<![\w-])(?P<cue>{_alt(w['fighting'])})\s+(?:(?:{_alt(w['continue'])})\s+)?"
        r"(?:за|в|во|у|на)\s+(?:(?:окраинах|околицях|центре|центрі|самом|самому)\s+)?"
        + noun_phrase
        + rf"(?P<places>{place_list})",
        FLAGS,
    )
    fighting_after = re.compile(
        rf"(?:в|во|у)\s+(?P<places>{place_list})\s+(?:(?:{_alt(w['continue'])})\s+)"
        r"(?:[\w-]+(?:ые|ие|і|ї)\s+)?"
        rf"(?P<cue>{_alt(w['fighting'])})",
        FLAGS,
    )
    in_hands = re.compile(
        rf"(?P<places>{place_list})\s+(?:(?:по-прежнему|и\s+далее|й\s+надалі|і\s+надалі|"
        r"надалі|и\s+дальше|досі|до\s+сих\s+пор|все\s+еще|вс[её]\s+ещ[её]|як\s+і\s+раніше|"
        r"повністю|полностью|надежно|надійно|уже|вже|также|також)\s+)*"
        rf"(?:(?:{_alt(w['be'])})\s+)?(?:(?:по-прежнему|досі|все\s+еще|повністю|полностью|"
        r"надежно|надійно)\s+)*"
        r"(?P<cue>(?:под|під)\s+(?:полным\s+|повним\s+|надежным\s+|надійним\s+)?контролем)"
        r"\s+(?P<by>[^,.;⟦»\"]{2,50})",
        FLAGS,
    )
    # The object first, the holder after the verb: «Північну частину Родинського
    # контролюють Сили оборони», «Купянск удерживают ВСУ». The holder decides the
    # controller (no side named: no claim); a part before the place is read as for
    # «под контролем».
    held_after = re.compile(
        rf"(?P<places>{place_list})\s+(?:(?:по-прежнему|досі|все\s+еще|вс[её]\s+ещ[её]|"
        r"надалі|и\s+далее|й\s+надалі|і\s+надалі|надежно|надійно|повністю|полностью)\s+)*"
        rf"(?P<cue>{_alt(w['hold'])})(?![\w-])\s+(?P<by>[^,.;⟦»\"]{{2,50}})",
        FLAGS,
    )
    contested_state = re.compile(
        rf"(?P<places>{place_list})\s+(?:(?:{_alt(w['be'])})\s+)?(?P<cue>{_alt(w['contested'])})",
        FLAGS,
    )
    side_ru = re.compile(rf"(?:{_alt(w['side_ru'])})", FLAGS)
    side_ua = re.compile(rf"(?:{_alt(w['side_ua'])})", FLAGS)
    needs = {
        "capture": tuple(w["needs_capture"])
        + ("вошл", "зашл", "зайшл", "увійшл", "проникл", "просочи", "заход"),
        "withdrawal": tuple(w["needs_withdrawal"]),
        "hold": tuple(w["needs_hold"]) + tuple(w["needs_clearing"]),
        "fighting": tuple(w["needs_fighting"]),
        "contested": tuple(w["needs_contested"]),
        "reached": ("\x00",),
        "held_by": ("\x00",),
        "side_held": ("\x00",),
        "occupied": ("\x00",),
        "in_hands": ("контрол", *w["needs_hold"]),
    }

    def first_needed(low: str, kind: str) -> int:
        found = [i for i in (low.find(n) for n in needs[kind]) if i >= 0]
        return min(found) if found else -1

    actors = _actor_table(w, lang)
    default_side = w["own_side"]

    # An institution's nationality is named before its verb: «Генштаб ЗСУ спростував
    # заяви росіян» is Ukraine's General Staff.
    clause_end = re.compile(
        rf"(?<![\w-])(?:{_alt(w['speech'])}|{_alt(w['claim_noun'])})(?![\w-])|[,;:«»\"]", FLAGS
    )

    def actors_in(text: str, offset: int = 0) -> list[Actor]:
        return _actors_in(actors, text, offset, side_ru, side_ua, default_side, clause_end)

    @lru_cache(maxsize=4096)
    def side_of(text: str) -> str | None:
        found = actors_in(text)
        return found[0].side if found else None

    speech = re.compile(rf"(?<![\w-])(?P<verb>{_alt(w['speech'])})(?![\w-])", FLAGS)
    according = tuple(v.lower() for v in w["according"])
    denial_verbs = tuple(v.lower() for v in w["denial_verbs"])
    pronoun = re.compile(rf"(?<![\w-])(?:{_alt(w['pronouns'])})\s*(?:\S+\s+){{0,2}}$", FLAGS)
    claim_object = re.compile(rf"\s*(?:{_alt(w['claim_noun'])})(?![\w-])", FLAGS)
    colon_speaker = re.compile(r"^\s*(?P<who>[^:.;«»\"]{3,80}):\s")

    def find_speeches(masked: str) -> list[Speech]:
        out = []
        head = colon_speaker.match(masked)
        if head:
            a = pick(actors_in(head.group("who")), first=False)
            if a:
                out.append(Speech(head.start("who"), head.end("who"), a.side, a.label, False))
        for m in speech.finditer(masked):
            verb = m.group("verb").lower()
            after = re.split(r"[,.;:«»\"]", masked[m.end() : m.end() + 140])[0]
            before = masked[max(0, m.start() - 140) : m.start()]
            cut = max(before.rfind(q) for q in ("«", "»", '"', ". ", ";", " — ", " – ", ", "))
            if cut >= 0:
                before = before[cut + 1 :]
            if verb.startswith(according):
                actor = pick(actors_in(after), first=True)
            else:
                right = [a for a in actors_in(after) if a.start <= 22 and a.specific]
                if verb.startswith(denial_verbs) and claim_object.match(after):
                    right = []  # «спростували заяви росіян»: whose claim, not who denies
                actor = pick(right, first=True) or pick(actors_in(before), first=False)
            side = actor.side if actor else None
            label = actor.label if actor else ""
            if actor is None and pronoun.search(before):
                label = "<pronoun>"
            out.append(Speech(m.start(), m.end(), side, label, verb.startswith(denial_verbs)))
        return out

    def find_dates(text, published):
        return find_dates_cyrillic(text, published, lang)

    return SimpleNamespace(
        LANGUAGE=lang,
        EVENT_RULES=(
            ("capture", capture_verb),
            ("capture", capture_noun),
            ("capture", capture_after),
            ("capture", entry),
            ("withdrawal", withdrawal),
            ("withdrawal", withdrawal_noun),
            ("hold", hold_verb),
            ("hold", clearing),
            ("hold", clearing_after),
            ("fighting", fighting),
            ("fighting", fighting_after),
            ("contested", contested_state),
        ),
        STATE_RULES=(
            ("in_hands", in_hands),
            ("in_hands", held_after),
            ("in_hands", under_control_first),
        ),
        PARTS_BEFORE_PLACES=True,
        ENCIRCLED=re.compile(
            r"\s+(?:в|у)\s+(?:полу)?(?:кольц|окружени|оточенн|клещ|кліщ|котел|котёл|мішок|мешок)",
            FLAGS,
        ),
        first_needed=first_needed,
        BEFORE_PLACE=re.compile(rf"{fraction_phrase}{part_phrase}$", FLAGS),
        part_of_groups=part_of_groups,
        fraction_of=fraction_of,
        FULL_WORDS=re.compile(
            r"(?<![\w-])(?:полност\w*|полн\w+|повн\w+|весь|вс[её]|увесь|цілком)", FLAGS
        ),
        NEGATION=re.compile(rf"(?<![\w-])(?:{_alt(w['negation'])})(?![\w-])", FLAGS),
        NOT_ONLY=re.compile(r"не\s+только\s*$|не\s+лише\s*$|не\s+тільки\s*$", FLAGS),
        SINCE_PERIOD=NEVER,
        UNASSERTED_FORM=NEVER,
        FINITE_BEFORE=NEVER,
        MODAL=re.compile(rf"(?<![\w-])(?:{_alt(w['modal'])})(?![\w-])", FLAGS),
        ATTEMPT=re.compile(rf"(?<![\w-])(?:{_alt(w['attempt'])})", FLAGS),
        BUT=re.compile(r"(?<![\w-])(?:но|однако|але|проте)(?![\w-])|;", FLAGS),
        SINCE=re.compile(r"(?<![\w-])(?:с\s+момента|з\s+моменту|после|після)\s+$", FLAGS),
        AGENT=re.compile(
            rf"(?:{_alt(w['side_ru'])})|(?:{_alt(w['side_ua'])})|(?<![\w-])(?:{_alt(w['we'])})(?![\w-])",
            FLAGS,
        ),
        SIDE_RU=side_ru,
        SIDE_UA=side_ua,
        INTO=re.compile(r"(?<![\w-])(?:вошли|зашли|зайшли|увійшли|проникли|просочились)", FLAGS),
        RETAKE=re.compile(r"(?:вернул|повернул|відновил|восстановил|вибили|выбили)", FLAGS),
        CLAIMED_MARK=NEVER,
        CLAIM_NOUN=re.compile(
            rf"(?<![\w-])(?:{_alt(w['claim_noun'])})\s+(?:(?P<post>[^,.;⟦«»]{{1,60}}?)\s+)?"
            r"(?:о\s+том,?\s+что|про\s+те,?\s+що|об?\s+|про\s+|что|що)",
            FLAGS,
        ),
        WORD_BEFORE=re.compile(r"([\w'’-]+)\s+$"),
        MAY_CLAIM_NOUN=tuple(w["needs_claim_noun"]),
        DENIAL=re.compile(rf"(?<![\w-])(?:{_alt(w['denial'])})", FLAGS),
        MAY_DENY=tuple(w["needs_denial"]),
        MAY_SPEAK=tuple(w["needs_speech"]),
        MAY_CONDITION=("если", "якщо", "в случае", "у разі"),
        CONDITIONAL=re.compile(
            r"(?<![\w-])(?:если|якщо)\s+(?:это\s+|це\s+)?(?:подтвердится|підтвердиться|правда)"
            r"|(?:в\s+случае|у\s+разі)\s+(?:подтверждения|підтвердження)",
            FLAGS,
        ),
        UNCONFIRMED=re.compile(
            r"(?<![\w-])(?:не\s+(?:подтвержд\w*|підтвердж\w*|подтвердил\w*|підтвердил\w*)|"
            r"неподтвержд\w*|непідтвердж\w*)",
            FLAGS,
        ),
        MAY_UNCONFIRM=("подтвер", "підтвер"),
        PERIOD_HINT=NEVER,
        AT_THE_TIME=NEVER,
        ANAPHOR=re.compile(rf"(?<![\w-])(?:{_alt(w['anaphor'])})(?![\w-])(?!\s+[А-ЯЁІЇЄҐ])"),
        ANAPHOR_NOUNS=tuple(w["needs_anaphor"]),
        GOVERNMENT=re.compile(rf"(?:{_alt(w['government'])})", FLAGS),
        CAPTURE_WORDS=re.compile(rf"(?:{_alt(w['needs_capture'])})", FLAGS),
        PARTIAL_WORDS=re.compile(r"\d|половин|част|треть|третин|четверть|чверть", FLAGS),
        actors_in=actors_in,
        side_of=side_of,
        find_speeches=find_speeches,
        find_dates=find_dates,
        UNATTRIBUTED_IS_SIDE=True,
        OWN_SIDE=default_side,
        default_controller=lambda cue: (
            w["other_side"] if re.match(_alt(w["capture_enemy"]), cue, FLAGS) else default_side
        ),
        DENIED_NEEDS_SIDE=True,
        PRONOUN_LABEL="<pronoun>",
    )


def part_of_groups(groups: dict) -> tuple[str | None, str | None]:
    """(part, second part) from a rule's groups («южная часть» -> south)."""

    def norm(word: str | None) -> str | None:
        if not word:
            return None
        low = word.lower()
        found = [v for k, v in DIRECTIONS.items() if low.startswith(k) or k in low[:9]]
        if len(found) >= 2 and {found[0], found[1]} <= {"north", "south", "east", "west"}:
            ns = "north" if "north" in found else "south"
            ew = "east" if "east" in found else "west"
            return ns + ew
        return found[0] if found else None

    first = groups.get("part") or groups.get("whole_part")
    return norm(first), norm(groups.get("part2"))


def fraction_of(text: str | None) -> float | None:
    """0..1 for «30%», «более 30 процентов», «половину»; None when not a number."""
    if not text:
        return None
    t = text.lower()
    m = re.search(r"(\d{1,3}(?:[.,]\d+)?)\s*(?:%|процент|відсот)", t)
    if m:
        value = float(m.group(1).replace(",", ".")) / 100
        return value if 0 < value <= 1 else None
    if "половин" in t:
        return 0.5
    if "треть" in t or "третин" in t:
        return 1 / 3
    if "четверт" in t or "чверт" in t:
        return 0.25
    return None


def _actor_table(w: dict, lang: str) -> list[tuple[str, str, re.Pattern, bool]]:
    return [
        (side, label, re.compile(rf"(?<![\w-])(?:{pattern})", FLAGS), specific)
        for side, label, pattern, specific in w["actors"]
    ]


_INSTITUTION = re.compile(
    r"(?<![\w-])(?:минобороны|міноборони|министерств\w*\s+обороны|міністерств\w*\s+оборони|"
    r"мо\s+рф|генштаб\w*|генеральн\w*\s+штаб\w*|ведомств\w*|министерств\w*|міністерств\w*|"
    r"командуван\w*|командовани\w*|пресс-служб\w*|прес-служб\w*|военн\w+\s+ведомств\w*|"
    r"речник\w*|спікер\w*|спикер\w*|пресс-секретар\w*|прес-секретар\w*|угрупован\w*)",
    FLAGS,
)


def _actors_in(
    table, text: str, offset: int, side_ru, side_ua, default: str, clause_end=None
) -> list[Actor]:
    """Actors named in ``text``: the lexicon's entries, then institutions («Генштаб»,
    «в ведомстве») whose side is the nationality named with them («российского
    генштаба», «Генштаб ЗСУ»), or else the side whose language the report is in."""
    found: list[Actor] = []
    taken: list[tuple[int, int]] = []
    for m in _INSTITUTION.finditer(text):
        after = text[m.end() : m.end() + 45]
        cut = clause_end.search(after) if clause_end is not None else None
        near = text[max(0, m.start() - 25) : m.start()] + m.group(0)
        near += after[: cut.start()] if cut else after
        ru, ua = side_ru.search(near), side_ua.search(near)
        if ru and (not ua or ru.start() < ua.start()):
            side = "RU"
        elif ua:
            side = "UA"
        else:
            side = default
        label = ("Russian " if side == "RU" else "Ukrainian ") + _institution_label(m.group(0))
        taken.append((m.start(), m.end()))
        found.append(Actor(side, label, m.start() + offset, m.end() + offset, True))
    for side, label, pattern, specific in table:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(Actor(side, label, m.start() + offset, m.end() + offset, specific))
    found.sort(key=lambda a: a.start)
    return found


def _institution_label(word: str) -> str:
    low = word.lower()
    if "штаб" in low:
        return "General Staff"
    if "оборон" in low or low.startswith(("мо ", "ведомств", "министерств", "міністерств")):
        return "Defence Ministry"
    if "команд" in low:
        return "command"
    if low.startswith(("речник", "спікер", "спикер", "пресс", "прес")):
        return "spokesperson"
    if low.startswith("угрупован"):
        return "group of forces"
    return "military"
