from . import medical_charge_responsibility
from . import medical_charge_reverse
from . import medical_charge_write_off
from . import medical_payment_delete
