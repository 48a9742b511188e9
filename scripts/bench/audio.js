"use strict";
// The audio every contender sends: 16 kHz mono pcm_s16le in 120 ms chunks (as Soniox's own
// examples send), 3 s of speech-like tone then 600 ms of silence, so the simulator reveals words,
// finalizes them and detects endpoints as it would for someone talking.

const SAMPLE_RATE = 16000;
const CHUNK_MS = 120;
const CHUNK_BYTES = (SAMPLE_RATE * CHUNK_MS * 2) / 1000;
const SPEECH_CHUNKS = 25;
const CYCLE_CHUNKS = 30;

const START_FIELDS = {
  model: "stt-rt-v5",
  audio_format: "pcm_s16le",
  sample_rate: SAMPLE_RATE,
  num_channels: 1,
  enable_endpoint_detection: true,
};

function tone() {
  const buf = Buffer.alloc(CHUNK_BYTES);
  for (let i = 0; i < CHUNK_BYTES / 2; i++) {
    buf.writeInt16LE(Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 220 * i) / SAMPLE_RATE)), i * 2);
  }
  return buf;
}

const SPEECH = tone();
const SILENCE = Buffer.alloc(CHUNK_BYTES);

/**
 * The chunk with sequence number `seq` of any stream, in a buffer of its own as a device read or
 * a file read would give: whatever a client keeps of the audio shows up in its memory.
 */
const chunkAt = (seq) => Buffer.from(seq % CYCLE_CHUNKS < SPEECH_CHUNKS ? SPEECH : SILENCE);

/** A script long enough that `seconds` of this audio never runs out of words (350 ms each). */
function scriptFor(seconds) {
  const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
  const count = Math.ceil((seconds * 1000) / 350) + 20;
  return Array.from({ length: count }, (_, i) => words[i % words.length]).join(" ");
}

/** Where this audio has speech, for a simulator that counts compressed bytes instead of hearing them. */
const SPEECH_CYCLE = { speechMs: SPEECH_CHUNKS * CHUNK_MS, cycleMs: CYCLE_CHUNKS * CHUNK_MS };

module.exports = { CHUNK_MS, CHUNK_BYTES, START_FIELDS, SPEECH_CYCLE, chunkAt, scriptFor };
