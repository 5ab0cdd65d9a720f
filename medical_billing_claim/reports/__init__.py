from . import medical_claim_cms1500
from . import medical_balance_due
from . import medical_billing_overview
