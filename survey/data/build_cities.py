"""Build the Chinese place tables in survey/data from the adcode list shipped with ``cpca``.

Source: ``cpca`` 0.5.5 (https://github.com/DQinYuan/chinese_province_city_area_mapper),
files ``cpca/resources/adcodes.csv`` (12-digit GB/T 2260 adcodes with name, longitude, latitude;
a snapshot from about 2017) and ``cpca/resources/56_nations.csv``. Licence: MIT, (c) 2018 QinYuan
Du; the generated CSVs are derived from that data and carry the same licence.

Outputs (committed; the runtime reads only these and never needs cpca or pypinyin):

* ``cities_cn.csv``: one row per city unit: the prefecture-level cities, prefectures, leagues and
  autonomous prefectures (level "prefecture"); the four municipalities (北京 上海 天津 重庆, each
  its own city, level "municipality"); Hong Kong, Macau and Taiwan (province-level regions, one
  unit each, level "region", tier "hk_mo_tw"); and the county-level units that report straight to
  a province (济源, 仙桃, the Hainan counties, ...; level "county"), which have no prefecture.
  Columns: city_id (6-digit adcode), city_zh (short name, 上海), city_full_zh (上海市), city_en,
  province_id, province_zh, province_en, level, tier, tier_rank (position in city_tiers.yaml,
  blank if unlisted; the runtime's size proxy), lat, lon.
* ``provinces_cn.csv``: the 34 province-level regions.
* ``districts_cn.csv``: every district/county/county-level city → its city unit, under the official
  name (浦东新区) and, where safe, a short name (浦东); see ``short_district_names``.

Tiers come from ``city_tiers.yaml`` (edit that, then rerun). English names are pinyin via
``pypinyin`` with an apostrophe before a/o/e syllables (Xi'an) plus ``EN_OVERRIDES`` for polyphones
pypinyin gets wrong and conventional spellings (Shaanxi, Inner Mongolia, Hong Kong, Urumqi).

Rerun (from the repo root, with the dev dependency pypinyin installed)::

    .venv/bin/python survey/data/build_cities.py [--source path/to/adcodes.csv]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pypinyin import Style, lazy_pinyin

HERE = Path(__file__).resolve().parent
MUNICIPALITIES = {"11", "12", "31", "50"}
HK_MO_TW = {"71", "81", "82"}
HK_MO_TW_TIER = "hk_mo_tw"

# Polyphones pypinyin reads wrongly for place names, and spellings that are conventional in English.
EN_OVERRIDES = {
    "陕西": "Shaanxi",
    "内蒙古": "Inner Mongolia",
    "香港": "Hong Kong",
    "澳门": "Macau",
    "台湾": "Taiwan",
    "长治": "Changzhi",
    "朝阳": "Chaoyang",
    "漯河": "Luohe",
    "呼和浩特": "Hohhot",
    "乌鲁木齐": "Urumqi",
    "哈尔滨": "Harbin",
    "拉萨": "Lhasa",
    "喀什": "Kashgar",
    "日喀则": "Shigatse",
    "昌都": "Qamdo",
    "林芝": "Nyingchi",
    "那曲": "Nagqu",
    "阿里": "Ngari",
    "阿坝": "Ngawa",
    "甘孜": "Garze",
    "鄂尔多斯": "Ordos",
    "呼伦贝尔": "Hulunbuir",
    "巴彦淖尔": "Bayannur",
    "乌兰察布": "Ulanqab",
    "锡林郭勒": "Xilingol",
    "阿拉善": "Alxa",
    "兴安": "Hinggan",
    "齐齐哈尔": "Qiqihar",
    "克拉玛依": "Karamay",
    "吐鲁番": "Turpan",
    "阿克苏": "Aksu",
    "和田": "Hotan",
    "伊犁": "Ili",
    "阿勒泰": "Altay",
    "博尔塔拉": "Bortala",
    "巴音郭楞": "Bayingolin",
    "克孜勒苏": "Kizilsu",
}

# Units the source lists without coordinates (approximate city-centre coordinates).
COORD_FALLBACK = {"139001": (38.5163, 114.9906), "139002": (37.9433, 115.2179)}

# Changes after the cpca snapshot that matter at prefecture level.
# 2019-01: 莱芜市 abolished, its districts moved to 济南 (莱城区 became 莱芜区).
# 2017-07: 那曲地区 became 那曲市 (adcode 540600).
REMOVED_PREFECTURES = {"371200": "370100"}
RENAMED_PREFECTURES = {"542400": ("540600", "那曲市")}
EXTRA_DISTRICTS = [("莱芜区", "370116", "370100"), ("莱芜", "371200", "370100")]

SHORT_NAME_MAX_SHARED = 2  # a short district name used by 3+ districts is too generic (新华, 城关)


@dataclass
class Place:
    """One row of the source adcode list."""

    code: str  # 6-digit adcode
    name: str
    lon: float | None
    lat: float | None


def find_source() -> Path:
    """Locate cpca's adcodes.csv without importing cpca (it needs pkg_resources)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cpca is not installed; pass --source path/to/adcodes.csv")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def read_places(path: Path) -> dict[str, Place]:
    """Read adcodes.csv into 6-digit-code → Place (all source codes end in six zeros)."""
    places: dict[str, Place] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["adcode"]
            assert code.endswith("000000"), code
            lon = float(row["longitude"]) if row["longitude"] else None
            lat = float(row["latitude"]) if row["latitude"] else None
            places[code[:6]] = Place(code[:6], row["name"], lon, lat)
    return places


def read_nations(path: Path) -> list[str]:
    """Ethnic-group names with and without 族, longest first, for stripping from place names."""
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    stems = {name.removesuffix("族") for name in names}
    return sorted(stems | set(names), key=len, reverse=True)


def strip_ethnic(name: str, nations: list[str]) -> str:
    """Strip trailing ethnic-group names: 黔东南苗族侗族 → 黔东南, 巴音郭楞蒙古 → 巴音郭楞."""
    changed = True
    while changed:
        changed = False
        for nation in nations:
            if name.endswith(nation) and len(name) > len(nation) + 1:
                name = name[: -len(nation)]
                changed = True
                break
    return name


def short_city_name(full: str, nations: list[str]) -> str:
    """Common short name of a city unit: 上海市 → 上海, 延边朝鲜族自治州 → 延边, 阿里地区 → 阿里."""
    for suffix in (
        "特别行政区",
        "自治州",
        "自治区",
        "自治县",
        "地区",
        "林区",
        "盟",
        "省",
        "市",
        "县",
    ):
        if full.endswith(suffix) and len(full) > len(suffix) + 1:
            short = full.removesuffix(suffix)
            if suffix.startswith("自治"):
                short = strip_ethnic(short, nations)
            return short
    return full


def short_district_name(full: str, nations: list[str]) -> str | None:
    """Short form of a district/county name (浦东新区 → 浦东, 昆山市 → 昆山), or None if too short."""
    name = full
    if name.endswith(("自治县", "自治旗")):
        name = strip_ethnic(name[:-3], nations)
    else:
        for suffix in ("新区", "林区", "特区", "区", "县", "市", "旗"):
            if name.endswith(suffix):
                name = name.removesuffix(suffix)
                break
    return name if len(name) >= 2 and name != full else None


def to_english(zh: str) -> str:
    """Pinyin English name with tone-free syllables, apostrophes where pinyin needs them."""
    if zh in EN_OVERRIDES:
        return EN_OVERRIDES[zh]
    syllables = lazy_pinyin(zh, style=Style.NORMAL, v_to_u=True)
    text = syllables[0]
    for syllable in syllables[1:]:
        text += ("'" if syllable[:1] in {"a", "o", "e"} else "") + syllable
    return text[:1].upper() + text[1:]


def read_tiers(path: Path) -> dict[str, tuple[str, int | None]]:
    """Short city name → (tier, rank), rank being the position across the ordered tier lists."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tiers: dict[str, tuple[str, int | None]] = {}
    rank = 0
    for tier, names in data["tiers"].items():
        for name in names:
            rank += 1
            assert name not in tiers, f"{name} listed twice in city_tiers.yaml"
            tiers[name] = (str(tier), rank)
    return tiers


def build(source: Path) -> None:
    """Derive and write cities_cn.csv, provinces_cn.csv and districts_cn.csv."""
    places = read_places(source)
    nations = read_nations(source.with_name("56_nations.csv"))
    tiers = read_tiers(HERE / "city_tiers.yaml")

    provinces = {code[:2]: p for code, p in places.items() if code.endswith("0000")}
    province_rows: list[dict[str, str]] = []
    for _, place in sorted(provinces.items()):
        short = short_city_name(place.name, nations)
        province_rows.append(
            {
                "province_id": place.code,
                "province_zh": short,
                "province_full_zh": place.name,
                "province_en": to_english(short),
            }
        )
    province_by_prefix = {row["province_id"][:2]: row for row in province_rows}

    cities: list[dict[str, object]] = []

    def add_city(code: str, full: str, place: Place, level: str) -> None:
        province = province_by_prefix[code[:2]]
        short = short_city_name(full, nations)
        tier, rank = tiers.get(short, ("4+", None))
        if code[:2] in HK_MO_TW:
            tier, rank = HK_MO_TW_TIER, None
        cities.append(
            {
                "city_id": code,
                "city_zh": short,
                "city_full_zh": full,
                "city_en": to_english(short),
                "province_id": province["province_id"],
                "province_zh": province["province_zh"],
                "province_en": province["province_en"],
                "level": level,
                "tier": tier,
                "tier_rank": "" if rank is None else rank,
                "lat": place.lat if place.lat is not None else COORD_FALLBACK[code][0],
                "lon": place.lon if place.lon is not None else COORD_FALLBACK[code][1],
            }
        )

    for code, place in sorted(places.items()):
        prefix, middle, tail = code[:2], code[2:4], code[4:]
        if prefix in MUNICIPALITIES | HK_MO_TW:
            if middle == "00":
                add_city(
                    code,
                    place.name,
                    place,
                    "municipality" if prefix in MUNICIPALITIES else "region",
                )
            continue
        if middle == "00" or code in REMOVED_PREFECTURES:
            continue
        if tail == "00" and middle != "90":
            new_code, new_name = RENAMED_PREFECTURES.get(code, (code, place.name))
            add_city(new_code, new_name, place, "prefecture")
        elif middle == "90" and tail != "00":
            add_city(code, place.name, place, "county")

    city_ids = {str(c["city_id"]) for c in cities}
    renamed = {old: new for old, (new, _) in RENAMED_PREFECTURES.items()}

    district_rows: list[tuple[str, str, str]] = []  # (full name, district id, city id)
    for code, place in sorted(places.items()):
        prefix, middle, tail = code[:2], code[2:4], code[4:]
        if middle == "00" or tail == "00" or place.name == "市辖区" or middle == "90":
            continue
        if prefix in MUNICIPALITIES:
            parent = prefix + "0000"
        else:
            parent = code[:4] + "00"
            parent = REMOVED_PREFECTURES.get(parent, renamed.get(parent, parent))
        assert parent in city_ids, (code, place.name, parent)
        district_rows.append((place.name, code, parent))
    district_rows.extend(EXTRA_DISTRICTS)

    # Names a short district name must not shadow: cities, provinces (河北区 → "河北" is a province).
    reserved = {str(c["city_zh"]) for c in cities} | {str(c["city_full_zh"]) for c in cities}
    reserved |= {r["province_zh"] for r in province_rows} | {
        r["province_full_zh"] for r in province_rows
    }
    shorts = {full: short_district_name(full, nations) for full, _, _ in district_rows}
    short_use = Counter(shorts[full] for full, _, _ in district_rows if shorts[full])
    out_districts: list[dict[str, object]] = []
    seen: set[tuple[str, str]] = set()
    for full, code, parent in district_rows:
        candidates = [(full, "full")]
        short_name = shorts[full]
        if (
            short_name is not None
            and short_name not in reserved
            and short_use[short_name] <= SHORT_NAME_MAX_SHARED
        ):
            candidates.append((short_name, "short"))
        for name, kind in candidates:
            if name in reserved or (name, parent) in seen:
                continue
            seen.add((name, parent))
            out_districts.append(
                {"name": name, "kind": kind, "district_id": code, "city_id": parent}
            )

    missing = set(tiers) - {str(c["city_zh"]) for c in cities}
    assert not missing, f"tier list names not found: {sorted(missing)}"
    by_short = defaultdict(list)
    for city in cities:
        by_short[city["city_zh"]].append(city["city_id"])
    dupes = {k: v for k, v in by_short.items() if len(v) > 1}
    assert not dupes, f"duplicate short city names: {dupes}"

    write_csv(HERE / "provinces_cn.csv", province_rows)
    write_csv(HERE / "cities_cn.csv", cities)
    write_csv(HERE / "districts_cn.csv", out_districts)
    print(
        f"{len(province_rows)} provinces, {len(cities)} city units, "
        f"{len(out_districts)} district names"
    )


def write_csv(path: Path, rows: Sequence[Mapping[str, object]]) -> None:
    """Write rows with a header, UTF-8, LF line endings."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None, help="path to cpca's adcodes.csv")
    args = parser.parse_args()
    build(args.source or find_source())


if __name__ == "__main__":
    main()
