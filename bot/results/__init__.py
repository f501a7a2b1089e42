"""Analytics: what Nudge did for the team, counted from the store.

`report` (the figures of a span of local days: `/nudge stats`, the digest, the Home tab and
`nudge stats` all read them from here, so they never disagree), `outcomes` (what became of
each suggestion), `experiments` (the A/B tests), `redemptions` (offer codes used at the till),
`charts` (the 14-day picture) and `html` (`nudge report --html`), with `labels` (intents and
CTAs by name), `formats` (numbers and amounts the brand's way) and `spreadsheet` (`nudge export
--excel`). Nothing here writes SQL: the rows come from bot/store/reports.py, experiments.py
and redemptions.py.
"""
