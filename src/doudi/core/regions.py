"""Statistical division codes (统计用区划代码) — pure rules, no Django imports.

Source: 国家统计局《统计用区划代码和城乡划分代码》编制规则 and GB/T 2260, as summarised in
shared/domain/persons-and-eligibility.md ("Regions"): 12 digits = 2 province + 2 city + 2 county
(the 6-digit GB/T 2260 code) + 3 township + 3 village. A code's level is the position of its last
non-zero group; its parent is the code with that group zeroed. Because every descendant shares its
ancestor's significant prefix, "is in the subtree of" is a prefix test — the area-scope mechanism
relies on exactly this.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = 1, 2, 3, 4, 5

# Number of significant leading digits for each level.
PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}


class InvalidRegionCode(ValueError):
    """A code that is not a well-formed 12-digit statistical division code."""


@dataclass(frozen=True)
class RegionCode:
    code: str
    level: int

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def parent_code(self) -> str | None:
        if self.level == PROVINCE:
            return None
        keep = PREFIX_LENGTH[self.level - 1]
        return self.code[:keep].ljust(12, "0")


def parse_region_code(text: str) -> RegionCode:
    """Validate a 12-digit code and derive its level (统计用区划代码编制规则).

    Accepts a 6-digit GB/T 2260 county-or-above code as shorthand and pads it to 12 digits.
    Raises InvalidRegionCode with a Chinese message.
    """
    code = (text or "").strip()
    if len(code) == 6 and code.isdigit():
        code = code + "000000"
    if len(code) != 12 or not code.isdigit() or not code.isascii():
        raise InvalidRegionCode(f"区划代码“{text}”应为12位数字")
    groups = [code[0:2], code[2:4], code[4:6], code[6:9], code[9:12]]
    if groups[0] == "00":
        raise InvalidRegionCode(f"区划代码“{text}”的省级代码不能为00")
    level = max(i + 1 for i, g in enumerate(groups) if set(g) != {"0"})
    # A zero group followed by a non-zero group (e.g. 13 00 21 …) has no parent at that level.
    for i in range(level):
        if set(groups[i]) == {"0"}:
            raise InvalidRegionCode(f"区划代码“{text}”的层级不完整：第{i + 1}级为零但下级不为零")
    return RegionCode(code=code, level=level)


def is_urban(urban_rural_code: str) -> bool | None:
    """城乡分类代码: 1xx (111 主城区 … 123 特殊区域) is urban, 2xx (210, 220) is rural.

    Source: 国家统计局《统计上划分城乡的规定》; domain file "Regions". Urban/rural comes from this
    code, never from the unit's name. Returns None when the code is missing.
    """
    if not urban_rural_code:
        return None
    return urban_rural_code.startswith("1")


URBAN_RURAL_CODES = {
    "111": "主城区",
    "112": "城乡结合区",
    "121": "镇中心区",
    "122": "镇乡结合区",
    "123": "特殊区域",
    "210": "乡中心区",
    "220": "村庄",
}


def validate_urban_rural_code(value: str) -> str:
    value = (value or "").strip()
    if value not in URBAN_RURAL_CODES:
        raise InvalidRegionCode(f"城乡分类代码“{value}”无效，应为 " + "、".join(URBAN_RURAL_CODES) + " 之一")
    return value
