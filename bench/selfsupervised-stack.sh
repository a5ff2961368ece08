#!/usr/bin/env bash
# The self-supervised family end to end through a running embedded stack on the bundled Fashion-MNIST:
# each method pre-trains Conv4 on the 20,000 training images without their labels (views and
# augmentations made by the data side, batches over Kafka) and is linear-evaluated by the evaluator
# (frozen backbone, features cached in the object store, Linear(64, 10) with Adam 1e-3 for 100 epochs on
# the training features, scored on the 10,000 test images), over seeds 1, 2 and 3; prints every
# experiment and, per method, mean ± std with the 95 % t-interval (GET /api/v1/experiments/summary).
#   bench/selfsupervised-stack.sh [method ...]   (default: relational-reasoning simclr rotation deepcluster
#                                                 deep-infomax random-weights standard; starts a stack with
#                                                 bin/metaloop up unless one is running)
#   SEEDS="1 2 3" (default) sets the seeds.
# The specs are the YAML files in bench/selfsupervised-stack/; results recorded in docs/measurements.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
M="$ROOT/bin/metaloop"
DIR="$ROOT/bench/selfsupervised-stack"
SEEDS="${SEEDS:-1 2 3}"
if ! "$M" status | grep -E "^gateway " | grep -qE "[0-9] +ready$"; then
  "$M" up
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
methods=("$@")
[ ${#methods[@]} -gt 0 ] || methods=(relational-reasoning simclr rotation deepcluster deep-infomax random-weights standard)
declare -A ids
for method in "${methods[@]}"; do
  for seed in $SEEDS; do
    sed "s/^method: .*/&\nseed: $seed/" "$DIR/$method.yaml" > "$work/$method-$seed.yaml"
    id=$("$M" submit "$work/$method-$seed.yaml" | tail -1)
    echo "$method seed $seed: $id"
    ids[$method]="${ids[$method]:-} $id"
  done
done
for method in "${methods[@]}"; do
  for id in ${ids[$method]}; do
    until "$M" experiments | grep "^$id" | grep -qE "SUCCEEDED|FAILED"; do sleep 10; done
  done
done
echo
"$M" experiments
echo
for method in "${methods[@]}"; do
  # shellcheck disable=SC2086
  "$M" summary ${ids[$method]} || true
done
echo "took $(( $(date +%s) - start )) s"
