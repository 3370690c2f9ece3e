#!/usr/bin/env bash
# calibration_photos.sh DIR - a folder of photos for `odin quantize --calib`:
# the bundled photos no test evaluates on (tests/data/images, the mirrored
# ones and the fruit) and four scikit-image example photos from Debian's
# python3-skimage package (apt-get download: apt checks the package's
# signature; each photo's sha256 is checked here too). The photos the
# accuracy reports evaluate on (astronaut, grace_hopper_512x512, handDst)
# are left out, so calibration never sees them.
set -euo pipefail
out="${1:?usage: tools/calibration_photos.sh DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$out"
for p in astronaut_mirrored handDst_mirrored fruits; do
  cp "$root/tests/data/images/$p.jpg" "$out/"
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download python3-skimage > /dev/null)
dpkg-deb -x "$work"/python3-skimage_*.deb "$work/x"
data="$work/x/usr/lib/python3/dist-packages/skimage/data"
# sha256 of python3-skimage 0.19.3-8 (Debian 12)'s photos.
while read -r sum name; do
  echo "$sum  $data/$name" | sha256sum --check --quiet
  cp "$data/$name" "$out/"
done <<'SUMS'
596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb chelsea.png
cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7 coffee.png
db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179 motorcycle_left.png
c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c rocket.jpg
SUMS
ls "$out"
