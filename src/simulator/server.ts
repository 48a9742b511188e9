/**
 * SonioxSimulator: a local TEST DOUBLE of the Soniox real-time speech-to-text service. It is a
 * real WebSocket server (plus two REST routes) that follows the project's Soniox protocol notes
 * (soniox-protocol.md), with switches for everything the docs leave unconfirmed and hooks to
 * inject faults. It recognises nothing: it "hears" a script.
 */
import { EventEmitter } from "node:events";
import { STATUS_CODES, createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { API_KEY_PROTOCOL, authenticateUpgrade } from "./auth";
import { SimulatedConnection, type SimConnection } from "./connection";
import { defaultErrorText } from "./messages";
import { resolveOptions, type ResolvedOptions, type SimulatorOptions } from "./options";
import { handleRest } from "./rest";
import { TempKeyStore } from "./temp-keys";

export const WEBSOCKET_PATH = "/transcribe-websocket";

function rejectUpgrade(socket: Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      "Connection: close\r\nContent-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

export class SonioxSimulator extends EventEmitter {
  /** Read when each connection opens, so tests may change it between connections. */
  options: SimulatorOptions;
  /** Temporary keys minted through POST /v1/auth/temporary-api-key. */
  readonly tempKeys = new TempKeyStore();
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly all: SimulatedConnection[] = [];
  private address: AddressInfo | null = null;
  private closing = false;

  constructor(options: SimulatorOptions = {}) {
    super();
    resolveOptions(options); // fail fast on options that cannot work
    this.options = options;
    this.http = createServer((req, res) => {
      const resolved = this.resolveCurrentOptions();
      if (resolved) handleRest(req, res, { options: resolved, tempKeys: this.tempKeys });
      else res.writeHead(500).end();
    });
    this.http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.http.on("error", (err: Error) => this.reportError(err));
    // Echo only the protocol name: the key itself must never travel back (protocol notes §2.1).
    this.wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => (protocols.has(API_KEY_PROTOCOL) ? API_KEY_PROTOCOL : false),
    });
  }

  /** Starts listening; port 0 (the default) picks a free port. */
  listen(port = 0, host = "127.0.0.1"): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.http.once("error", onError);
      this.http.listen(port, host, () => {
        this.http.off("error", onError);
        this.address = this.http.address() as AddressInfo;
        resolve();
      });
    });
  }

  get port(): number {
    if (!this.address) throw new Error("SonioxSimulator is not listening yet: await listen() before reading port or url.");
    return this.address.port;
  }

  private get hostForUrl(): string {
    const host = this.address?.address ?? "127.0.0.1";
    return host.includes(":") ? `[${host}]` : host;
  }

  /** WebSocket URL to give a client, e.g. ws://127.0.0.1:PORT/transcribe-websocket. */
  get url(): string {
    return `ws://${this.hostForUrl}:${this.port}${WEBSOCKET_PATH}`;
  }

  /** REST base URL (routes under /v1). */
  get httpUrl(): string {
    return `http://${this.hostForUrl}:${this.port}`;
  }

  /** Every connection ever accepted, in order. */
  get connections(): SimConnection[] {
    return [...this.all];
  }

  get openConnections(): SimConnection[] {
    return this.all.filter((c) => !c.closed);
  }

  /** Sends an error frame `{error_code, error_message, tokens: []}` on `conn`, then closes it with 1000. */
  injectError(conn: SimConnection, code: number, message?: string): void {
    this.own(conn).failWith(code, message ?? defaultErrorText(code));
  }

  /** Destroys the connection's TCP socket without a close frame. */
  abruptClose(conn: SimConnection): void {
    this.own(conn).abruptClose();
  }

  /** Makes the connection half-open: it stays up but sends nothing and answers no pings. */
  stopResponding(conn: SimConnection): void {
    this.own(conn).stopResponding();
  }

  /** Stops reading the connection's socket for `ms`, like a server that cannot keep up. */
  pauseReading(conn: SimConnection, ms: number): void {
    this.own(conn).pauseReading(ms);
  }

  /** Terminates every socket, clears every timer and stops listening. */
  close(): Promise<void> {
    this.closing = true;
    for (const conn of this.all) conn.terminate();
    this.wss.close();
    return new Promise((resolve) => {
      if (!this.http.listening) return resolve();
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private own(conn: SimConnection): SimulatedConnection {
    const found = this.all.find((c) => c === conn);
    if (!found) throw new Error(`Connection ${conn.index} does not belong to this simulator; pass one from simulator.connections.`);
    return found;
  }

  /** Options as they are now; a bad edit of `options` is reported as an "error" event, not thrown. */
  private resolveCurrentOptions(): ResolvedOptions | null {
    try {
      return resolveOptions(this.options);
    } catch (err) {
      this.reportError(err instanceof Error ? err : new Error(String(err)));
      return null;
    }
  }

  private reportError(err: Error): void {
    // An "error" event without listeners would throw and take the test process down.
    if (this.listenerCount("error") > 0) this.emit("error", err);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", (err: Error) => this.reportError(err));
    if (this.closing) {
      socket.destroy();
      return;
    }
    const path = new URL(req.url ?? "/", "http://simulator").pathname;
    if (path !== WEBSOCKET_PATH) {
      return rejectUpgrade(socket, 404, { error_code: 404, error_message: `No WebSocket endpoint at ${path}; use ${WEBSOCKET_PATH}.` });
    }
    const options = this.resolveCurrentOptions();
    if (!options) {
      return rejectUpgrade(socket, 500, { error_code: 500, error_message: "The simulator options are invalid; see its error event." });
    }
    const auth = authenticateUpgrade(req, options, this.tempKeys);
    if (auth.kind === "rejected" && options.badKeyResponse === "http") {
      return rejectUpgrade(socket, auth.code, { error_code: auth.code, error_message: auth.message });
    }
    const overCapacity = this.openConnections.length >= options.maxConcurrentConnections;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new SimulatedConnection(ws, {
        index: this.all.length,
        options,
        auth,
        tempKeys: this.tempKeys,
        overCapacity,
      });
      this.all.push(conn);
      this.emit("connection", conn);
      conn.begin();
    });
  }
}
