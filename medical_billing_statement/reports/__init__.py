from . import medical_statement_report
