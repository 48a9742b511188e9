"use strict";
// A Wyoming client for tests, written from the protocol's public description (a JSON header line
// with type, data, data_length, payload_length; then data_length bytes of JSON merged over data;
// then payload_length bytes of payload), not from our server. It sends its event data in the
// separate data section, as the reference Python library does, so the server's merge is exercised.
const net = require("net");

class WyomingClient {
  static connect(port, host = "127.0.0.1") {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new WyomingClient(socket));
      });
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.events = [];
    this.closed = false;
    this.waiters = [];
    this.buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.read();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Sends one event; `data` goes after the header as its own section. */
  send(type, data, payload) {
    const header = { type };
    let dataBytes = null;
    if (data && Object.keys(data).length > 0) {
      dataBytes = Buffer.from(JSON.stringify(data), "utf8");
      header.data_length = dataBytes.length;
    }
    if (payload && payload.length > 0) header.payload_length = payload.length;
    const parts = [Buffer.from(JSON.stringify(header) + "\n", "utf8")];
    if (dataBytes) parts.push(dataBytes);
    if (payload && payload.length > 0) parts.push(payload);
    this.socket.write(Buffer.concat(parts));
  }

  /** Raw bytes, for malformed input. */
  raw(bytes) {
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** The same bytes `times` times, as the socket drains, until sent or the server closes: a long input without holding it. */
  async repeat(bytes, times) {
    for (let i = 0; i < times && !this.closed && !this.socket.destroyed; i++) {
      if (!this.socket.write(bytes)) await new Promise((resolve) => (this.socket.once("drain", resolve), this.socket.once("close", resolve)));
    }
  }

  read() {
    for (;;) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl === -1) return;
      const header = JSON.parse(this.buffer.subarray(0, nl).toString("utf8"));
      const dataLength = header.data_length || 0;
      const payloadLength = header.payload_length || 0;
      if (this.buffer.length < nl + 1 + dataLength + payloadLength) return;
      let data = header.data || {};
      if (dataLength > 0) data = { ...data, ...JSON.parse(this.buffer.subarray(nl + 1, nl + 1 + dataLength).toString("utf8")) };
      const payload = payloadLength > 0 ? this.buffer.subarray(nl + 1 + dataLength, nl + 1 + dataLength + payloadLength) : null;
      this.buffer = this.buffer.subarray(nl + 1 + dataLength + payloadLength);
      this.events.push({ type: header.type, data, payload });
      this.wake();
    }
  }

  wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first received event of `type` not yet taken (earlier ones of other types stay). */
  async next(type, timeoutMs = 8000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.events.findIndex((e) => e.type === type);
      if (i !== -1) return this.events.splice(i, 1)[0];
      if (this.closed) throw new Error(`connection closed before a "${type}" event (got ${this.events.map((e) => e.type).join(", ") || "nothing"})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${type}" event within ${timeoutMs} ms (got ${this.events.map((e) => e.type).join(", ") || "nothing"})`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async untilClosed(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("the server did not close the connection");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** One voice command as Home Assistant sends it: transcribe, audio-start, chunks of `pcm` at real time, audio-stop. */
  async command(pcm, { language, chunkMs = 64, stop = true, realTime = true, rate = 16000, request = {} } = {}) {
    const format = { rate, width: 2, channels: 1 };
    this.send("transcribe", language ? { language, ...request } : request);
    this.send("audio-start", format);
    const bytes = (chunkMs * rate * 2) / 1000;
    for (let at = 0; at < pcm.length; at += bytes) {
      this.send("audio-chunk", format, pcm.subarray(at, at + bytes));
      if (realTime) await new Promise((r) => setTimeout(r, chunkMs));
    }
    if (stop) this.send("audio-stop", {});
  }

  close() {
    this.socket.destroy();
  }
}

/** Speech-like 16 kHz s16le mono (a loud square wave), then `silenceMs` of zeros. */
function speech(ms, silenceMs = 0) {
  const loud = (ms * 16000) / 1000;
  const buf = Buffer.alloc((loud + (silenceMs * 16000) / 1000) * 2);
  for (let i = 0; i < loud; i++) buf.writeInt16LE(i % 40 < 20 ? 8000 : -8000, i * 2);
  return buf;
}

/** A port free right now on loopback. */
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

module.exports = { WyomingClient, speech, freePort };
