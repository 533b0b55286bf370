"""CSV files the console hands out: line breaks kept in their cell, formulas never run in a spreadsheet."""

from __future__ import annotations

import csv
import io

from bot.console.week_pages import csv_text


def test_a_message_with_line_breaks_stays_one_cell_and_a_formula_stays_text() -> None:
    text = csv_text(("id", "text"), [(1, "first line\nsecond line"), (2, "=HYPERLINK(\"http://x\")"), (3, None)])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["id", "text"], ["1", "first line\nsecond line"], ["2", "'=HYPERLINK(\"http://x\")"], ["3", ""]]
