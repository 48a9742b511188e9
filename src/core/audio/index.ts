// Audio formats: sniffing, WAV, format decisions and mismatch checks, PCM conversion, meters, ffmpeg and container resume points.
// Imports only the shared files (errors, clock, show-value); never Node-RED, the simulator or another part.
export * from "./adts-clock";
export * from "./aiff";
export * from "./audio-format";
export * from "./audio-meter";
export * from "./audio-pipeline";
export * from "./byte-cursor";
export * from "./clock-index";
export * from "./clock-meter";
export * from "./ffmpeg-binary";
export * from "./ffmpeg-probe";
export * from "./flac-clock";
export * from "./format-declaration";
export * from "./format-gate";
export * from "./matroska-clock";
export * from "./meter-for";
export * from "./mismatch";
export * from "./mpeg-clock";
export * from "./mpeg-frame";
export * from "./ogg-clock";
export * from "./pcm-convert";
export * from "./probe-meter";
export * from "./sniff";
export * from "./transcoder";
export * from "./wav";
export * from "./wav-body";
