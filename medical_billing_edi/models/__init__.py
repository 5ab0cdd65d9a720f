from . import res_company
from . import res_config_settings
from . import medical_claim
from . import medical_claim_batch
from . import medical_claim_answer
from . import account_chart_template
