// Token filtering: selection, utterances, captions, speaker turns and phrase matching over Soniox token streams.
// Imports session (for the wire types) through its face and the shared files; never Node-RED, the simulator, audio or control.
export * from "./modes";
export * from "./token-filter";
export * from "./utterance";
export * from "./caption";
export * from "./config";
export * from "./phrase-matcher";
export * from "./selection";
export * from "./speaker-turns";
