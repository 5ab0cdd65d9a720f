from . import medical_claim_create
from . import medical_claim_answer_import
