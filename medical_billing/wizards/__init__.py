from . import medical_charge_responsibility
from . import medical_charge_reverse
from . import medical_charge_write_off
from . import medical_payment_delete
from . import medical_payment_refund
from . import medical_credit_transfer
