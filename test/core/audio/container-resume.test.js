"use strict";
// A replacement session must get a decodable stream: header + the rest from a resume point.
// Checked with the real decoder (ffmpeg) on the real fixtures.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { containerHeader, resumePoint, needsHeader } = require("../../../dist/core/audio/container-resume");
const { ffmpegPath } = require("../../support/ffmpeg");

const AUDIO = path.join(__dirname, "..", "..", "fixtures", "audio");
const TOTAL_MS = 4267;

function decodedMs(bytes) {
  const r = spawnSync(ffmpegPath(), ["-hide_banner", "-loglevel", "error", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "8000", "pipe:1"], {
    input: bytes,
    maxBuffer: 64 * 1024 * 1024,
  });
  return r.stdout.length / 16;
}

/** Browsers' MediaRecorder starts a new cluster every second or so; ffmpeg's default is 5 s. */
function shortClusters(file) {
  const r = spawnSync(ffmpegPath(), ["-hide_banner", "-loglevel", "error", "-i", file, "-c", "copy", "-cluster_time_limit", "500", "-f", "webm", "pipe:1"], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return r.stdout;
}

describe("container resume after a reconnect", function () {
  this.timeout(20000);
  for (const [file, format] of [
    ["speech.ogg", "ogg"],
    ["speech.webm", "webm"],
    ["speech.flac", "flac"],
    ["speech-44k-stereo.mp3", "mp3"],
    ["speech.aac", "aac"],
  ]) {
    it(`${format}: header + tail from the resume point decodes to the rest of the audio`, function () {
      const bytes = format === "webm" ? shortClusters(path.join(AUDIO, file)) : fs.readFileSync(path.join(AUDIO, file));
      const header = containerHeader(format, bytes);
      assert.strictEqual(header !== null, needsHeader(format));
      const cut = Math.floor(bytes.length * 0.4);
      const tail = bytes.subarray(cut);
      const at = resumePoint(format, tail);
      assert.ok(at >= 0, "found a resume point");
      const resumed = Buffer.concat([header || Buffer.alloc(0), tail.subarray(at)]);
      const ms = decodedMs(resumed);
      assert.ok(ms > TOTAL_MS * 0.3 && ms < TOTAL_MS * 0.75, `decoded ${ms} ms of the remaining audio`);
    });
  }

  it("says when the header is not complete yet", function () {
    const ogg = fs.readFileSync(path.join(AUDIO, "speech.ogg"));
    assert.strictEqual(containerHeader("ogg", ogg.subarray(0, 30)), null);
    assert.strictEqual(containerHeader("flac", Buffer.from("fLaC")), null);
  });
});
