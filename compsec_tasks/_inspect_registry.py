"""Entry point of the ``inspect_ai`` group: importing it registers the compsec tasks, so
``inspect eval compsec_tasks/compsec_refusal`` finds them, and the ``compsec/`` model provider
(when ``model_adapters`` and its dependencies are installed)."""

from .inspect_tasks import (  # noqa: F401
    compsec_backdoor,
    compsec_overrefusal,
    compsec_refusal,
    compsec_refusal_margin,
)

try:
    from model_adapters import inspect_provider  # noqa: F401
except ImportError:  # the tasks work without it
    pass
