// Audio formats: sniffing, WAV, format decisions and mismatch checks, PCM conversion, meters, ffmpeg and container resume points.
// Imports only the shared files (errors, clock, show-value); never Node-RED, the simulator or another part.
export * from "./audio-format";
export * from "./audio-meter";
export * from "./audio-pipeline";
export * from "./container-resume";
export * from "./ffmpeg-binary";
export * from "./ffmpeg-probe";
export * from "./format-declaration";
export * from "./format-gate";
export * from "./meter-for";
export * from "./mismatch";
export * from "./pcm-convert";
export * from "./probe-meter";
export * from "./sniff";
export * from "./stream-head";
export * from "./transcoder";
export * from "./wav";
export * from "./wav-body";
