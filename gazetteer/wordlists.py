"""Small word lists the geoparser weighs evidence with: general English, not any one text's names.

Every list is folded with `fold_word`, the same function that folds the text, so "Sheikh" and
"sheikh" meet whatever transliteration folding does to them.
"""

from __future__ import annotations

from gazetteer.datafiles import data_lines
from gazetteer.normalize import fold_word


def _fold(words: str) -> frozenset[str]:
    return frozenset(fold_word(w) for w in words.split())


# Arabic articles that may start a name written in lower case: "al-Qamishli".
ARTICLES = _fold("al el")
# Lower-case words that may sit inside a name: "Bosnia and Herzegovina", "Stratford-upon-Avon".
NAME_CONNECTORS = _fold("of the and de du des la le les al el y da do dos das del di upon on sur am an der")

# Lower-case particles inside people's names: "Mike de Kock", "Mohammed bin Salman".
NAME_PARTICLES = _fold("de da di del della van von der den du le la al el bin ibn ben bint abu")

# Words before a surname. "Gen" and "Sen" are kept short because news abbreviates them.
TITLES = _fold("""
mr mrs ms miss dr prof sir dame lord lady president vice prime minister chancellor secretary
senator sen rep representative congressman congresswoman governor gov mayor general gen lt lieutenant
col colonel maj major capt captain sgt sergeant admiral adm commander cmdr brig brigadier marshal
king queen prince princess sheikh emir sultan pope father rev reverend bishop archbishop cardinal
rabbi imam ayatollah judge justice chief spokesman spokeswoman spokesperson ambassador envoy coach
ceo chairman chairwoman director professor dr. mp mep deputy officer inspector detective agent
sheik mullah mufti patriarch pastor comrade
""")

# Capitalised words that start sentences or headlines and are never a place on their own.
STOPWORDS = _fold("""
a an the in on at but and or if as after before since while when where with without from for by to
of this that these those there here it its he she they we i you his her their our my your what who
whom which how why all some many more most no not yes meanwhile however also then now today tonight
yesterday tomorrow earlier later last next during despite although though because among between
across into over under about against near outside inside around through throughout according just
even only both each every other another such so than too very will would can could should may might
must has have had is are was were be been being do does did said says say told asked one two three
four five six seven eight nine ten first second third once again still already never ever always
monday tuesday wednesday thursday friday saturday sunday january february march april june july
august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
breaking update updated live watch read listen share photo video image picture credit getty
reuters afp ap epa pa bbc cnn please thanks thank let lets here's there's it's that's what's
north south east west northern southern eastern western central
""")

# Single words that are places somewhere but, capitalised in news, almost always mean something else.
NOT_PLACE_WORDS = _fold("""
god lord allah christ jesus islam christian christians muslim muslims jewish jews arab arabs
western eastern northern southern
christmas easter thanksgiving halloween ramadan eid hanukkah passover diwali lent advent pentecost
centre center
""")  # (and holidays: "at Christmas" is a time, not the hamlet of that name; "the Centre" is a
# government, "Trade Centre" a building, not the regions of France or Cameroon of that name)

# Names of several words that are places somewhere but in news name something else: the climate
# patterns of the Pacific.
NOT_PLACE_NAMES = frozenset(" ".join(fold_word(w) for w in name.split()) for name in ("el nino", "la nina"))

# Words that sharpen a place rather than start another name: "Northern Syria", "Greater London".
DESCRIPTORS = _fold("""
north south east west northern southern eastern western central upper lower greater inner outer
downtown old northeast northwest southeast southwest northeastern northwestern southeastern
southwestern mid coastal rural metro metropolitan occupied suburban
""")

# After a place, these make it the name of an organisation, a publication or a brand.
ORGANISATION_WORDS = _fold("""
institute institution institutions endowment foundation council times post journal herald tribune
independent telegraph guardian observer news gazette chronicle express mail today press review
magazine group company corporation corp inc ltd llc plc bank airlines airways club fc united rovers
wanderers athletic party movement front forces force army navy police ministry agency service
committee commission authority association society federation league union network images media
studios pictures records partners fund holdings trust program programme initiative project
report centre center observatory monitor watch democrats republicans government administration
office bureau court tribunal team squad
symphony orchestra festival summit conference accord accords agreement treaty protocol
""")

# The organisation words that make a newspaper, a broadcaster or an agency of pictures: a country
# or region before them names the outlet ("Jamaica Observer"), not the country's own body.
MEDIA_WORDS = _fold("""
times post journal herald tribune independent telegraph guardian observer news gazette chronicle
express mail today press review magazine network media images studios pictures records radio
television tv star sun daily weekly monitor
""")

# The organisation words of businesses, teams and armed groups: a town before them names the firm,
# the team or the group, not the town ("Millbrook Pictures", "Eastfield Rovers"). Other
# organisations of a town (its society, centre, club, foundation) stand in the town.
BUSINESS_WORDS = _fold("""
company corporation corp inc ltd llc plc bank airlines airways group holdings partners fund trust
studios pictures records images fc united rovers wanderers athletic team squad party movement front
forces force army navy
""")

# After a place, these keep it a place: "Damascus Central Prison", "Tartus naval base".
FACILITY_WORDS = _fold("""
airport airbase base prison jail camp crossing border dam mosque cathedral stadium port harbour
harbor valley river mountains mountain lake bay sea gulf strait coast peninsula desert heights hills
island islands province governorate region district county state oblast city town village
municipality plain plains basin corridor canal falls reservoir airfield checkpoint refinery
hospital clinic university college school academy police fire sheriff council area agency
""")

# After a name, these make it a street, a building or a business named after someone or something:
# "Royal Street", "Franklin Avenue", "St George's Chapel". The name is not the place.
STREET_WORDS = _fold("""
street st avenue ave road rd boulevard blvd lane drive way parkway highway court place terrace
crescent hotel inn restaurant bar cafe chapel basilica church school elementary academy hall
building tower mall plaza square park gardens library museum theatre theater
""")


# After a place, an event held there: "Dubai World Cup", "Muscat International Film Festival".
EVENT_WORDS = _fold("""
cup games olympics marathon festival fair expo exhibition show week open championship championships
grand prix derby race rally summit forum biennale carnival parade
""")

SPEECH_VERBS = _fold("said says told added wrote tweeted posted announced claimed argued warned insisted")

LOCATIVE_PREPOSITIONS = _fold("""
in at from near to into across outside inside towards toward via between around throughout
within through of off over reached visited visit entered left
""")

# "the X air base" prefers airbases, "X province" first-level regions, "Mount X" mountains.
FEATURE_HINTS_AFTER: dict[str, frozenset[str]] = {
    " ".join(fold_word(w) for w in phrase.split()): frozenset(codes.split())
    for phrase, codes in {
        "air base": "AIRB AIRF AIRP MILB", "airbase": "AIRB AIRF AIRP MILB", "airport": "AIRP AIRF AIRB",
        "airfield": "AIRF AIRB AIRP", "naval base": "NVB MILB PRT", "base": "MILB AIRB NVB",
        "prison": "PRN", "jail": "PRN", "mosque": "MSQE", "province": "ADM1 ADM2",
        "governorate": "ADM1", "region": "ADM1 RGN", "oblast": "ADM1", "state": "ADM1",
        "county": "ADM2", "district": "ADM2 ADM3", "river": "STM", "mountains": "MTS", "camp": "CMP",
        "crossing": "PSTB", "lake": "LK LKS RSV", "reservoir": "RSV LK", "island": "ISL ISLS",
        "islands": "ISLS ISL", "gulf": "GULF", "strait": "STRT", "bay": "BAY", "creek": "STM",
        "valley": "VAL", "peninsula": "PEN", "canal": "CNL", "mountain": "MT",
    }.items()
}
FEATURE_HINTS_BEFORE: dict[str, frozenset[str]] = {
    fold_word("mount"): frozenset({"MT", "MTS"}), fold_word("lake"): frozenset({"LK"}),
    fold_word("river"): frozenset({"STM"}), fold_word("gulf"): frozenset({"GULF"}),
    fold_word("strait"): frozenset({"STRT"}), fold_word("isle"): frozenset({"ISL"}),
    fold_word("island"): frozenset({"ISL"}), fold_word("bay"): frozenset({"BAY"}),
}


def _given_names() -> frozenset[str]:
    # Missing or empty is an error (MissingDataFile), not an empty set: without the list every
    # "Charles Lister" would be read as a place.
    return frozenset(fold_word(w) for _, line in data_lines("given_names.txt") for w in line.split())


# Common given names across the languages world news names people in: a capitalised word after
# one of these is a surname ("Charles Lister"), and stays one for the rest of the document.
GIVEN_NAMES = _given_names()
