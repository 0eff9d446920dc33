#!/usr/bin/env bash
# Compare refjournal's builds at an earlier commit with the working tree, interleaved (the
# earlier, then this one, in turn), so that a machine whose speed drifts treats both alike.
#
#   bash benchmarks/compare.sh REV [ROUNDS] [CONTACTS:MEETINGS]
#
# For each round it runs, on a generated journal (a copy for each side, edited alike), with
# each side's own cache and site:
# a build with nothing changed, a build after an edit of one meeting's text, one after an
# edit of its title, and `check`; it prints wall and user seconds per run, then the median
# of each. Uses the Python on PATH (with refjournal's dependencies installed).
set -euo pipefail
rev=${1:?"usage: compare.sh REV [ROUNDS] [CONTACTS:MEETINGS]"}
rounds=${2:-7}
size=${3:-200:2000}
here="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$work/before" >/dev/null 2>&1; rm -rf "$work"' EXIT
git -C "$here" worktree add --detach "$work/before" "$rev" >/dev/null 2>&1
python3 -c "import sys; sys.path.insert(0, '$here/benchmarks')
from generate import generate; from pathlib import Path
generate(Path('$work/journal'), *map(int, '$size'.split(':')))"
rel=$(cd "$work/journal" && find meetings -name '*.md' | sort | sed -n '100p')
grep -q '^title: ' "$work/journal/$rel" || sed -i '0,/^---$/s//---\ntitle: Compared/' "$work/journal/$rel"
for side in before after; do cp -r "$work/journal" "$work/journal-$side"; done  # the same edits
run() {  # side, then refjournal's arguments: prints "wall user"
  local src=$here; [ "$1" = before ] && src=$work/before
  shift
  /usr/bin/time -f "%e %U" env PYTHONPATH="$src" python3 -m refjournal.cli "$@" \
    2>&1 >/dev/null | tail -1
}
for side in before after; do
  run $side build --journal "$work/journal-$side" --out "$work/site-$side" \
    --cache-dir "$work/cache-$side" --today 2026-11-24 >/dev/null
done
for i in $(seq "$rounds"); do
  for side in before after; do
    journal=$work/journal-$side
    build=(build --journal "$journal" --out "$work/site-$side" --cache-dir "$work/cache-$side"
           --today 2026-11-24)
    echo "$side no-change $(run $side "${build[@]}")"
    echo "more text $i" >> "$journal/$rel"
    echo "$side text-edit $(run $side "${build[@]}")"
    sed -i "s/^title: .*/title: Round $i/" "$journal/$rel"
    echo "$side front-matter-edit $(run $side "${build[@]}")"
    echo "$side check $(run $side check --journal "$journal" --cache-dir "$work/cache-$side")"
  done
done | tee "$work/runs"
echo
echo "medians (wall user):"
for what in no-change text-edit front-matter-edit check; do
  for side in before after; do
    awk -v s=$side -v w=$what '$1 == s && $2 == w {print $3, $4}' "$work/runs" | sort -n |
      awk -v s=$side -v w=$what '{a[NR] = $0} END {print w, s, a[int((NR + 1) / 2)]}'
  done
done
