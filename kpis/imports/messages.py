"""Every message an import gives: whole-file problems (ImportFileError) and
row problems (RowError). The tests import these, so a wording lives here once."""

# --- Whole-file problems (ImportFileError) -----------------------------------

EMPTY_FILE = "The file is empty."
TOO_BIG = "The file is larger than 5 MB ({limit:,} bytes): split it into smaller files."
TOO_BIG_UNZIPPED = (
    "The workbook unzips to more than {limit_mb} MB, far more than a sheet of readings "
    "needs: save just the sheet to import as a new workbook."
)
WRONG_TYPE = (
    "{name!r} is not a CSV or XLSX file: save the sheet as CSV (.csv) or Excel workbook "
    "(.xlsx) and upload that."
)
OLD_EXCEL = (
    "{name!r} is an Excel 97–2003 workbook (.xls), which is not read: save it as an "
    "Excel workbook (.xlsx) or CSV."
)
NOT_XLSX = (
    "{name!r} is named .xlsx but is not an Excel workbook (an .xlsx file is a zip archive "
    "of the sheets): open it in Excel and save it again as .xlsx."
)
NOT_CSV = "{name!r} is named .csv but is not a CSV file: it looks like {kind}."
ZIP_BOMB = (
    '{name!r} is not read: {detail}, as a "zip bomb" does and a workbook saved by Excel '
    "does not. Open it in Excel and save just the sheet to import as a new workbook."
)
ZIP_BOMB_ENTRIES = "it holds {count:,} files inside (a workbook holds a few dozen)"
ZIP_BOMB_RATIO = "its part {part!r} unzips to {ratio:,} times its stored size"
UNSAFE_XML = (
    "{name!r} is not read: its XML declares entities, which a workbook "
    "saved by Excel never does and which can be used to attack the server. Open it in Excel "
    "and save it again as .xlsx."
)
BAD_ENCODING = (
    "The file is not text in UTF-8 or Windows-1252 (cp1252){detail}: save it from Excel "
    "as 'CSV UTF-8 (Comma delimited)'."
)
MALFORMED_CSV = "The CSV file cannot be read at line {line}: {reason}."
UNCLOSED_QUOTE = (
    'a quote (") opened here, on line {line}, is never closed, so every line after it would '
    'be one cell: close the quote, or write a quote inside a quoted cell twice ("")'
)
BAD_QUOTES = (
    "the quotes on line {line} do not surround a whole cell: a quoted cell ends at a comma "
    'or the end of the line, and a quote inside one is written twice ("")'
)
EMPTY_SHEET = "The workbook's first sheet ({sheet!r}) is empty: only the first sheet is read."
NO_SHEET = "The workbook has no worksheet."
SHEET_TOO_BIG = (
    "The first sheet ({sheet!r}) unzips to {size_mb:.1f} MB of XML with its text: an upload "
    "reads at most {limit_mb} MB. Copy the table alone to a new workbook, or save it as CSV."
)
SHEET_DIMENSION_TOO_BIG = (
    "The first sheet ({sheet!r}) says it uses {ref} ({columns:,} columns, {rows:,} rows): an "
    "upload reads at most {max_columns:,} columns and {max_rows:,} rows. Delete the columns and "
    "rows beyond the table, or copy the table alone to a new workbook."
)
TOO_WIDE = (
    "Row {row} has a value in column {column}: an upload reads at most {max_columns:,} columns "
    "(to column {last}). Delete what is beyond the table."
)
TOO_MANY_ROWS = (
    "The file has more than {max_rows:,} rows: split it into smaller files, a few years each."
)
TOO_MANY_CELLS = (
    "The file has more than {max_cells:,} filled cells: split it into smaller files, "
    "a few years each."
)
NO_HEADER = "Row 1 is blank: the first row must name the columns, e.g. kpi,period,value,commentary."
NO_ROWS = "The file has a header row but no readings below it."
NO_TARGET_ROWS = "The file has a header row but no targets below it."
UNKNOWN_LAYOUT = (
    "Row 1 ({headings}) does not name the columns of either layout: long — kpi, period, "
    "value (and optionally commentary, numerator, denominator) — or wide — kpi first, then "
    "one column per month (2018-01 or Jan-18)."
)
HEADINGS_LATER = " Row {row} looks like the column headings: delete the rows above it."
OTHER_SEPARATOR = (
    " The columns seem to be separated by {separator!r}: save the file as CSV (comma delimited)."
)
FIRST_SHEET_ONLY = " Only the workbook's first sheet ({sheet!r}) is read."
MISSING_COLUMNS = "Row 1 has no {missing} column: the {layout} needs {needed}."
UNKNOWN_COLUMN = "Column {column} heading {text!r} is not one this import reads ({known})."
DUPLICATE_COLUMN = "Columns {first} and {column} are both headed {text!r}."
# A month heading outside the months held: the reason is periods' own message.
MONTH_COLUMN_OUT_OF_RANGE = "Column {column}: {reason}."
NOT_A_MONTH_COLUMN = (
    "Column {column} heading {text!r} is not a month: in the wide layout, kpi comes first, "
    "then an optional title column, then one column per month, headed 2018-01 or Jan-18."
)
DUPLICATE_MONTH_COLUMN = "Columns {first} and {column} are both for {period}."
DATA_WITHOUT_HEADING = "Column {column} has values (first in row {row}) but no heading in row 1."
# A trust's own sheet, its headings below title rows (mapping.py).
MAPPING_UNKNOWN_HEADING = (
    "Column {column} heading {text!r} (row {row}) is not one this import knows: choose what "
    "it is in the preview, or rename it (a month such as Jan-18, kpi, title, or a statistical "
    "neighbour, England or region average)."
)
MAPPING_VALUES_WITHOUT_HEADING = (
    "Column {column} has values (first in row {first}) but no heading in row {row}: choose "
    "what it is in the preview, or give it a heading."
)
MAPPING_NO_KPI_COLUMN = (
    "Row {row} has no column naming the KPIs (kpi, code, PLNO, or a heading with 'KPI' or "
    "'indicator' in it): choose the KPI identifier in the preview."
)
MAPPING_TWO_KPI_COLUMNS = (
    "Columns {columns} both look like the KPI identifier: choose one in the preview and "
    "ignore the other."
)
MAPPING_NO_MONTHS = "No column below row {row}'s headings is a month: there are no readings."

# --- Row problems (RowError) ------------------------------------------------

VALUE_REQUIRED = "a value is required"
NOT_A_NUMBER = "{text!r} is not a number"
NOT_A_VALUE = (
    "{text!r} is not a number: when there is no reading, leave the cell blank in the wide "
    "layout, or leave the row out in the long layout"
)
# The same problem typed on the return form, where there are no layouts.
NOT_A_VALUE_ON_FORM = "{text!r} is not a number: when there is no reading, leave the box blank"
NOT_FINITE = "{text!r} is not a finite number"
NON_ASCII_DIGITS = (
    "{text!r} has characters other than the digits 0–9 (full-width or other scripts' digits): "
    "type the number again with ordinary digits"
)
EXCEL_ERROR = "{text} is an Excel error, not a value: correct the formula in the spreadsheet"
FORMULA_WITHOUT_VALUE = (
    "the cell holds a formula ({formula}) without a saved value; open and save the file in Excel"
)
PERCENT_SIGN = "{text!r} has a % sign but {code} is measured in {unit}, not percent"
PERCENT_OUT_OF_RANGE = "{text!r} is not a percentage between 0 and 100"
NEGATIVE = "{text!r} is negative; {what} cannot be below 0"
NOT_WHOLE = "{text!r} is not a whole number; {code} is a count"
TOO_MANY_DECIMALS = "{text!r} has more decimal places than {what} records ({precision})"
TOO_LARGE = "{text!r} is too large: at most 10 digits before the decimal point"
NEED_BOTH = "give both numerator and denominator, or neither"
COUNT_HAS_NO_RATIO = "{code} is a count: it has no numerator or denominator"
ZERO_DENOMINATOR = "the denominator is 0"
NUMERATOR_ABOVE_DENOMINATOR = "numerator {numerator} is greater than denominator {denominator}"
VALUE_MISMATCH = (
    "value {value} does not match numerator / denominator ({numerator} / {denominator} "
    "gives {computed})"
)
KPI_REQUIRED = "the kpi cell is blank: every row needs a KPI code"
NOT_A_KPI_IDENTIFIER = (
    "{text!r} is not a KPI of {organisation}: not one of its codes, its own numbers "
    "(1.00 for PI1) or its titles"
)
AMBIGUOUS_KPI_NUMBER = "{text!r} could be {codes}: write the KPI code instead"
AMBIGUOUS_KPI_TITLE = "the title {text!r} is that of {codes}: write the KPI code instead"
KPI_OR_TITLE_REQUIRED = "the KPI and title cells are blank: every row needs a KPI"
UNKNOWN_KPI = "{code!r} is not a KPI of {organisation}"
PERIOD_REQUIRED = "a period is required, written as YYYY-MM, e.g. 2018-10"
FUTURE_PERIOD = "{period} is in the future: readings can be imported up to {current}"
DUPLICATE_READING = "{code} for {period} is also in row {first}"
DUPLICATE_KPI_ROW = "{code} is also in row {first}"
RETURN_ACCEPTED = "the return for {period} is accepted; a commissioner must reopen it first"
RETURN_SUBMITTED = (
    "the return for {period} is submitted for review; a commissioner must reopen it first"
)
STRAY_HEADER = "this row repeats the column headings: only row 1 may be a header row"
VALID_FROM_REQUIRED = "valid_from is required, written as YYYY-MM-DD, e.g. 2019-04-01"
MALFORMED_VALID_FROM = "{text!r} is not a date: write valid_from as YYYY-MM-DD, e.g. 2019-04-01"
BAND_ORDER = "the band must satisfy lower ≤ target ≤ upper; {lower} ≤ {target} ≤ {upper} does not"
DUPLICATE_TARGET = "{code} from {valid_from} is also in row {first}"
INVALID = "{message}"
