from . import medical_claim_create
from . import medical_claim_answer_import
from . import medical_billing_settings
from . import medical_era_import
from . import medical_billing_setup
