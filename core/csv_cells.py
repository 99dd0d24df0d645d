"""The one way our CSV downloads write a cell (an appropriate body's ECT list, bulk templates and
results, the mentor grant file)."""

# A cell starting with one of these is read by a spreadsheet as a formula (a tab or carriage
# return before "=" too, by some), so a name like "=HYPERLINK(…)" could run when opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """A value as text a spreadsheet keeps as text: one that would start a formula gets an apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
