from . import test_charge_posting
from . import test_charge_adjustments
from . import test_bad_input
from . import test_multi_company
from . import test_patient_payment
from . import test_refund_transfer
