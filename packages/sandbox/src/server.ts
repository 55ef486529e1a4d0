import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderId } from '@unilive/core';
import { allDialects } from './dialects/index.js';
import { createEngine, type EngineOptions, type SandboxEngine } from './engine.js';
import type {
  Fault,
  FaultOperation,
  SandboxDialect,
  SandboxRequest,
  SandboxResponse,
  SandboxStats,
  StreamChangeListener,
} from './types.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions extends Omit<EngineOptions, 'dialects' | 'data' | 'onChange'> {
  /** Defaults to 127.0.0.1: the sandbox never listens beyond this machine unless told to. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Dialects to serve; every built-in one by default. */
  dialects?: readonly SandboxDialect[];
  /** Keeps the records in this JSON file across restarts. */
  persistPath?: string;
}

/** Settings of an adapter pointed at a sandbox. */
export type AdapterSettings = { baseUrl: string } & Record<string, string>;

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly engine: SandboxEngine;
  /** The base URL to give a provider's adapter (`baseUrl` setting). */
  baseUrl(provider: ProviderId): string;
  /** The credentials this sandbox accepts for a provider. */
  credentials(provider: ProviderId): Record<string, string>;
  /** What the provider's adapter factory takes to talk to this sandbox: its `baseUrl` and the credentials. */
  adapterSettings(provider: ProviderId): AdapterSettings;
  /** Served providers. */
  readonly providers: readonly ProviderId[];
  injectFault(provider: ProviderId, operation: FaultOperation, fault: Fault): void;
  clearFaults(): void;
  /** Simulates an encoder connecting to (or leaving) a stream. */
  setEncoder(provider: ProviderId, id: string, connected: boolean): void;
  /** Observes every stream change on every provider; returns the function that stops observing. */
  onStreamChange(listener: StreamChangeListener): () => void;
  stats(): SandboxStats;
  close(): Promise<void>;
}

/**
 * Starts a local HTTP server speaking each vendor's REST dialect under `/<provider-id>/…`, with a control
 * API under `/_sandbox` (faults, simulated encoders, statistics).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const dialects = options.dialects ?? allDialects;
  const persistPath = options.persistPath;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    if (persistPath) writeFileSync(persistPath, JSON.stringify(engine.snapshot(), null, 2));
  };
  const engine = createEngine({
    ...options,
    dialects,
    ...(persistPath && existsSync(persistPath)
      ? { data: JSON.parse(readFileSync(persistPath, 'utf8')) }
      : {}),
    onChange: () => {
      if (!persistPath || saveTimer) return;
      saveTimer = setTimeout(() => {
        saveTimer = undefined;
        save();
      }, 50);
    },
  });

  const server = createServer((request, response) => {
    serve(engine, request, response).catch(() => {
      if (!response.headersSent) send(response, { status: 500, body: { error: 'sandbox failure' } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  engine.setOrigin(url);
  const baseUrl = (provider: ProviderId) =>
    `${url}/${provider}${engine.dialects.get(provider)?.basePath ?? ''}`;
  const credentials = (provider: ProviderId) => ({ ...engine.settingsOf(provider)?.credentials });

  return {
    url,
    port,
    engine,
    providers: [...engine.dialects.keys()],
    baseUrl,
    credentials,
    adapterSettings: (provider) => ({ ...credentials(provider), baseUrl: baseUrl(provider) }),
    injectFault: (provider, operation, fault) => engine.injectFault(provider, operation, fault),
    clearFaults: () => engine.clearFaults(),
    setEncoder: (provider, id, connected) => engine.setEncoder(provider, id, connected),
    onStreamChange: (listener) => engine.onStreamChange(listener),
    stats: () => structuredClone(engine.stats),
    async close() {
      engine.close();
      if (saveTimer) clearTimeout(saveTimer);
      save();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(
  engine: SandboxEngine,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://sandbox');
  const text = await readBody(request);
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const segments = url.pathname.split('/');
  const head = decodeURIComponent(segments[1] ?? '');
  if (head === '_sandbox') {
    send(response, control(engine, request.method ?? 'GET', segments.slice(2), body));
    return;
  }
  const dialect = engine.dialects.get(head);
  const rest = `/${segments.slice(2).join('/')}`;
  if (!dialect || !rest.startsWith(dialect.basePath)) {
    send(response, { status: 404, body: { error: `no sandbox route for ${url.pathname}` } });
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  const sandboxRequest: SandboxRequest = {
    method: request.method ?? 'GET',
    path: rest.slice(dialect.basePath.length) || '/',
    query: url.searchParams,
    headers,
    body,
  };
  const abort = new AbortController();
  response.once('close', () => abort.abort());
  const outcome = await engine.handle(dialect.id, sandboxRequest, abort.signal);
  if (outcome.kind === 'drop') {
    request.socket.destroy();
    return;
  }
  if (!response.destroyed) send(response, outcome.response);
}

function control(engine: SandboxEngine, method: string, path: string[], body: unknown): SandboxResponse {
  const [resource, provider, id] = path.map((segment) => decodeURIComponent(segment));
  const input = (body ?? {}) as Record<string, unknown>;
  if (resource === undefined || resource === '') {
    const providers = Object.fromEntries(
      [...engine.dialects.values()].map((dialect) => [
        dialect.id,
        // Development credentials of this local sandbox, so tools can connect without copying them around.
        {
          basePath: `/${dialect.id}${dialect.basePath}`,
          credentials: engine.settingsOf(dialect.id)?.credentials ?? {},
        },
      ]),
    );
    return { status: 200, body: { providers } };
  }
  if (resource === 'stats' && method === 'GET') return { status: 200, body: engine.stats };
  if (resource === 'faults' && method === 'DELETE') {
    engine.clearFaults();
    return { status: 204 };
  }
  if (resource === 'faults' && method === 'POST') {
    const target = String(input.provider ?? '');
    if (!engine.dialects.has(target)) return { status: 400, body: { error: 'unknown provider' } };
    engine.injectFault(target, input.operation as FaultOperation, input.fault as Fault);
    return { status: 201, body: { queued: true } };
  }
  if (resource === 'encoders' && method === 'PUT' && provider && id) {
    engine.setEncoder(provider, id, input.connected !== false);
    return { status: 200, body: { provider, id, connected: input.connected !== false } };
  }
  return { status: 404, body: { error: 'no such control route' } };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: SandboxResponse): void {
  const isText = typeof result.body === 'string';
  const payload =
    result.body === undefined ? '' : isText ? (result.body as string) : JSON.stringify(result.body);
  const headers: Record<string, string> = { ...result.headers };
  if (payload.length > 0 && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  response.writeHead(result.status, headers);
  if (!result.bodyDelayMs) {
    response.end(payload);
    return;
  }
  response.flushHeaders();
  const timer = setTimeout(() => response.end(payload), result.bodyDelayMs);
  response.once('close', () => clearTimeout(timer));
}
