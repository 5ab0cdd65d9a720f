"""X12 healthcare EDI layer, free of Odoo: data classes in, X12 text out and back.

Write claims with :func:`write_837p`; read answers with :func:`read_999`,
:func:`read_277ca` and :func:`read_835`; check any file with :func:`validate` (pyx12).
:func:`write_835` writes remittances as a payer would, for tests and benchmarks.
Bad files raise :class:`X12ParseError`, whose ``issues`` name each segment and position.
"""

from . import codes
from ._pyx12 import validate
from .errors import ClaimDataError, EdiError, X12BalanceError, X12Error, X12Issue, X12ParseError
from .models import (
    Address,
    Adjustment,
    Claim,
    Contact,
    Envelope,
    LineAdjudication,
    Payer,
    Person,
    PriorPayer,
    Provider,
    Receiver,
    ServiceLine,
    Submitter,
)
from .results import (
    AckStatus,
    BalanceViolation,
    ClaimAcknowledgement,
    ClaimPayment,
    ClaimStatus,
    ClaimStatusReport,
    FunctionalAck,
    ProviderAdjustment,
    Remittance,
)
from .x277ca import read_277ca
from .x835 import read_835
from .x835_write import write_835
from .x837p import check_claim, write_837p
from .x999 import read_999

__all__ = [
    "AckStatus",
    "Address",
    "Adjustment",
    "BalanceViolation",
    "Claim",
    "ClaimAcknowledgement",
    "ClaimDataError",
    "ClaimPayment",
    "ClaimStatus",
    "ClaimStatusReport",
    "Contact",
    "EdiError",
    "Envelope",
    "FunctionalAck",
    "LineAdjudication",
    "Payer",
    "Person",
    "PriorPayer",
    "Provider",
    "ProviderAdjustment",
    "Receiver",
    "Remittance",
    "ServiceLine",
    "Submitter",
    "X12BalanceError",
    "X12Error",
    "X12Issue",
    "X12ParseError",
    "check_claim",
    "codes",
    "read_277ca",
    "read_835",
    "read_999",
    "validate",
    "write_835",
    "write_837p",
]
