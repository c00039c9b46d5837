"""The simulated co-creator population and their true (canonical) survey answers.

Demographic proportions are planted exactly with quota "decks": the exact number of each
category is computed with largest-remainder rounding, shuffled with the seeded RNG and dealt out.
The 2025 decks for new respondents are the complement of what the returning 2024 respondents
already bring, so both editions hit the targets in their valid, de-duplicated responses.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

from etl.sample import vocab

K = TypeVar("K", bound=Hashable)

EDITION_OLD = 2024
EDITION_NEW = 2025


def quota(shares: Mapping[K, float], n: int) -> dict[K, int]:
    """Split n into exact counts proportional to shares (largest remainder, ties by order)."""
    total = sum(shares.values())
    raw = {k: v / total * n for k, v in shares.items()}
    counts = {k: math.floor(r) for k, r in raw.items()}
    rest = n - sum(counts.values())
    for k in sorted(raw, key=lambda k: -(raw[k] - counts[k]))[:rest]:
        counts[k] += 1
    return counts


def complement(target: Mapping[K, int], have: Mapping[K, int], n: int) -> dict[K, int]:
    """Return counts summing to n that bring have + result as close to target as possible."""
    need = {k: max(0, t - have.get(k, 0)) for k, t in target.items()}
    keys = sorted(target, key=lambda k: -target[k])
    i = 0
    while sum(need.values()) < n:
        need[keys[i % len(keys)]] += 1
        i += 1
    while sum(need.values()) > n:
        k = max(need, key=lambda k: need[k])
        need[k] -= 1
    return need


def deck(counts: Mapping[K, int], rng: random.Random) -> list[K]:
    """Expand counts into a shuffled list of category values."""
    cards = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(cards)
    return cards


def band_of(age: int) -> str:
    """Return the questionnaire age-band key for an age in years."""
    if age < 18:
        return "under_18"
    if age >= 50:
        return "50_plus"
    return next(k for k, (lo, hi) in vocab.AGE_BAND_YEARS.items() if lo <= age <= hi)


@dataclass
class Person:
    """One co-creator of the shared population (both editions draw from it)."""

    pid: str
    group: str  # A: answered 2024 only, B: answered both, C: answered 2025 only, D: never
    gender: str = ""
    role: str = ""
    role_other: str | None = None
    city: str = ""
    age24: int = 0
    exp25: int = 0
    name: str = ""
    contact_kind: str = ""
    contact_value: str = ""
    p24: bool = False
    p25: bool = False
    community: str = ""
    duty: str = ""

    def age(self, edition: int) -> int:
        """Return the age in years at the given edition's survey."""
        return self.age24 + edition - EDITION_OLD

    def experience(self, edition: int) -> int:
        """Return months of AI-creation experience at the given edition's survey."""
        return self.exp25 - 12 * (EDITION_NEW - edition)

    @property
    def contact_key(self) -> str:
        """Return the normalised contact identity, e.g. ``phone:13812345678``."""
        return f"{self.contact_kind}:{self.contact_value}"

    def editions(self) -> list[int]:
        """Return the editions this person took part in."""
        return [e for e, on in ((EDITION_OLD, self.p24), (EDITION_NEW, self.p25)) if on]


@dataclass
class Answers:
    """The true content of one submission, in questionnaire keys (what a perfect reader gets)."""

    age_years: int
    age_band: str
    gender: str
    role: str
    role_other: str | None
    role_written: str  # option / other / pm_variant
    city: str | None  # canonical city, None when the written text is unmappable
    city_text: str
    experience_months: int | None
    tools: list[str]
    tools_other: str | None
    hours_per_week: str
    program_types: list[str]
    program_types_other: str | None
    communities: list[str]
    communities_other: str | None
    motivations: list[str]
    motivations_other: str | None
    support_ranking: list[str]
    income: str | None
    income_skipped: bool
    satisfaction: int
    aspects: dict[str, int] | None
    will_return: str
    works_past_year: int
    nickname: str | None
    contact: str | None
    suggestions: str | None
    extra: dict[str, str] = field(default_factory=dict)


# --- population ------------------------------------------------------------------------------

GROUP_SIZES = {"A": 140, "B": 180, "C": 270, "D": 60}


def _deal_with_complement(
    ab: Sequence[Person],
    b: Sequence[Person],
    c: Sequence[Person],
    d: Sequence[Person],
    shares: Mapping[str, float],
    attr: str,
    rng: random.Random,
) -> None:
    """Deal one static attribute so that A+B and B+C both match shares exactly."""
    for p, v in zip(ab, deck(quota(shares, len(ab)), rng), strict=True):
        setattr(p, attr, v)
    have = Counter(getattr(p, attr) for p in b)
    need = complement(quota(shares, len(b) + len(c)), have, len(c))
    for p, v in zip(c, deck(need, rng), strict=True):
        setattr(p, attr, v)
    for p, v in zip(d, deck(quota(shares, len(d)), rng), strict=True):
        setattr(p, attr, v)


def _deal_ages(
    people: Sequence[Person], counts: Mapping[str, int], edition: int, rng: random.Random
) -> None:
    """Deal age bands (students get the youngest) and draw ages within the band."""
    order = list(vocab.AGE_BAND_YEARS)
    cards = sorted(deck(counts, rng), key=order.index)
    students = [p for p in people if p.role == "student"]
    others = [p for p in people if p.role != "student"]
    rng.shuffle(students)
    rest = cards[len(students) :]
    rng.shuffle(rest)
    for p, band in zip(students + others, cards[: len(students)] + rest, strict=True):
        lo, hi = vocab.AGE_BAND_YEARS[band]
        p.age24 = rng.randint(lo, hi) - (edition - EDITION_OLD)


def _unique(make: Callable[[], str], used: set[str]) -> str:
    """Call make() until it returns a value not in used, then record it."""
    while True:
        value = make()
        if value not in used:
            used.add(value)
            return value


def make_name(gender: str, rng: random.Random) -> str:
    """Return a plausible Chinese full name for the gender."""
    pool = vocab.GIVEN_FEMALE if gender == "female" else vocab.GIVEN_MALE
    if gender in ("other", "undisclosed"):
        pool = vocab.GIVEN_MALE + vocab.GIVEN_FEMALE
    given = "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(vocab.SURNAMES) + given


def make_contact(rng: random.Random) -> tuple[str, str]:
    """Return a (kind, canonical value) contact: 11-digit phone, WeChat id or email."""
    kind = rng.choices(("phone", "wechat", "email"), weights=(62, 28, 10))[0]
    if kind == "phone":
        return kind, rng.choice(vocab.PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    if kind == "wechat":
        if rng.random() < 0.4:
            chars = "abcdefghijklmnopqrstuvwxyz0123456789"
            return kind, "wxid_" + "".join(rng.choice(chars) for _ in range(rng.randint(6, 10)))
        words = rng.sample(vocab.WECHAT_WORDS, 2)
        return kind, f"{words[0]}_{words[1]}{rng.randint(1, 999)}"
    if rng.random() < 0.4:
        return kind, f"{rng.randint(10**7, 10**10)}@qq.com"
    words = rng.sample(vocab.WECHAT_WORDS, 2)
    return kind, f"{words[0]}.{words[1]}{rng.randint(1, 99)}@{rng.choice(vocab.EMAIL_DOMAINS)}"


def format_contact(kind: str, value: str, rng: random.Random) -> str:
    """Write a contact the way a person types it (phones in five layouts)."""
    if kind != "phone":
        return value
    a, b, c = value[:3], value[3:7], value[7:]
    layouts = (value, f"+86 {a}-{b}-{c}", f"{a} {b} {c}", f"{a}-{b}-{c}", f"+86{value}")
    return rng.choices(layouts, weights=(50, 12, 15, 13, 10))[0]


def build_population(rng: random.Random) -> list[Person]:
    """Create the ~650 co-creators with exactly planted demographic quotas."""
    people: list[Person] = []
    for group, size in GROUP_SIZES.items():
        people += [Person(pid="", group=group) for _ in range(size)]
    rng.shuffle(people)
    for i, p in enumerate(people, 1):
        p.pid = f"P{i:04d}"
    by = {g: [p for p in people if p.group == g] for g in GROUP_SIZES}
    a, b, c, d = by["A"], by["B"], by["C"], by["D"]
    ab = a + b
    _deal_with_complement(ab, b, c, d, vocab.GENDER_SHARES, "gender", rng)
    _deal_with_complement(ab, b, c, d, vocab.ROLE_SHARES, "role", rng)
    _deal_with_complement(ab, b, c, d, vocab.CITY_SHARES, "city", rng)
    # ages: 2024 quotas over A+B, then 2025 quotas over B+C given B's ages one year on
    _deal_ages(ab, quota(vocab.AGE_SHARES, len(ab)), EDITION_OLD, rng)
    have = Counter(band_of(p.age(EDITION_NEW)) for p in b)
    need = complement(quota(vocab.AGE_SHARES, len(b) + len(c)), have, len(c))
    _deal_ages(c, need, EDITION_NEW, rng)
    _deal_ages(d, quota(vocab.AGE_SHARES, len(d)), EDITION_OLD, rng)

    names: set[str] = set()
    contacts: set[str] = set()
    for p in people:
        if p.role == "other":
            p.role_other = rng.choice(vocab.ROLE_OTHER_TEXTS)
        p.name = _unique(partial(make_name, p.gender, rng), names)
        key = _unique(lambda: ":".join(make_contact(rng)), contacts)
        p.contact_kind, p.contact_value = key.split(":", 1)
        p.community = rng.choices(
            list(vocab.ROSTER_COMMUNITIES), weights=list(vocab.ROSTER_COMMUNITIES.values())
        )[0]
        p.duty = rng.choice(vocab.ROSTER_DUTIES)
        if p.group == "A":
            p.p24, p.p25 = True, rng.random() < 0.2
        elif p.group == "B":
            p.p24 = p.p25 = True
        elif p.group == "C":
            p.p24, p.p25 = rng.random() < 0.1, True
    for i, p in enumerate(d):
        p.p24, p.p25 = i % 5 != 1, i % 5 != 0  # 2024 only, 2025 only, or both
    for p in people:
        if p.p24:  # was already creating a year before the 2025 survey
            p.exp25 = rng.randint(13, vocab.EXPERIENCE_RANGE[1])
        else:
            p.exp25 = min(vocab.EXPERIENCE_RANGE[1], max(1, round(rng.triangular(1, 36, 4))))
    return people


# --- answers ---------------------------------------------------------------------------------


def _pick_multi(weights: Mapping[str, float], rng: random.Random) -> list[str]:
    """Pick options independently by weight, at least one."""
    chosen = [k for k, w in weights.items() if rng.random() < w]
    return chosen or [max(weights, key=lambda k: weights[k])]


def _weighted(shares: Mapping[K, float], rng: random.Random) -> K:
    """Draw one key by its share."""
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _works_value(bucket: tuple[int, int], rng: random.Random) -> int:
    """Draw a works count inside a bucket."""
    return rng.randint(*bucket)


def _ranking(rng: random.Random) -> list[str]:
    """Rank 2-5 support needs, weighted sampling without replacement."""
    k = rng.choices((2, 3, 4, 5), weights=(25, 35, 20, 20))[0]
    pool = dict(vocab.RANKING_WEIGHTS)
    out: list[str] = []
    for _ in range(k):
        key = _weighted(pool, rng)
        out.append(key)
        del pool[key]
    return out


@dataclass
class Drawn:
    """The planted (decked) single values for one submission."""

    hours: str
    income: str | None
    satisfaction: int
    will_return: str
    works: int
    tools: list[str]


def iid_draw(person: Person, rng: random.Random) -> Drawn:
    """Draw the planted values independently (for rows outside the valid set)."""
    tools = [k for k, s in vocab.TOOL_SHARES.items() if rng.random() < s] or ["kling"]
    return Drawn(
        hours=_weighted(vocab.HOURS_SHARES, rng),
        income=None if person.role == "student" else _weighted(vocab.INCOME_SHARES, rng),
        satisfaction=_weighted(vocab.SATISFACTION_SHARES, rng),
        will_return=_weighted(vocab.WILL_RETURN_SHARES, rng),
        works=_works_value(_weighted(vocab.WORKS_BUCKETS, rng), rng),
        tools=tools,
    )


def decked_draws(people: Sequence[Person], rng: random.Random) -> list[Drawn]:
    """Deal the planted values so the valid set of an edition hits the shares exactly."""
    n = len(people)
    hours = deck(quota(vocab.HOURS_SHARES, n), rng)
    sat = deck(quota(vocab.SATISFACTION_SHARES, n), rng)
    ret = deck(quota(vocab.WILL_RETURN_SHARES, n), rng)
    works = [_works_value(b, rng) for b in deck(quota(vocab.WORKS_BUCKETS, n), rng)]
    earners = [i for i, p in enumerate(people) if p.role != "student"]
    income: list[str | None] = [None] * n
    for i, v in zip(earners, deck(quota(vocab.INCOME_SHARES, len(earners)), rng), strict=True):
        income[i] = v
    tools: list[list[str]] = [[] for _ in range(n)]
    for key, share in vocab.TOOL_SHARES.items():
        for i in sorted(rng.sample(range(n), round(share * n))):
            tools[i].append(key)
    return [Drawn(hours[i], income[i], sat[i], ret[i], works[i], tools[i]) for i in range(n)]


def make_answers(
    person: Person,
    edition: int,
    drawn: Drawn,
    rng: random.Random,
    *,
    must_give_contact: bool = False,
) -> Answers:
    """Build one submission's true answers from the person and the planted draws."""
    city = vocab.CITY_BY_NAME[person.city]
    spelling = city.spellings[0] if rng.random() < 0.45 else rng.choice(city.spellings)
    tools = list(drawn.tools)
    program = _pick_multi(vocab.PROGRAM_WEIGHTS, rng) if rng.random() > 0.04 else []
    communities = _pick_multi(vocab.COMMUNITY_WEIGHTS, rng) if rng.random() > 0.05 else []
    motivations = _pick_multi(vocab.MOTIVATION_WEIGHTS, rng) if rng.random() > 0.03 else []
    aspects = None
    if rng.random() > 0.04:
        aspects = {
            row: rng.choices(range(1, 6), weights=vocab.ASPECT_SCORE_WEIGHTS)[0]
            for row in ("organisation", "tech_support", "promotion", "feedback")
        }
    gives_contact = must_give_contact or rng.random() < 0.88
    return Answers(
        age_years=person.age(edition),
        age_band=band_of(person.age(edition)),
        gender=person.gender,
        role=person.role,
        role_other=person.role_other,
        role_written="other" if person.role == "other" else "option",
        city=person.city,
        city_text=spelling,
        experience_months=person.experience(edition) if rng.random() > 0.03 else None,
        tools=tools,
        tools_other=rng.choice(vocab.TOOL_OTHER_TEXTS) if "other" in tools else None,
        hours_per_week=drawn.hours,
        program_types=program,
        program_types_other=(rng.choice(vocab.PROGRAM_OTHER_TEXTS) if "other" in program else None),
        communities=communities,
        communities_other=(
            rng.choice(vocab.COMMUNITY_OTHER_TEXTS) if "other" in communities else None
        ),
        motivations=motivations,
        motivations_other=(
            rng.choice(vocab.MOTIVATION_OTHER_TEXTS) if "other" in motivations else None
        ),
        support_ranking=_ranking(rng) if rng.random() > 0.06 else [],
        income=drawn.income,
        income_skipped=person.role == "student",
        satisfaction=drawn.satisfaction,
        aspects=aspects,
        will_return=drawn.will_return,
        works_past_year=drawn.works,
        nickname=person.name if rng.random() < 0.75 else None,
        contact=(
            format_contact(person.contact_kind, person.contact_value, rng)
            if gives_contact
            else None
        ),
        suggestions=rng.choice(vocab.SUGGESTIONS) if rng.random() < 0.45 else None,
    )


def vary(answers: Answers, person: Person, rng: random.Random) -> Answers:
    """Return an earlier, different version of a submission (for repeat submissions)."""
    sat = answers.satisfaction
    new_sat = min(10, max(0, sat + rng.choice((-3, -2, -1, 1, 2))))
    if new_sat == sat:
        new_sat = sat - 1
    changed = replace(answers, extra=dict(answers.extra))
    changed.satisfaction = new_sat
    if rng.random() < 0.5:
        changed.will_return = _weighted(vocab.WILL_RETURN_SHARES, rng)
    if rng.random() < 0.5:
        changed.works_past_year = _works_value(_weighted(vocab.WORKS_BUCKETS, rng), rng)
    if rng.random() < 0.5:
        changed.tools = [t for t in answers.tools if t != "other"][:-1] or ["kling"]
        changed.tools_other = None
    if rng.random() < 0.6:
        changed.suggestions = rng.choice(vocab.SUGGESTIONS)
    changed.contact = format_contact(person.contact_kind, person.contact_value, rng)
    return changed
