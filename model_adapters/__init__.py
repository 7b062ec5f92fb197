"""compsec model adapters: compressed variants, harness model classes, model organisms.

Importing this package does not import torch; the heavy backends load inside the functions
that need them.
"""

from .cache import cache_key
from .fidelity import check_roundtrip, compute_fidelity
from .integrity import sha256_file, verify_files
from .loading import LoadedVariant, load_variant
from .manifest import Manifest
from .organisms import (
    ORGANISMS,
    OrganismInfo,
    get_organism,
    is_organism_ref,
    list_organisms,
    resolve_organism,
)
from .registry import MethodHandler, get_handler, list_methods, register_method
from .spec import (
    AWQSpec,
    BnbSpec,
    CTSpec,
    DistilledSpec,
    GGUFSpec,
    GPTQSpec,
    HQQSpec,
    OriginalSpec,
    PruneSpec,
    QuantoSpec,
    RTNSpec,
    TorchaoSpec,
    VariantSpec,
    parse_variant,
)

__all__ = [
    "VariantSpec",
    "OriginalSpec",
    "RTNSpec",
    "BnbSpec",
    "HQQSpec",
    "QuantoSpec",
    "TorchaoSpec",
    "GPTQSpec",
    "AWQSpec",
    "CTSpec",
    "GGUFSpec",
    "PruneSpec",
    "DistilledSpec",
    "parse_variant",
    "MethodHandler",
    "register_method",
    "get_handler",
    "list_methods",
    "LoadedVariant",
    "load_variant",
    "Manifest",
    "compute_fidelity",
    "check_roundtrip",
    "sha256_file",
    "verify_files",
    "cache_key",
    "ORGANISMS",
    "OrganismInfo",
    "get_organism",
    "is_organism_ref",
    "list_organisms",
    "resolve_organism",
]
