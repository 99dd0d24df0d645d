"""Fixed lists the demo data draws names and places from.

Everything here is fixed data rather than Faker, so the same seed gives the same data set
whatever Faker version is installed. Place names are made-up compounds ("Ashbrook",
"Thornwick"); the few that are well-known real towns are left out, so no school or hub in
the demo is mistaken for a real one. Regions and local authorities are real: they are
public facts, and a school list filtered by region should look like England.
"""

import random


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Amelia Olivia Isla Ava Mia Ivy Lily Isabella Sophia Grace Freya Emily Poppy Ella Evie Charlotte "
    "Sophie Chloe Hannah Jessica Lucy Rebecca Sarah Laura Emma Rachel Katherine Elizabeth Victoria Gemma "
    "Amy Megan Holly Zara Aisha Fatima Priya Anjali Maryam Sana Nadia Chiamaka Adaeze Niamh Siobhan Aoife "
    "Bethan Catrin Rhiannon Joanna Natalie Helen Claire Louise Nicola Joanne Michelle Kerry Leanne Agnieszka "
    "Oliver George Noah Arthur Harry Leo Jack Charlie Oscar Jacob Thomas James William Daniel Matthew "
    "Joshua Samuel Benjamin Alexander Ryan Luke Adam Callum Connor Liam Nathan Jamie Lewis Mohammed Ahmed "
    "Omar Yusuf Ibrahim Arjun Rohan Sanjay Kwame Tunde Chidi Emeka Rhys Owen Gareth Dafydd Ciaran Sean "
    "Patrick Michael David Andrew Mark Paul Richard Stephen Christopher Robert Peter Simon Neil Gavin "
    "Craig Darren Stuart Ian Tomasz Marek"
)

LAST_NAMES = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper "
    "Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis "
    "Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw "
    "Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster "
    "Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills "
    "Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson "
    "Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford "
    "Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball O'Brien Watts Rose "
    "Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter "
    "Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter "
    "Robertson Newton Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry "
    "Burgess Bishop Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton "
    "McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers "
    "O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace Jordan Hutchinson "
    "Rowe Burke Pritchard Gilbert Willis Higgins Miah Nguyen Okafor Mensah Adeyemi Nowak Kowalski Costa "
    "Rossi Chen Wong Das Chowdhury Akhtar Iqbal Mahmood Rahman Fernandes Silva Oyelaran Boateng"
)

# The name a school sometimes knows a teacher by, when it differs from the TRS record.
SHORT_NAMES = {
    "Katherine": "Kate",
    "Elizabeth": "Beth",
    "Rebecca": "Becky",
    "Victoria": "Vicky",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Christopher": "Chris",
    "Matthew": "Matt",
    "Samuel": "Sam",
    "Thomas": "Tom",
    "Daniel": "Dan",
    "Joshua": "Josh",
    "Michael": "Mike",
    "Jessica": "Jess",
    "Nathan": "Nate",
    "Agnieszka": "Aga",
}

_PLACE_STARTS = _words(
    "Ash Alder Amber Bark Beck Birch Bram Bright Broad Brook Cal Clay Cold Copper Crow Dun Elm Fair Fern "
    "Fox Glen Gold Grey Hare Hazel Heather Holly Kes Lark Lin Marl Mere Moor Oak Pen Pine Quarry Raven Rook "
    "Rush Sand Sedge Shep Silver Stan Stone Swan Thorn Warren Wold Wren Yarrow Kestrel Tarn Heron Linnet "
    "Bracken Sorrel Teasel"
)
_PLACE_ENDS = _words(
    "bank borough bourne bridge brook by combe cote croft dale den field ford gate grove ham hurst ington "
    "leigh ley low mead mere minster moor ridge stead stow thorpe ton wick wood worth"
)
# Real towns (and London boroughs) the compounds above would otherwise produce.
_REAL_PLACES = {
    "Ashford",
    "Ashby",
    "Ashton",
    "Ashley",
    "Ashbourne",
    "Ashington",
    "Ashwell",
    "Birchington",
    "Bramley",
    "Bramhall",
    "Brighton",
    "Broadstairs",
    "Brookwood",
    "Crowborough",
    "Crowthorne",
    "Dunstable",
    "Elmbridge",
    "Fairford",
    "Glenfield",
    "Goldthorpe",
    "Hareby",
    "Holmfirth",
    "Linton",
    "Oakham",
    "Oakley",
    "Oakwood",
    "Penrith",
    "Pinewood",
    "Redbridge",
    "Sandbank",
    "Sandhurst",
    "Sandford",
    "Stanford",
    "Stanley",
    "Stonehaven",
    "Stoneleigh",
    "Swanley",
    "Thornbury",
    "Thornton",
    "Thorney",
    "Warrington",
    "Claybrook",
    "Moorgate",
    "Stanmore",
    "Stanwick",
    "Coldstream",
    "Foxley",
    "Greyfield",
    "Pendle",
    "Penwood",
    "Raventhorpe",
    "Sandbach",
    "Silverdale",
    "Swanage",
    "Wrenbury",
    "Foxton",
    "Broadway",
    "Holmwood",
    "Kesgrave",
    "Lindale",
    "Linwood",
    "Marlborough",
    "Marlow",
    "Mereworth",
    "Stonebridge",
    "Thornaby",
    "Claygate",
    "Brookfield",
    "Oakfield",
    "Elmstead",
    "Bramford",
    "Fernhurst",
    "Sandridge",
    "Stanbridge",
    "Tarnbrook",
    "Dunford",
    "Penbridge",
    "Pinewell",
}


def place_names() -> list[str]:
    """Every made-up place name, in a fixed shuffled order (hubs take the first ones)."""
    # Doubled letters at the join ("Fernney") read badly, so those compounds are skipped.
    names = [
        start + end
        for start in _PLACE_STARTS
        for end in _PLACE_ENDS
        if start[-1] != end[0] and (start + end) not in _REAL_PLACES
    ]
    random.Random("demo-place-names").shuffle(names)
    return names


# Region: share of schools (%): local authorities with their postcode areas.
_REGION_TABLE = """
North East: 5: Newcastle upon Tyne/NE, Sunderland/SR, County Durham/DH, Northumberland/NE, Middlesbrough/TS,
    Gateshead/NE
North West: 14: Manchester/M, Liverpool/L, Lancashire/PR, Cumberland/CA, Cheshire East/CW, Bolton/BL, Wigan/WN,
    Stockport/SK, Wirral/CH
Yorkshire and the Humber: 10: Leeds/LS, Sheffield/S, Bradford/BD, North Yorkshire/YO, Kingston upon Hull/HU,
    Wakefield/WF, Kirklees/HD, Doncaster/DN
East Midlands: 9: Nottinghamshire/NG, Derbyshire/DE, Leicestershire/LE, Lincolnshire/LN,
    North Northamptonshire/NN, Nottingham/NG, Leicester/LE
West Midlands: 11: Birmingham/B, Staffordshire/ST, Coventry/CV, Worcestershire/WR, Shropshire/SY,
    Wolverhampton/WV, Sandwell/B, Warwickshire/CV
East of England: 11: Essex/CM, Hertfordshire/SG, Norfolk/NR, Suffolk/IP, Cambridgeshire/CB, Bedford/MK,
    Peterborough/PE, Southend-on-Sea/SS
London: 12: Camden/NW, Hackney/E, Lambeth/SE, Croydon/CR, Barnet/EN, Ealing/W, Newham/E, Haringey/N,
    Lewisham/SE, Brent/HA
South East: 16: Kent/ME, Surrey/GU, Hampshire/SO, West Sussex/RH, Oxfordshire/OX, Buckinghamshire/HP,
    Brighton and Hove/BN, East Sussex/TN, Medway/ME, Reading/RG
South West: 12: Devon/EX, Cornwall/TR, Bristol/BS, Somerset/TA, Gloucestershire/GL, Dorset/DT, Wiltshire/SN,
    Plymouth/PL
"""


def _regions(table: str) -> list[tuple[str, int, list[tuple[str, str]]]]:
    regions = []
    for entry in table.replace("\n    ", " ").strip().splitlines():
        name, share, authorities = (part.strip() for part in entry.split(":"))
        pairs = [tuple(a.strip().split("/")) for a in authorities.split(",")]
        regions.append((name, int(share), pairs))
    return regions


# (region, share of schools, [(local authority, postcode area), ...])
REGIONS = _regions(_REGION_TABLE)
REGION_NAMES = [name for name, _, _ in REGIONS]
REGION_SHARES = [share for _, share, _ in REGIONS]

# Hub i (delivery partner or appropriate body) sits in HUB_REGION_CYCLE[i % 20]: every run of
# 20 hubs covers all nine regions roughly in proportion to their schools, so a small demo
# with 20 hubs and a full England run with 100 put the same hub in the same region.
HUB_REGION_CYCLE = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "North West",
    "London",
    "South East",
    "Yorkshire and the Humber",
    "West Midlands",
    "South West",
    "East of England",
    "East Midlands",
    "South East",
    "North West",
    "London",
]


def hub_region(index: int) -> str:
    return HUB_REGION_CYCLE[index % len(HUB_REGION_CYCLE)]


STREETS = _words(
    "Church Station Mill School Park Victoria Manor Queens Kings Green Meadow Orchard Chapel Grove Spring "
    "Holly Beech Cedar Willow Chestnut Rectory Vicarage Farm Bridge"
)
STREET_KINDS = ["Road", "Lane", "Street", "Avenue", "Way", "Close", "Drive", "Hill"]
SAINTS = _words(
    "Mary John Peter Paul Andrew Michael George Anne Joseph Margaret Thomas James Luke Mark Matthew Bede "
    "Cuthbert Hilda Chad Aidan Bernadette Teresa Patrick Edmund Oswald Wilfrid Alban Helen Catherine Stephen"
)
