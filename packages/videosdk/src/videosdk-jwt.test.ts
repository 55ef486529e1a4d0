import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// jose is loaded when the first token is signed, not when the adapter is imported: only the signing module
// imports it, and that module is loaded on first use. The mock only notes when it is loaded.
const signing = vi.hoisted(() => ({ loaded: 0 }));
vi.mock('./videosdk-jwt.js', async (importOriginal) => {
  signing.loaded += 1;
  return importOriginal();
});

const { videosdk } = await import('./videosdk-provider.js');

describe('loading jose', () => {
  it('happens at the first signed request, once, and not for a ready-made token', async () => {
    const requests: string[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init).headers.get('authorization') ?? '');
      return new Response('{"message":"not found"}', {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    };
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJhcGlrZXkiOiJrZXkifQ.c2ln';
    const withToken = videosdk({ token, apiVersion: 'v1', fetch });
    const signed = videosdk({
      apiKey: 'api-key-0001',
      secret: 'secret-0001-abcdef',
      apiVersion: 'v1',
      fetch,
    });
    expect(signing.loaded).toBe(0);
    await expect(withToken.get('stream-1')).rejects.toThrow();
    expect(signing.loaded).toBe(0);
    await expect(signed.get('stream-1')).rejects.toThrow();
    await expect(signed.get('stream-2')).rejects.toThrow();
    expect(signing.loaded).toBe(1);
    expect(requests[0]).toBe(token);
    expect(requests[1]).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
  });

  it('no other module of the adapter imports jose', () => {
    const directory = fileURLToPath(new URL('.', import.meta.url));
    const importers = readdirSync(directory)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) =>
        /from ['"]jose['"]|import\(['"]jose['"]\)/.test(readFileSync(`${directory}/${file}`, 'utf8')),
      );
    expect(importers).toEqual(['videosdk-jwt.ts']);
  });
});
