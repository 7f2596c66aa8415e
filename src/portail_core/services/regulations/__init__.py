"""Règlements intérieurs: the desk publishes each establishment's rules as a versioned PDF with
the day it takes effect and the deadline families get; families read the version in force on the
portal and accept it online (recorded once per version, audited), and each family concerned is
e-mailed when a version is published. See ``domain.regulations`` for which version counts."""
