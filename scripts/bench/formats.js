"use strict";
// The audio formats the bench can stream (--format): 16 kHz PCM, and what users mostly send
// instead. Every compressed format is encoded from the same audio the PCM streams carry (audio.js:
// 3 s of tone, 600 ms of silence, repeated), so the simulator hears the same speech and silence in
// every format and the responses, and their cost, are the same: only the audio path differs.
// How each is cut is what its usual source sends: MediaRecorder's 250 ms timeslices for WebM,
// one Ogg page (40 ms, inside the 20-60 ms a live Ogg/Opus recorder writes) per message, and
// 4096-byte reads, paced at the file's byte rate, for MP3 and AAC files.
const { START_FIELDS } = require("./audio");

const FORMATS = {
  pcm: { label: "PCM s16le 16 kHz mono, 120 ms chunks" },
  "ogg-opus": {
    label: "Ogg/Opus 24 kbps, one 40 ms page per message",
    ext: "ogg",
    encode: ["-c:a", "libopus", "-b:a", "24k", "-page_duration", "40000", "-f", "ogg"],
    slices: { kind: "ogg", periodMs: 40 },
  },
  "webm-opus": {
    label: "WebM/Opus 48 kHz 32 kbps, 250 ms MediaRecorder slices",
    ext: "webm",
    // Written to a pipe, as a live muxer writes it: the Segment has an unknown size and no Cues.
    encode: ["-ar", "48000", "-c:a", "libopus", "-b:a", "32k", "-f", "webm"],
    pipe: true,
    slices: { kind: "webm", periodMs: 250 },
  },
  mp3: {
    label: "MP3 44.1 kHz stereo 128 kbps CBR, 4096-byte reads",
    ext: "mp3",
    encode: ["-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"],
    reads: { bytes: 4096, frames: "cbr" },
  },
  aac: {
    label: "AAC-LC (ADTS) 48 kHz stereo 96 kbps, 4096-byte reads",
    ext: "aac",
    encode: ["-ar", "48000", "-ac", "2", "-c:a", "aac", "-b:a", "96k", "-f", "adts"],
    reads: { bytes: 4096, frames: "adts" },
  },
};

const FORMAT_NAMES = Object.keys(FORMATS);

/** The start message fields for a format: PCM declares itself, containers are "auto" as ours sends them. */
function startFieldsFor(format) {
  if (format === "pcm") return START_FIELDS;
  return { model: START_FIELDS.model, audio_format: "auto", enable_endpoint_detection: true };
}

module.exports = { FORMATS, FORMAT_NAMES, startFieldsFor };
