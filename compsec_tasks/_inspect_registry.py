"""Entry point of the ``inspect_ai`` group: importing it registers the compsec tasks, so
``inspect eval compsec_tasks/compsec_refusal`` finds them."""

from .inspect_tasks import (  # noqa: F401
    compsec_backdoor,
    compsec_overrefusal,
    compsec_refusal,
    compsec_refusal_margin,
)
