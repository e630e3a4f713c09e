"""Invented English sentences in styles the development set lacks: wire copy, live
blogs, think-tank updates and Telegram posts translated to English, each a template
with the claims a careful reader takes. Written for these tests; ``{a}`` is a place, ``A``
its canonical name. Every template is read with each pair of places in PAIRS."""

from __future__ import annotations

from datetime import date

PAIRS = [
    ("Pokrovsk", "Myrnohrad"),
    ("Kupiansk", "Vovchansk"),
    ("Siversk", "Kostiantynivka"),
]

CASES = [
    # wire copy
    (
        "KYIV (Reuters) - Ukraine's General Staff said on Tuesday that {a} is under the control of Ukraine's defence forces.",
        {("A", "UA", "UA")},
    ),
    (
        "Ukraine's army said its troops still hold {a}, rejecting Moscow's assertions.",
        {("A", "UA", "UA")},
    ),
    (
        "Ukraine's military dismissed the Russian claim, saying Kyiv still controls {a}.",
        {("A", "UA", "UA"), ("A", "UA", "CONTESTED")},
    ),
    ("Kyiv still controls {a}, a Ukrainian military spokesman said.", {("A", "UA", "UA")}),
    (
        "Russia's Defence Ministry said its forces had captured {a} and {b}.",
        {("A", "RU", "RU"), ("B", "RU", "RU")},
    ),
    (
        "Moscow said its troops had taken {a}, a claim Kyiv denied.",
        {("A", "RU", "RU"), ("A", "UA", "CONTESTED")},
    ),
    (
        "Untrue are statements that 80 per cent of {a} has been captured, Ukraine's General Staff said.",
        {("A", "UA", "CONTESTED")},
    ),
    (
        "Ukraine's General Staff rejected Moscow's assertions that Russian forces had captured {a}.",
        {("A", "RU", "RU"), ("A", "UA", "CONTESTED")},
    ),
    ("The Kremlin said Russian troops had taken Sudzha in the Kursk region, far from {a}.", set()),
    ("Zelensky met Macron in Paris on Monday to discuss air defence for {a}.", set()),
    ("Peskov told reporters in Moscow that talks on {a} were not on the agenda.", set()),
    (
        "Russian forces captured {a} and {b} in Donetsk, the ministry said.",
        {("A", "RU", "RU"), ("B", "RU", "RU")},
    ),
    # live blogs
    (
        "12:40 - Russia claims capture of {a}. Russia's Defence Ministry says its units have taken full control of {a}.",
        {("A", "RU", "RU")},
    ),
    ("Update: Ukraine's General Staff denies that {a} has fallen.", {("A", "UA", "CONTESTED")}),
    (
        "Fighting is still under way in {a}, Ukraine's military said on Wednesday.",
        {("A", "UA", "CONTESTED")},
    ),
    (
        "Ukrainian troops pulled out of {a} to avoid encirclement, the army said.",
        {("A", "UA", "RU")},
    ),
    ("Residents of {a} queued for water as shelling went on through the night.", set()),
    ("Russian drones struck an energy facility near {a} overnight, the governor said.", set()),
    (
        "Russian forces repelled Ukrainian attacks in the areas of {a} and {b}, the ministry said.",
        set(),
    ),
    # think-tank updates
    (
        "The Institute for the Study of War assessed that Russian forces control most of {a}.",
        {("A", "OTHER", "RU")},
    ),
    (
        "ISW said geolocated footage showed Russian forces had advanced into central {a}.",
        {("A", "OTHER", "CONTESTED")},
    ),
    ("Analysts said Russian forces were attempting to seize {a} before winter.", set()),
    (
        "If confirmed, the fall of {a} would be Russia's largest gain this year, analysts said.",
        set(),
    ),
    ("DeepState said Russian forces held about 30 per cent of {a}.", {("A", "OTHER", "RU")}),
    ("DeepState's map showed {a} as contested.", {("A", "OTHER", "CONTESTED")}),
    # Telegram posts translated to English
    (
        'Translated from Telegram: "Units of the Centre group of forces have liberated the settlement of {a}," the Russian Defence Ministry wrote.',
        {("A", "RU", "RU")},
    ),
    (
        "In a Telegram post, Ukraine's Khortytsia group said {a} remained under Ukrainian control.",
        {("A", "UA", "UA")},
    ),
    ('"The enemy is lying: {a} is ours," a Ukrainian brigade wrote on Telegram.', set()),
    (
        "Russian military bloggers claimed that Russian troops had entered {a}.",
        {("A", "OTHER", "CONTESTED")},
    ),
    (
        "The General Staff of Ukraine said on Telegram that Russian claims about the capture of {a} were disinformation.",
        {("A", "RU", "RU"), ("A", "UA", "CONTESTED")},
    ),
    (
        "Ukrainian forces recaptured {a}, the Ukrainian military said on Telegram.",
        {("A", "UA", "UA")},
    ),
    ("Russian forces sought to capture {a} but were repelled, Ukraine's army said.", set()),
    ("Ukraine's army said it had retaken the northern part of {a}.", {("A", "UA", "UA")}),
    (
        "Moscow's claims of having captured {a} are false, Kyiv said.",
        {("A", "RU", "RU"), ("A", "UA", "CONTESTED")},
    ),
]

# Sentences written once (not templates): (place, claimant, controller, *details) as
# tests.reader.claimkeys reads them.
SENTENCES = [
    (
        "MOSCOW, Dec 1 (Reuters) - Russia said on Monday its forces had captured the town of "
        "Siversk in eastern Ukraine's Donetsk region.",
        {("Siversk", "RU", "RU", date(2025, 12, 1))},
    ),
    (
        "Russia's Defence Ministry said its troops had taken control of Vovchansk and "
        "Dvorichna in the Kharkiv region, claims Reuters could not independently verify.",
        {("Vovchansk", "RU", "RU"), ("Dvorichna", "RU", "RU")},
    ),
    (
        "Ukraine's military said on Tuesday that its forces still held the northern part of "
        "Pokrovsk.",
        {("Pokrovsk", "UA", "UA", "north", date(2025, 12, 2))},
    ),
    ("Kyiv has not confirmed the loss of Kupiansk.", set()),
    (
        "Russian forces control about 45% of Huliaipole, a Ukrainian military spokesman said.",
        {("Huliaipole", "UA", "RU", 0.45)},
    ),
    (
        "Ukrainian forces withdrew from Selydove, the General Staff said, citing the threat of "
        "encirclement.",
        {("Selydove", "UA", "RU")},
    ),
    (
        "Ukraine's General Staff said claims that Russian troops had captured 80 per cent of "
        "Kupiansk were untrue.",
        {("Kupiansk", "UA", "CONTESTED")},
    ),
    (
        "Ukraine's army said it had driven Russian forces out of Kupiansk-Vuzlovyi.",
        {("Kupiansk-Vuzlovyi", "UA", "UA")},
    ),
    (
        "A Ukrainian drone hit an oil refinery in Russia's Belgorod region, the regional "
        "governor said.",
        set(),
    ),
    (
        "Russia's Defence Ministry said air defences downed 30 Ukrainian drones over the Kursk "
        "and Bryansk regions.",
        set(),
    ),
    (
        "Kyiv insists its forces are still fighting inside Myrnohrad.",
        {("Myrnohrad", "UA", "CONTESTED")},
    ),
    ("Moscow's assertions about Kupiansk have been rejected by Kyiv.", set()),
    (
        "The General Staff said Russian claims about the capture of Siversk and Lyman were false.",
        {
            ("Siversk", "RU", "RU"),
            ("Lyman", "RU", "RU"),
            ("Siversk", "UA", "CONTESTED"),
            ("Lyman", "UA", "CONTESTED"),
        },
    ),
    ("Kyiv and Moscow traded accusations over the strike.", set()),
    ("Washington urged Moscow and Kyiv to agree on a ceasefire.", set()),
    (
        "Ukraine's defence ministry in Kyiv said its forces remained in control of Vovchansk.",
        {("Vovchansk", "UA", "UA")},
    ),
    (
        "Russia's Defence Ministry said its forces had captured Orikhiv and Stepnohirsk in "
        "Zaporizhzhia.",
        {("Orikhiv", "RU", "RU"), ("Stepnohirsk", "RU", "RU")},
    ),
    ("Huliaipole and Orikhiv in Zaporizhzhia came under heavy shelling.", set()),
    (
        "Ukrainian officials said the town of Vovchansk remains under the control of Ukraine's "
        "defence forces.",
        {("Vovchansk", "UA", "UA")},
    ),
    (
        "Its troops still hold Siversk, the Ukrainian army's 54th brigade said.",
        {("Siversk", "UA", "UA")},
    ),
    (
        "Untrue are the reports that Russian forces control half of Myrnohrad, the Ukrainian "
        "army said.",
        {("Myrnohrad", "UA", "CONTESTED")},
    ),
    (
        "Ukraine says Russian troops have not captured Siversk, calling the claim propaganda.",
        {("Siversk", "UA", "CONTESTED")},
    ),
    (
        "Kremlin spokesman Dmitry Peskov said the capture of Siversk showed Russia's momentum.",
        {("Siversk", "RU", "RU")},
    ),
    (
        "Speaking in Brussels, Rutte said Russia had paid a heavy price for small gains around "
        "Pokrovsk.",
        set(),
    ),
    (
        "The governor of Russia's Kursk region said a Ukrainian drone attack had killed one "
        "person in Rylsk.",
        set(),
    ),
    (
        "Ukrainian forces recaptured the village of Kruhliakivka, the army's 3rd Assault "
        "Brigade said.",
        {("Kruhliakivka", "UA", "UA")},
    ),
    (
        "The Ukrainian army said its forces had been holding Kostiantynivka despite heavy assaults.",
        {("Kostiantynivka", "UA", "UA")},
    ),
    ("Ukraine's military has said it withdrew from Toretsk.", {("Toretsk", "UA", "RU")}),
    (
        "Several civilians were evacuated from Kupiansk-Vuzlovyi on Sunday, the police said.",
        set(),
    ),
    (
        "Russian forces captured the village of Zvirove in Donetsk region, Russia's Defence "
        "Ministry said on Saturday.",
        {("Zvirove", "RU", "RU", date(2025, 11, 29))},
    ),
    (
        "Ukraine's General Staff rejected the Russian claim, saying its troops still control "
        "Huliaipole.",
        {("Huliaipole", "UA", "UA"), ("Huliaipole", "UA", "CONTESTED")},
    ),
    (
        "Key developments: Ukraine says it still controls Huliaipole; Russia claims to have taken "
        "Stepnohirsk.",
        {("Huliaipole", "UA", "UA"), ("Stepnohirsk", "RU", "RU")},
    ),
    (
        "Two people were killed when Russian bombs hit Kramatorsk, the regional governor said.",
        set(),
    ),
    ("Evacuations continue from Dobropillia and Bilytske, local authorities said.", set()),
    (
        "Russia claims its forces have captured the southern part of Kostiantynivka.",
        {("Kostiantynivka", "RU", "RU", "south")},
    ),
    (
        "14:02 - Ukraine's General Staff says Russian troops attacked 12 times near Siversk "
        "and were repelled.",
        set(),
    ),
    (
        "Breaking: Russia says its troops have fully captured Myrnohrad.",
        {("Myrnohrad", "RU", "RU")},
    ),
    (
        "Residents of Sloviansk spent the night in shelters as air raid sirens sounded.",
        set(),
    ),
    ("French President Emmanuel Macron hosted Zelensky at the Elysee Palace in Paris.", set()),
    (
        "ISW assesses that Russian forces likely seized Zvirove.",
        {("Zvirove", "OTHER", "RU")},
    ),
    (
        "The Russian MoD claimed that Russian forces seized Bilytske, but ISW has not observed "
        "evidence to confirm this claim.",
        {("Bilytske", "RU", "RU")},
    ),
    (
        "Russian milbloggers claimed that Russian forces seized Rodynske.",
        {("Rodynske", "OTHER", "RU")},
    ),
    (
        "Russian forces recently marginally advanced northeast of Kupiansk.",
        set(),
    ),
    (
        "The Critical Threats Project noted that Russian forces hold most of Chasiv Yar.",
        {("Chasiv Yar", "OTHER", "RU", "partial")},
    ),
    (
        "Russian forces continued offensive operations near Lyman, Siversk and Kostiantynivka "
        "on December 1 but did not advance.",
        set(),
    ),
    (
        "Geolocated footage indicates that Russian forces recently advanced into eastern Siversk.",
        {("Siversk", "OTHER", "CONTESTED", "east")},
    ),
    (
        "Russian forces attacked near Pokrovsk and Myrnohrad on December 2, according to the "
        "Ukrainian General Staff.",
        set(),
    ),
    (
        "In a Telegram statement, the Ukrainian 3rd Army Corps said its troops still hold Lyman.",
        {("Lyman", "UA", "UA")},
    ),
    (
        "The Russian Defence Ministry's Telegram channel said Siversk had been liberated.",
        {("Siversk", "RU", "RU")},
    ),
    (
        "The Ukrainian Air Force said on Telegram that Russia launched 89 drones overnight.",
        set(),
    ),
    (
        'Translated from Telegram: "The settlement of Zvirove has been fully liberated," the '
        "Russian Defence Ministry said.",
        {("Zvirove", "RU", "RU")},
    ),
    (
        "Pushilin wrote on Telegram that Russian forces had taken Siversk.",
        {("Siversk", "RU", "RU")},
    ),
    (
        "The 5th Assault Brigade said on Telegram that Ukrainian troops had recaptured Hrodivka.",
        {("Hrodivka", "UA", "UA")},
    ),
    (
        "Kharkiv governor Oleh Syniehubov said on Telegram that an elderly woman was injured in "
        "Kupiansk.",
        set(),
    ),
    (
        "Zelensky, speaking in Paris alongside Macron, said Ukrainian troops were holding their "
        "positions in Pokrovsk.",
        {("Pokrovsk", "UA", "UA")},
    ),
    (
        "Russia's claims to have taken Kupiansk are false, Ukraine's commander-in-chief "
        "Oleksandr Syrskyi said.",
        {("Kupiansk", "RU", "RU"), ("Kupiansk", "UA", "CONTESTED")},
    ),
    (
        "Russian President Vladimir Putin congratulated the troops on the liberation of Kupiansk.",
        {("Kupiansk", "RU", "RU")},
    ),
    (
        "09:15 GMT - Russian forces have entered Kostiantynivka, a pro-Kremlin blogger claims.",
        {("Kostiantynivka", "OTHER", "CONTESTED")},
    ),
    (
        "Update 16:20: Ukrainian units have left Kupiansk-Vuzlovyi, according to the "
        "Khortytsia group.",
        {("Kupiansk-Vuzlovyi", "UA", "RU")},
    ),
    (
        "Ukraine's military said fighting was continuing in the centre of Kostiantynivka.",
        {("Kostiantynivka", "UA", "CONTESTED")},
    ),
    (
        "ISW assessed that Ukrainian forces still hold positions in northern Myrnohrad.",
        {("Myrnohrad", "OTHER", "UA", "north")},
    ),
    (
        "ISW has not observed confirmation of Russian claims that Russian forces seized Hrodivka.",
        {("Hrodivka", "RU", "RU")},
    ),
    (
        '"Hrodivka is under the control of the Defence Forces," the 79th brigade wrote on its '
        "Telegram channel.",
        {("Hrodivka", "UA", "UA")},
    ),
    (
        'Telegram, translated: "The occupiers are spreading fakes about the capture of '
        'Kupiansk," the Khortytsia group wrote.',
        {("Kupiansk", "UA", "CONTESTED")},
    ),
    (
        "Moscow's claim that its forces control 60 per cent of Kostiantynivka is untrue, the "
        "Ukrainian army's spokesman said.",
        {("Kostiantynivka", "RU", "RU", 0.6), ("Kostiantynivka", "UA", "CONTESTED")},
    ),
    (
        "Russian officials repeated the claim, while Ukraine's General Staff said its "
        "forces were still holding Siversk.",
        {("Siversk", "UA", "UA")},
    ),
    (
        "KYIV, Dec 3 (AP) - Ukraine's military said its troops had pushed Russian forces out of "
        "Kupiansk-Vuzlovyi after weeks of fighting.",
        {("Kupiansk-Vuzlovyi", "UA", "UA")},
    ),
    ("Kyiv's allies in Paris and Berlin pledged more air defence systems on Tuesday.", set()),
    (
        "The Russian Defence Ministry said troops of the Dnepr group had taken Stepnohirsk and "
        "Mala Tokmachka in Zaporizhzhia.",
        {("Stepnohirsk", "RU", "RU"), ("Mala Tokmachka", "RU", "RU")},
    ),
    (
        "ISW assessed that Russian forces control roughly half of Huliaipole.",
        {("Huliaipole", "OTHER", "RU", 0.5)},
    ),
    (
        "Posting on Telegram, the 93rd Brigade said Ukrainian troops still control the western "
        "part of Kostiantynivka.",
        {("Kostiantynivka", "UA", "UA", "west")},
    ),
    (
        "Russia's Defence Ministry said that its forces had captured Rodynske, a claim denied "
        "by Kyiv.",
        {("Rodynske", "RU", "RU"), ("Rodynske", "UA", "CONTESTED")},
    ),
    (
        "Russian troops now control roughly two-thirds of Pokrovsk, DeepState analysts said.",
        {("Pokrovsk", "OTHER", "RU", 0.67)},
    ),
    ("The Kremlin said Putin would discuss the Pokrovsk front with his generals.", set()),
]
