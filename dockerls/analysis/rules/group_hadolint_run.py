"""Registry section: the rules of this group, listed explicitly.

hadolint's RUN, USER, WORKDIR, FROM-tag, archive, pragma and label rules."""

from __future__ import annotations

from dockerls.analysis.rules import (
    dl1001_inline_ignore_pragma,
    dl3000_relative_workdir,
    dl3001_pointless_command,
    dl3002_last_user_root,
    dl3003_cd_in_run,
    dl3004_sudo,
    dl3007_latest_tag,
    dl3010_copied_archive_extracted,
    dl3046_useradd_high_uid,
    dl3047_wget_progress,
    dl3048_invalid_label_key,
    dl3049_missing_label,
    dl3050_superfluous_label,
    dl3051_empty_label,
    dl3052_label_not_url,
    dl3053_label_not_rfc3339,
    dl3054_label_not_spdx,
    dl3055_label_not_git_hash,
    dl3056_label_not_semver,
    dl3058_label_not_email,
    dl3059_consecutive_runs,
    dl4001_curl_and_wget,
    dl4005_relink_bin_sh,
    dl4006_pipe_without_pipefail,
)
from dockerls.analysis.rules.base import Rule

RULES: tuple[Rule, ...] = (
    dl1001_inline_ignore_pragma.RULE,
    dl3000_relative_workdir.RULE,
    dl3001_pointless_command.RULE,
    dl3002_last_user_root.RULE,
    dl3003_cd_in_run.RULE,
    dl3004_sudo.RULE,
    dl3007_latest_tag.RULE,
    dl3010_copied_archive_extracted.RULE,
    dl3046_useradd_high_uid.RULE,
    dl3047_wget_progress.RULE,
    dl3048_invalid_label_key.RULE,
    dl3049_missing_label.RULE,
    dl3050_superfluous_label.RULE,
    dl3051_empty_label.RULE,
    dl3052_label_not_url.RULE,
    dl3053_label_not_rfc3339.RULE,
    dl3054_label_not_spdx.RULE,
    dl3055_label_not_git_hash.RULE,
    dl3056_label_not_semver.RULE,
    dl3058_label_not_email.RULE,
    dl3059_consecutive_runs.RULE,
    dl4001_curl_and_wget.RULE,
    dl4005_relink_bin_sh.RULE,
    dl4006_pipe_without_pipefail.RULE,
)
