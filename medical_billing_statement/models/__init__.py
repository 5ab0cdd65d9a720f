from . import (
    medical_dunning_level,
    medical_statement,
    medical_statement_run,
    payment_transaction,
    res_company,
    res_partner,
)
