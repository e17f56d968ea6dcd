#!/usr/bin/env bash
# CPU seconds of `footfall import` of the same new events into an empty folder and into a copy of a big folder, two
# builds alternated (docs/benchmarks.md §8, "Why the bulk path slows with size"). Each build first opens its own copy of
# the big folder once (migrations, and a build's one-time index), so the rounds time the import, not the upgrade.
# usage: bench/identity-import-ab.sh EVENTS.ndjson BIG_FOLDER BIG_PROJECT_ID ROUNDS A_DLL B_DLL [SCRATCH]
set -euo pipefail
events=$1 big=$2 project=$3 rounds=$4 a=$5 b=$6 scratch=${7:-/tmp/identity-import-ab}
mkdir -p "$scratch"
: > "$scratch/empty.ndjson"
for build in a b; do
  dll=${!build}
  # Kept between runs of the same two builds: the upgrade of a big folder takes minutes.
  [ -d "$scratch/base-$build" ] && continue
  cp -a "$big" "$scratch/base-$build"
  rm -f "$scratch/base-$build/footfall.lock"
  echo "$build first open (upgrade): $( { /usr/bin/time -f "%U+%S cpu s, %e s wall" dotnet "$dll" import "$scratch/empty.ndjson" \
    --project "$project" --data "$scratch/base-$build" > /dev/null; } 2>&1 | tail -1)"
done
# An import that exits early (at a high load one apply can pass the applier's 2 s stall bound, and the import then
# gives up) is marked FAILED and its CPU is not the import's; its stderr is kept beside the runs.
measure() { # label dll data project
  local status=ok
  /usr/bin/time -o "$scratch/time.txt" -f "%U %S %e %M" dotnet "$2" import "$events" --project "$4" --data "$3" \
    > /dev/null 2> "$scratch/${1// /-}.err" || status=FAILED
  read -r user sys wall rss < <(tail -1 "$scratch/time.txt")
  echo "$1 cpu=$(echo "$user + $sys" | bc) s wall=$wall s maxrss=$((rss / 1024)) MB load=$(cut -d' ' -f1-3 /proc/loadavg) $status"
}
for round in $(seq "$rounds"); do
  for build in a b; do
    dll=${!build}
    rm -rf "$scratch/empty-$build" "$scratch/big-$build"
    mkdir -p "$scratch/empty-$build"
    created=$(dotnet "$dll" projects create --name shop --data "$scratch/empty-$build")
    id=$(echo "$created" | python3 -c "import json,sys;print(json.load(sys.stdin)['id'])")
    measure "round $round $build empty" "$dll" "$scratch/empty-$build" "$id"
    cp -a "$scratch/base-$build" "$scratch/big-$build"
    measure "round $round $build big" "$dll" "$scratch/big-$build" "$project"
    rm -rf "$scratch/empty-$build" "$scratch/big-$build"
  done
done
