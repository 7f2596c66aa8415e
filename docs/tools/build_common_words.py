"""Build src/portail_core/domain/accounts/common_words.txt, the password policy's list.

Run it in a throwaway virtual environment, not the project's (the portal ships the list, not
these packages)::

    python -m venv /tmp/words && /tmp/words/bin/pip install zxcvbn==4.5.0 wordfreq==3.1.1
    /tmp/words/bin/python docs/tools/build_common_words.py > new.txt

then replace the words of common_words.txt (keep its header) and review the difference. The
sources are taken in turn, one word of each, so that the most common of every source come
first; the list stops at 65,536 words, so that a listed word is priced 17 bits at most and a
listed word dressed with four digits and two signs stays under the 50 bits of the policy.
"""

import re
import sys
import unicodedata
from collections.abc import Iterator

from wordfreq import top_n_list  # type: ignore[import-not-found]
from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-not-found]

LIMIT = 65_536

# The portal's own words: French favourites, first names, months and days, the town's services.
PORTAL = """
    123456 1234567 12345678 123456789 1234567890 0123456789 987654321 654321 123321 123123
    111111 000000 121212 112233 123654 147258 147258369 159753 159357 789456 789456123
    1q2w3e 1q2w3e4r 1qaz2wsx zaq12wsx qwe123 abc123 abcd1234 a1b2c3 abcdef abcabc aaaaaa
    password password1 passwort motdepasse motdepasse1 mot2passe motpasse secret
    confidentiel azerty azerty1 azerty123 azertyuiop qsdfghjklm wxcvbn poiuytreza qwerty
    qwerty123 qwertyuiop qwertz asdfgh asdfghjkl zxcvbnm qazwsx admin admin123
    administrateur administrator root toor letmein login welcome bienvenue hello hello123
    salut bonjour bonsoir coucou merci iloveyou loveyou lovely love jetaime jetaime1 amour
    monamour mamour moncoeur chouchou doudou loulou nounou nounours bisous bisounours cheri
    cherie poupette poussin bebe bebou mamie papi papy maman papa maison enfant enfants
    bonheur soleil etoile licorne princesse princess dauphin chaton chien lapin tigre
    marseille olympique allezlom paris parisien lyon toulouse bordeaux nantes lille
    strasbourg montpellier france liberte vacances chocolat fromage baguette camembert
    pastis football soccer baseball hockey rugby tennis monkey dragon master shadow sunshine
    superman batman spiderman pokemon starwars naruto minecraft fortnite trustno1 whatever
    freedom killer matrix computer internet samsung google iphone facebook youtube charlie
    michael jordan jennifer hunter ranger buster daniel andrew joshua michelle jessica
    ashley nicole maggie ginger summer mustang harley nicolas camille julien thomas marine
    julie laura sophie maxime alexandre antoine pierre quentin romain lucas louis emma chloe
    manon sarah mathieu mathilde celine isabelle nathalie sandrine stephanie christophe
    sebastien frederic jeanne marie cedric florian vincent kevin jeremy jonathan elodie
    aurelie audrey melanie caroline pauline charlotte clement guillaume arthur nathan
    janvier fevrier avril juillet septembre octobre novembre decembre lundi mardi mercredi
    jeudi vendredi samedi dimanche printemps automne hiver noel mairie commune citoyen
    cantine garderie creche ecole periscolaire enfance jeunesse inscription
""".split()  # noqa: SIM905


def fold(word: str) -> str:
    """As the policy folds a password: no accents, lower case, œ -> oe, æ -> ae."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return bare.casefold().replace("œ", "oe").replace("æ", "ae")


def in_turn(*sources: list[str]) -> Iterator[str]:
    longest = max(map(len, sources))
    for rank in range(longest):
        yield from (source[rank] for source in sources if rank < len(source))


def main() -> None:
    sources = (
        PORTAL,
        FREQUENCY_LISTS["passwords"][:30_000],
        top_n_list("fr", 25_000),
        top_n_list("en", 20_000),
    )
    seen: set[str] = set()
    kept: list[str] = []
    for word in map(fold, in_turn(*sources)):
        if re.fullmatch("[a-z0-9]{4,}", word) and word not in seen:
            seen.add(word)
            kept.append(word)
    sys.stdout.write("\n".join(kept[:LIMIT]) + "\n")


if __name__ == "__main__":
    main()
