import { createRequire } from 'node:module';

// node-media-server's RTMP protocol layer: the handshake (simple and digest), chunk streams, AMF0 commands
// and FLV tags. Its server class is not used: it keeps one configuration per process, prints every session
// at debug level, persists a store in the working directory, accepts only single-segment application names
// (Wowza Real-Time's is `v2/pub`), has no connect-time authentication (Wowza's entry points ask for Adobe's)
// and reports a publisher gone 30 s after its socket closed. See docs/decisions/2026-11-29-rtmp-ingest.md.
// The package ships JavaScript without declarations; these are the parts the sandbox uses, as 4.4.3 has them.

/** A media message as node-media-server parses it (`core/avpacket.js`). */
export interface NmsAvPacket {
  /** FLV tag type: 8 audio, 9 video, 18 script data. */
  codec_type: number;
  codec_id: number;
  /** 0 audio header, 1 audio frame, 2 video header, 3 key frame, 4 inter frame, 5 metadata. */
  flags: number;
  dts: number;
  pts: number;
  size: number;
  data: Buffer;
}

/** An AMF0 command as `decodeAmf0Cmd` returns it. */
export interface NmsInvokeMessage {
  cmd: string;
  transId: number;
  cmdObj?: Record<string, unknown> | null;
  streamName?: string;
}

/** One connection's protocol state (`protocol/rtmp.js`). */
export interface NmsRtmp {
  onConnectCallback: (request: unknown) => void;
  onPlayCallback: () => void;
  onPushCallback: () => void;
  onPacketCallback: (packet: NmsAvPacket) => void;
  onOutputCallback: (buffer: Buffer) => void;
  /** Feeds received bytes; returns an error text when the stream cannot be parsed. */
  parserData(buffer: Buffer): string | null;
  // Handlers of the commands, replaced per connection by the sandbox.
  onConnect: (message: NmsInvokeMessage) => void;
  onPublish: (message: NmsInvokeMessage) => void;
  onPlay: (message: NmsInvokeMessage) => void;
  respondConnect(transId: number): void;
  respondPublish(): void;
  sendWindowACK(size: number): void;
  setPeerBandwidth(size: number, type: number): void;
  setChunkSize(size: number): void;
  sendInvokeMessage(streamId: number, message: Record<string, unknown>): void;
  sendStatusMessage(streamId: number, level: string, code: string, description: string): void;
  outChunkSize: number;
  objectEncoding: number;
  connectCmdObj: Record<string, unknown> | undefined;
  streamApp: string;
  streamName: string;
  streamId: number;
  parserPacket: { header: { stream_id: number; length: number } };
  /** The message being read on each chunk stream the peer has used, by chunk stream id. */
  inPackets: Map<number, unknown>;
  /** Sets aside room for the message `parserPacket.header.length` declares, before its bytes arrive. */
  packetAlloc(): void;
}

interface NmsFlv {
  createHeader(hasAudio: boolean, hasVideo: boolean): Buffer;
  createMessage(packet: NmsAvPacket): Buffer;
}

interface NmsAmf {
  decodeAmf0Data(data: Buffer): { cmd?: string; method?: string; dataObj?: Record<string, unknown> | null };
  encodeAmf0Data(data: Record<string, unknown>): Buffer;
}

interface NmsLogger {
  log(message: string, level?: string): void;
}

const require = createRequire(import.meta.url);
const load = <T>(path: string) => require(`node-media-server/src/${path}`) as T;

/** A new connection's protocol state. */
export const createNmsRtmp = (): NmsRtmp => {
  const rtmp = new (load<new () => NmsRtmp>('protocol/rtmp.js'))();
  // Its constructor also makes an FLV parser with a 1 MiB buffer that nothing in the RTMP code reads: let it
  // go now rather than hold a mebibyte for every connection, however briefly it stays.
  (rtmp as { flv?: unknown }).flv = undefined;
  return rtmp;
};
export const nmsFlv = load<NmsFlv>('protocol/flv.js');
export const nmsAmf = load<NmsAmf>('protocol/amf.js');

const logSinks = new Set<(message: string, level: string) => void>();

/**
 * Hands what node-media-server's protocol code logs (unknown commands, parse failures) to `sink` instead of
 * printing it, until the returned function is called. Its messages name commands and tag types, never stream
 * names. Its logger is one per process, so every sandbox in the process hears every message.
 */
export function hearNmsLog(sink: (message: string, level: string) => void): () => void {
  const logger = load<NmsLogger>('core/logger.js');
  logger.log = (message, level = 'info') => {
    for (const each of logSinks) each(String(message), level);
  };
  logSinks.add(sink);
  return () => logSinks.delete(sink);
}
