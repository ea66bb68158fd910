"""The countries table: codes, names and common names resolve to alpha-2 codes; display names; suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nkwatch.countries import (
    COUNTRIES,
    _folded_key,
    all_codes,
    country_name,
    is_country_code,
    normalize,
    resolve_country,
    suggest_countries,
)


@pytest.mark.parametrize(("text", "code"), [
    ("russia", "RU"), ("RU", "RU"), ("rus", "RU"), ("Russian Federation", "RU"), ("  RUSSIA ", "RU"),
    ("north korea", "KP"), ("DPRK", "KP"), ("Democratic People's Republic of Korea", "KP"),
    ("Korea, Democratic People's Republic of", "KP"), ("democratic peoples republic of korea", "KP"),
    ("N. Korea", "KP"),
    ("South Korea", "KR"), ("ROK", "KR"), ("Republic of Korea", "KR"), ("Korea, Republic of", "KR"),
    ("uk", "GB"), ("U.K.", "GB"), ("United Kingdom", "GB"), ("Great Britain", "GB"), ("Britain", "GB"),
    ("usa", "US"), ("US", "US"), ("U.S.A.", "US"), ("United States", "US"), ("United States of America", "US"),
    ("America", "US"),
    ("China", "CN"), ("PRC", "CN"), ("People's Republic of China", "CN"),
    ("Iran", "IR"), ("Syria", "SY"), ("Vietnam", "VN"), ("Viet Nam", "VN"), ("Laos", "LA"), ("Taiwan", "TW"),
    ("Czechia", "CZ"), ("Czech Republic", "CZ"), ("Türkiye", "TR"), ("Turkey", "TR"), ("turkiye", "TR"),
    ("Ivory Coast", "CI"), ("Côte d'Ivoire", "CI"), ("cote d’ivoire", "CI"), ("Bolivia", "BO"), ("Venezuela", "VE"),
    ("Tanzania", "TZ"), ("Moldova", "MD"), ("Micronesia", "FM"), ("Palestine", "PS"), ("Vatican", "VA"),
    ("Holy See", "VA"), ("Brunei", "BN"), ("Cape Verde", "CV"), ("Cabo Verde", "CV"), ("Eswatini", "SZ"),
    ("Swaziland", "SZ"), ("Myanmar", "MM"), ("Burma", "MM"), ("North Macedonia", "MK"), ("Macedonia", "MK"),
    ("UAE", "AE"), ("United Arab Emirates", "AE"), ("DR Congo", "CD"), ("DRC", "CD"),
    ("Democratic Republic of the Congo", "CD"), ("Republic of the Congo", "CG"), ("Qatar", "QA"),
    ("The Gambia", "GM"), ("Guinea-Bissau", "GW"), ("guinea bissau", "GW"), ("Bosnia & Herzegovina", "BA"),
    ("St. Lucia", "LC"), ("Åland Islands", "AX"), ("aland islands", "AX"),
])
def test_resolve_country(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize("text", ["korea", "Korea", "the Korea", "narnia", "", "   ", "XX", "XXX", "the"])
def test_unresolved_is_none(text: str) -> None:
    assert resolve_country(text) is None


def test_table_is_complete_and_consistent() -> None:
    codes = all_codes()
    assert len(codes) == 249
    assert len(set(codes)) == 249
    assert codes == sorted(codes)
    assert len({row[1] for row in COUNTRIES}) == 249
    for alpha2, alpha3, *_ in COUNTRIES:
        assert len(alpha2) == 2 and alpha2.isupper() and alpha2.isalpha()
        assert len(alpha3) == 3 and alpha3.isupper() and alpha3.isalpha()


def test_every_code_name_and_alias_resolves_to_its_own_country() -> None:
    for alpha2, alpha3, name, common, aliases in COUNTRIES:
        assert resolve_country(alpha2) == alpha2
        assert resolve_country(alpha2.lower()) == alpha2
        assert resolve_country(alpha3) == alpha2, alpha3
        assert resolve_country(alpha3.lower()) == alpha2, alpha3
        for text in (name, common, *aliases):
            if text:
                assert resolve_country(text) == alpha2, text


def test_country_name_prefers_the_common_name() -> None:
    expected = {"RU": "Russia", "KP": "North Korea", "KR": "South Korea", "CN": "China", "GB": "United Kingdom",
                "US": "United States", "QA": "Qatar", "VN": "Vietnam", "LA": "Laos", "IR": "Iran", "SY": "Syria",
                "TW": "Taiwan", "CD": "DR Congo", "CG": "Republic of the Congo", "VA": "Vatican City"}
    assert {code: country_name(code) for code in expected} == expected
    assert country_name("XX") == "XX"
    assert country_name("") == ""
    assert all(country_name(code) for code in all_codes())


def test_is_country_code() -> None:
    assert is_country_code("KP")
    assert is_country_code("RU")
    assert all(is_country_code(code) for code in all_codes())
    for text in ("kp", "XX", "UK", "PRK", "", "North Korea"):
        assert not is_country_code(text), text


def test_suggest_countries() -> None:
    assert suggest_countries("rusia")[0] == "Russia"
    assert suggest_countries("nort korea")[0] == "North Korea"
    assert set(suggest_countries("korea")[:2]) == {"North Korea", "South Korea"}
    assert suggest_countries("rusia") == ["Russia"]
    assert len(suggest_countries("korea", limit=1)) == 1
    assert suggest_countries("rusia", limit=0) == []
    suggestions = suggest_countries("congo")
    assert len(suggestions) == len(set(suggestions))
    assert suggest_countries("zzzzzzzz") == []


@pytest.mark.parametrize(("text", "key"), [
    ("The  Gambia", "gambia"), ("Guinea-Bissau", "guinea bissau"), ("CÔTE D'IVOIRE", "cote divoire"),
    ("U.K.", "uk"), ("St. Lucia", "st lucia"), ("Ｒｕｓｓｉａ", "russia"), ("Straße", "strasse"), ("", ""),
])
def test_normalize(text: str, key: str) -> None:
    assert normalize(text) == key


_NAME_PARTS = st.sampled_from(["the", "The", "St.", "U.K.", "Côte", "d'Ivoire", "Guinea-Bissau", "&", "", "ß", "\t"])


@given(st.lists(_NAME_PARTS, max_size=4).map(" ".join) | st.text(max_size=12))
def test_the_plain_ascii_shortcut_gives_the_key_the_full_rules_give(text: str) -> None:
    assert normalize(text) == _folded_key(text)
