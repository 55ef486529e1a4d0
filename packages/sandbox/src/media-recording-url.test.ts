import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectClients } from '../test/dialect-clients.js';
import { type Sandbox, startSandbox } from './server.js';

// videosdk v1's recording URL has the vendor's shape (`…/live/<streamKey>/storage/index.m3u8`); the sandbox
// keeps no recording, and its answer says so rather than reading as a wrong address.
describe('media routes: the recording URL, and methods', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, media: false, log: () => {} });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('answers 404 saying no recording is kept, for the playlist and any file under it', async () => {
    const stream = await dialectClients(sandbox.engine).videosdk!.create('Recorded', { record: true });
    const key = String(stream.streamKey);
    const recordingUrl = `${sandbox.url}/media/videosdk/live/${key}/storage/index.m3u8`;
    expect(stream.recordingUrl).toBe(recordingUrl);
    for (const url of [recordingUrl, new URL('segment0.ts', recordingUrl).href]) {
      const response = await fetch(url);
      expect(response.status).toBe(404);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.json()).toEqual({
        error:
          "the sandbox keeps no recordings: this recording URL has the vendor's shape and serves nothing here; the live HLS is at index.m3u8",
      });
    }
    // Any other method than GET and HEAD is one the route does not take, whether or not output exists.
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const refused = await fetch(`${sandbox.url}/media/liveapi/abc123/index.m3u8`, { method });
      expect(refused.status, method).toBe(405);
      expect(refused.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(await refused.json()).toEqual({ error: 'HLS output is read with GET or HEAD' });
    }
    // The live playlist of a stream with no output is still "no output at this address", by its key as
    // by an id, and so is a key no stream has.
    for (const url of [
      String(stream.downstreamUrl),
      `${sandbox.url}/media/videosdk/abc123/index.m3u8`,
      `${sandbox.url}/media/videosdk/live/no-such-key/index.m3u8`,
      `${sandbox.url}/media/videosdk/live/${key}`,
    ]) {
      const live = await fetch(url);
      expect({ url, status: live.status }).toEqual({ url, status: 404 });
      expect(await live.json()).toEqual({ error: 'no HLS output at this address' });
    }
  });
});
