#!/usr/bin/env node
"use strict";
// The bench's compressed fixtures, made once per format and length and kept in
// <out>/fixtures (bench-results/ is not committed): the PCM every stream of the PCM bench carries,
// for that many seconds, encoded by ffmpeg (PATH, else @ffmpeg-installer's) in bitexact mode, so
// the same ffmpeg gives the same bytes. `npm run bench -- --format ...` makes what it lacks.
// Usage: node scripts/bench/fixtures.js [--seconds 20] [--out bench-results] [format ...]
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const { parseArgs } = require("util");
const { CHUNK_MS, chunkAt } = require("./audio");
const { FORMATS, FORMAT_NAMES } = require("./formats");

// Audio beyond the last chunk a run sends: a 250 ms slice needs the blocks that end in it.
const MARGIN_SECONDS = 2;

/** Whole chunks of the PCM bench's audio covering `seconds`: the source of every compressed fixture. */
const sourceChunks = (seconds) => Math.ceil((seconds * 1000) / CHUNK_MS);
const sourcePcm = (seconds) => Buffer.concat(Array.from({ length: sourceChunks(seconds) }, (_, seq) => chunkAt(seq)));

function ffmpegBinary() {
  const { findFfmpeg, ffmpegMissingMessage } = require("../../dist/core/audio/ffmpeg-binary");
  const found = findFfmpeg();
  if (found === null) throw new Error(ffmpegMissingMessage("The bench's compressed fixtures"));
  return found;
}

/**
 * The fixture for `format` long enough for runs of `seconds`, encoded now if missing:
 * {file, audioMs}, audioMs being the length of the PCM it was encoded from.
 */
function fixtureFor(format, seconds, dir) {
  const spec = FORMATS[format];
  if (!spec?.encode) throw new Error(`"${format}" has no fixture: it is sent as generated PCM.`);
  const length = Math.ceil(seconds) + MARGIN_SECONDS;
  const file = path.join(dir, `${format}-${length}s.${spec.ext}`);
  const made = { file, audioMs: sourceChunks(length) * CHUNK_MS };
  if (fs.existsSync(file)) return made;
  fs.mkdirSync(dir, { recursive: true });
  const input = ["-f", "s16le", "-ar", "16000", "-ac", "1", "-i", "pipe:0"];
  const exact = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact"];
  const partial = `${file}.part`;
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...input, ...exact, ...spec.encode, spec.pipe ? "pipe:1" : partial];
  const out = execFileSync(ffmpegBinary(), args, { input: sourcePcm(length), maxBuffer: 256 * 1024 * 1024 });
  if (spec.pipe) fs.writeFileSync(partial, out);
  fs.renameSync(partial, file);
  return made;
}

/** The fixture of every compressed format in `formats`, as {format: {file, audioMs}}. */
function fixturesFor(formats, seconds, dir) {
  return Object.fromEntries(formats.filter((f) => FORMATS[f].encode).map((f) => [f, fixtureFor(f, seconds, dir)]));
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { seconds: { type: "string", default: "20" }, out: { type: "string", default: path.join(__dirname, "..", "..", "bench-results") } },
  });
  const formats = positionals.length ? positionals : FORMAT_NAMES.filter((f) => FORMATS[f].encode);
  const unknown = formats.find((f) => !FORMATS[f]?.encode);
  if (unknown) {
    console.error(`fixtures: no fixture for "${unknown}"; formats with one: ${FORMAT_NAMES.filter((f) => FORMATS[f].encode).join(", ")}`);
    process.exit(1);
  }
  for (const [format, { file, audioMs }] of Object.entries(fixturesFor(formats, Number(values.seconds), path.join(path.resolve(values.out), "fixtures")))) {
    console.log(`  ${format.padEnd(10)} ${file} (${fs.statSync(file).size} bytes, ${audioMs} ms of audio)`);
  }
}

module.exports = { fixtureFor, fixturesFor, sourcePcm, MARGIN_SECONDS };
