import pytest

from synthesis.engine.normalize import normalize

ENGLISH = [
    ("I have 3 cats.", "I have three cats."),
    (
        "It costs 1,234,567 units.",
        "It costs one million two hundred thirty four thousand five hundred sixty seven units.",
    ),
    ("Pi is 3.14.", "Pi is three point one four."),
    ("It was -5 outside.", "It was minus five outside."),
    ("She came 1st and he 22nd.", "She came first and he twenty second."),
    ("That is $5.", "That is five dollars."),
    (
        "That is $1,234.56.",
        "That is one thousand two hundred thirty four dollars and fifty six cents.",
    ),
    ("Only $1.01!", "Only one dollar and one cent!"),
    ("A £3.50 fee.", "A three pounds and fifty pence fee."),
    ("Worth €20.", "Worth twenty euros."),
    ("They raised $2.5B today.", "They raised two point five billion dollars today."),
    ("Up 45%.", "Up forty five percent."),
    ("Up 3.5% now.", "Up three point five percent now."),
    ("Due 2024-03-15.", "Due March fifteenth, twenty twenty four."),
    ("Due 12/25/2023.", "Due December twenty fifth, twenty twenty three."),
    ("On March 3rd, 2025 we met.", "On March third, twenty twenty five we met."),
    ("Born 4 July.", "Born the fourth of July."),
    ("At 3:30 pm.", "At three thirty p m."),
    ("At 7am sharp.", "At seven a m sharp."),
    ("At 14:05.", "At fourteen oh five."),
    ("At 9:00.", "At nine o'clock."),
    ("In 1999 and 2005.", "In nineteen ninety nine and two thousand five."),
    ("The 1990s.", "The nineteen nineties."),
    ("Call 555-123-4567.", "Call five five five, one two three, four five six seven."),
    (
        "Call +44 20 7946 0958.",
        "Call plus four four, two zero, seven nine four six, zero nine five eight.",
    ),
    ("Dr. Smith met Mr. Jones.", "Doctor Smith met Mister Jones."),
    ("Go to Baker St. now.", "Go to Baker Street now."),
    ("Tea, coffee, etc. are fine.", "Tea, coffee, et cetera are fine."),
    ("Fruit, e.g. apples.", "Fruit, for example apples."),
    ("Run 5 km at 12 mph.", "Run five kilometers at twelve miles per hour."),
    ("It is 20°C.", "It is twenty degrees Celsius."),
    ("Grab 100 MB.", "Grab one hundred megabytes."),
    ("See https://example.com/docs today.", "See example dot com slash docs today."),
    ("Visit www.speeko.io now.", "Visit w w w dot speeko dot io now."),
    ("Mail jane.doe@example.org now.", "Mail jane dot doe at example dot org now."),
    ("Salt & pepper.", "Salt and pepper."),
    ("Add 3/4 cup.", "Add three quarters cup."),
    ("Pages 10-20.", "Pages ten to twenty."),
    ("a+b=c", "a plus b equals c"),
    ("Ranked #1.", "Ranked number one."),
]


@pytest.mark.parametrize(("written", "spoken"), ENGLISH)
def test_it_normalises_american_english(written, spoken):
    assert normalize(written, lang="a") == spoken


def test_british_english_keeps_and_and_reads_dates_day_first():
    assert normalize("It was 105 on 03/04/2024.", lang="b") == (
        "It was one hundred and five on the third of April twenty twenty four."
    )


@pytest.mark.parametrize(
    ("lang", "written", "spoken"),
    [
        ("e", "Tengo 25 años y 10%.", "Tengo veinticinco años y diez por ciento."),
        ("f", "J'ai 3 chats.", "J'ai trois chats."),
        ("i", "Costa 20€.", "Costa venti euro."),
        ("p", "São 2 reais.", "São dois reais."),
    ],
)
def test_it_reads_numbers_in_other_languages(lang, written, spoken):
    assert normalize(written, lang=lang) == spoken


def test_it_leaves_japanese_and_mandarin_numbers_to_their_front_ends():
    assert normalize("2025年", lang="j") == "2025年"
    assert normalize("2025年", lang="z") == "2025年"
