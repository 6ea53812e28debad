"""Public procurement statistics (issue 14 item 4): figures per kind, regime, CPV division,
region, year and authority, from summary tables kept current from the event tables."""
