// Control commands: parsing msg.control, finalize rate limits, push-to-talk, and inline voice activity over the audio.
// Imports audio through its face and the shared files; never Node-RED, the simulator, session or filter.
export * from "./command-table";
export * from "./command-word";
export * from "./parse";
export * from "./commands";
export * from "./settings";
export * from "./inline";
export * from "./vad";
export * from "./control-streams";
