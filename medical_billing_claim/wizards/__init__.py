from . import medical_claim_create
from . import medical_claim_rebill
from . import medical_claim_follow_up
from . import medical_billing_settings
