"""compsec model adapters: compressed variants, harness model classes, model organisms.

Importing this package does not import torch; the heavy backends load inside the functions
that need them.
"""

from .organisms import (
    ORGANISMS,
    OrganismInfo,
    get_organism,
    is_organism_ref,
    list_organisms,
    resolve_organism,
)

__all__ = [
    "ORGANISMS",
    "OrganismInfo",
    "get_organism",
    "is_organism_ref",
    "list_organisms",
    "resolve_organism",
]
