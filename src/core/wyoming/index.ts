// Home Assistant's Wyoming speech-to-text protocol: the wire format, one connection's state machine, the info we announce and the TCP server.
// Imports session through its face and the shared files; never Node-RED, the simulator, streams or audio.
export * from "./frame";
export * from "./info";
export * from "./transcript";
export * from "./connection";
export * from "./server";
export * from "./discovery";
