"use strict";
// What a clear error looks like: it names the thing that was wrong (msg.payload, msg.control, a
// start option, a stream) and says what to do, and it never leaks a JavaScript internal.

/** Every error a transcribe node may give a Catch node, by what it is about. */
const CATEGORIES = [
  ["payload type", /^msg\.payload must be audio bytes \(Buffer, Uint8Array or ArrayBuffer\), got (an? \w+|NaN|\w+Array|DataView)\. Read files/],
  ["payload empty", /^msg\.payload is empty: send audio bytes or a msg\.control command$/],
  ["control unknown", /^Unknown msg\.control .+: use one of start, finalize, keepalive, pause, resume, stop, cancel/s],
  ["control trailing silence", /^trailing_silence_ms must be an integer from 0 to 60000 ms \(got .+\)$/],
  ["msg.soniox type", /^msg\.soniox must be an object of Soniox start options/],
  ["start options", /^Invalid Soniox options: [a-z_]+[^;]*\b(must|is required)\b/],
  ["stream refused", /^Too many streams: \d+ are open, so ".*" was not started\. Stop unused streams or raise "Max streams"\.$/s],
  ["no stream", /^No open stream ".*" to \w+: send audio or a "start" command first$/s],
  ["stream not live", /^(Cannot \w+( a command)?: the stream is \w+|Stream ".*" is \w+: audio was not accepted)$/s],
  ["soniox error", /^\[.*\] Soniox error \d+: \S.+/s],
  ["connection", /^\[.*\] (Connection to Soniox closed before the stream finished|Could not connect to Soniox|Soniox did not confirm the end)/s],
];

const INTERNALS = /TypeError|ReferenceError|RangeError|SyntaxError|is not a function|Cannot read prop|Cannot convert|\[object Object\]|Maximum call stack|at Object\.|\bundefined\b/;

/** The category of an error text, or throws naming the text when it is not clear. */
function classifyError(text) {
  if (typeof text !== "string" || text.length < 15) throw new Error(`Error text is too short to be clear: ${JSON.stringify(text)}`);
  const bare = text.replace(/^(Soniox)?Error: /, "");
  if (INTERNALS.test(bare)) throw new Error(`Error text leaks a JavaScript internal: ${JSON.stringify(text.slice(0, 300))}`);
  const hit = CATEGORIES.find(([, re]) => re.test(bare));
  if (!hit) throw new Error(`Error text fits no known clear form: ${JSON.stringify(text.slice(0, 300))}`);
  return hit[0];
}

module.exports = { classifyError };
