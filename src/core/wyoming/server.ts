/**
 * The Wyoming speech-to-text server: a TCP listener whose connections each run a Connection, and
 * the table of live commands the flow's answers are routed through.
 */
import * as net from "net";
import type { Clock } from "../clock";
import { Connection, type DeliveryResult, type WyomingHandlers } from "./connection";
import { encodeEvent, type FrameLimits } from "./frame";
import { buildInfo, type InfoOptions } from "./info";
import type { Delivery } from "./transcript";

export interface WyomingServerOptions extends InfoOptions {
  host: string;
  /** 0 picks a free port (tests); see `port` once listening. */
  port: number;
  responseTimeoutMs: number;
  limits?: Partial<FrameLimits>;
  clock: Clock;
  handlers: WyomingHandlers;
}

export const DEFAULT_WYOMING_PORT = 10300;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 10_000;
// Each connection may hold up to one header, data section and payload (see FrameLimits): this
// bounds the whole server's buffers. A home has a handful of satellites, not dozens.
export const MAX_CONNECTIONS = 32;

let serverCount = 0;

export class WyomingServer {
  readonly #o: WyomingServerOptions;
  readonly #tag = `wy${(++serverCount).toString(36)}${Date.now().toString(36).slice(-4)}`;
  readonly #commands = new Map<string, Connection>();
  readonly #sockets = new Map<net.Socket, Connection>();
  readonly #info: Record<string, unknown>;
  #server: net.Server | null = null;
  #connectionCount = 0;

  constructor(options: WyomingServerOptions) {
    this.#o = options;
    this.#info = buildInfo(options);
  }

  /** Starts listening; rejects with the socket error (EADDRINUSE, EACCES) when it cannot. */
  listen(): Promise<void> {
    const server = net.createServer((socket) => this.#accept(socket));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#o.port, this.#o.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  get port(): number {
    const address = this.#server?.address();
    return typeof address === "object" && address !== null ? address.port : this.#o.port;
  }

  get connectionCount(): number {
    return this.#sockets.size;
  }

  get commandCount(): number {
    return this.#commands.size;
  }

  /** Routes the flow's text to its command ("settled": the command no longer waits: answered, gone). */
  deliver(commandId: string, d: Delivery): DeliveryResult {
    return this.#commands.get(commandId)?.deliver(commandId, d) ?? "settled";
  }

  /** Whether this server made the command id (answered or not). */
  owns(commandId: string): boolean {
    return commandId.startsWith(`${this.#tag}-`);
  }

  /** Stops listening and drops every client; their open commands are cancelled. */
  close(): Promise<void> {
    for (const [socket, connection] of this.#sockets) {
      connection.closed("closing");
      socket.destroy();
    }
    this.#sockets.clear();
    const server = this.#server;
    this.#server = null;
    if (server === null) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    if (this.#sockets.size >= MAX_CONNECTIONS) {
      socket.end(encodeEvent("error", { text: `This server takes at most ${MAX_CONNECTIONS} connections at once; close an idle one`, code: "too-many-connections" }));
      socket.setTimeout(2000, () => socket.destroy());
      return;
    }
    const connection = new Connection(
      {
        id: `${this.#tag}-${++this.#connectionCount}`,
        limits: this.#o.limits ?? {},
        info: () => this.#info,
        streaming: this.#o.streaming,
        endpointing: this.#o.endpointing,
        responseTimeoutMs: this.#o.responseTimeoutMs,
        clock: this.#o.clock,
        handlers: this.#o.handlers,
        commands: this.#commands,
      },
      {
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        end: () => {
          // What the client sent after the fault is not read: stop reading, flush the error, close.
          socket.pause();
          socket.end();
          socket.setTimeout(2000, () => socket.destroy());
        },
      },
    );
    this.#sockets.set(socket, connection);
    socket.on("data", (chunk: Buffer) => connection.receive(chunk));
    socket.on("close", () => {
      this.#sockets.delete(socket);
      connection.closed();
    });
  }
}
