"""Registry section: our own best-practice rules (DLS1xx), listed explicitly.

DLS102 and DLS120 read the build context (``model.facts.context``) and
are silent without it; DLS130 and DLS131 read the known builds (``model.facts.builds``).
"""

from __future__ import annotations

from dockerls.analysis.rules import (
    dls101_copy_all_before_install,
    dls102_missing_dockerignore,
    dls103_build_tools_in_final_image,
    dls104_package_upgrade_in_build,
    dls105_remote_add_without_checksum,
    dls106_secret_file_copied,
    dls107_remote_script_piped_to_shell,
    dls108_world_writable_permissions,
    dls109_ssh_port_exposed,
    dls110_npm_cache_left_behind,
    dls120_copy_source_missing,
    dls130_stage_not_built,
    dls131_build_arg_not_set,
    dls301_base_image_end_of_life,
    dls302_base_image_end_of_life_soon,
    dls303_base_os_end_of_life,
)
from dockerls.analysis.rules.base import Rule

RULES: tuple[Rule, ...] = (
    dls101_copy_all_before_install.RULE,
    dls102_missing_dockerignore.RULE,
    dls103_build_tools_in_final_image.RULE,
    dls104_package_upgrade_in_build.RULE,
    dls105_remote_add_without_checksum.RULE,
    dls106_secret_file_copied.RULE,
    dls107_remote_script_piped_to_shell.RULE,
    dls108_world_writable_permissions.RULE,
    dls109_ssh_port_exposed.RULE,
    dls110_npm_cache_left_behind.RULE,
    dls120_copy_source_missing.RULE,
    dls130_stage_not_built.RULE,
    dls131_build_arg_not_set.RULE,
    dls301_base_image_end_of_life.RULE,
    dls302_base_image_end_of_life_soon.RULE,
    dls303_base_os_end_of_life.RULE,
)
