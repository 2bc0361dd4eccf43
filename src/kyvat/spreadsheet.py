"""The rows of a spreadsheet, in and out: Excel (.xlsx, through openpyxl; the old .xls of Excel 97-2003,
read only, through python-calamine; both imported here only) and CSV.

Reading gives every row as text cells with its number as the office's program shows it (row 1 is
the first), merged cells filled with their value on every cell they cover, so a unit merged down
five martyrs belongs to each of them. What the rows mean is importer.py's business.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import N_, CatalogueError, Value, make_params

SUFFIXES = (".xlsx", ".xlsm", ".csv")  # what kyvat writes
READ_SUFFIXES = (*SUFFIXES, ".xls")  # and reads: ward offices still keep lists from Excel 2003


@dataclass(frozen=True)
class Sheet:
    name: str  # the sheet's name, or the CSV file's
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number, its cells as text)
    encoding: str = ""  # a CSV's: "utf-8", "utf-8-sig" or "cp1258"


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    suffix = path.suffix.lower()
    if suffix not in READ_SUFFIXES:
        raise CatalogueError(N_("a spreadsheet saved as .xlsx, .xls or .csv, found {name}"), "file",
                             params=make_params(name=Value(path.name)))
    if not path.is_file():
        raise CatalogueError(N_("a spreadsheet file, found nothing at {name}"), "file",
                             params=make_params(name=Value(str(path))))
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xls":
        return _read_xls(path, sheet)
    return _read_xlsx(path, sheet)


def _read_xlsx(path: Path, sheet: str | None) -> Sheet:
    import openpyxl  # loaded only when a workbook is read: the rest of kyvat starts without it

    # not read_only: a read-only workbook does not know its merged cells
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, openpyxl.utils.exceptions.InvalidFileException) as exc:
        raise CatalogueError(N_("an Excel workbook, but {name} cannot be read ({error})"), "file",
                             params=make_params(name=Value(path.name), error=Value(str(exc) or type(exc).__name__))
                             ) from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise CatalogueError(N_("one of the sheets {names}, found {name}"), "sheet",
                             params=make_params(names=Value(", ".join(book.sheetnames)), name=Value(sheet)))
    ws = book[sheet] if sheet is not None else book.worksheets[0]
    cells = [[to_cell_text(c) for c in row] for row in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        value = to_cell_text(ws.cell(merged.min_row, merged.min_col).value)
        for r in range(merged.min_row, min(merged.max_row, len(cells)) + 1):
            row = cells[r - 1]
            row.extend([""] * (merged.max_col - len(row)))
            for c in range(merged.min_col, merged.max_col + 1):
                row[c - 1] = value
    return Sheet(ws.title, tuple((n, tuple(row)) for n, row in enumerate(cells, start=1)))


def _read_xls(path: Path, sheet: str | None) -> Sheet:
    import python_calamine  # loaded only when an old workbook is read

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.CalamineError as exc:
        raise CatalogueError(N_("an Excel workbook, but {name} cannot be read ({error})"), "file",
                             params=make_params(name=Value(path.name), error=Value(str(exc)))) from exc
    if sheet is not None and sheet not in book.sheet_names:
        raise CatalogueError(N_("one of the sheets {names}, found {name}"), "sheet",
                             params=make_params(names=Value(", ".join(book.sheet_names)), name=Value(sheet)))
    ws = book.get_sheet_by_name(sheet if sheet is not None else book.sheet_names[0])
    # not skipping the empty rows and columns before the first cell: row numbers stay the office's.
    # calamine gives dates as date/datetime and whole numbers as int, as openpyxl does
    cells = [[to_cell_text(c) for c in row] for row in ws.to_python(skip_empty_area=False)]
    for (top, left), (bottom, right) in ws.merged_cell_ranges or ():  # 0-based, both ends included
        value = cells[top][left] if top < len(cells) and left < len(cells[top]) else ""
        for r in range(top, min(bottom + 1, len(cells))):
            row = cells[r]
            row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                row[c] = value
    return Sheet(ws.name, tuple((n, tuple(row)) for n, row in enumerate(cells, start=1)))


def to_cell_text(value) -> str:
    """A cell as the office sees it: a day as they write it (12/5/1972), a whole number without `.0`."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day}/{value.month}/{value.year}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    # Excel saves "CSV UTF-8" with a byte-order mark and plain "CSV" in the computer's code page,
    # which on a Vietnamese Windows is cp1258
    text, encoding = None, ""
    for encoding in ("utf-8-sig", "utf-8", "cp1258"):
        if encoding == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
            continue
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:  # not text in any encoding a ward's computer saves (or a binary file)
        raise CatalogueError(N_("a list saved as CSV text (UTF-8 or Windows-1258), but {name} is not text"), "file",
                             params=make_params(name=Value(path.name)))
    rows = max((list(csv.reader(io.StringIO(text, newline=""), delimiter=d)) for d in ",;\t"), key=_table_rows)
    return Sheet(path.name, tuple((n, tuple(row)) for n, row in enumerate(rows, start=1)), encoding)


def _table_rows(rows: list[list[str]]) -> int:
    """How many rows split into the same number (two or more) of cells: the delimiter that makes a
    table of the list is its own (a title row above it, or commas inside addresses, fool the Sniffer)."""
    widths = [len(row) for row in rows if len(row) > 1]
    return max((widths.count(w) for w in set(widths)), default=0)


def write_sheet(path: Path, header: list[str], rows: list[list[str]], name: str) -> None:
    """Write `header` and `rows` to `path` (.xlsx or .csv, by its suffix), replacing it whole."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CatalogueError(N_("a spreadsheet saved as .xlsx or .csv, found {name}"), "to",
                             params=make_params(name=Value(path.name)))
    temporary = path.with_name(f".{path.name}.tmp")
    if suffix == ".csv":
        # with a byte-order mark, so that Excel opens it with its diacritics
        with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    else:
        import openpyxl
        from openpyxl.styles import Font

        book = openpyxl.Workbook()
        ws = book.active
        ws.title = name[:31]  # Excel's limit on a sheet's name
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # text cells: a grave number "07" or a year stays as written, not turned into a number
            ws.append(row)
            for cell in ws[ws.max_row]:
                cell.number_format = "@"
        ws.freeze_panes = "A2"
        book.save(temporary)
    temporary.replace(path)
