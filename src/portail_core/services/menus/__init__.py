"""The canteen's weekly menus: imported by the desk from a CSV file (all or nothing), listed for
the desk, shown to each family for the restaurants its children use, with the allergens each
child must avoid highlighted (a health read, audited)."""
