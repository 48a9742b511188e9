#!/usr/bin/env bash
# Regenerates every audio fixture in test/fixtures/audio from espeak-ng speech.
# Deterministic: sox runs without dither and ffmpeg in bitexact mode without metadata, so
# re-running produces byte-identical files and an unchanged git tree.
# Needs: espeak-ng, sox (with soxi), ffmpeg  (Debian: apt-get install ffmpeg espeak-ng sox libsox-fmt-mp3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/test/fixtures/audio"
SENTENCE="Hello world. This is a test of streaming speech to text from Node-RED."
PHRASE_1="Hello world."
PHRASE_2="This is a test."
PAUSE_S=1.5
VOICE=(-v en-us -s 170)

for tool in espeak-ng sox soxi ffmpeg; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "make-fixtures: '$tool' not found on PATH; install it (apt-get install ffmpeg espeak-ng sox libsox-fmt-mp3)" >&2
    exit 1
  fi
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

FF=(ffmpeg -hide_banner -loglevel error -nostdin -y)
# bitexact + no metadata: no encoder version strings, dates or random stream serials in the output.
EXACT=(-map_metadata -1 -fflags +bitexact -flags:a +bitexact)

# espeak-ng pads its output with silence; trim both ends so durations and pause spans are exact.
speak() { # text out.wav
  espeak-ng "${VOICE[@]}" -w "$WORK/espeak.wav" "$1"
  sox -D "$WORK/espeak.wav" "$2" silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse
}
to16k() { sox -D "$1" -r 16000 -c 1 -b 16 -e signed-integer "$2"; } # in.wav out.wav
ms_of() { soxi -D "$1" | awk '{ printf "%d", $1 * 1000 + 0.5 }'; }

speak "$SENTENCE" "$WORK/sentence.wav"
speak "$PHRASE_1" "$WORK/phrase1.wav"
speak "$PHRASE_2" "$WORK/phrase2.wav"
to16k "$WORK/sentence.wav" "$WORK/s16k.wav"
to16k "$WORK/phrase1.wav" "$WORK/p1-16k.wav"
to16k "$WORK/phrase2.wav" "$WORK/p2-16k.wav"
S16K="$WORK/s16k.wav"

mkdir -p "$OUT"
# README.md is hand-written; everything else here is generated.
find "$OUT" -mindepth 1 ! -name README.md -delete
cd "$OUT"

# Raw PCM and G.711 (headerless) plus their WAV forms.
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -c:a pcm_s16le speech-16k-mono.wav
"${FF[@]}" -i "$S16K" -f s16le speech-16k-mono.s16le
"${FF[@]}" -i "$S16K" -ar 8000 -f mulaw speech-8k.mulaw
"${FF[@]}" -i "$S16K" -ar 8000 -f alaw speech-8k.alaw
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -ar 8000 -c:a pcm_mulaw speech-8k-mulaw.wav
# 48 kHz float32 is 192 kB/s, so these two hold only the first phrase to stay small.
# sox's "wavpcm" type writes a plain format tag 3 header; ffmpeg would write WAVE_FORMAT_EXTENSIBLE.
sox -D "$WORK/p1-16k.wav" -r 48000 -e floating-point -b 32 -t wavpcm speech-48k-f32.wav
"${FF[@]}" -i speech-48k-f32.wav -f f32le speech-48k-f32le.raw

# Header-parser cases: a LIST/INFO chunk between fmt and data, and WAVE_FORMAT_EXTENSIBLE (24-bit).
"${FF[@]}" -i "$WORK/p1-16k.wav" -map_metadata -1 -fflags +bitexact -flags:a +bitexact \
  -metadata title="Soniox fixture" -metadata artist="make-fixtures.sh" -c:a pcm_s16le speech-16k-list-chunk.wav
sox -D "$WORK/p1-16k.wav" -b 24 -e signed-integer speech-16k-s24-extensible.wav

# Containers, all from the same 16 kHz sentence.
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -metadata title="Soniox fixture" -id3v2_version 3 \
  -ar 44100 -ac 2 -c:a libmp3lame -b:a 64k speech-44k-stereo.mp3
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -c:a libopus -b:a 24k speech.ogg
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -c:a libopus -b:a 24k speech.webm
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -c:a flac speech.flac
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -c:a aac -b:a 48k -f adts speech.aac
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -c:a wmav2 -b:a 32k -f asf speech.wma
# ffmpeg rather than sox: sox stamps the current time into an AIFF COMT chunk.
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -ar 8000 -c:a pcm_s16be speech.aiff
# More containers for the container-clock tests: MPEG-2 CBR, MPEG-1 VBR and MPEG-2.5 MP3 (all
# with ID3v2 and a Xing/Info + LAME tag), Vorbis and FLAC in Ogg, and WebM with a cluster every second.
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -metadata title="Soniox fixture" -id3v2_version 3 \
  -ar 16000 -ac 1 -c:a libmp3lame -b:a 32k speech-16k-cbr-id3.mp3
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -metadata title="Soniox fixture" -id3v2_version 3 \
  -ar 44100 -ac 1 -c:a libmp3lame -q:a 5 speech-44k-vbr-id3.mp3
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -ar 8000 -ac 1 -c:a libmp3lame -b:a 16k speech-8k-mpeg25.mp3
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -c:a libvorbis -q:a 0 speech-vorbis.ogg
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -c:a flac -f ogg speech-flac.oga
"${FF[@]}" -i "$S16K" "${EXACT[@]}" -c:a libopus -b:a 24k -cluster_time_limit 1000 speech-clusters.webm

# speech, pause, speech, pause: for endpoint and voice-activity tests.
sox -D -n -r 16000 -c 1 -b 16 -e signed-integer "$WORK/pause.wav" trim 0 "$PAUSE_S"
sox -D "$WORK/p1-16k.wav" "$WORK/pause.wav" "$WORK/p2-16k.wav" "$WORK/pause.wav" "$WORK/pauses.wav"
"${FF[@]}" -i "$WORK/pauses.wav" "${EXACT[@]}" -c:a pcm_s16le speech-with-pauses-16k.wav

printf '%s\n' "$SENTENCE" >transcript.txt

P1=$(ms_of "$WORK/p1-16k.wav")
P2=$(ms_of "$WORK/p2-16k.wav")
PAUSE=$(awk -v s="$PAUSE_S" 'BEGIN { printf "%d", s * 1000 }')
cat >pauses.json <<EOF
{
  "file": "speech-with-pauses-16k.wav",
  "spans": [
    { "kind": "speech", "startMs": 0, "endMs": $P1, "text": "$PHRASE_1" },
    { "kind": "silence", "startMs": $P1, "endMs": $((P1 + PAUSE)) },
    { "kind": "speech", "startMs": $((P1 + PAUSE)), "endMs": $((P1 + PAUSE + P2)), "text": "$PHRASE_2" },
    { "kind": "silence", "startMs": $((P1 + PAUSE + P2)), "endMs": $((P1 + PAUSE + P2 + PAUSE)) }
  ]
}
EOF

# Duration of the audio each file was encoded from (exact, from sox), so tests need no ffprobe.
# Decoders may add a few ms of codec priming/padding on top of this.
SENT=$(ms_of "$S16K")
PHR=$(ms_of "$WORK/p1-16k.wav")
{
  echo "{"
  echo "  \"speech-16k-mono.wav\": $SENT,"
  echo "  \"speech-16k-mono.s16le\": $SENT,"
  echo "  \"speech-8k.mulaw\": $SENT,"
  echo "  \"speech-8k.alaw\": $SENT,"
  echo "  \"speech-8k-mulaw.wav\": $SENT,"
  echo "  \"speech-48k-f32le.raw\": $PHR,"
  echo "  \"speech-48k-f32.wav\": $PHR,"
  echo "  \"speech-16k-list-chunk.wav\": $PHR,"
  echo "  \"speech-16k-s24-extensible.wav\": $PHR,"
  echo "  \"speech-44k-stereo.mp3\": $SENT,"
  echo "  \"speech.ogg\": $SENT,"
  echo "  \"speech.webm\": $SENT,"
  echo "  \"speech.flac\": $SENT,"
  echo "  \"speech.aac\": $SENT,"
  echo "  \"speech.wma\": $SENT,"
  echo "  \"speech.aiff\": $SENT,"
  echo "  \"speech-16k-cbr-id3.mp3\": $SENT,"
  echo "  \"speech-44k-vbr-id3.mp3\": $SENT,"
  echo "  \"speech-8k-mpeg25.mp3\": $SENT,"
  echo "  \"speech-vorbis.ogg\": $SENT,"
  echo "  \"speech-flac.oga\": $SENT,"
  echo "  \"speech-clusters.webm\": $SENT,"
  echo "  \"speech-with-pauses-16k.wav\": $((P1 + PAUSE + P2 + PAUSE))"
  echo "}"
} >durations.json

echo "make-fixtures: wrote to $OUT"
for f in *; do
  [ "$f" = README.md ] && continue
  printf '  %-32s %8d bytes\n' "$f" "$(stat -c %s "$f")"
done
printf '  %-32s %8d bytes\n' "total" "$(cat * | wc -c)"
