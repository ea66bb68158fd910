"""Countries: the ISO 3166-1 table and the names people type for them.

``resolve_country`` turns ``russia``, ``RU``, ``rus``, ``Russian Federation``, ``north korea``, ``DPRK``, ``U.K.`` or
``usa`` into an alpha-2 code; ``country_name`` gives the name people use for display ("North Korea", not "Korea,
Democratic People's Republic of"); ``suggest_countries`` offers the closest names for a misspelling. The lookup
table is built on first use, so importing this module costs only the constant below.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# The 249 officially assigned ISO 3166-1 codes (from Debian's iso-codes 4.15), one country a line:
# (alpha-2, alpha-3, ISO short English name, the name people use when it differs or "", other names people type).
COUNTRIES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("AD", "AND", "Andorra", "", ("Principality of Andorra",)),
    ("AE", "ARE", "United Arab Emirates", "", ("UAE", "Emirates")),
    ("AF", "AFG", "Afghanistan", "", ("Islamic Republic of Afghanistan",)),
    ("AG", "ATG", "Antigua and Barbuda", "", ()),
    ("AI", "AIA", "Anguilla", "", ()),
    ("AL", "ALB", "Albania", "", ("Republic of Albania",)),
    ("AM", "ARM", "Armenia", "", ("Republic of Armenia",)),
    ("AO", "AGO", "Angola", "", ("Republic of Angola",)),
    ("AQ", "ATA", "Antarctica", "", ()),
    ("AR", "ARG", "Argentina", "", ("Argentine Republic",)),
    ("AS", "ASM", "American Samoa", "", ()),
    ("AT", "AUT", "Austria", "", ("Republic of Austria",)),
    ("AU", "AUS", "Australia", "", ()),
    ("AW", "ABW", "Aruba", "", ()),
    ("AX", "ALA", "Åland Islands", "", ()),
    ("AZ", "AZE", "Azerbaijan", "", ("Republic of Azerbaijan",)),
    ("BA", "BIH", "Bosnia and Herzegovina", "", ("Republic of Bosnia and Herzegovina",)),
    ("BB", "BRB", "Barbados", "", ()),
    ("BD", "BGD", "Bangladesh", "", ("People's Republic of Bangladesh",)),
    ("BE", "BEL", "Belgium", "", ("Kingdom of Belgium",)),
    ("BF", "BFA", "Burkina Faso", "", ()),
    ("BG", "BGR", "Bulgaria", "", ("Republic of Bulgaria",)),
    ("BH", "BHR", "Bahrain", "", ("Kingdom of Bahrain",)),
    ("BI", "BDI", "Burundi", "", ("Republic of Burundi",)),
    ("BJ", "BEN", "Benin", "", ("Republic of Benin",)),
    ("BL", "BLM", "Saint Barthélemy", "", ()),
    ("BM", "BMU", "Bermuda", "", ()),
    ("BN", "BRN", "Brunei Darussalam", "Brunei", ()),
    ("BO", "BOL", "Bolivia, Plurinational State of", "Bolivia", ("Plurinational State of Bolivia",)),
    ("BQ", "BES", "Bonaire, Sint Eustatius and Saba", "", ("Caribbean Netherlands",)),
    ("BR", "BRA", "Brazil", "", ("Federative Republic of Brazil",)),
    ("BS", "BHS", "Bahamas", "", ("Commonwealth of the Bahamas",)),
    ("BT", "BTN", "Bhutan", "", ("Kingdom of Bhutan",)),
    ("BV", "BVT", "Bouvet Island", "", ()),
    ("BW", "BWA", "Botswana", "", ("Republic of Botswana",)),
    ("BY", "BLR", "Belarus", "", ("Republic of Belarus",)),
    ("BZ", "BLZ", "Belize", "", ()),
    ("CA", "CAN", "Canada", "", ()),
    ("CC", "CCK", "Cocos (Keeling) Islands", "", ()),
    ("CD", "COD", "Congo, The Democratic Republic of the", "DR Congo", ("DRC", "Democratic Republic of the Congo", "Congo-Kinshasa", "Zaire")),  # noqa: E501
    ("CF", "CAF", "Central African Republic", "", ()),
    ("CG", "COG", "Congo", "Republic of the Congo", ("Congo-Brazzaville",)),
    ("CH", "CHE", "Switzerland", "", ("Swiss Confederation",)),
    ("CI", "CIV", "Côte d'Ivoire", "Ivory Coast", ("Republic of Côte d'Ivoire",)),
    ("CK", "COK", "Cook Islands", "", ()),
    ("CL", "CHL", "Chile", "", ("Republic of Chile",)),
    ("CM", "CMR", "Cameroon", "", ("Republic of Cameroon",)),
    ("CN", "CHN", "China", "", ("People's Republic of China", "PRC", "Mainland China")),
    ("CO", "COL", "Colombia", "", ("Republic of Colombia",)),
    ("CR", "CRI", "Costa Rica", "", ("Republic of Costa Rica",)),
    ("CU", "CUB", "Cuba", "", ("Republic of Cuba",)),
    ("CV", "CPV", "Cabo Verde", "Cape Verde", ("Republic of Cabo Verde",)),
    ("CW", "CUW", "Curaçao", "", ()),
    ("CX", "CXR", "Christmas Island", "", ()),
    ("CY", "CYP", "Cyprus", "", ("Republic of Cyprus",)),
    ("CZ", "CZE", "Czechia", "", ("Czech Republic",)),
    ("DE", "DEU", "Germany", "", ("Federal Republic of Germany",)),
    ("DJ", "DJI", "Djibouti", "", ("Republic of Djibouti",)),
    ("DK", "DNK", "Denmark", "", ("Kingdom of Denmark",)),
    ("DM", "DMA", "Dominica", "", ("Commonwealth of Dominica",)),
    ("DO", "DOM", "Dominican Republic", "", ()),
    ("DZ", "DZA", "Algeria", "", ("People's Democratic Republic of Algeria",)),
    ("EC", "ECU", "Ecuador", "", ("Republic of Ecuador",)),
    ("EE", "EST", "Estonia", "", ("Republic of Estonia",)),
    ("EG", "EGY", "Egypt", "", ("Arab Republic of Egypt",)),
    ("EH", "ESH", "Western Sahara", "", ()),
    ("ER", "ERI", "Eritrea", "", ("the State of Eritrea",)),
    ("ES", "ESP", "Spain", "", ("Kingdom of Spain",)),
    ("ET", "ETH", "Ethiopia", "", ("Federal Democratic Republic of Ethiopia",)),
    ("FI", "FIN", "Finland", "", ("Republic of Finland",)),
    ("FJ", "FJI", "Fiji", "", ("Republic of Fiji",)),
    ("FK", "FLK", "Falkland Islands (Malvinas)", "Falkland Islands", ("Falklands",)),
    ("FM", "FSM", "Micronesia, Federated States of", "Micronesia", ("Federated States of Micronesia",)),
    ("FO", "FRO", "Faroe Islands", "", ()),
    ("FR", "FRA", "France", "", ("French Republic",)),
    ("GA", "GAB", "Gabon", "", ("Gabonese Republic",)),
    ("GB", "GBR", "United Kingdom", "", ("United Kingdom of Great Britain and Northern Ireland", "UK", "Great Britain", "Britain", "England")),  # noqa: E501
    ("GD", "GRD", "Grenada", "", ()),
    ("GE", "GEO", "Georgia", "", ()),
    ("GF", "GUF", "French Guiana", "", ()),
    ("GG", "GGY", "Guernsey", "", ()),
    ("GH", "GHA", "Ghana", "", ("Republic of Ghana",)),
    ("GI", "GIB", "Gibraltar", "", ()),
    ("GL", "GRL", "Greenland", "", ()),
    ("GM", "GMB", "Gambia", "", ("Republic of the Gambia",)),
    ("GN", "GIN", "Guinea", "", ("Republic of Guinea",)),
    ("GP", "GLP", "Guadeloupe", "", ()),
    ("GQ", "GNQ", "Equatorial Guinea", "", ("Republic of Equatorial Guinea",)),
    ("GR", "GRC", "Greece", "", ("Hellenic Republic",)),
    ("GS", "SGS", "South Georgia and the South Sandwich Islands", "", ()),
    ("GT", "GTM", "Guatemala", "", ("Republic of Guatemala",)),
    ("GU", "GUM", "Guam", "", ()),
    ("GW", "GNB", "Guinea-Bissau", "", ("Republic of Guinea-Bissau",)),
    ("GY", "GUY", "Guyana", "", ("Republic of Guyana",)),
    ("HK", "HKG", "Hong Kong", "", ("Hong Kong Special Administrative Region of China",)),
    ("HM", "HMD", "Heard Island and McDonald Islands", "", ()),
    ("HN", "HND", "Honduras", "", ("Republic of Honduras",)),
    ("HR", "HRV", "Croatia", "", ("Republic of Croatia",)),
    ("HT", "HTI", "Haiti", "", ("Republic of Haiti",)),
    ("HU", "HUN", "Hungary", "", ()),
    ("ID", "IDN", "Indonesia", "", ("Republic of Indonesia",)),
    ("IE", "IRL", "Ireland", "", ()),
    ("IL", "ISR", "Israel", "", ("State of Israel",)),
    ("IM", "IMN", "Isle of Man", "", ()),
    ("IN", "IND", "India", "", ("Republic of India",)),
    ("IO", "IOT", "British Indian Ocean Territory", "", ()),
    ("IQ", "IRQ", "Iraq", "", ("Republic of Iraq",)),
    ("IR", "IRN", "Iran, Islamic Republic of", "Iran", ("Islamic Republic of Iran",)),
    ("IS", "ISL", "Iceland", "", ("Republic of Iceland",)),
    ("IT", "ITA", "Italy", "", ("Italian Republic",)),
    ("JE", "JEY", "Jersey", "", ()),
    ("JM", "JAM", "Jamaica", "", ()),
    ("JO", "JOR", "Jordan", "", ("Hashemite Kingdom of Jordan",)),
    ("JP", "JPN", "Japan", "", ()),
    ("KE", "KEN", "Kenya", "", ("Republic of Kenya",)),
    ("KG", "KGZ", "Kyrgyzstan", "", ("Kyrgyz Republic",)),
    ("KH", "KHM", "Cambodia", "", ("Kingdom of Cambodia",)),
    ("KI", "KIR", "Kiribati", "", ("Republic of Kiribati",)),
    ("KM", "COM", "Comoros", "", ("Union of the Comoros",)),
    ("KN", "KNA", "Saint Kitts and Nevis", "", ()),
    ("KP", "PRK", "Korea, Democratic People's Republic of", "North Korea", ("Democratic People's Republic of Korea", "DPRK", "N. Korea")),  # noqa: E501
    ("KR", "KOR", "Korea, Republic of", "South Korea", ("Republic of Korea", "ROK", "S. Korea")),
    ("KW", "KWT", "Kuwait", "", ("State of Kuwait",)),
    ("KY", "CYM", "Cayman Islands", "", ()),
    ("KZ", "KAZ", "Kazakhstan", "", ("Republic of Kazakhstan",)),
    ("LA", "LAO", "Lao People's Democratic Republic", "Laos", ("Lao", "Lao PDR")),
    ("LB", "LBN", "Lebanon", "", ("Lebanese Republic",)),
    ("LC", "LCA", "Saint Lucia", "", ()),
    ("LI", "LIE", "Liechtenstein", "", ("Principality of Liechtenstein",)),
    ("LK", "LKA", "Sri Lanka", "", ("Democratic Socialist Republic of Sri Lanka",)),
    ("LR", "LBR", "Liberia", "", ("Republic of Liberia",)),
    ("LS", "LSO", "Lesotho", "", ("Kingdom of Lesotho",)),
    ("LT", "LTU", "Lithuania", "", ("Republic of Lithuania",)),
    ("LU", "LUX", "Luxembourg", "", ("Grand Duchy of Luxembourg",)),
    ("LV", "LVA", "Latvia", "", ("Republic of Latvia",)),
    ("LY", "LBY", "Libya", "", ()),
    ("MA", "MAR", "Morocco", "", ("Kingdom of Morocco",)),
    ("MC", "MCO", "Monaco", "", ("Principality of Monaco",)),
    ("MD", "MDA", "Moldova, Republic of", "Moldova", ("Republic of Moldova",)),
    ("ME", "MNE", "Montenegro", "", ()),
    ("MF", "MAF", "Saint Martin (French part)", "Saint Martin", ()),
    ("MG", "MDG", "Madagascar", "", ("Republic of Madagascar",)),
    ("MH", "MHL", "Marshall Islands", "", ("Republic of the Marshall Islands",)),
    ("MK", "MKD", "North Macedonia", "", ("Republic of North Macedonia", "Macedonia")),
    ("ML", "MLI", "Mali", "", ("Republic of Mali",)),
    ("MM", "MMR", "Myanmar", "", ("Republic of Myanmar", "Burma")),
    ("MN", "MNG", "Mongolia", "", ()),
    ("MO", "MAC", "Macao", "Macau", ("Macao Special Administrative Region of China",)),
    ("MP", "MNP", "Northern Mariana Islands", "", ("Commonwealth of the Northern Mariana Islands",)),
    ("MQ", "MTQ", "Martinique", "", ()),
    ("MR", "MRT", "Mauritania", "", ("Islamic Republic of Mauritania",)),
    ("MS", "MSR", "Montserrat", "", ()),
    ("MT", "MLT", "Malta", "", ("Republic of Malta",)),
    ("MU", "MUS", "Mauritius", "", ("Republic of Mauritius",)),
    ("MV", "MDV", "Maldives", "", ("Republic of Maldives",)),
    ("MW", "MWI", "Malawi", "", ("Republic of Malawi",)),
    ("MX", "MEX", "Mexico", "", ("United Mexican States",)),
    ("MY", "MYS", "Malaysia", "", ()),
    ("MZ", "MOZ", "Mozambique", "", ("Republic of Mozambique",)),
    ("NA", "NAM", "Namibia", "", ("Republic of Namibia",)),
    ("NC", "NCL", "New Caledonia", "", ()),
    ("NE", "NER", "Niger", "", ("Republic of the Niger",)),
    ("NF", "NFK", "Norfolk Island", "", ()),
    ("NG", "NGA", "Nigeria", "", ("Federal Republic of Nigeria",)),
    ("NI", "NIC", "Nicaragua", "", ("Republic of Nicaragua",)),
    ("NL", "NLD", "Netherlands", "", ("Kingdom of the Netherlands", "Holland")),
    ("NO", "NOR", "Norway", "", ("Kingdom of Norway",)),
    ("NP", "NPL", "Nepal", "", ("Federal Democratic Republic of Nepal",)),
    ("NR", "NRU", "Nauru", "", ("Republic of Nauru",)),
    ("NU", "NIU", "Niue", "", ()),
    ("NZ", "NZL", "New Zealand", "", ()),
    ("OM", "OMN", "Oman", "", ("Sultanate of Oman",)),
    ("PA", "PAN", "Panama", "", ("Republic of Panama",)),
    ("PE", "PER", "Peru", "", ("Republic of Peru",)),
    ("PF", "PYF", "French Polynesia", "", ()),
    ("PG", "PNG", "Papua New Guinea", "", ("Independent State of Papua New Guinea",)),
    ("PH", "PHL", "Philippines", "", ("Republic of the Philippines",)),
    ("PK", "PAK", "Pakistan", "", ("Islamic Republic of Pakistan",)),
    ("PL", "POL", "Poland", "", ("Republic of Poland",)),
    ("PM", "SPM", "Saint Pierre and Miquelon", "", ()),
    ("PN", "PCN", "Pitcairn", "Pitcairn Islands", ()),
    ("PR", "PRI", "Puerto Rico", "", ()),
    ("PS", "PSE", "Palestine, State of", "Palestine", ("the State of Palestine", "State of Palestine")),
    ("PT", "PRT", "Portugal", "", ("Portuguese Republic",)),
    ("PW", "PLW", "Palau", "", ("Republic of Palau",)),
    ("PY", "PRY", "Paraguay", "", ("Republic of Paraguay",)),
    ("QA", "QAT", "Qatar", "", ("State of Qatar",)),
    ("RE", "REU", "Réunion", "", ()),
    ("RO", "ROU", "Romania", "", ()),
    ("RS", "SRB", "Serbia", "", ("Republic of Serbia",)),
    ("RU", "RUS", "Russian Federation", "Russia", ()),
    ("RW", "RWA", "Rwanda", "", ("Rwandese Republic",)),
    ("SA", "SAU", "Saudi Arabia", "", ("Kingdom of Saudi Arabia",)),
    ("SB", "SLB", "Solomon Islands", "", ()),
    ("SC", "SYC", "Seychelles", "", ("Republic of Seychelles",)),
    ("SD", "SDN", "Sudan", "", ("Republic of the Sudan",)),
    ("SE", "SWE", "Sweden", "", ("Kingdom of Sweden",)),
    ("SG", "SGP", "Singapore", "", ("Republic of Singapore",)),
    ("SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha", "Saint Helena", ()),
    ("SI", "SVN", "Slovenia", "", ("Republic of Slovenia",)),
    ("SJ", "SJM", "Svalbard and Jan Mayen", "", ()),
    ("SK", "SVK", "Slovakia", "", ("Slovak Republic",)),
    ("SL", "SLE", "Sierra Leone", "", ("Republic of Sierra Leone",)),
    ("SM", "SMR", "San Marino", "", ("Republic of San Marino",)),
    ("SN", "SEN", "Senegal", "", ("Republic of Senegal",)),
    ("SO", "SOM", "Somalia", "", ("Federal Republic of Somalia",)),
    ("SR", "SUR", "Suriname", "", ("Republic of Suriname",)),
    ("SS", "SSD", "South Sudan", "", ("Republic of South Sudan",)),
    ("ST", "STP", "Sao Tome and Principe", "", ("Democratic Republic of Sao Tome and Principe",)),
    ("SV", "SLV", "El Salvador", "", ("Republic of El Salvador",)),
    ("SX", "SXM", "Sint Maarten (Dutch part)", "Sint Maarten", ()),
    ("SY", "SYR", "Syrian Arab Republic", "Syria", ()),
    ("SZ", "SWZ", "Eswatini", "", ("Kingdom of Eswatini", "Swaziland")),
    ("TC", "TCA", "Turks and Caicos Islands", "", ()),
    ("TD", "TCD", "Chad", "", ("Republic of Chad",)),
    ("TF", "ATF", "French Southern Territories", "", ()),
    ("TG", "TGO", "Togo", "", ("Togolese Republic",)),
    ("TH", "THA", "Thailand", "", ("Kingdom of Thailand",)),
    ("TJ", "TJK", "Tajikistan", "", ("Republic of Tajikistan",)),
    ("TK", "TKL", "Tokelau", "", ()),
    ("TL", "TLS", "Timor-Leste", "", ("Democratic Republic of Timor-Leste", "East Timor")),
    ("TM", "TKM", "Turkmenistan", "", ()),
    ("TN", "TUN", "Tunisia", "", ("Republic of Tunisia",)),
    ("TO", "TON", "Tonga", "", ("Kingdom of Tonga",)),
    ("TR", "TUR", "Türkiye", "Turkey", ("Republic of Türkiye",)),
    ("TT", "TTO", "Trinidad and Tobago", "", ("Republic of Trinidad and Tobago",)),
    ("TV", "TUV", "Tuvalu", "", ()),
    ("TW", "TWN", "Taiwan, Province of China", "Taiwan", ("Republic of China", "Chinese Taipei")),
    ("TZ", "TZA", "Tanzania, United Republic of", "Tanzania", ("United Republic of Tanzania",)),
    ("UA", "UKR", "Ukraine", "", ()),
    ("UG", "UGA", "Uganda", "", ("Republic of Uganda",)),
    ("UM", "UMI", "United States Minor Outlying Islands", "", ()),
    ("US", "USA", "United States", "", ("United States of America", "America")),
    ("UY", "URY", "Uruguay", "", ("Eastern Republic of Uruguay",)),
    ("UZ", "UZB", "Uzbekistan", "", ("Republic of Uzbekistan",)),
    ("VA", "VAT", "Holy See (Vatican City State)", "Vatican City", ("Holy See", "Vatican")),
    ("VC", "VCT", "Saint Vincent and the Grenadines", "", ()),
    ("VE", "VEN", "Venezuela, Bolivarian Republic of", "Venezuela", ("Bolivarian Republic of Venezuela",)),
    ("VG", "VGB", "Virgin Islands, British", "British Virgin Islands", ()),
    ("VI", "VIR", "Virgin Islands, U.S.", "U.S. Virgin Islands", ("Virgin Islands of the United States",)),
    ("VN", "VNM", "Viet Nam", "Vietnam", ("Socialist Republic of Viet Nam",)),
    ("VU", "VUT", "Vanuatu", "", ("Republic of Vanuatu",)),
    ("WF", "WLF", "Wallis and Futuna", "", ()),
    ("WS", "WSM", "Samoa", "", ("Independent State of Samoa",)),
    ("YE", "YEM", "Yemen", "", ("Republic of Yemen",)),
    ("YT", "MYT", "Mayotte", "", ()),
    ("ZA", "ZAF", "South Africa", "", ("Republic of South Africa",)),
    ("ZM", "ZMB", "Zambia", "", ("Republic of Zambia",)),
    ("ZW", "ZWE", "Zimbabwe", "", ("Republic of Zimbabwe",)),
)

# Names that fit more than one country: never guessed.
_AMBIGUOUS = frozenset({"korea"})

_INITIALS = re.compile(r"\b(\w)\.")  # the dots of "U.K." or "N. Korea": "uk", "n korea"
_APOSTROPHES = re.compile("['’‘ʼ`]")  # "People's" and "Peoples" compare equal
_SEPARATORS = re.compile(r"[\W_]+")  # any run of punctuation, hyphens and spaces


_ALREADY_A_KEY = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")  # lower-case ASCII words, single spaces


def normalize(text: str) -> str:
    """A comparison key: NFKC, case folded, accents and punctuation folded, a leading "the " dropped."""
    if text.isascii():
        # Most names are plain ASCII words, for which Unicode folding changes nothing and, once lower-cased, no rule
        # of _folded_key applies: skipping it makes building the lookup, which naming a country costs, 5 times faster.
        lowered = text.lower().replace("&", " and ")
        if _ALREADY_A_KEY.fullmatch(lowered):
            return lowered.removeprefix("the ")
    return _folded_key(text)


def _folded_key(text: str) -> str:
    """normalize's full rules, for any text."""
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold().replace("&", " and "))
    plain = unicodedata.normalize("NFC", "".join(c for c in folded if not unicodedata.combining(c)))
    key = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", _INITIALS.sub(r"\1", plain))).strip()
    return key.removeprefix("the ")


@cache
def _lookup() -> dict[str, str]:
    """Every normalised code, name and alias mapped to its alpha-2 code; a key claimed by two countries is dropped."""
    claims: dict[str, set[str]] = {}
    for alpha2, alpha3, name, common, aliases in COUNTRIES:
        for key in (alpha2, alpha3, name, common, *aliases):
            if key:
                key = normalize(key)
                claims.setdefault(key, set()).add(alpha2)
                if key.startswith("saint "):  # "St Lucia", "St. Kitts and Nevis"
                    claims.setdefault("st " + key.removeprefix("saint "), set()).add(alpha2)
    return {key: codes.pop() for key, codes in claims.items() if len(codes) == 1 and key not in _AMBIGUOUS}


@cache
def _names() -> dict[str, str]:
    """Each alpha-2 code mapped to the name people use for it."""
    return {alpha2: common or name for alpha2, _, name, common, _ in COUNTRIES}


def resolve_country(text: str) -> str | None:
    """The alpha-2 code for an alpha-2 or alpha-3 code, an official or common name in any case, or None."""
    return _lookup().get(normalize(text))


def country_name(code: str) -> str:
    """The short name people use for an alpha-2 code ("North Korea" for KP); an unknown code comes back as given."""
    return _names().get(code, code)


def is_country_code(code: str) -> bool:
    """True for an officially assigned alpha-2 code written in capitals."""
    return code in _names()


def suggest_countries(text: str, limit: int = 5) -> list[str]:
    """The display names of the countries whose names are closest to a misspelling, closest first."""
    from difflib import get_close_matches

    lookup = _lookup()
    names = [key for key in lookup if len(key) > 3]  # codes and initialisms are not what a misspelling aims at
    # 0.75 keeps real near-misses ("rusia" → Russia) without a tail of unrelated names (Tunisia, Aruba).
    close = get_close_matches(normalize(text), names, n=len(names), cutoff=0.75)
    codes = dict.fromkeys(lookup[key] for key in close)
    return [country_name(code) for code in list(codes)[: max(limit, 0)]]


def all_codes() -> list[str]:
    """Every officially assigned alpha-2 code, in alphabetical order."""
    return [alpha2 for alpha2, *_ in COUNTRIES]
