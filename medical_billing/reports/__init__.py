from . import medical_day_sheet
