from . import medical_day_sheet
from . import medical_ledger_report
from . import medical_patient_ledger
