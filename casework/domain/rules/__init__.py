"""The legal-basis engine: a versioned rule table as data, registered predicates, an explaining assess()."""

from casework.domain.rules.engine import assess, missing_facts
from casework.domain.rules.loader import bundled_table_dict, load_bundled_table
from casework.domain.rules.model import Parameter, Rule, Source
from casework.domain.rules.rates import RateEntry, RateTable
from casework.domain.rules.result import AssessmentResult
from casework.domain.rules.table import RuleTable

__all__ = [
    "AssessmentResult",
    "Parameter",
    "RateEntry",
    "RateTable",
    "Rule",
    "RuleTable",
    "Source",
    "assess",
    "bundled_table_dict",
    "load_bundled_table",
    "missing_facts",
]
