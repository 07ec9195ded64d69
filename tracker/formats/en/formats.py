"""British English dates, one way everywhere: 29 Nov 2026, and 29 Nov 2026, 11:37 (24-hour clock).

Django's own "en" formats are American ("Nov. 29, 2026", "11:37 a.m."); the ASEAN–China
documents are written in British English. Names not set here fall back to Django's.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
