"""The common passwords the password policy refuses to rest on (``passwords.check_password``)."""

from __future__ import annotations

__all__ = ["COMMON_PASSWORDS"]

# Folded as the candidate is (lower case, no accents); four characters or more. Sources: the
# usual "most common passwords" tables, their French counterparts, and this portal's own words.
COMMON_PASSWORDS: tuple[str, ...] = tuple(
    """
    123456 1234567 12345678 123456789 1234567890 0123456789 987654321 654321 123321 123123
    111111 000000 121212 112233 123654 147258 147258369 159753 159357 789456 789456123 1q2w3e
    1q2w3e4r 1qaz2wsx zaq12wsx qwe123 abc123 abcd1234 a1b2c3 abcdef abcabc aaaaaa password
    password1 passwort motdepasse motdepasse1 mot2passe motpasse secret confidentiel azerty
    azerty1 azerty123 azertyuiop qsdfghjklm wxcvbn poiuytreza qwerty qwerty123 qwertyuiop
    qwertz asdfgh asdfghjkl zxcvbnm qazwsx admin admin123 administrateur administrator root
    toor letmein login welcome bienvenue hello hello123 salut bonjour bonsoir coucou merci
    iloveyou loveyou lovely love jetaime jetaime1 amour monamour mamour moncoeur chouchou doudou
    loulou nounou nounours bisous bisounours cheri cherie poupette poussin bebe bebou mamie papi
    papy maman papa maison enfant enfants bonheur soleil etoile licorne princesse princess
    dauphin chaton chien lapin tigre marseille olympique allezlom paris parisien lyon toulouse
    bordeaux nantes lille strasbourg montpellier france liberte vacances chocolat fromage
    baguette camembert pastis football soccer baseball hockey rugby tennis monkey dragon master
    shadow sunshine superman batman spiderman pokemon starwars naruto minecraft fortnite
    trustno1 whatever freedom killer matrix computer internet samsung google iphone facebook
    youtube charlie michael jordan jennifer hunter ranger buster daniel andrew joshua michelle
    jessica ashley nicole maggie ginger summer mustang harley nicolas camille julien thomas
    marine julie laura sophie maxime alexandre antoine pierre quentin romain lucas louis emma
    chloe manon sarah mathieu mathilde celine isabelle nathalie sandrine stephanie christophe
    sebastien frederic jeanne marie cedric florian vincent kevin jeremy jonathan elodie aurelie
    audrey melanie caroline pauline charlotte clement guillaume arthur nathan janvier fevrier
    avril juillet septembre octobre novembre decembre lundi mardi mercredi jeudi vendredi
    samedi dimanche printemps automne hiver noel mairie commune citoyen cantine garderie creche
    ecole periscolaire enfance jeunesse inscription
    """.split()  # noqa: SIM905  (a word list reads best as text; a literal would take 264 lines)
)
