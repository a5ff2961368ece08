#!/usr/bin/env bash
# The few-shot family end to end through a running embedded stack on the bundled Omniglot, divided by
# alphabet (training, validation and test alphabets disjoint): MAML, FOMAML, ProtoNets and Reptile are
# meta-trained (episodes over Kafka, meta-validated each epoch) and tested 5-way and 20-way 1-shot on
# 600 trials of the test alphabets, beside a supervised ConvNet4 tested with a nearest-prototype head;
# prints every experiment's result with its 95% interval.
#   bench/fewshot-stack.sh [spec ...]   (default: all of them; starts a stack with bin/metaloop up unless
#                                        one is running)
# The specs are the YAML files in bench/fewshot-stack/; results recorded in docs/measurements.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
M="$ROOT/bin/metaloop"
DIR="$ROOT/bench/fewshot-stack"
if ! "$M" status | grep -E "^gateway " | grep -qE "[0-9] +ready$"; then
  "$M" up
fi
"$M" data import omniglot-small "$ROOT/data/omniglot" --format omniglot --image-size 28 --rotations \
  --class-splits "$ROOT/data/omniglot/alphabet-splits.json"
start=$(date +%s)
ids=()
twenty_way=()
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(maml-5w1s fomaml-5w1s protonet reptile-5w1s maml-20w1s fomaml-20w1s reptile-20w1s
  supervised-prototype)
for spec in "${specs[@]}"; do
  id=$("$M" submit "$DIR/$spec.yaml" | tail -1)
  echo "$spec: $id"
  ids+=("$id")
  case "$spec" in protonet|supervised-prototype) twenty_way+=("$id") ;; esac
done
for id in "${ids[@]}"; do
  "$M" experiments "$id" > /dev/null
  until "$M" experiments | grep "^$id" | grep -qE "SUCCEEDED|FAILED"; do sleep 10; done
done
# the prototype-head models are also tested 20-way, on the same trained weights
for id in "${twenty_way[@]}"; do
  "$M" evaluate "$id" "$DIR/evaluation-20w1s.yaml" --wait | tail -1
done
echo
"$M" experiments
echo "took $(( $(date +%s) - start )) s"
