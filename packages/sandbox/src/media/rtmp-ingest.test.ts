import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { handshaken, listen, rtmpCommand, rtmpMessage } from '../../test/rtmp-peer.js';
import { allDialects } from '../dialects/index.js';
import { createEngine } from '../engine.js';
import { startMediaService } from './media-service.js';
import { type IngestSession, type RtmpIngest, readQuery, startRtmpIngest } from './rtmp-ingest.js';

describe('readQuery', () => {
  it('keeps the base64 of an Adobe authentication response as the encoder wrote it, + and / included', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.stringMatching(/^[0-9a-f]{8}$/),
        (bytes, challenge) => {
          const response = Buffer.from(bytes).toString('base64');
          const query = readQuery(
            `authmod=adobe&user=client1&challenge=${challenge}&response=${response}&opaque=x`,
          );
          expect(query.get('response')).toBe(response);
          expect(query.get('challenge')).toBe(challenge);
          expect(query.get('user')).toBe('client1');
        },
      ),
    );
  });

  it('decodes valid escapes and keeps invalid ones as they are', () => {
    expect(readQuery('password=a%2Fb&token=%zz&flag').get('password')).toBe('a/b');
    expect(readQuery('token=%zz').get('token')).toBe('%zz');
    expect(readQuery('flag').get('flag')).toBe('');
    expect([...readQuery('')]).toEqual([]);
  });
});

const md5Base64 = (text: string) => createHash('md5').update(text).digest('base64');

describe('RTMP ingest on the sandbox clock', () => {
  // Far from any wall-clock time: a stamp read from Date.now could never equal one of these.
  let clock = 1_000_000;
  const now = () => clock;
  const sessionTimes = (session: IngestSession | undefined) => ({
    connectedAt: session?.connectedAt,
    publishedAt: session?.publishedAt,
    firstPacketAt: session?.firstPacketAt,
  });
  const open: RtmpIngest[] = [];
  afterAll(async () => {
    await Promise.all(open.map((ingest) => ingest.close()));
  });

  it('stamps sessions, measures bitrate and ages authentication challenges by the clock it is given', async () => {
    const live: IngestSession[] = [];
    const packets: number[] = [];
    const waiters: (() => void)[] = [];
    const ingest = await startRtmpIngest({
      host: '127.0.0.1',
      port: 0,
      // Far beyond the test: a connection ends only when the test or a refusal ends it.
      setupTimeoutMs: 600_000,
      idleTimeoutMs: 600_000,
      now,
      controller: {
        credentialsFor: (application) =>
          application === 'app' ? { username: 'client7', password: 'secret-77' } : undefined,
        admit: () => ({ accept: true, provider: 'wowza-video', streamId: 'abcd1234' }),
        live: (session) => live.push(session),
        packet: (_session, packet) => {
          packets.push(packet.size);
          for (const wake of waiters.splice(0)) wake();
        },
        ended: () => {},
        log: () => {},
      },
    });
    open.push(ingest);
    const packetCount = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (packets.length >= count ? resolve() : waiters.push(check));
        check();
      });
    const connect = (query: string) =>
      rtmpCommand({
        cmd: 'connect',
        transId: 1,
        cmdObj: { app: `app?${query}`, tcUrl: `rtmp://127.0.0.1:${ingest.port}/app`, objectEncoding: 0 },
      });
    // A connection that asks for a challenge at the clock's time, and what it was told to answer with.
    const challenged = async () => {
      const socket = await handshaken(ingest.port);
      const heard = listen(socket);
      socket.write(connect('authmod=adobe&user=client7'));
      const [, salt = '', challenge = ''] = await heard.until(/salt=([^&]+)&challenge=([^&]+)&opaque=/);
      socket.destroy();
      const response = md5Base64(`${md5Base64(`client7${salt}secret-77`)}${challenge}client-challenge`);
      return `authmod=adobe&user=client7&challenge=client-challenge&response=${encodeURIComponent(response)}&opaque=${challenge}`;
    };

    const answer = await challenged();
    // Valid for 60 s of the clock: at the last millisecond still.
    clock += 60_000;
    const socket = await handshaken(ingest.port);
    const heard = listen(socket);
    const session = () => ingest.sessions().find((each) => each.connectedAt === 1_060_000);
    expect(sessionTimes(session())).toEqual({
      connectedAt: 1_060_000,
      publishedAt: undefined,
      firstPacketAt: undefined,
    });
    socket.write(connect(answer));
    await heard.until(/NetConnection\.Connect\.Success/);

    clock += 250;
    socket.write(
      rtmpCommand({ cmd: 'publish', transId: 2, cmdObj: null, streamName: 'key', type: 'live' }, 1),
    );
    await heard.until(/NetStream\.Publish\.Start/);
    clock += 250;
    // An AAC sequence header: the first audio message.
    const audio = (length: number) =>
      rtmpMessage(8, 1, Buffer.concat([Buffer.of(0xaf, 0x00, 0x12, 0x10), Buffer.alloc(length)]), 4);
    socket.write(audio(0));
    await packetCount(1);
    expect(live).toEqual([session()]);
    expect(sessionTimes(session())).toEqual({
      connectedAt: 1_060_000,
      publishedAt: 1_060_250,
      firstPacketAt: 1_060_500,
    });

    // Bits per second over the samples of the last 5 s of the clock: the sample taken as the first message
    // 10 s later arrived, then one more message of known size at that same instant, then 2 s without any.
    clock += 10_000;
    socket.write(audio(60));
    await packetCount(2);
    const message = audio(500);
    socket.write(message);
    await packetCount(3);
    clock += 2_000;
    expect(session()?.bitrate()).toBe(Math.round((message.length * 8 * 1000) / 2_000));
    socket.destroy();

    // One millisecond past its 60 s, a challenge is refused.
    const late = await challenged();
    clock += 60_001;
    const lateSocket = await handshaken(ingest.port);
    const lateHeard = listen(lateSocket);
    lateSocket.write(connect(late));
    await lateHeard.until(/reason=authfailed/);
    lateSocket.destroy();
  });

  it("runs on the engine's clock in the sandbox's media service", async () => {
    const engine = createEngine({ dialects: allDialects, now: () => 7_000_000 });
    const media = await startMediaService(engine, { host: '127.0.0.1', hls: false, setupTimeoutMs: 600_000 });
    try {
      const socket = await handshaken(media.port);
      expect(media.sessions().map((session) => session.connectedAt)).toEqual([7_000_000]);
      socket.destroy();
    } finally {
      await media.close();
      engine.close();
    }
  });
});
