"""The news fixture's articles: a fictional coastal town, Port Alder, over seven weeks
of autumn 2026 (and one story from 2025), reported by five outlets. Written by us for
this project (no real events or people). `make.py` renders them as corpus files.

Each record: id, form (the file form it is written in), title, date, source, author,
url, paragraphs. Planted on purpose: three wire stories reprinted by other outlets
(`wire_of`), five later reports that update a figure, three pairs of reports that
disagree, one undated article, and a 2025 story beside its 2026 sequel.
"""

GAZETTE, LEDGER, NORTHSHORE, RADIO, WIRE = ("Port Alder Gazette", "Harbor Ledger", "Northshore Daily",
                                            "Alder Valley Radio", "Coastal Wire")
SITES = {GAZETTE: "gazette.portalder.example", LEDGER: "harborledger.example",
         NORTHSHORE: "northshoredaily.example", RADIO: "avr.example", WIRE: "coastalwire.example"}

ARTICLES = [
    dict(id="mill-fire", form="txt", title="Fire tears through old Miller textile mill", date="2026-09-03",
         source=GAZETTE, author="Maria Chen", paragraphs=[
             "A fire broke out late Tuesday at the disused Miller textile mill on Quay Street, the Port Alder Fire Department said.",
             "Three people were taken to St. Brendan's Hospital with minor injuries, Fire Chief Dana Ortiz said on Wednesday morning.",
             "Forty firefighters from four stations fought the blaze for six hours before bringing it under control.",
             "The mill, built in 1898, had been empty since 2011. Its owner, Harlow Properties, had planned to turn it into apartments.",
             "Quay Street remains closed between Front Street and Anchor Lane."]),
    dict(id="mill-fire-injuries-rise", form="md", title="Mill fire injuries rise to five", date="2026-09-05",
         source=GAZETTE, author="Maria Chen", paragraphs=[
             "The number of people injured in Tuesday's fire at the Miller textile mill has risen to five, the fire department said on Friday.",
             "Two firefighters were treated for heat exhaustion after the blaze, in addition to the three residents taken to St. Brendan's Hospital on Tuesday night.",
             "Fire Chief Dana Ortiz said all five had since been released from hospital.",
             "Quay Street reopened to traffic on Thursday afternoon."]),
    dict(id="mill-fire-electrical", form="html-meta", title="Electrical fault blamed for mill fire", date="2026-09-08",
         source=LEDGER, author="Tomas Reyes", paragraphs=[
             "An electrical fault in the basement caused last week's fire at the Miller mill, according to a city official briefed on the inquiry.",
             "The official, who was not authorized to speak publicly, said old wiring near the boiler room was the most likely source of the blaze.",
             "Harlow Properties said it had cut the power to the building in 2019 and would cooperate with investigators."]),
    dict(id="mill-fire-arson", form="json", title="Police treat mill fire as arson", date="2026-09-08",
         source=NORTHSHORE, author="Priya Nair", paragraphs=[
             "Arson caused last week's fire at the Miller mill, Port Alder police believe, Detective Sgt. Leon Burke said on Tuesday.",
             "Burke said a witness saw two people leaving the building shortly before the fire started.",
             "\"We have not ruled anything out,\" Burke said. Police asked anyone with information to call the station on Harbor Road."]),
    dict(id="bridge-closure", form="txt", title="Alder River bridge to close for repairs", date="2026-09-09",
         source=LEDGER, author="Tomas Reyes", paragraphs=[
             "The city council voted 6 to 1 on Monday to close the Alder River bridge for eight weeks of repairs starting Sept. 21.",
             "Engineers found corroded steel in two of the bridge's supports during an inspection in July.",
             "The repairs are expected to cost $2.4 million, city engineer Helen Park told the council.",
             "Council member Gareth Wynn voted against the closure, saying the work should wait until spring.",
             "Drivers will be sent over the Route 9 crossing, which adds about 15 minutes to a trip downtown. The bridge opened in 1964."]),
    dict(id="bridge-cost-rises", form="html-jsonld", title="Bridge repair bill climbs to $3.1 million", date="2026-10-06",
         source=LEDGER, author="Tomas Reyes", paragraphs=[
             "The cost of repairing the Alder River bridge has risen to $3.1 million after crews found more damage than expected, city engineer Helen Park said on Monday.",
             "Park said a third support needs new steel. The bridge is now expected to reopen on Nov. 30, two weeks later than planned.",
             "Gareth Wynn, who opposed the closure, called the higher bill \"exactly what I warned about\"."]),
    dict(id="ferry-launch", form="jsonl", file="radio-ferry.jsonl", title="New ferry links Port Alder and Gull Island",
         date="2026-09-01", source=RADIO, author="Sam Okoro", paragraphs=[
             "A new passenger ferry between Port Alder and Gull Island made its first trip on Monday.",
             "The ferry, named Kittiwake, carries up to 120 passengers and makes the crossing in 25 minutes.",
             "A one-way ticket costs $4, and children under 12 ride free.",
             "The service runs six times a day from the Pier 3 terminal."]),
    dict(id="ferry-fare-rise", form="jsonl", file="radio-ferry.jsonl", title="Ferry fare to rise to $5",
         date="2026-09-24", source=RADIO, author="Sam Okoro", paragraphs=[
             "The one-way fare on the Gull Island ferry will rise from $4 to $5 on Oct. 1, the Port Alder Transit Authority said on Thursday.",
             "The authority blamed higher fuel prices. Children under 12 will still ride free.",
             "About 900 passengers a day have used the ferry in its first three weeks, more than the authority expected."]),
    dict(id="storm-delia", form="json-list", file="wire-2026-09.json", title="Storm Delia knocks out power across the coast",
         date="2026-09-19T14:30:00Z", source=WIRE, author="Elena Voss", paragraphs=[
             "Storm Delia brought winds of up to 110 km/h to the coast on Friday, knocking out power to about 4,200 homes in Port Alder.",
             "The storm toppled trees across the town and flooded parts of the harbor front, the Port Alder emergency office said.",
             "No deaths were reported. One man was hurt when a tree fell on his car on Cliff Road.",
             "Alder Power said repair crews from three neighbouring towns were on their way."]),
    dict(id="ledger-storm-delia", form="html-meta", wire_of="storm-delia", title="Delia batters Port Alder, thousands without power",
         date="2026-09-19", source=LEDGER, author="Elena Voss",
         footer="Copyright 2026 Coastal Wire. Reprinted with permission."),
    dict(id="radio-storm-delia", form="txt", wire_of="storm-delia", title="Power out for 4,200 homes after Storm Delia",
         date="2026-09-19", source=RADIO, author="Elena Voss", dateline="PORT ALDER (Coastal Wire) - ",
         footer="This story was provided by Coastal Wire."),
    dict(id="storm-outages-remain", form="md", title="1,100 homes still without power three days after Delia", date="2026-09-22",
         source=GAZETTE, author="Maria Chen", paragraphs=[
             "About 1,100 homes in Port Alder were still without power on Monday, three days after Storm Delia, Alder Power said.",
             "Most of the remaining outages are on the north side of town, where fallen trees brought down lines.",
             "Company spokesperson Nadia Frost said all power should be back by Wednesday night.",
             "The town has opened a warming centre at the Elm Street community hall."]),
    dict(id="storm-power-restored", form="txt", title="Power restored to all homes after Delia", date="2026-09-24",
         source=RADIO, author="Sam Okoro", paragraphs=[
             "Alder Power restored electricity to the last homes cut off by Storm Delia late on Wednesday, the company said.",
             "A crew of 160 workers repaired more than 80 downed lines over five days.",
             "The Elm Street warming centre closed on Thursday morning."]),
    dict(id="festival-record", form="txt", title="Record crowd at Harbor Festival, organizers say", date="2026-09-14",
         source=GAZETTE, author="Lucy Hart", paragraphs=[
             "About 25,000 people attended the Harbor Festival over the weekend, the largest crowd in its 40-year history, organizers said on Sunday.",
             "Festival director Owen Blake said the new night market drew visitors from as far as Kingsport.",
             "The boat parade was cancelled on Saturday because of high winds."]),
    dict(id="festival-police-count", form="html-time", title="Police put festival crowd at 18,000", date="2026-09-15",
         source=RADIO, author="Sam Okoro", paragraphs=[
             "Only 18,000 people attended the Harbor Festival at the weekend, police estimated, well below the organizers' figure.",
             "Inspector Carla Mendes said the estimate was based on counts at the four entrances.",
             "Police made two arrests for public drunkenness during the festival, Mendes said."]),
    dict(id="teachers-strike-union", form="json", title="Teachers walk out over pay", date="2026-10-02",
         source=NORTHSHORE, author="Priya Nair", paragraphs=[
             "About 412 teachers joined the strike on Friday, closing most of Port Alder's schools, union president Rosa Diaz said.",
             "The Port Alder Teachers Union wants a pay rise of 6 percent over two years. The district has offered 3 percent.",
             "Diaz said the strike would go on \"as long as it takes\"."]),
    dict(id="teachers-strike-district", form="html-meta", title="District says 380 teachers on strike", date="2026-10-02",
         source=LEDGER, author="Tomas Reyes", paragraphs=[
             "Only 380 teachers joined the strike on Friday, school superintendent Mark Feld said, out of the district's 530 teachers.",
             "Feld said four of the town's eleven schools stayed open with help from substitute teachers.",
             "He called the union's demands unaffordable."]),
    dict(id="teachers-deal", form="md", title="Teachers end strike after deal on pay", date="2026-10-09",
         source=GAZETTE, author="Lucy Hart", paragraphs=[
             "Port Alder's teachers returned to work on Thursday after the union and the school district agreed on a pay rise of 4.5 percent over two years.",
             "Union president Rosa Diaz called the deal \"a fair result for teachers and for families\".",
             "The strike lasted six school days."]),
    dict(id="mayor-race", form="txt", title="Three candidates enter race for mayor", date="2026-09-16",
         source=LEDGER, author="Tomas Reyes", paragraphs=[
             "Three candidates will run for mayor of Port Alder in the Oct. 11 election, the town clerk said on Wednesday.",
             "Mayor Ruth Okafor resigned in August to lead the state port authority. Deputy Mayor Alan Price has served as acting mayor since then.",
             "The candidates are council member Gareth Wynn, businesswoman Ines Baptiste and retired teacher Paul Hendry."]),
    dict(id="mayor-poll", form="html-jsonld", title="Baptiste leads mayoral poll", date="2026-10-01",
         source=NORTHSHORE, author="Priya Nair", paragraphs=[
             "Ines Baptiste leads the race for mayor with 41 percent support, a poll for the Northshore Daily found.",
             "Gareth Wynn had 35 percent and Paul Hendry 14 percent. The rest of the voters were undecided.",
             "The poll of 600 residents was taken between Sept. 25 and Sept. 28."]),
    dict(id="baptiste-elected", form="json-list", file="wire-2026-10.json", title="Baptiste elected mayor of Port Alder",
         date="2026-10-12", source=WIRE, author="Elena Voss", paragraphs=[
             "Businesswoman Ines Baptiste won the election for mayor of Port Alder on Sunday with 52 percent of the vote.",
             "Council member Gareth Wynn came second with 38 percent. Turnout was 47 percent, the town clerk said.",
             "Baptiste will be sworn in on Oct. 19. She said her first task would be to finish the bridge repairs."]),
    dict(id="gazette-baptiste-elected", form="md", wire_of="baptiste-elected", title="Ines Baptiste wins Port Alder mayoral race",
         date="2026-10-12", source=GAZETTE, author="Elena Voss",
         footer="Related stories: Three candidates enter race for mayor | Baptiste leads mayoral poll"),
    dict(id="northshore-baptiste-elected", form="json", wire_of="baptiste-elected", title="Baptiste wins; Wynn second",
         date="2026-10-12", source=NORTHSHORE, author="Elena Voss", footer="Distributed by Coastal Wire."),
    dict(id="baptiste-sworn-in", form="html-time", title="Baptiste sworn in as mayor", date="2026-10-19",
         source=RADIO, author="Sam Okoro", paragraphs=[
             "Ines Baptiste was sworn in as mayor of Port Alder on Monday in a ceremony at the town hall.",
             "Baptiste replaces Ruth Okafor, who resigned in August. Acting mayor Alan Price returns to his post as deputy mayor.",
             "In her first speech, Baptiste promised to build 200 affordable homes within four years."]),
    dict(id="cancer-wing", form="html-jsonld", title="St. Brendan's Hospital opens new cancer wing", date="2026-09-28",
         source=WIRE, author="Elena Voss", paragraphs=[
             "St. Brendan's Hospital in Port Alder opened its new cancer wing on Monday.",
             "The $18 million wing has 40 beds and was paid for partly by a donation from the Harlow family.",
             "The first patients will be treated there from Oct. 5, hospital director Dr. Samuel Adeyemi said."]),
    dict(id="northshore-cancer-wing", form="json-list", file="northshore-health.json", wire_of="cancer-wing",
         title="Cancer wing opens at St. Brendan's", date="2026-09-28", source=NORTHSHORE, author="Elena Voss",
         footer="Distributed by Coastal Wire. All rights reserved."),
    dict(id="jobless-august", form="json-list", file="northshore-health.json", title="Jobless rate in Alder County falls to 5.2%",
         date="2026-09-11", source=NORTHSHORE, author="Priya Nair", paragraphs=[
             "The unemployment rate in Alder County fell to 5.2 percent in August, from 5.6 percent in July, the state labor office said on Friday.",
             "Fishing and tourism added the most jobs over the summer."]),
    dict(id="jobless-september", form="txt", title="County jobless rate drops to 4.9%", date="2026-10-09",
         source=NORTHSHORE, author="Priya Nair", paragraphs=[
             "Alder County's unemployment rate is now 4.9 percent after another fall in September, the state labor office said on Friday.",
             "The rate stood at 5.2 percent in August. Hospital hiring and the new ferry service added about 300 jobs."]),
    dict(id="mariners-cup", form="jsonl", file="radio-sport.jsonl", title="Mariners win regional cup", date="2026-09-27",
         source=RADIO, author="Jess Muir", paragraphs=[
             "The Port Alder Mariners beat Kingsport United 2-1 in the regional cup final on Saturday.",
             "Jonah Reyes scored the winning goal in the 88th minute.",
             "It is the club's first title since 1987. Around 3,000 fans watched at Harbor Park."]),
    dict(id="library-reopens", form="html-meta", title="Carnegie library reopens after two-year renovation", date="2026-10-05",
         source=GAZETTE, author="Lucy Hart", paragraphs=[
             "The Port Alder Carnegie library reopened on Saturday after a two-year renovation that cost $6.5 million.",
             "Its new children's wing is named after the author Beatrice Lowe, who grew up on Canal Street.",
             "The library will now open seven days a week."]),
    dict(id="police-chief", form="md", title="Council names Carla Mendes police chief", date="2026-09-30",
         source=LEDGER, author="Tomas Reyes", paragraphs=[
             "The town council named Inspector Carla Mendes as Port Alder's new police chief on Tuesday.",
             "Mendes, a 22-year veteran of the force, replaces Chief Victor Hale, who retired in June.",
             "She is the first woman to lead the town's police."]),
    dict(id="boil-water-notice", form="txt", title="Boil-water notice for north side after storm", date="2026-09-21",
         source=GAZETTE, author="Maria Chen", paragraphs=[
             "Residents north of Canal Street were told on Sunday to boil their tap water after flooding damaged the Hill Road pumping station.",
             "The notice affects about 6,000 residents, the water department said.",
             "Bottled water is available at the Elm Street community hall."]),
    dict(id="boil-water-lifted", form="jsonl", file="radio-ferry.jsonl", title="Boil-water notice lifted", date="2026-09-25",
         source=RADIO, author="Sam Okoro", paragraphs=[
             "The water department lifted the boil-water notice for the north side of Port Alder on Friday.",
             "Tests showed the water was safe to drink after repairs to the Hill Road pumping station."]),
    dict(id="whale-in-harbor", form="txt", title="Humpback whale spends two days in harbor", date="2026-10-13",
         source=LEDGER, author="Tomas Reyes", paragraphs=[
             "A young humpback whale spent two days in Port Alder's harbor this week, the first seen there since 2009.",
             "Dr. Ana Kowal of the Gull Island Marine Station said the whale was a male about 11 metres long.",
             "Boats were asked to keep at least 100 metres away."]),
    dict(id="cod-quota-cut", form="html-time", title="Cod quota cut by 20 percent", date="2026-10-07",
         source=NORTHSHORE, author="Priya Nair", paragraphs=[
             "The state fisheries board cut the cod quota for the Alder Bank by 20 percent for 2027.",
             "Ray Dunn, head of the Port Alder Fishermen's Association, said about 60 local boats would be affected.",
             "The board said cod stocks had fallen for four years in a row."]),
    dict(id="affordable-homes", form="md", title="Council approves 200 affordable homes at old rail yard", date="2026-10-14",
         source=GAZETTE, author="Lucy Hart", paragraphs=[
             "The town council voted 5 to 2 on Tuesday to approve 200 affordable homes on the old rail yard.",
             "The homes will be built by Coastline Homes, and construction will begin in spring 2027.",
             "Rents will be capped at 30 percent of local median income."]),
    dict(id="farmers-market", form="txt", title="Farmers market moves to Pier 3", date="2026-09-10",
         source=RADIO, author="Jess Muir", paragraphs=[
             "The Port Alder farmers market will move from Elm Street to the Pier 3 terminal from this Saturday.",
             "Market manager Tilda Sorensen said the new site has room for 45 stalls, up from 30."]),
    dict(id="shipwreck-bell", form="html-meta", title="Maritime museum gets shipwreck bell", date="2026-10-03",
         source=LEDGER, author="Tomas Reyes", paragraphs=[
             "The Port Alder Maritime Museum has put on display the bell of the schooner Margaret Rose, which sank off Gull Island in 1853.",
             "Divers from the Gull Island Marine Station found the bell in 2024.",
             "Museum curator Felix Dorn said the bell weighs 38 kilograms."]),
    dict(id="cliff-road-guardrail", form="jsonl", file="radio-sport.jsonl", title="Cliff Road to get new guardrail",
         date="2026-10-10", source=RADIO, author="Jess Muir", paragraphs=[
             "A new guardrail will be built along Cliff Road after three crashes there this year, the roads department said.",
             "The work will cost $450,000 and should be finished by December."]),
    dict(id="harbor-dredging", form="json", title="Harbor dredging to begin in November", date="2026-09-17",
         source=NORTHSHORE, author="Priya Nair", paragraphs=[
             "Bayline Marine won a $4.8 million contract to dredge Port Alder's harbor, the port office said on Thursday.",
             "The work will remove about 90,000 cubic metres of silt and begin in November."]),
    dict(id="skate-park-opens", form="txt", title="Mayor opens skate park at Lighthouse Green", date="2026-10-22",
         source=RADIO, author="Jess Muir", paragraphs=[
             "Mayor Ines Baptiste opened the new skate park at Lighthouse Green on Wednesday.",
             "The park replaces one that then-Mayor Ruth Okafor opened in 2015 and that closed in 2023 because of cracks.",
             "The new park cost $350,000 and has a separate area for beginners."]),
    dict(id="regatta-2026", form="html-time", title="Regatta returns with 80 boats", date="2026-09-06",
         source=LEDGER, author="Tomas Reyes", paragraphs=[
             "The Port Alder Regatta drew 80 boats on Saturday, up from 64 last year.",
             "The winning boat, Sea Lark, was sailed by Mira Holt of Gull Island."]),
    dict(id="regatta-2025", form="txt", title="Regatta draws 64 boats despite fog", date="2025-09-07",
         source=GAZETTE, author="Lucy Hart", paragraphs=[
             "The Port Alder Regatta drew 64 boats on Saturday despite thick morning fog.",
             "The race was won by the boat Osprey, sailed by Dan Whitley."]),
    dict(id="walking-trails", form="md-nodate", title="A guide to Port Alder's walking trails", date=None,
         source=GAZETTE, author=None, paragraphs=[
             "The Cliff Path runs four kilometres from Lighthouse Green to Seal Cove.",
             "The Alder River trail follows the river for six kilometres inland and is flat enough for strollers."]),
]
