import pytest

from doudi.core import regions


@pytest.mark.parametrize(
    "code, level, parent",
    [
        ("990000000000", regions.PROVINCE, None),
        ("990100000000", regions.CITY, "990000000000"),
        ("990121000000", regions.COUNTY, "990100000000"),
        ("990121", regions.COUNTY, "990100000000"),  # a 6-digit GB/T 2260 code is padded
        ("990121100000", regions.TOWNSHIP, "990121000000"),
        ("990121100201", regions.VILLAGE, "990121100000"),
        ("990121001001", regions.VILLAGE, "990121001000"),
    ],
)
def test_level_and_parent_follow_from_the_code(code, level, parent):
    rc = regions.parse_region_code(code)
    assert rc.level == level
    assert rc.parent_code == parent
    assert rc.code.startswith(rc.prefix)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "9901",
        "99012110000",
        "9901211000001",
        "99012110000a",
        "000000000000",
        "990021100000",
        "９９０１２１１０００００",
    ],
)
def test_malformed_codes_are_refused_in_chinese(bad):
    with pytest.raises(regions.InvalidRegionCode, match="区划代码"):
        regions.parse_region_code(bad)


@pytest.mark.parametrize(
    "urc, urban",
    [
        ("111", True),
        ("112", True),
        ("121", True),
        ("122", True),
        ("123", True),
        ("210", False),
        ("220", False),
        ("", None),
    ],
)
def test_urban_rural_comes_from_the_classification_code(urc, urban):
    assert regions.is_urban(urc) is urban


def test_a_subtree_is_a_prefix():
    township = regions.parse_region_code("990121100000")
    assert "990121100201".startswith(township.prefix)
    assert not "990121101201".startswith(township.prefix)
