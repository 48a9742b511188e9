"use strict";
// Compressed fixtures whose container the client times by its own clock, and garbage to splice
// into them, for the damaged-input tests at clock and node level.

/** Every fixture a container clock times: Ogg (Opus, Vorbis, FLAC), WebM, MP3 (MPEG-1, -2, -2.5, CBR, VBR), FLAC, ADTS AAC. */
const CLOCKED_FILES = [
  "speech.ogg",
  "speech-vorbis.ogg",
  "speech-flac.oga",
  "speech.webm",
  "speech-clusters.webm",
  "speech-16k-cbr-id3.mp3",
  "speech-44k-stereo.mp3",
  "speech-44k-vbr-id3.mp3",
  "speech-8k-mpeg25.mp3",
  "speech.flac",
  "speech.aac",
];

/** Deterministic garbage (a linear congruential generator), so a failure can be reproduced. */
function garbage(n, seed) {
  const out = Buffer.alloc(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = (s >> 16) & 0xff;
  }
  return out;
}

/** `clean` with `n` bytes of garbage inserted at byte `at`. */
function spliced(clean, at, n) {
  return Buffer.concat([clean.subarray(0, at), garbage(n, at), clean.subarray(at)]);
}

module.exports = { CLOCKED_FILES, garbage, spliced };
