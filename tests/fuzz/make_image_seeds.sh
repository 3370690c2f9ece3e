#!/usr/bin/env bash
# Makes the seed images of the image_decode fuzz target: one tiny file for each
# PNG, JPEG and BMP variant stb decodes (bit depths, palettes, interlacing,
# progressive and grayscale JPEG, restart intervals, BMP header versions and
# RLE, which stb refuses: unsupported_*). Needs ImageMagick (apt-get install imagemagick); run once, commit the
# files (tests/data/images/formats; the image tests and the fuzzer use them).
# usage: tests/fuzz/make_image_seeds.sh OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:?usage: make_image_seeds.sh OUT_DIR}"
mkdir -p "$out"
src="$(mktemp --suffix=.png)"
trap 'rm -f "$src"' EXIT
convert tests/data/images/grace_hopper_512x512.jpg -resize 13x11! "$src"

png() { convert "$src" "$@"; }
png -define png:color-type=2 -depth 8 "PNG24:$out/rgb8.png"
png -alpha set -channel A -evaluate set 50% +channel "PNG32:$out/rgba8.png"
png -colorspace Gray -depth 8 "PNG8:$out/gray8.png"
png -colorspace Gray -alpha set "$out/gray_alpha.png"
png -colors 16 "PNG8:$out/palette.png"
png -depth 16 "PNG48:$out/rgb16.png"
png -interlace PNG "PNG24:$out/interlaced.png"
png -colorspace Gray -depth 1 -type Bilevel "$out/gray1.png"
png -colors 4 -depth 2 "PNG8:$out/palette2.png"

png -quality 80 "$out/baseline.jpg"
png -interlace JPEG "$out/progressive.jpg"
png -colorspace Gray "$out/gray.jpg"
png -sampling-factor 4:2:0 "$out/yuv420.jpg"
png -sampling-factor 4:4:4 "$out/yuv444.jpg"
png -sampling-factor 2x1 "$out/yuv422.jpg"
png -define jpeg:restart-interval=1 "$out/restart.jpg"
png -colorspace CMYK "$out/cmyk.jpg"

png -type TrueColor "BMP3:$out/rgb24.bmp"
png -alpha set -type TrueColorAlpha "BMP:$out/rgba32.bmp"
png -colors 200 -type Palette -compress None "BMP3:$out/palette8.bmp"
png -colors 16 -type Palette -compress None "BMP3:$out/palette4.bmp"
png -type Bilevel "BMP3:$out/mono1.bmp"
png -colors 200 -type Palette -compress RLE "BMP3:$out/unsupported_rle8.bmp"
png -type TrueColor "BMP2:$out/os2.bmp"
ls -la "$out"
