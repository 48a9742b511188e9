"use strict";
// Real-time pacing for every kind of input the issue names: raw formats (no ffmpeg needed), WAV
// (its header), and compressed containers (measured by decoding a copy with ffmpeg).
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { parseWavHeader } = require("../../dist/core/audio/wav");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { leadOverSource } = require("../support/pacing");

const KEY = "fmt-key";
const AUDIO = path.join(__dirname, "..", "fixtures", "audio");
const DURATION_MS = 4267;
const read = (f) => fs.readFileSync(path.join(AUDIO, f));

const CASES = [
  { file: "speech-8k.mulaw", props: { audioFormat: "mulaw", sampleRate: 8000, numChannels: 1 }, start: { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 } },
  { file: "speech-8k.alaw", props: { audioFormat: "alaw", sampleRate: 8000, numChannels: 1 }, start: { audio_format: "alaw", sample_rate: 8000, num_channels: 1 } },
  { file: "speech-16k-mono.s16le", props: { audioFormat: "pcm_s16le" }, start: { audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 } },
  { file: "speech-8k-mulaw.wav", props: { audioFormat: "auto" }, start: { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 }, wavBody: true },
  { file: "speech-44k-stereo.mp3", props: { audioFormat: "auto" }, start: { audio_format: "auto" }, container: true },
  { file: "speech.ogg", props: { audioFormat: "auto" }, start: { audio_format: "auto" }, container: true },
  { file: "speech.flac", props: { audioFormat: "auto" }, start: { audio_format: "auto" }, container: true },
  { file: "speech.webm", props: { audioFormat: "auto" }, start: { audio_format: "auto" }, container: true },
  { file: "speech.aac", props: { audioFormat: "auto" }, start: { audio_format: "auto" }, container: true },
];

describe("real-time pacing of whole files in every input format", function () {
  this.timeout(20000);
  let sim;
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  for (const c of CASES) {
    it(`${c.file}: start message ${JSON.stringify(c.start)}, every byte sent, never far ahead of real time`, async function () {
      const bytes = read(c.file);
      // The simulator times compressed audio by decoding it, so its lead is measured in real audio time.
      sim = await startSimulator({ apiKeys: [KEY], pacing: { maxLeadMs: 4000, enforce: false } });
      await new Promise((resolve) => helper.startServer(resolve));
      await load(NODES, transcribeFlow(sim, c.props), { cfg: { apiKey: KEY } });
      const responses = collect("responses");
      const tx = helper.getNode("tx");
      const handedAt = Date.now();
      tx.receive({ topic: "f", payload: bytes, control: "stop" });
      await waitFor(() => responses.some((m) => m.payload.finished), 15000, "finished");
      const conn = sim.connections[0];
      for (const [k, v] of Object.entries(c.start)) assert.strictEqual(conn.startMessage[k], v, k);
      const { dataOffset, dataBytes } = c.wavBody ? parseWavHeader(bytes).info : { dataOffset: 0, dataBytes: bytes.length };
      assert.ok(conn.receivedAudio().equals(bytes.subarray(dataOffset, dataOffset + dataBytes)), "every byte (of a WAV: every sample), in order");
      const audioFrames = conn.frames.filter((f) => f.dir === "in" && f.type === "binary");
      const spread = audioFrames[audioFrames.length - 1].at - audioFrames[0].at;
      assert.ok(spread >= DURATION_MS - 1500, `sent over ${spread} ms, not in a burst`);
      const lead = leadOverSource(conn, handedAt);
      assert.ok(lead <= (c.container ? 1800 : 700), `lead ${lead} ms`);
      const warnings = tx.warn.args.map((a) => String(a[0]));
      assert.ok(!warnings.some((w) => /approximate/.test(w)), `no approximate-pacing warning: ${warnings}`);
    });
  }
});
