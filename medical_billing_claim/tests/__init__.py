from . import test_claim_creation
from . import test_cms1500
from . import test_claim_batches
from . import test_balance_due
from . import test_opening_balance_claims
