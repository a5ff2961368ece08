#!/usr/bin/env bash
# The auxiliary-learning family (Single, Human, MAXL exact and first-order) end to end through a running
# embedded stack on the bundled data with label hierarchies: Fashion-MNIST grouped into 5 primary groups
# of 2 classes (data/fashion-mnist/group-hierarchy.csv) and Omniglot with its 8 alphabets as primary
# classes and 242 characters as auxiliary ones (data/omniglot/alphabet-hierarchy.csv, 15 drawers train,
# 5 test); each over seeds 1, 2 and 3; prints every experiment and, per configuration, mean ± std with the
# 95 % t-interval (GET /api/v1/experiments/summary) and, for MAXL, the generated labels' use per class.
#   bench/maxl-stack.sh [config ...]   (default: every YAML in bench/maxl-stack/, e.g. fashion-maxl;
#                                       starts a stack with bin/metaloop up unless one is running, and
#                                       imports the two datasets unless they are in the catalogue)
#   SEEDS="1 2 3" (default) sets the seeds.
# Results recorded in docs/measurements.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
M="$ROOT/bin/metaloop"
DIR="$ROOT/bench/maxl-stack"
SEEDS="${SEEDS:-1 2 3}"
if ! "$M" status | grep -E "^gateway " | grep -qE "[0-9] +ready$"; then
  "$M" up
fi
if ! "$M" data list | grep -q "^fashion-mnist-groups "; then
  "$M" data import fashion-mnist-groups "$ROOT/data/fashion-mnist" --format fashion-mnist \
    --hierarchy "$ROOT/data/fashion-mnist/group-hierarchy.csv"
fi
if ! "$M" data list | grep -q "^omniglot-alphabets "; then
  "$M" data import omniglot-alphabets "$ROOT/data/omniglot" --format omniglot --image-size 28 \
    --hierarchy "$ROOT/data/omniglot/alphabet-hierarchy.csv" --test-share 0.25
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then
  for f in "$DIR"/*.yaml; do configs+=("$(basename "$f" .yaml)"); done
fi
declare -A ids
for config in "${configs[@]}"; do
  for seed in $SEEDS; do
    sed "s/^method: .*/&\nseed: $seed/" "$DIR/$config.yaml" > "$work/$config-$seed.yaml"
    id=$("$M" submit "$work/$config-$seed.yaml" | tail -1)
    echo "$config seed $seed: $id"
    ids[$config]="${ids[$config]:-} $id"
  done
done
for config in "${configs[@]}"; do
  for id in ${ids[$config]}; do
    until "$M" experiments | grep "^$id" | grep -qE "SUCCEEDED|FAILED"; do sleep 10; done
  done
done
echo
"$M" experiments
echo
for config in "${configs[@]}"; do
  echo "== $config"
  # shellcheck disable=SC2086
  "$M" summary ${ids[$config]} || true
  if [[ "$config" == *maxl* ]]; then
    for id in ${ids[$config]}; do
      "$M" experiments "$id" 2>/dev/null | grep -oE '"used" ?: ?[0-9]+' | grep -oE '[0-9]+$' | tr '\n' ' ' || true
      echo " ($id: auxiliary classes used per primary class)"
    done
  fi
done
echo "took $(( $(date +%s) - start )) s"
