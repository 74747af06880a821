"""The normaliser's table: written forms and how a person reads them aloud.

Grouped by class (phone numbers, years, ranges, times, dates, money, percentages, ordinals,
units, Roman numerals, abbreviations, addresses, plain numbers), then the other languages.
"""

import pytest

from synthesis.engine.normalize import normalize

# Cases read the same way in American and British English.
BOTH = [
    # phone numbers
    ("Call us at 555-0199.", "Call us at five five five, oh one nine nine."),
    ("Call 555-123-4567.", "Call five five five, one two three, four five six seven."),
    ("Dial (555) 123-4567 now.", "Dial five five five, one two three, four five six seven now."),
    ("Fax 555.123.4567 today.", "Fax five five five, one two three, four five six seven today."),
    ("Call 1-800-555-0199.", "Call one, eight oh oh, five five five, oh one nine nine."),
    (
        "Call +1 (212) 555-0100.",
        "Call plus one, two one two, five five five, oh one oh oh.",
    ),
    (
        "Call +44 20 7946 0958.",
        "Call plus four four, two oh, seven nine four six, oh nine five eight.",
    ),
    (
        "Ring +33 1 23 45 67 89.",
        "Ring plus three three, one, two three, four five, six seven, eight nine.",
    ),
    (
        "Ring 020 7946 0958.",
        "Ring oh two oh, seven nine four six, oh nine five eight.",
    ),
    ("Text 07700 900123.", "Text oh seven seven oh oh, nine oh oh one two three."),
    (
        "Ring +91 98765 43210.",
        "Ring plus nine one, nine eight seven six five, four three two one oh.",
    ),
    # years
    ("Founded in 1998.", "Founded in nineteen ninety eight."),
    ("It was built in 1905.", "It was built in nineteen oh five."),
    ("In 1987, the bridge opened.", "In nineteen eighty seven, the bridge opened."),
    ("By 2019, it carried more.", "By twenty nineteen, it carried more."),
    ("Since 2010 we grew.", "Since twenty ten we grew."),
    ("By 2030 it ends.", "By twenty thirty it ends."),
    ("In 1066 they landed.", "In ten sixty six they landed."),
    ("The 1998 election was close.", "The nineteen ninety eight election was close."),
    ("The record from 1900 stands.", "The record from nineteen hundred stands."),
    ("Built around 1750 by monks.", "Built around seventeen fifty by monks."),
    ("Music of the 1990s.", "Music of the nineteen nineties."),
    ("In the 1800s.", "In the eighteen hundreds."),
    ("The 2010s were busy.", "The twenty tens were busy."),
    ("The '90s were fun.", "The nineties were fun."),
    ("Back in the 80s.", "Back in the eighties."),
    ("Class of '98.", "Class of ninety eight."),
    ("The '05 vintage.", "The oh five vintage."),
    ("It ended in 1066 AD.", "It ended in ten sixty six A D."),
    # ranges
    ("Read pages 10-12.", "Read pages ten to twelve."),
    ("Open 9–5 daily.", "Open nine to five daily."),
    ("From 2020–2024 we grew.", "From twenty twenty to twenty twenty four we grew."),
    ("The years 1990-95.", "The years nineteen ninety to ninety five."),
    ("Prices rose 10-15% this year.", "Prices rose ten to fifteen percent this year."),
    ("It won 3-2.", "It won three to two."),
    ("Spend $10-20 on it.", "Spend ten dollars to twenty dollars on it."),
    ("Ages 18 - 25 only.", "Ages eighteen to twenty five only."),
    # times
    ("At 3:30 pm.", "At three thirty PM."),
    ("At 7am sharp.", "At seven AM sharp."),
    ("At 7 p.m. tomorrow.", "At seven PM tomorrow."),
    ("Arrive at 7 p.m.", "Arrive at seven PM."),
    ("It opens at 9:05 a.m. daily.", "It opens at nine oh five AM daily."),
    ("Leave at 11:45 PM.", "Leave at eleven forty five PM."),
    ("Meet at 3.30pm.", "Meet at three thirty PM."),
    ("At 12 noon.", "At twelve noon."),
    ("At 14:05.", "At fourteen oh five."),
    ("At 9:00.", "At nine o'clock."),
    ("At 18:00 sharp.", "At eighteen hundred sharp."),
    ("Depart 08:15.", "Depart oh eight fifteen."),
    ("Lap time 10:30:15.", "Lap time ten thirty and fifteen seconds."),
    # spans of clock time
    ("Open 9:30-17:00 on Saturdays.", "Open nine thirty to seventeen hundred on Saturdays."),
    ("Open 9am-5pm daily.", "Open nine AM to five PM daily."),
    ("From 10:30 a.m.-2 p.m. daily.", "From ten thirty AM to two PM daily."),
    ("Closed 1-3 pm for lunch.", "Closed one to three PM for lunch."),
    ("Support runs 24/7.", "Support runs twenty four seven."),
    # money
    ("That is $5.", "That is five dollars."),
    ("Only $1!", "Only one dollar!"),
    ("Only $1.01!", "Only one dollar and one cent!"),
    ("Pay $0.99 now.", "Pay ninety nine cents now."),
    ("Worth €20.", "Worth twenty euros."),
    ("Worth 20€.", "Worth twenty euros."),
    ("Worth 20 €.", "Worth twenty euros."),
    ("It costs 20 USD.", "It costs twenty US dollars."),
    ("It costs EUR 15.50.", "It costs fifteen euros and fifty cents."),
    ("It costs US$30.", "It costs thirty US dollars."),
    ("Earn ₹500.", "Earn five hundred rupees."),
    ("Cost ¥1,000.", "Cost one thousand yen."),
    ("Cost 100 CHF.", "Cost one hundred Swiss francs."),
    ("They raised $2.5B today.", "They raised two point five billion dollars today."),
    ("Revenue of $4.2 million.", "Revenue of four point two million dollars."),
    ("A £1.2m deal.", "A one point two million pounds deal."),
    ("Budget €3bn.", "Budget three billion euros."),
    ("A $50k salary.", "A fifty thousand dollars salary."),
    ("Lost -$5.", "Lost minus five dollars."),
    ("Gum is 50¢.", "Gum is fifty cents."),
    # percentages
    ("Up 45%.", "Up forty five percent."),
    ("Up 3.5% now.", "Up three point five percent now."),
    ("Down -2% today.", "Down minus two percent today."),
    ("A 100 % match.", "A one hundred percent match."),
    ("Rates of 0.25%.", "Rates of zero point two five percent."),
    # ordinals
    ("She came 1st and he 22nd.", "She came first and he twenty second."),
    ("The 3rd try.", "The third try."),
    ("The 11th hour.", "The eleventh hour."),
    ("It is the 21st century.", "It is the twenty first century."),
    ("The 12TH man.", "The twelfth man."),
    # measurements
    ("It is 20°C.", "It is twenty degrees Celsius."),
    ("It was 72°F.", "It was seventy two degrees Fahrenheit."),
    ("It fell to -5°C.", "It fell to minus five degrees Celsius."),
    ("Turn it 90°.", "Turn it ninety degrees."),
    ("Grab 100 MB.", "Grab one hundred megabytes."),
    ("A 3.5 GB file.", "A three point five gigabytes file."),
    ("Add 2 TB of disk.", "Add two terabytes of disk."),
    ("Lift 12 kg.", "Lift twelve kilograms."),
    ("Drive 60 mph.", "Drive sixty miles per hour."),
    ("He is 6 ft tall.", "He is six feet tall."),
    ("A 1 ft ruler.", "A one foot ruler."),
    ("A 2.4 GHz chip.", "A two point four gigahertz chip."),
    ("Wait 10 min.", "Wait ten minutes."),
    ("A 40 W bulb.", "A forty watts bulb."),
    ("Use 16 oz.", "Use sixteen ounces."),
    ("It is 5x faster.", "It is five times faster."),
    ("Ranked 5 in the world.", "Ranked five in the world."),
    # Roman numerals
    ("Henry VIII had six wives.", "Henry the eighth had six wives."),
    ("Louis XIV built it.", "Louis the fourteenth built it."),
    ("Queen Elizabeth II spoke.", "Queen Elizabeth the second spoke."),
    ("Elizabeth I, the queen.", "Elizabeth the first, the queen."),
    ("Pope John Paul II visited.", "Pope John Paul the second visited."),
    ("Read Chapter IV now.", "Read Chapter four now."),
    ("After World War II ended.", "After World War two ended."),
    ("Watch Super Bowl LVII.", "Watch Super Bowl fifty seven."),
    ("See Part III.", "See Part three."),
    ("It is Type II diabetes.", "It is Type two diabetes."),
    ("Malcolm X spoke.", "Malcolm X spoke."),
    ("Then I left.", "Then I left."),
    ("Washington DC is busy.", "Washington DC is busy."),
    ("A stamp costs 85p.", "A stamp costs eighty five pence."),
    ("A 1p coin.", "A one penny coin."),
    ("A 4K screen.", "A four K screen."),
    ("Sales rose in Q3.", "Sales rose in Q three."),
    # abbreviations
    ("Dr. Smith met Mr. Jones.", "Doctor Smith met Mister Jones."),
    ("Mrs. Patel and Ms. Lee.", "Missus Patel and Miz Lee."),
    ("Prof. Chen teaches.", "Professor Chen teaches."),
    ("Go to Baker St. now.", "Go to Baker Street now."),
    ("Visit St. Paul today.", "Visit Saint Paul today."),
    ("She lives on Elm Dr. now.", "She lives on Elm Drive now."),
    ("Tea, coffee, etc. are fine.", "Tea, coffee, et cetera are fine."),
    ("Fruit, e.g. apples.", "Fruit, for example apples."),
    ("Red, i.e. warm.", "Red, that is warm."),
    ("Smith vs. Jones.", "Smith versus Jones."),
    ("Approx. ten people.", "Approximately ten people."),
    ("See p. 12 now.", "See page twelve now."),
    ("Read pp. 10-15.", "Read pages ten to fifteen."),
    ("In vol. 3 today.", "In volume three today."),
    ("Ranked No. 5.", "Ranked number five."),
    ("Ranked #1.", "Ranked number one."),
    ("Made in the U.S. and U.K.", "Made in the U S and U K."),
    # e-mail addresses and URLs
    ("Mail jane.doe@example.org now.", "Mail jane dot doe at example dot org now."),
    ("Write to help@example.com today.", "Write to help at example dot com today."),
    ("Write to bob_2@my-site.io.", "Write to bob underscore two at my dash site dot io."),
    ("See https://example.com/docs today.", "See example dot com slash docs today."),
    ("Visit www.speeko.io now.", "Visit w w w dot speeko dot io now."),
    ("Visit example.org for more.", "Visit example dot org for more."),
    ("Go to http://bbc.co.uk/news now.", "Go to bbc dot co dot uk slash news now."),
    # plain numbers and symbols
    ("I have 3 cats.", "I have three cats."),
    ("Pi is 3.14.", "Pi is three point one four."),
    ("It was -5 outside.", "It was minus five outside."),
    ("Agent 007 arrived.", "Agent zero zero seven arrived."),
    ("Only .5 left.", "Only point five left."),
    ("Salt & pepper.", "Salt and pepper."),
    ("Add 3/4 cup.", "Add three quarters cup."),
    ("Add 1/3 cup.", "Add one third cup."),
    ("Add 2/3 cup.", "Add two thirds cup."),
    ("Add 1 1/2 cups.", "Add one and a half cups."),
    ("a+b=c", "a plus b equals c"),
    ("Temperature ~20 now.", "Temperature about twenty now."),
]

AMERICAN = [
    ("She sold 1998 copies.", "She sold one thousand nine hundred ninety eight copies."),
    ("Run 5-10 km daily.", "Run five to ten kilometers daily."),
    (
        "That is $1,234.56.",
        "That is one thousand two hundred thirty four dollars and fifty six cents.",
    ),
    ("Eat 250 g daily.", "Eat two hundred fifty grams daily."),
    ("Weighs 150 lbs.", "Weighs one hundred fifty pounds."),
    ("It took 250 ms.", "It took two hundred fifty milliseconds."),
    ("Call ext. 204.", "Call extension two hundred four."),
    (
        "It costs 1,234,567 units.",
        "It costs one million two hundred thirty four thousand five hundred sixty seven units.",
    ),
    ("It was 105 pages.", "It was one hundred five pages."),
    ("before the 21st of June", "before the twenty first of June"),
    ("On the 4th of July.", "On the fourth of July."),
    ("Born 4 July.", "Born the fourth of July."),
    ("On March 3rd, 2025 we met.", "On March third, twenty twenty five we met."),
    ("On March 3 we met.", "On March third we met."),
    ("By Jan. 5, 2024 it ends.", "By January fifth, twenty twenty four it ends."),
    ("In June 2021 it began.", "In June twenty twenty one it began."),
    ("Due 2024-03-15.", "Due March fifteenth, twenty twenty four."),
    ("Due 12/25/2023.", "Due December twenty fifth, twenty twenty three."),
    ("Due 3/4/2024.", "Due March fourth, twenty twenty four."),
    ("Due 25/12/2023.", "Due December twenty fifth, twenty twenty three."),
    ("Due 12/25/23.", "Due December twenty fifth, twenty twenty three."),
    ("Due 15.03.2024.", "Due March fifteenth, twenty twenty four."),
    ("In 2005 it began.", "In two thousand five it began."),
    ("A £3.50 fee.", "A three pounds and fifty pence fee."),
    ("It is 0.5 km away.", "It is zero point five kilometers away."),
    ("Pour 2 l of water.", "Pour two liters of water."),
    ("It is 1 km long.", "It is one kilometer long."),
    ("The 101st unit.", "The one hundred first unit."),
]

BRITISH = [
    ("She sold 1998 copies.", "She sold one thousand nine hundred and ninety eight copies."),
    ("Run 5-10 km daily.", "Run five to ten kilometres daily."),
    (
        "That is $1,234.56.",
        "That is one thousand two hundred and thirty four dollars and fifty six cents.",
    ),
    ("Eat 250 g daily.", "Eat two hundred and fifty grams daily."),
    ("Weighs 150 lbs.", "Weighs one hundred and fifty pounds."),
    ("It took 250 ms.", "It took two hundred and fifty milliseconds."),
    ("Call ext. 204.", "Call extension two hundred and four."),
    (
        "It costs 1,234,567 units.",
        "It costs one million two hundred and thirty four thousand five hundred and sixty "
        "seven units.",
    ),
    ("It was 105 pages.", "It was one hundred and five pages."),
    ("before the 21st of June", "before the twenty first of June"),
    ("Born 4 July.", "Born the fourth of July."),
    ("On March 3rd, 2025 we met.", "On March the third twenty twenty five we met."),
    ("Due 2024-03-15.", "Due the fifteenth of March twenty twenty four."),
    ("Due 03/04/2024.", "Due the third of April twenty twenty four."),
    ("Due 25/12/2023.", "Due the twenty fifth of December twenty twenty three."),
    ("In 2005 it began.", "In two thousand and five it began."),
    ("A £3.50 fee.", "A three pounds fifty fee."),
    ("It is 0.5 km away.", "It is zero point five kilometres away."),
    ("Pour 2 l of water.", "Pour two litres of water."),
    ("It is 1 km long.", "It is one kilometre long."),
    ("Run 100 m.", "Run one hundred metres."),
    ("The 101st unit.", "The one hundred and first unit."),
]


@pytest.mark.parametrize(("written", "spoken"), BOTH + AMERICAN)
def test_it_reads_american_english(written, spoken):
    assert normalize(written, lang="a") == spoken


@pytest.mark.parametrize(("written", "spoken"), BOTH + BRITISH)
def test_it_reads_british_english(written, spoken):
    assert normalize(written, lang="b") == spoken


OTHER_LANGUAGES = [
    # French: space before thousands, comma for decimals, day first, 14h30, "12,50 €"
    ("f", "J'ai 3 chats.", "J'ai trois chats."),
    (
        "f",
        "Il y a 1 234 567 habitants.",
        "Il y a un million deux cent trente-quatre mille cinq cent soixante-sept habitants.",
    ),
    ("f", "Pi vaut 3,14.", "Pi vaut trois virgule quatorze."),
    ("f", "Il coûte 12,50 €.", "Il coûte douze euros cinquante."),
    ("f", "Payé 20 $ et 1 €.", "Payé vingt dollars et un euro."),
    ("f", "Hausse de 15 %.", "Hausse de quinze pour cent."),
    ("f", "Le 14/07/1789.", "Le quatorze juillet mille sept cent quatre-vingt-neuf."),
    ("f", "Le 01/05/2024.", "Le premier mai deux mille vingt-quatre."),
    ("f", "Rendez-vous à 14h30.", "Rendez-vous à quatorze heures trente."),
    ("f", "Départ à 9h.", "Départ à neuf heures."),
    ("f", "Le 1er janvier et le 2e jour.", "Le premier janvier et le deuxième jour."),
    (
        "f",
        "Appelez le 01 23 45 67 89.",
        "Appelez le zéro un, vingt-trois, quarante-cinq, soixante-sept, quatre-vingt-neuf.",
    ),
    ("f", "De 10-12 ans.", "De dix à douze ans."),
    ("f", "Il fait -5 °C.", "Il fait moins cinq degrés Celsius."),
    ("f", "Il a 71 ans.", "Il a soixante et onze ans."),
    # Spanish: dot for thousands, comma for decimals, "de" in dates, "con" for cents
    ("e", "Tengo 25 años y 10%.", "Tengo veinticinco años y diez por ciento."),
    (
        "e",
        "Hay 1.234.567 personas.",
        "Hay un millón doscientos treinta y cuatro mil quinientos sesenta y siete personas.",
    ),
    ("e", "Pi es 3,14.", "Pi es tres coma catorce."),
    ("e", "Cuesta 12,50 €.", "Cuesta doce euros con cincuenta céntimos."),
    ("e", "Pagó $21 y 1 €.", "Pagó veintiún dólares y un euro."),
    ("e", "El 15/03/2024.", "El quince de marzo de dos mil veinticuatro."),
    ("e", "Nació el 2024-01-01.", "Nació el uno de enero de dos mil veinticuatro."),
    ("e", "A las 14:30.", "A las catorce y treinta."),
    ("e", "A las 9:00.", "A las nueve en punto."),
    ("e", "El 1º de mayo y la 2ª vez.", "El primero de mayo y la segunda vez."),
    (
        "e",
        "Llama al +34 612 34 56 78.",
        "Llama al más treinta y cuatro, seis uno dos, treinta y cuatro, cincuenta y seis, "
        "setenta y ocho.",
    ),
    ("e", "Páginas 10-12.", "Páginas diez a doce."),
    ("e", "Hace 30 °C.", "Hace treinta grados Celsius."),
    # Italian
    ("i", "Costa 20€.", "Costa venti euro."),
    ("i", "Costa € 12,50.", "Costa dodici euro e cinquanta centesimi."),
    ("i", "Sono 1.234 persone.", "Sono milleduecentotrentaquattro persone."),
    ("i", "Il 15/03/2024.", "Il quindici marzo duemilaventiquattro."),
    ("i", "Il 1° maggio.", "Il primo maggio."),
    ("i", "Alle 14:30.", "Alle quattordici e trenta."),
    ("i", "Sconto del 15%.", "Sconto del quindici per cento."),
    (
        "i",
        "Chiama +39 06 1234 5678.",
        "Chiama più trentanove, zero sei, uno due tre quattro, cinque sei sette otto.",
    ),
    ("i", "Vale 2,5.", "Vale due virgola cinque."),
    ("i", "Pagine 10-12.", "Pagine dieci a dodici."),
    ("i", "La 2ª volta.", "La seconda volta."),
    # Brazilian Portuguese: R$, "de" in dates, 14h30
    ("p", "São 2 reais.", "São dois reais."),
    ("p", "Custa R$ 12,50.", "Custa doze reais e cinquenta centavos."),
    ("p", "Custa R$ 1,00.", "Custa um real."),
    ("p", "São 1.234 pessoas.", "São mil duzentos e trinta e quatro pessoas."),
    ("p", "Em 15/03/2024.", "Em quinze de março de dois mil e vinte e quatro."),
    ("p", "O 1º de maio.", "O primeiro de maio."),
    ("p", "Às 14h30.", "Às catorze e trinta."),
    ("p", "Às 9h.", "Às nove horas."),
    ("p", "Alta de 15%.", "Alta de quinze por cento."),
    ("p", "Ligue (11) 91234-5678.", "Ligue onze, nove um dois três quatro, cinco seis sete oito."),
    ("p", "Vale 2,5.", "Vale dois vírgula cinco."),
    # Hindi: lakh and crore, years as "nineteen hundred forty-seven", rupees
    ("h", "मेरे पास 25 किताबें हैं।", "मेरे पास पच्चीस किताबें हैं।"),
    ("h", "1,00,000 लोग।", "एक लाख लोग।"),
    ("h", "2,50,00,000 रुपये।", "दो करोड़ पचास लाख रुपये।"),
    ("h", "कीमत ₹500 है।", "कीमत पाँच सौ रुपये है।"),
    ("h", "Rs. 1 और ₹2.50", "एक रुपया और दो रुपये और पचास पैसे"),
    ("h", "15/08/1947 को आज़ादी मिली।", "पंद्रह अगस्त उन्नीस सौ सैंतालीस को आज़ादी मिली।"),
    ("h", "26/01/2024 को।", "छब्बीस जनवरी दो हज़ार चौबीस को।"),
    ("h", "10:30 बजे मिलो।", "दस बजकर तीस मिनट मिलो।"),
    ("h", "7:00 बजे।", "सात बजे।"),
    ("h", "50% छूट।", "पचास प्रतिशत छूट।"),
    (
        "h",
        "+91 98765 43210 पर कॉल करें।",
        "प्लस इक्यानबे, नौ आठ सात छह पाँच, चार तीन दो एक शून्य पर कॉल करें।",
    ),
    ("h", "1234 लोग।", "एक हज़ार दो सौ चौंतीस लोग।"),
    # Japanese: the front-end reads digits; symbols, clocks, dates and phones are rewritten
    ("j", "2025年", "2025年"),
    ("j", "14:30に会いましょう。", "14時30分に会いましょう。"),
    ("j", "9:00に。", "9時に。"),
    ("j", "1,000円です。", "1000円です。"),
    ("j", "$20です。", "20ドルです。"),
    ("j", "¥1,500です。", "1500円です。"),
    ("j", "20%増えた。", "20パーセント増えた。"),
    ("j", "2024/03/15に。", "2024年3月15日に。"),
    ("j", "090-1234-5678に電話。", "ゼロきゅうゼロ、いちにさんよん、ごろくななはちに電話。"),
    ("j", "気温は25°Cです。", "気温は摂氏25度です。"),
    ("j", "10-12ページ。", "10から12ページ。"),
    ("j", "3.14です。", "3点一四です。"),
    # Mandarin: years digit by digit, 幺 in phone numbers, 点 and 分 for clocks
    ("z", "2025年", "2025年"),
    ("z", "我有25本书。", "我有25本书。"),
    ("z", "14:30见。", "14点30分见。"),
    ("z", "9:05开会。", "9点零5分开会。"),
    ("z", "价格是$20。", "价格是20美元。"),
    ("z", "¥1,000。", "1000元。"),
    ("z", "2024-03-15出生。", "二零二四年3月15日出生。"),
    ("z", "打138-1234-5678。", "打幺三八，幺二三四，五六七八。"),
    ("z", "气温-5°C。", "气温摄氏零下5度。"),
    ("z", "增长50%。", "增长50%。"),
    ("z", "第10-12页。", "第10到12页。"),
    ("z", "€30。", "30欧元。"),
]


@pytest.mark.parametrize(("lang", "written", "spoken"), OTHER_LANGUAGES)
def test_it_reads_other_languages(lang, written, spoken):
    assert normalize(written, lang=lang) == spoken


def test_the_table_covers_at_least_two_hundred_cases():
    english = len(BOTH) * 2 + len(AMERICAN) + len(BRITISH)
    assert english + len(OTHER_LANGUAGES) >= 200
    assert {lang for lang, _, _ in OTHER_LANGUAGES} == set("efhijpz")


@pytest.mark.parametrize("lang", list("abefhijpz"))
def test_a_number_too_large_to_name_is_read_digit_by_digit_not_an_error(lang):
    spoken = normalize(
        "It is 9999999999999999999999999999 km and 1000000000000000000000th.", lang=lang
    )
    assert spoken
    assert not any(c.isdigit() for c in spoken) or lang in "jz"
