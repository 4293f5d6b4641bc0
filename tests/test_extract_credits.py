"""Caption credits in the forms wire services and newspapers print them."""
import pytest

from newsdesk.extract.credits import is_credit_line, split_caption


@pytest.mark.parametrize("text, caption, credits", [
    ("Protesters in Hong Kong. (Photo: Anthony Kwan/Getty Images)", "Protesters in Hong Kong.",
     [("Anthony Kwan", "photographer"), ("Getty Images", "agency")]),
    ("A man walks past. AP Photo/Jae C. Hong", "A man walks past.",
     [("AP", "agency"), ("Jae C. Hong", "photographer")]),
    ("Demonstrators in Paris. Getty Images", "Demonstrators in Paris.", [("Getty Images", "agency")]),
    ("The minister on Tuesday. Photograph: Jane Doe for The Guardian", "The minister on Tuesday.",
     [("Jane Doe", "photographer"), ("The Guardian", "other")]),
    ("Boris Johnson at Downing Street. Foto: Kay Nietfeld/dpa", "Boris Johnson at Downing Street.",
     [("Kay Nietfeld", "photographer"), ("dpa", "agency")]),
    ("Janet Yellen testifies. Kevin Dietsch/Getty Images via AFP", "Janet Yellen testifies.",
     [("Kevin Dietsch", "photographer"), ("Getty Images", "agency"), ("AFP", "agency")]),
    ("Leaders meet in Seoul (Jung Yeon-je/POOL/AFP)", "Leaders meet in Seoul",
     [("Jung Yeon-je", "photographer"), ("POOL", "pool"), ("AFP", "agency")]),
])
def test_credit_forms(text, caption, credits):
    got_caption, got = split_caption(text)
    assert got_caption == caption
    assert [(c.name, c.role) for c in got] == credits


@pytest.mark.parametrize("text", [
    "Rust am Westufer des Neusiedler Sees.",
    "Lee Jae Myung (right) meets Sanae Takaichi",
    "In 2019, Mr. Smith went to Washington. He stayed.",
])
def test_captions_without_credits_stay_whole(text):
    assert split_caption(text) == (text, [])


def test_credit_only_lines():
    assert is_credit_line("© Oli Scarff/Getty Images")
    assert is_credit_line("Image copyright Reuters")
    assert not is_credit_line("Workers in hazmat outfits were seen stacking wooden coffins.")
