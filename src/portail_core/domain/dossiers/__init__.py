"""The family's dossier (DIU): household, guardians, children, documents, change requests."""
