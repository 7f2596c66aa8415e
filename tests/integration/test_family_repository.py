"""Families, accounts and tokens on memory, SQLite and PostgreSQL alike."""

import attrs
import pendulum
import pytest

from portail_core.domain.accounts.account import Account, OneTimeToken, TokenPurpose, hash_token
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from tests.integration.conftest import UowFactory
from tests.unit.dossier_builders import TODAY, complete_family

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")


def add(new_uow: UowFactory, family: Family) -> int:
    with new_uow() as uow:
        uow.families.add(family, NOW)
        uow.commit()
    assert family.id is not None
    return family.id


def test_a_family_reads_back_with_its_whole_dossier(new_uow: UowFactory) -> None:
    family = complete_family()
    family_id = add(new_uow, family)
    assert all(child.id is not None for child in family.children)
    with new_uow(read_only=True) as uow:
        back = uow.families.get(family_id)
    assert back is not None
    assert back.id == family_id
    for name in (
        "name",
        "guardians",
        "resident",
        "authorized_persons",
        "quotient",
        "highest_tariff_chosen",
        "insurance_valid_until",
        "documents",
        "consents",
    ):
        assert getattr(back, name) == getattr(family, name), name
    assert [c.id for c in back.children] == [c.id for c in family.children]
    for kept, original in zip(back.children, family.children, strict=True):
        assert attrs.asdict(kept) == attrs.asdict(original)


def test_an_added_child_gets_an_id_and_others_keep_theirs(new_uow: UowFactory) -> None:
    family_id = add(new_uow, complete_family())
    with new_uow() as uow:
        family = uow.families.get(family_id)
        assert family is not None
        known = [c.id for c in family.children]
        family.add_child(
            Child.create(
                first_name="Zoé",
                last_name="Martin",
                birth_date=pendulum.date(2023, 1, 2),
                today=TODAY,
            )
        )
        uow.families.update(family, NOW)
        uow.commit()
    with new_uow(read_only=True) as uow:
        back = uow.families.get(family_id)
    assert back is not None
    assert [c.id for c in back.children][:-1] == known
    assert back.children[-1].first_name == "Zoé"
    assert back.children[-1].id not in known


def test_an_unknown_family_is_none_and_listing_sorts_by_name(new_uow: UowFactory) -> None:
    add(new_uow, attrs.evolve(complete_family(), name="Zeller", children=[]))
    add(new_uow, attrs.evolve(complete_family(), name="Abadie", children=[]))
    with new_uow(read_only=True) as uow:
        assert uow.families.get(999) is None
        assert [f.name for f in uow.families.listing()] == ["Abadie", "Zeller"]


def test_each_yields_every_family_by_id_a_batch_at_a_time_with_its_children(
    new_uow: UowFactory,
) -> None:
    ids = []
    for name in ("Zola", "Abel", "Martin", "Émile", "Bernard"):
        family = complete_family()
        family.name = name
        ids.append(add(new_uow, family))
    with new_uow(read_only=True) as uow:
        assert uow.families.count() == 5
        seen = []
        for family in uow.families.each(batch=2):
            seen.append((family.id, family.name, len(family.children)))
            assert uow.families.get(ids[0]) is not None  # other statements between families
        whole = [f.id for f in uow.families.each(batch=5)]  # a full page, then none
    assert seen == [
        (ids[0], "Zola", 2),
        (ids[1], "Abel", 2),
        (ids[2], "Martin", 2),
        (ids[3], "Émile", 2),
        (ids[4], "Bernard", 2),
    ]
    assert whole == ids


def test_each_refuses_an_empty_batch(new_uow: UowFactory) -> None:
    with new_uow(read_only=True) as uow, pytest.raises(ValueError, match="batch"):
        next(uow.families.each(batch=0))


def test_accounts_are_found_by_identifier_and_family(new_uow: UowFactory) -> None:
    family_id = add(new_uow, complete_family())
    account = Account(family_id, "martin.1", "claire.martin@example.fr", created_at=NOW)
    with new_uow() as uow:
        uow.accounts.add(account)
        uow.commit()
    assert account.id is not None
    with new_uow() as uow:
        found = uow.accounts.by_identifier("martin.1")
        assert found is not None
        found.record_failure(NOW)
        uow.accounts.update(found)
        uow.commit()
    with new_uow(read_only=True) as uow:
        back = uow.accounts.of_family(family_id)
        assert uow.accounts.by_identifier("nobody") is None
    assert back is not None
    assert (back.id, back.consecutive_failures) == (account.id, 1)
    assert back.recent_failures == [NOW.in_timezone("UTC")]


def test_a_second_account_for_a_family_is_refused(new_uow: UowFactory) -> None:
    family_id = add(new_uow, complete_family())
    with new_uow() as uow:
        uow.accounts.add(Account(family_id, "martin.1", "a@b.fr", created_at=NOW))
        uow.commit()
    with pytest.raises(Exception, match=r"(?i)unique|déjà"), new_uow() as uow:
        uow.accounts.add(Account(family_id, "martin.2", "a@b.fr", created_at=NOW))
        uow.commit()


def test_tokens_are_found_by_hash_and_revoked_together(new_uow: UowFactory) -> None:
    family_id = add(new_uow, complete_family())
    account = Account(family_id, "martin.1", "a@b.fr", created_at=NOW)
    secrets = []
    with new_uow() as uow:
        uow.accounts.add(account)
        assert account.id is not None
        for _ in range(2):
            secret, token = OneTimeToken.issue(account.id, TokenPurpose.ACTIVATION, NOW)
            uow.tokens.add(token)
            secrets.append(secret)
        uow.tokens.revoke_all(account.id, TokenPurpose.ACTIVATION)
        uow.commit()
    with new_uow(read_only=True) as uow:
        found = [uow.tokens.by_hash(hash_token(secret)) for secret in secrets]
        assert uow.tokens.by_hash(hash_token("unknown")) is None
    assert all(token is not None and token.revoked for token in found)


def test_an_email_change_token_keeps_the_new_address_and_the_others_none(
    new_uow: UowFactory,
) -> None:
    family_id = add(new_uow, complete_family())
    account = Account(family_id, "martin.1", "a@b.fr", created_at=NOW)
    with new_uow() as uow:
        uow.accounts.add(account)
        assert account.id is not None
        change, token = OneTimeToken.issue(
            account.id, TokenPurpose.EMAIL_CHANGE, NOW, new_email="claire@nouveau.fr"
        )
        uow.tokens.add(token)
        reset, other = OneTimeToken.issue(account.id, TokenPurpose.PASSWORD_RESET, NOW)
        uow.tokens.add(other)
        uow.commit()
    with new_uow(read_only=True) as uow:
        found = uow.tokens.by_hash(hash_token(change))
        plain = uow.tokens.by_hash(hash_token(reset))
    assert found is not None
    assert plain is not None
    assert found.purpose is TokenPurpose.EMAIL_CHANGE
    assert found.new_email == "claire@nouveau.fr"
    assert found.expires_at == NOW.add(hours=72)
    assert plain.new_email is None
