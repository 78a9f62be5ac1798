#!/usr/bin/env bash
# A vendor's pipeline step: fail the build when this release's profile moves a class up, needs new
# evidence, or changes the system materially; register the version once it passes on the main branch.
#
#   MEDAI_RISK_URL      the service (e.g. https://medai-risk.example.org)
#   MEDAI_RISK_API_KEY  the organisation's API key (a CI secret)
#   MEDAI_RISK_SYSTEM   the registered system's id
#   PROFILE             the profile file kept beside the model (default ai-profile.json)
#   MEDAI_RISK_CLI      how to run the client (default: npx medai-risk, the installed package)
set -euo pipefail
profile="${PROFILE:-ai-profile.json}"
read -r -a cli <<< "${MEDAI_RISK_CLI:-npx medai-risk}"
mkdir -p reports

"${cli[@]}" classify "$profile" --junit reports/medai-risk-classify.xml
"${cli[@]}" check "$profile" --system "$MEDAI_RISK_SYSTEM" --junit reports/medai-risk-check.xml

if [ "${PUSH:-false}" = "true" ]; then
  "${cli[@]}" push "$profile" --system "$MEDAI_RISK_SYSTEM"
fi
