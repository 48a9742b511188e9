"use strict";
// The one recorded real Soniox session (soniox/soniox-compare, one-way translation en→de), read
// from the project's shared reference folder (../shared beside the checkout, as CI lays it out)
// rather than copied into this repository: the source repository states no licence, so its data
// stays where the reference material lives. The file's provenance line says what was converted.
const fs = require("fs");
const path = require("path");

const FILE = path.resolve(__dirname, "..", "..", "..", "shared", "soniox-real-frames", "soniox-compare__mock-transcript-data.jsonl");

/** The token list of each recorded response, with the recorder's null fields left out. */
function recordedResponses() {
  if (!fs.existsSync(FILE)) {
    throw new Error(`The recorded Soniox session is read from ${FILE} (the shared reference folder beside the checkout); it is missing, so this test cannot run.`);
  }
  return fs
    .readFileSync(FILE, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line).parts.map((part) => Object.fromEntries(Object.entries(part).filter(([, v]) => v !== null))));
}

module.exports = { recordedResponses, RECORDING_FILE: FILE };
