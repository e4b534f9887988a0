"""Registry section: BuildKit's build checks, re-implemented offline.

Rule codes are BuildKit's rule names.  All are warnings; ``# check=error=true``
turns them into errors and ``# check=skip=...`` removes them (engine).

**InvalidBaseImagePlatform** needs the base image's platforms: the server
hands them over from the registry cache (``model.facts.images``);
offline it is quiet.

``InvalidDefinitionDescription`` is experimental in BuildKit (reported only
with ``# check=experimental=...``); its class sets ``experimental = True``.

CopyIgnoredFile reads ``model.facts.context``, a
:class:`dockerls.analysis.dockerignore.ContextInfo` built by
``dockerls/context.py``; without it it is silent.
"""

from __future__ import annotations

from dockerls.analysis.rules import (
    bk_consistent_instruction_casing,
    bk_copy_ignored_file,
    bk_duplicate_stage_name,
    bk_expose_invalid_format,
    bk_expose_proto_casing,
    bk_from_as_casing,
    bk_from_platform_flag_const_disallowed,
    bk_invalid_base_image_platform,
    bk_invalid_default_arg_in_from,
    bk_invalid_definition_description,
    bk_json_args_recommended,
    bk_legacy_key_value_format,
    bk_maintainer_deprecated,
    bk_multiple_instructions_disallowed,
    bk_no_empty_continuation,
    bk_redundant_target_platform,
    bk_reserved_stage_name,
    bk_secrets_used_in_arg_or_env,
    bk_stage_name_casing,
    bk_undefined_arg_in_from,
    bk_undefined_var,
    bk_workdir_relative_path,
)
from dockerls.analysis.rules.base import Rule

RULES: tuple[Rule, ...] = (
    bk_stage_name_casing.RULE,
    bk_from_as_casing.RULE,
    bk_no_empty_continuation.RULE,
    bk_consistent_instruction_casing.RULE,
    bk_duplicate_stage_name.RULE,
    bk_reserved_stage_name.RULE,
    bk_json_args_recommended.RULE,
    bk_maintainer_deprecated.RULE,
    bk_undefined_arg_in_from.RULE,
    bk_workdir_relative_path.RULE,
    bk_undefined_var.RULE,
    bk_multiple_instructions_disallowed.RULE,
    bk_legacy_key_value_format.RULE,
    bk_invalid_base_image_platform.RULE,
    bk_redundant_target_platform.RULE,
    bk_secrets_used_in_arg_or_env.RULE,
    bk_invalid_default_arg_in_from.RULE,
    bk_from_platform_flag_const_disallowed.RULE,
    bk_copy_ignored_file.RULE,
    bk_invalid_definition_description.RULE,
    bk_expose_proto_casing.RULE,
    bk_expose_invalid_format.RULE,
)
