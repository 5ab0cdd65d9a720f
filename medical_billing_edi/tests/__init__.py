from . import test_codes
from . import test_malformed
from . import test_x277ca
from . import test_x835
from . import test_x837p
from . import test_x999
from . import test_claim_send
from . import test_answer_import
