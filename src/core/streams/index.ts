// The streams of one transcribe node: opening, format gate, caps, tombstones, hand-over, utterances and closing, as plain events.
// Imports session, audio, control and filter through their faces and the shared files; never Node-RED, the simulator or keys.
export * from "./stream-options";
export * from "./stream-registry";
export * from "./stream-key";
