#!/usr/bin/env bash
# Makes the data of examples/overdrive_lstm.cpp, at run time (nothing of it is committed): real
# speech from espeak-ng and a sine sweep, at 48 kHz mono, and the same audio through sox's
# `overdrive` effect, the effect the example learns. Writes raw float32 files into OUTDIR:
#   train_in.f32 train_out.f32   speech (one voice) then the sweep: what the model trains on
#   test_in.f32  test_out.f32    other sentences in another voice: held out
# Usage: make_audio.sh OUTDIR [SECONDS]   (SECONDS: keep only the first SECONDS of each set)
set -euo pipefail
out="${1:?usage: make_audio.sh OUTDIR [SECONDS]}"
seconds="${2:-}"
for tool in sox espeak-ng; do
  command -v "$tool" >/dev/null || { echo "make_audio.sh: needs $tool (scripts/install-deps installs it)" >&2; exit 1; }
done
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

espeak-ng -v en -s 160 -w "$tmp/a.wav" \
  "The quick brown fox jumps over the lazy dog while the band plays loud guitar chords all night long."
espeak-ng -v en-us -p 70 -s 140 -w "$tmp/b.wav" \
  "Every distortion pedal bends the waveform, clipping its peaks into warm and buzzing harmonics."
# 48 kHz mono, peaks at -3 dB; the sweep covers the guitar's range.
sox "$tmp/a.wav" -r 48000 -c 1 "$tmp/a48.wav" gain -n -3
sox "$tmp/b.wav" -r 48000 -c 1 "$tmp/b48.wav" gain -n -3
sox -n -r 48000 -c 1 "$tmp/sweep.wav" synth 3 sine 40:6000 gain -n -3
sox "$tmp/a48.wav" "$tmp/sweep.wav" "$tmp/train.wav"

trim=()
[ -n "$seconds" ] && trim=(trim 0 "$seconds")
for set in train:train b48:test; do
  src="${set%%:*}" name="${set##*:}"
  [ "$src" = train ] && wav="$tmp/train.wav" || wav="$tmp/$src.wav"
  sox "$wav" -t f32 -r 48000 -c 1 "$out/${name}_in.f32" "${trim[@]}"
  # The effect: overdrive with gain 20 dB and colour 20 (sox's defaults), without dither.
  sox -D "$wav" -t f32 -r 48000 -c 1 "$out/${name}_out.f32" overdrive 20 20 "${trim[@]}"
done
