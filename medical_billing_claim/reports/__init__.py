from . import medical_claim_cms1500
