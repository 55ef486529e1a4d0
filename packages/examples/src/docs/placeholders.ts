/**
 * What a sample may take as given, by name: a block whose info string says `uses=client,hub` is checked with
 * these two declared before it, and nothing else. Each is what the prose around such samples means by the
 * name (the client the page made, the app receiving webhooks, a delivery's raw body), typed by the public
 * API, so the sample is checked against the real signatures even where it leaves out its set-up. A name a
 * block uses without declaring, importing or listing here fails the check, as it would fail a user.
 */
export const placeholders: Readonly<Record<string, string>> = {
  // Values of the page's earlier set-up.
  client: "declare const client: import('@unilive/core').LiveStreamClient;",
  registry: "declare const registry: import('@unilive/core').LiveStreamRegistry;",
  stream: "declare const stream: import('@unilive/core').LiveStream;",
  id: 'declare const id: string;',
  hub: "declare const hub: import('@unilive/core').LiveStreamEventHub;",
  sandbox: "declare const sandbox: import('@unilive/sandbox').Sandbox;",
  app: "declare const app: import('express').Express;",
  parse: "declare const parse: import('@unilive/core').WebhookParser;",
  input: "declare const input: import('@unilive/core').CreateLiveStreamInput;",
  // Credentials and names the reader supplies.
  token: 'declare const token: string;',
  tokenId: 'declare const tokenId: string;',
  secretKey: 'declare const secretKey: string;',
  streamKey: 'declare const streamKey: string;',
  name: 'declare const name: string;',
  meetingId: 'declare const meetingId: string;',
  /** A webhook's signing secret, as the vendor's dashboard shows it. */
  secret: 'declare const secret: string;',
  // A webhook delivery as a web framework hands it over.
  request: 'declare const request: Request;',
  rawBody: 'declare const rawBody: string;',
  headers: 'declare const headers: Headers;',
  // The settings of an adapter's contract suite (docs/adding-an-adapter.md).
  'fixture-settings': [
    "type FixtureSettings = import('@unilive/testing/contract').FixtureHarnessOptions;",
    "declare const nock: FixtureSettings['nock'];",
    'declare const origin: string;',
    'declare const directory: string;',
    "declare const createProvider: FixtureSettings['createProvider'];",
    "declare const secrets: FixtureSettings['secrets'];",
    "declare const steps: FixtureSettings['steps'];",
    "declare const operations: FixtureSettings['operations'];",
    "declare const errors: FixtureSettings['errors'];",
    "declare function factory(settings: { baseUrl: string } & Record<string, string>): import('@unilive/core').LiveStreamProvider;",
  ].join('\n'),
  // Types a page's shape refers to without importing them.
  'core-types': [
    "type ProviderId = import('@unilive/core').ProviderId;",
    "type Warning = import('@unilive/core').Warning;",
    "type LiveStreamState = import('@unilive/core').LiveStreamState;",
  ].join('\n'),
};

/**
 * The placeholders a block marked `run` may use, with the value it runs with: what the reader would put
 * there, taken from the environment the samples run in (each adapter's credentials for the sandbox).
 */
export const runtimePlaceholders: Readonly<Record<string, string>> = {
  token: "const token = process.env.WOWZA_VIDEO_TOKEN ?? '';",
  tokenId: "const tokenId = process.env.LIVEAPI_TOKEN_ID ?? '';",
  secretKey: "const secretKey = process.env.LIVEAPI_SECRET_KEY ?? '';",
  streamKey: "const streamKey = 'restream-key-of-the-sample';",
  name: "const name = 'sample_stream';",
  meetingId: "const meetingId = 'jvsg-8rjn-j304';",
};
