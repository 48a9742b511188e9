"use strict";

/** `ms` of loud 16 kHz 16-bit mono PCM (a square wave), which the simulator hears as speech. */
function speech(ms) {
  const buf = Buffer.alloc((ms * 16000 * 2) / 1000);
  for (let i = 0; i < buf.length / 2; i++) buf.writeInt16LE(i % 40 < 20 ? 8000 : -8000, i * 2);
  return buf;
}

module.exports = { speech };
