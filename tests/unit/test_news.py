"""The town's news against the in-memory twins: the desk writes a draft, publishes it, takes it
back, each action audited; families see the published items of their days, for everyone or for
a structure one of their children may use; hostile markup never reaches a page as markup."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pendulum
import pytest

from adapters.memory.audit import AuditState
from adapters.news_markup import MarkdownNewsMarkup
from portail_core.domain.audit import Actor
from portail_core.domain.news import NewsItem, NewsStatus
from portail_core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from portail_core.services.dossiers.creation import create_family
from portail_core.services.news.desk import add_news, list_news, publish_news
from portail_core.services.news.reading import shown_news
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK, World, make_world

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
MARKUP = MarkdownNewsMarkup()
PINS_APS = "Accueil périscolaire de l'école des Pins"
HOSTILE = (
    "<script>alert(1)</script>\n\n"
    '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">clic</a>\n\n'
    "[lien](javascript:alert(4)) [autre](JAVASCRIPT:alert(5)) [data](data:text/html,x)\n\n"
    '<iframe src="https://evil.example"></iframe> <div onclick="x()">div</div>\n\n'
    '[ok](https://www.demo-sur-mer.example "t\\" onmouseover=\\"alert(6)") <svg onload=alert(7)>'
)


@pytest.fixture
def world() -> World:
    return make_world()


def add(world: World, **changes: object) -> int:
    options: dict[str, object] = {
        "title": "Fête de l'école",
        "text": "Rendez-vous **samedi** à 10h.",
        "first_day": None,
        "last_day": None,
        "establishment_code": None,
        "actor": DESK,
    }
    options.update(changes)
    line = add_news(world.uow(), world.clock, **options)  # type: ignore[arg-type]
    assert line.item.id is not None
    return line.item.id


def publish(world: World, news_id: int, published: bool = True) -> None:
    publish_news(world.uow(), world.clock, news_id=news_id, published=published, actor=DESK)


def shown_titles(world: World, family_id: int | None) -> list[str]:
    found = shown_news(world.uow(read_only=True), MARKUP, world.clock, family_id=family_id)
    return [shown.item.title for shown in found]


def pins_family(world: World) -> int:
    """A family whose only child goes to the École des Pins."""
    family = complete_family()
    family.children = family.children[:1]
    family.children[0].change_school("PINS", "CE1")
    return create_family(world.uow(), family, actor=DESK, clock=world.clock)


def test_a_draft_is_shown_once_published_and_no_longer_once_taken_back(world: World) -> None:
    number = add(world)
    assert shown_titles(world, world.martin) == []
    publish(world, number)
    assert shown_titles(world, world.martin) == ["Fête de l'école"]
    assert shown_titles(world, None) == ["Fête de l'école"]
    publish(world, number, published=False)
    assert shown_titles(world, world.martin) == []
    events = world.store.committed(AuditState).audit_events
    actions = [e.action for e in events if e.action.startswith("news.")]
    assert actions == ["news.add", "news.publish", "news.unpublish"]
    event = world.store.committed(AuditState).audit_events[-1]
    assert event.actor == DESK
    assert "Actualité n° 1 « Fête de l'école » retirée du portail" in event.summary


def test_publishing_twice_or_an_unknown_item_is_refused(world: World) -> None:
    number = add(world)
    publish(world, number)
    with pytest.raises(Conflict, match="déjà publiée"):
        publish(world, number)
    with pytest.raises(NotFound, match="Aucune actualité n° 99"):
        publish(world, 99)


def test_items_are_shown_from_their_first_day_to_their_last(world: World) -> None:
    later = add(world, title="Plus tard", first_day="2026-06-20", last_day="30/06/2026")
    publish(world, later)
    assert shown_titles(world, None) == []
    lines = list_news(world.uow(read_only=True), world.clock)
    assert [line.status for line in lines] == [NewsStatus.SCHEDULED]
    world.clock.set(pendulum.datetime(2026, 6, 20, 8, 0, tz="Europe/Paris"))
    assert shown_titles(world, None) == ["Plus tard"]
    world.clock.set(pendulum.datetime(2026, 7, 1, 8, 0, tz="Europe/Paris"))
    assert shown_titles(world, None) == []
    assert list_news(world.uow(read_only=True), world.clock)[0].status is NewsStatus.EXPIRED


def test_an_item_for_one_structure_is_seen_by_its_families_only(world: World) -> None:
    pins = pins_family(world)
    publish(world, add(world, title="APS des Pins fermé", establishment_code="APS-PINS"))
    publish(world, add(world, title="Pour tous"))
    assert shown_titles(world, pins) == ["Pour tous", "APS des Pins fermé"]
    assert shown_titles(world, world.martin) == ["Pour tous"]
    assert shown_titles(world, None) == ["Pour tous"]  # the public pages
    shown = shown_news(world.uow(read_only=True), MARKUP, world.clock, family_id=pins)
    assert (shown[0].establishment, shown[1].establishment) == (None, PINS_APS)


def test_the_audience_must_be_a_structure_that_takes_reservations(world: World) -> None:
    with pytest.raises(NotFound, match="Aucune structure « NULLEPART »"):
        add(world, establishment_code="NULLEPART")
    with pytest.raises(RuleViolation, match="ne prend pas de réservations"):
        add(world, establishment_code="SMA")
    assert list_news(world.uow(read_only=True), world.clock) == []


def test_bad_input_is_refused_field_by_field_with_nothing_kept(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        add(world, title="", text="  ", first_day="31/02/2026", last_day="hier")
    assert set(refused.value.problems) == {"title", "text", "from", "until"}
    with pytest.raises(InvalidInput) as refused:
        add(world, title="A\u202eB", text="x" * 5001, first_day="2026-07-01", last_day="2026-06-30")
    assert set(refused.value.problems) == {"title", "text", "until"}
    assert "précède" in refused.value.problems["until"]
    assert list_news(world.uow(read_only=True), world.clock) == []


def test_the_domain_status_and_audience() -> None:
    item = NewsItem.create(
        title="T",
        text="x",
        first_day=date(2026, 6, 1),
        last_day=None,
        establishment_code="ALSH",
        actor=Actor.staff("a"),
        now=NOW,
    )
    assert item.status(date(2026, 6, 2)) is NewsStatus.DRAFT
    item.published = True
    assert item.shown_on(date(2030, 1, 1))
    assert item.is_for({"ALSH"})
    assert not item.is_for({"EMS"})
    assert not item.is_for(None)
    assert item.period() == "à partir du 01/06/2026"


def test_the_markup_keeps_paragraphs_emphasis_lists_and_links() -> None:
    html = MARKUP.to_html(
        "Bonjour,\nla *fête* est **samedi**.\n\n- jeux\n- goûter\n\n1. un\n\n"
        "[Programme](https://www.demo-sur-mer.example/fete) ou [écrire](mailto:a@b.fr)"
    )
    assert "<p>Bonjour,<br>\nla <em>fête</em> est <strong>samedi</strong>.</p>" in html
    assert "<ul>\n<li>jeux</li>\n<li>goûter</li>\n</ul>" in html
    assert "<ol>\n<li>un</li>\n</ol>" in html
    link = '<a href="https://www.demo-sur-mer.example/fete" rel="noopener noreferrer nofollow">'
    assert link in html
    assert '<a href="mailto:a@b.fr"' in html


class _Elements(HTMLParser):
    """Every element of a piece of HTML with its attributes, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def test_hostile_markup_is_neutralised() -> None:
    html = MARKUP.to_html(HOSTILE)
    found = elements(html)
    assert {tag for tag, _ in found} <= {"p", "br", "a"}
    for tag, attributes in found:
        names = {name for name, _ in attributes}
        assert names <= {"href", "rel"}, (tag, attributes)
        href = dict(attributes).get("href")
        if href is not None:
            assert href.startswith(("https://", "http://", "mailto:")), href
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, as typed
