"""Use cases about families and their dossiers (DIU): creation and import, reading, the desk's
edits, contacts, health, documents, change requests, regulations, the family's data, erasure."""
