from . import test_claim_creation
