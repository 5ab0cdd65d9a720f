from . import res_company
from . import medical_claim
from . import medical_claim_batch
from . import medical_claim_answer
from . import account_chart_template
from . import medical_era
from . import medical_remittance
