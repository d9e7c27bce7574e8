"""What a missing config file, or a key missing from it, means.

Shared by the records (config_record.py) and the reading of the file
(config.py), which import it and not each other at start-up.
"""

from __future__ import annotations

DEFAULT_CADENCE_DAYS = 90
DEFAULT_ONE_SIDED_AFTER_DAYS = 90
DEFAULT_BACKUP_KEEP = 10
DEFAULT_LOG_CHANNEL = "note"
DEFAULT_DATE_FORMAT = "day-month"
DEFAULT_MAX_ATTENDEES = 8
DEFAULT_REMINDER_TIME = "09:00"
