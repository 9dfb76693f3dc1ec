"""British English formats (Django's format-module syntax): "2 Dec 2026", "2 Dec 2026, 15:23",
"1,234.5". Times are 24-hour everywhere. Dates typed into forms are ISO first, because
<input type="date"> sends and expects YYYY-MM-DD."""

DATE_FORMAT = "j M Y"  # 2 Dec 2026
DATETIME_FORMAT = "j M Y, H:i"  # 2 Dec 2026, 15:23
SHORT_DATE_FORMAT = "d/m/Y"  # 02/12/2026, for dense tables
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 02/12/2026 15:23
YEAR_MONTH_FORMAT = "M Y"  # Dec 2026
MONTH_DAY_FORMAT = "j M"  # 2 Dec
TIME_FORMAT = "H:i"  # 15:23
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
