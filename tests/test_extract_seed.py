"""The seed page dump, read as the product spec describes it."""
from pathlib import Path

from newsdesk.extract import extract
from newsdesk.models import RawItem

SEED = Path(__file__).parent / "fixtures" / "extract" / "seed_page.txt"


def _seed():
    return extract(RawItem(origin=str(SEED), kind="dump", text=SEED.read_text(encoding="utf-8")))


def test_seed_header_fields():
    a = _seed()
    assert a.source_name == "CRBC News"
    assert a.section == "Politics"
    assert a.title == "Japan and South Korea Hold Summit in Nara as China Steps Up Pressure Over Taiwan"


def test_seed_caption_and_credits():
    a = _seed()
    assert len(a.media) == 1
    m = a.media[0]
    assert m.caption == ("Japanese Prime Minister Sanae Takaichi will host South Korea's president "
                         "in her western home region of Nara")
    assert [(c.name, c.role) for c in m.credits] == [
        ("David MAREUIL", "photographer"), ("POOL", "pool"), ("AFP", "agency")]


def test_seed_summary_kept_as_given():
    a = _seed()
    assert a.summary.startswith("Japanese Prime Minister Sanae Takaichi will host South Korean President "
                                "Lee Jae Myung in Nara as Beijing pressures Tokyo over comments on Taiwan.")
    assert a.summary.endswith("how to coordinate with an unpredictable United States.")


def test_seed_body_paragraphs_and_subheads():
    a = _seed()
    assert [b.text for b in a.blocks if b.kind == "subhead"] == ["Geopolitical Incentive", "Bitter Memories"]
    paras = [b.text for b in a.blocks if b.kind == "paragraph"]
    assert len(paras) == 11
    assert paras[0].startswith("Japanese Prime Minister Sanae Takaichi will host South Korean President "
                               "Lee Jae Myung in Nara on Tuesday")
    assert paras[-1].endswith("despite historical frictions.")
    body = " ".join(b.text for b in a.blocks)
    for chrome in ("Help us improve", "Related Articles", "Trending", "MAREUIL", a.title):
        assert chrome not in body
    assert a.summary not in body


def test_fields_given_on_the_item_win():
    item = RawItem(origin="seed", kind="dump", text=SEED.read_text(encoding="utf-8"),
                   title="Given title", section="World")
    a = extract(item)
    assert (a.title, a.section, a.source_name) == ("Given title", "World", "CRBC News")
    assert item.blocks == []  # the input is not changed
