"use strict";
// A WebSocket server written by hand over a plain HTTP server, so a test can misbehave in ways a
// proper library refuses to: answer the upgrade with any status and body, write a frame header
// claiming 100 MiB, flood frames without waiting, or say nothing at all.
const http = require("http");
const crypto = require("crypto");

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

function frameHeader(opcode, length) {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 65536) {
    const h = Buffer.alloc(4);
    h[0] = 0x80 | opcode;
    h[1] = 126;
    h.writeUInt16BE(length, 2);
    return h;
  }
  const h = Buffer.alloc(10);
  h[0] = 0x80 | opcode;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/** A connection the behaviour drives: accept() completes the handshake, then frames go out raw. */
function connection(req, socket) {
  let closed = false;
  socket.on("close", () => (closed = true));
  socket.on("error", () => (closed = true));
  return {
    req,
    socket,
    get closed() {
      return closed || socket.destroyed;
    },
    accept() {
      const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + GUID).digest("base64");
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    },
    refuse(status, body) {
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
    text(s) {
      const payload = Buffer.from(s);
      return !this.closed && socket.write(Buffer.concat([frameHeader(0x1, payload.length), payload]));
    },
    binary(buf) {
      return !this.closed && socket.write(Buffer.concat([frameHeader(0x2, buf.length), buf]));
    },
    /** A text frame of `length` bytes written in chunks, stopping as soon as the client hangs up. */
    async hugeText(length) {
      socket.write(frameHeader(0x1, length));
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      for (let sent = 0; sent < length && !this.closed; sent += chunk.length) {
        if (!socket.write(chunk.subarray(0, Math.min(chunk.length, length - sent)))) {
          await new Promise((resolve) => {
            socket.once("drain", resolve);
            socket.once("close", resolve);
          });
        }
      }
    },
  };
}

/** Starts a server whose every upgrade is handed to `behaviour(conn)`; resolves to {url, close}. */
function startRawServer(behaviour) {
  const sockets = new Set();
  const server = http.createServer((req, res) => res.writeHead(404).end());
  server.on("upgrade", (req, socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    behaviour(connection(req, socket));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        url: `ws://127.0.0.1:${server.address().port}/transcribe-websocket`,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Mocha hooks for a suite of scenarios against raw servers: the Node-RED test helper's server
 * around each test, and after it the flow unloaded and the server the test kept in `suite.server`
 * closed. Call inside describe().
 */
function rawServerSuite(helper) {
  const suite = { server: null };
  beforeEach(async function () {
    await new Promise((resolve) => helper.startServer(resolve));
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    if (suite.server) await suite.server.close();
    suite.server = null;
  });
  return suite;
}

module.exports = { startRawServer, rawServerSuite };
