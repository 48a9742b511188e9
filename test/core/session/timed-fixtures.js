"use strict";
// The fixture files with words at known times, and the test's own way of finding where in a file a
// connection's audio begins (byte matching, and ffmpeg decoding for compressed files), so the
// simulator's idea of "the true time" owes nothing to the client's clocks.
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const FFMPEG = require("@ffmpeg-installer/ffmpeg").path;

const FIXTURES = path.join(__dirname, "../../fixtures/audio");
const SCRIPT = fs.readFileSync(path.join(FIXTURES, "transcript.txt"), "utf8").trim().split(/\s+/);
const FILE_MS = 4267;

/** The script spread over the file: word i at a fixed place, so "its time in the file" is known. */
const WORDS = SCRIPT.map((text, i) => {
  const step = (FILE_MS - 200) / SCRIPT.length;
  const startMs = Math.round(100 + i * step);
  return { text, startMs, endMs: Math.round(startMs + step * 0.8) };
});

/** Where the audio data of a RIFF file starts: after the "data" chunk header. */
function wavDataStart(buf) {
  const at = buf.indexOf("data", 12, "latin1");
  return at < 0 ? -1 : at + 8;
}

/**
 * Finds a connection's first audio in the file by its bytes. `bytesPerMs` and `frame` describe
 * the file's samples; a WAV connection may start with the header re-sent, which is skipped.
 */
function locator(file, { wav, bytesPerMs, frame }) {
  const dataStart = wav ? wavDataStart(file) : 0;
  const data = file.subarray(dataStart);
  return (received) => {
    let audio = received;
    if (wav && received.subarray(0, 4).toString("latin1") === "RIFF") {
      const start = wavDataStart(received);
      if (start < 0) return null;
      audio = received.subarray(start);
    }
    if (audio.length < 256) return null;
    const probe = audio.subarray(0, Math.min(audio.length, 4096));
    const at = data.indexOf(probe);
    if (at < 0 || at % frame !== 0 || data.lastIndexOf(probe) !== at) return null;
    return at / bytesPerMs;
  };
}

/**
 * Audio time before byte `at` of a compressed file, by ffmpeg decoding the bytes before it (so the
 * test's truth owes nothing to the client's container clocks).
 */
function decodedMsBefore(file, at) {
  if (at === 0) return 0;
  // A cut file ends in a partial frame or page, which ffmpeg reports as an error after decoding the rest.
  const run = spawnSync(FFMPEG, ["-v", "quiet", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "48000", "pipe:1"], {
    input: file.subarray(0, at),
    maxBuffer: 1 << 26,
  });
  // Nothing decoded means the bytes before `at` are the header alone: time 0.
  return (run.stdout ? run.stdout.length : 0) / 96;
}

/**
 * Finds a connection's first audio in a compressed file: the longest run at the end of what it
 * received that matches the file (whatever header came before it), then the decoded time there.
 */
function containerLocator(file) {
  const memo = new Map();
  return (received) => {
    if (received.length < 1024) return null;
    const n = received.length;
    const end = file.indexOf(received.subarray(n - 512));
    if (end < 0 || file.lastIndexOf(received.subarray(n - 512)) !== end) return null;
    const shift = end - (n - 512); // received[i] is file[i + shift] along the matching run
    let i = n - 513;
    while (i >= 0 && i + shift >= 0 && received[i] === file[i + shift]) i--;
    const position = i + 1 + shift;
    if (!memo.has(position)) memo.set(position, decodedMsBefore(file, position));
    return memo.get(position);
  };
}

const FORMATS = [
  { name: "WAV s16 16k", file: "speech-16k-mono.wav", start: { audio_format: "auto" }, wav: true, bytesPerMs: 32, frame: 2 },
  { name: "raw PCM s16le", file: "speech-16k-mono.s16le", start: { audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 }, bytesPerMs: 32, frame: 2 },
  { name: "mu-law raw", file: "speech-8k.mulaw", start: { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 }, bytesPerMs: 8, frame: 1 },
  { name: "mu-law WAV", file: "speech-8k-mulaw.wav", start: { audio_format: "auto" }, wav: true, bytesPerMs: 8, frame: 1 },
  ...[
    ["OGG/Opus", "speech.ogg"],
    ["OGG/Vorbis", "speech-vorbis.ogg"],
    ["WebM/Opus", "speech.webm"],
    ["WebM/Opus, many clusters", "speech-clusters.webm"],
    ["MP3 44.1k stereo", "speech-44k-stereo.mp3"],
    ["MP3 CBR + ID3", "speech-16k-cbr-id3.mp3"],
    ["MP3 VBR + ID3", "speech-44k-vbr-id3.mp3"],
    ["FLAC", "speech.flac"],
    ["FLAC in Ogg", "speech-flac.oga"],
    ["AAC (ADTS)", "speech.aac"],
    ["AIFF", "speech.aiff"],
  ].map(([name, file]) => ({ name, file, start: { audio_format: "auto" }, container: true })),
];

/** Bytes per ms of a file (compressed files: on average), for feeding it in 100 ms pieces. */
function bytesPerMsOf(format) {
  return format.bytesPerMs ?? fs.statSync(path.join(FIXTURES, format.file)).size / FILE_MS;
}

/** The simulator's locate function for a format and its file's bytes. */
function locatorFor(format, file) {
  return format.container ? containerLocator(file) : locator(file, format);
}

module.exports = { FIXTURES, SCRIPT, WORDS, FORMATS, locatorFor, bytesPerMsOf };
