"""The town's news (« Actualités »), written by the desk, read by families.

The desk adds an item (a draft), publishes it and takes it back (`portail news`); each action
is audited. Families see the published items whose days have come and not passed: those for
everyone, and those for a structure one of their children may use (the catalogue's
``establishment_refusal``: the school an APS or a restaurant serves, a structure that takes
reservations). The public pages show only the news for everyone. Texts are rendered by the
``NewsMarkup`` port into HTML that holds nothing but the markup's own tags.
"""
