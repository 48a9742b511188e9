// The Soniox connection: wire format, transport, session state machine, send queue, replay, reconnect policy, start message, endpoints and the reconnecting stream.
// Imports audio and control through their faces and the shared files; never Node-RED, the simulator, filter or keys.
export * from "./protocol";
export * from "./transport";
export * from "./session";
export type { SessionState } from "./session-state";
export * from "./session-types";
export * from "./send-queue";
export * from "./replay-log";
export * from "./reconnect-policy";
export * from "./start-message";
export * from "./start-fields";
export * from "./start-field-table";
export * from "./stream-defaults";
export * from "./stream-types";
export * from "./stream";
export * from "./results";
export * from "./endpoint";
