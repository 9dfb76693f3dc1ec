"""German formats (Django's format-module syntax): "2. Dez. 2026", "2. Dez. 2026, 15:23",
"1.234,5". Dates typed into forms are ISO first, because <input type="date"> sends and expects
YYYY-MM-DD; the German day-first forms are accepted too."""

# "N": the month abbreviated as German writes it (Jan., Feb., März, Mai, Sept., Dez.).
DATE_FORMAT = "j. N Y"  # 2. Dez. 2026
DATETIME_FORMAT = "j. N Y, H:i"  # 2. Dez. 2026, 15:23
SHORT_DATE_FORMAT = "d.m.Y"  # 02.12.2026, for dense tables
SHORT_DATETIME_FORMAT = "d.m.Y H:i"  # 02.12.2026 15:23
YEAR_MONTH_FORMAT = "N Y"  # Dez. 2026
MONTH_DAY_FORMAT = "j. N"  # 2. Dez.
TIME_FORMAT = "H:i"  # 15:23
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
