"""The ESPD (European Single Procurement Document, ESPD-EDM v4.1.0): the request a notice
publishes from its exclusion grounds and selection criteria, the response a supplier seals
into its bid, and the reading of that response after opening. See docs/espd.md."""
