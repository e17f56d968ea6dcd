#!/bin/sh
# Rewrites dashboard/openapi.json from the server's OpenAPI document and dashboard/src/api-types.ts from it: the
# tests that check both are current, run in their writing mode. Commit what changes.
set -e
cd "$(dirname "$0")/../.."
FOOTFALL_UPDATE_WIRE=1 dotnet test tests/Footfall.Tests --filter "FullyQualifiedName~WireContractTests"
