"use strict";
// How far a stream ran ahead of real time counted from when its audio reached the transcribe node,
// which is what our pacing promises (at most 500 ms ahead, plus scheduling slack). The simulator
// counts from the first audio frame it read; a client buffers while it connects (as Soniox
// advises) and sends that at once, so from there the lead also holds the connect time, and any
// stall of the event loop before the first frame was read: under CI load that alone passed
// 200 ms. Both readings are Date.now() (the simulator's default clock).
function leadOverSource(conn, handedAt) {
  if (conn.firstAudioAt === null) return 0;
  return conn.maxLeadMs - Math.max(0, conn.firstAudioAt - handedAt);
}

module.exports = { leadOverSource };
