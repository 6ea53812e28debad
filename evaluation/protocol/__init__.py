"""The procurement protocol (anskaffelsesprotokoll): every event of a procurement, in the
order of the procedure, with the header content the regulation asks (FOA §§ 7-1, 10-5 and
25-5), as HTML and PDF from one data builder (builder.procurement_protocol), and the
retention rule for a procurement's records (retention.py)."""
