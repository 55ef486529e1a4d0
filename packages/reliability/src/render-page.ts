// Renders docs/reliability.md from a run of the suite (its ReliabilityReport). No I/O: src/render-report.ts
// reads and writes the files, and test/rendered-page.test.ts holds the committed page to what this renders
// from the committed run, so the page has no text of its own: prose belongs here.
import type {
  CaseRecord,
  ChecksSection,
  CorpusSection,
  DriftSection,
  HardeningSection,
  MatrixSection,
  ReliabilityReport,
} from './report.js';

/** The whole text of docs/reliability.md for one run of the suite. */
export function renderReliabilityPage(report: ReliabilityReport): string {
  const matrices = report.sections.filter((section): section is MatrixSection => section.kind === 'matrix');
  const corpus = report.sections.find((section): section is CorpusSection => section.kind === 'corpus');
  const drifts = report.sections.filter((section): section is DriftSection => section.kind === 'drift');
  const hardening = report.sections.filter(
    (section): section is HardeningSection => section.kind === 'hardening',
  );
  // Sections of one area (several test files check configuration) are one table, in the order written.
  const checks = [
    ...report.sections
      .filter((section): section is ChecksSection => section.kind === 'checks')
      .reduce((areas, section) => {
        const known = areas.get(section.area);
        areas.set(section.area, known ? { ...known, rows: [...known.rows, ...section.rows] } : section);
        return areas;
      }, new Map<string, ChecksSection>())
      .values(),
  ].sort((a, b) => a.area.localeCompare(b.area));

  const adapterOrder = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk', 'videosdk-v2'];
  const operationOrder = ['create', 'get', 'list', 'update', 'delete', 'start', 'stop', 'status'];
  const byAdapter = (a: { adapter: string }, b: { adapter: string }) =>
    adapterOrder.indexOf(a.adapter) - adapterOrder.indexOf(b.adapter);
  matrices.sort((a, b) => byAdapter(a, b) || a.backend.localeCompare(b.backend));
  drifts.sort(byAdapter);
  hardening.sort(byAdapter);

  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const cases = (sections: MatrixSection[]) => sections.flatMap((section) => section.cases);
  const count = (records: CaseRecord[], test: (record: CaseRecord) => boolean) => records.filter(test).length;
  const format = (value: number) => value.toLocaleString('en-US');

  function totals(records: CaseRecord[]) {
    return {
      cases: records.length,
      success: count(records, (record) => record.outcome === 'success'),
      recovered: count(records, (record) => record.outcome === 'recovered'),
      typed: count(records, (record) => record.outcome === 'typed'),
      untyped: count(records, (record) => record.outcome === 'untyped'),
      duplicateSends: sum(records.map((record) => record.duplicateSends)),
      duplicateStreams: sum(records.map((record) => record.duplicateStreams)),
      after429: sum(records.map((record) => record.createRetriesAfter429)),
      notSent: sum(records.map((record) => record.createRetriesNotSent)),
      failed: count(records, (record) => record.problems.length > 0),
    };
  }

  const all = totals(cases(matrices));
  const leaks = sum(matrices.map((section) => section.leaks.length)) + (corpus?.leaks ?? 0);
  const scanned = sum(matrices.map((section) => section.transcriptsScanned));
  const registered = sum(matrices.map((section) => section.secretsRegistered));
  const unhandled = sum(matrices.map((section) => section.unhandledRejections));

  // Short codes for the grid.
  const errorCodes: Record<string, string> = {
    RateLimitError: 'RL',
    TimeoutError: 'TO',
    ProviderUnavailableError: 'PU',
    ResponseShapeError: 'RS',
    AbortError: 'AB',
    UnsupportedOperationError: 'US',
    NotFoundError: 'NF',
    ConflictError: 'CF',
    InvalidInputError: 'II',
    AuthenticationError: 'AU',
  };
  // The warnings of the one-semantics rows: a call that succeeded and said what it could not do.
  const semanticsWarnings = ['incomplete-list', 'skipped-record', 'read-back-failed'];
  const codeOf = (record: CaseRecord | undefined): string => {
    if (!record) return '–';
    const warned = record.warnings?.some((type) => semanticsWarnings.includes(type)) ?? false;
    const code =
      record.error === undefined && warned
        ? 'W'
        : record.outcome === 'recovered'
          ? 'R'
          : record.outcome === 'success'
            ? 'S'
            : record.outcome === 'untyped'
              ? `**untyped ${record.error ?? ''}**`
              : (errorCodes[record.error ?? ''] ?? record.error ?? '?');
    return record.problems.length > 0 ? `**${code}!**` : code;
  };

  const lines: string[] = [];
  const out = (...text: string[]) => lines.push(...text);

  out(
    '# Reliability',
    '',
    '<!-- Rendered by `pnpm --filter @unilive/reliability run report` from packages/reliability/published-report.json (src/render-page.ts; test/rendered-page.test.ts fails when they differ). Do not edit by hand. -->',
    '',
    `Figures of the last run of \`packages/reliability\` (${report.generatedAt.slice(0, 10)}), which runs in README command B (\`npm test\`).`,
    'The suite proves three things about every adapter: it keeps working (transient faults are retried where that is safe),',
    'it loses nothing (a create is never sent twice unless the vendor refused it unprocessed), and it leaks nothing',
    '(no credential in any error or log hook output).',
    '',
    '## Summary',
    '',
    '| figure | value |',
    '| --- | --- |',
    `| fault matrix cases run (5 adapter configurations: the four adapters, videosdk on v1 and v2; 8 operations, ${matrixFaultCount()} faults, on nock and on the sandbox; videosdk v1's stop, which sends nothing, once) | ${format(all.cases)} |`,
    `| cases that met every expectation | ${format(all.cases - all.failed)} |`,
    `| recovered after a retry | ${format(all.recovered)} |`,
    `| succeeded without a retry (the fault was readable, or had nothing to delay) | ${format(all.success)} |`,
    `| ended with one of our typed errors | ${format(all.typed)} |`,
    `| ended with anything else (untyped) | **${format(all.untyped)}** |`,
    `| creates sent twice without a 429 or an unsent request to justify it | **${format(all.duplicateSends)}** |`,
    `| streams the backend made beyond one per create | **${format(all.duplicateStreams)}** |`,
    `| creates repeated after a 429 (refused unprocessed: allowed) | ${format(all.after429)} |`,
    `| create attempts that never left the machine (DNS failure: retried, allowed) | ${format(all.notSent)} |`,
    `| unhandled promise rejections | **${format(unhandled)}** |`,
    `| secrets registered with the scanner / transcripts scanned | ${format(registered)} / ${format(scanned)} |`,
    `| leaks found (a secret in a message, stack, \`toJSON\`, \`util.inspect\` or hook event) | **${format(leaks)}** |`,
  );
  if (corpus) {
    out(
      `| hostile input cases (kept as data in \`packages/reliability/src/hostile-inputs.json\`) | ${format(corpus.cases)} |`,
      `| hostile input runs (each case on each adapter, each credential setting) | ${format(corpus.runs)} |`,
      `| rejected before any request / requests sent before a rejection | ${format(corpus.rejected)} / **${format(corpus.requestsBeforeRejection)}** |`,
      `| sent with a documented safe encoding | ${format(corpus.encoded)} |`,
    );
  }
  for (const section of checks) {
    const runs = sum(section.rows.map((row) => row.runs));
    const failed = sum(section.rows.map((row) => row.failures.length));
    out(`| ${section.area} checks run across adapters / failed | ${format(runs)} / **${format(failed)}** |`);
  }
  for (const drift of drifts) {
    out(
      `| drift cases, ${drift.adapter} (streams / ResponseShapeError / anything else) | ${format(drift.runs)} (${format(drift.streams)} / ${format(drift.shapeErrors)} / **${format(drift.otherErrors)}**) |`,
    );
  }

  if (hardening.length > 0) {
    const rowsOf = (family: string) =>
      hardening.flatMap((section) => section.rows.filter((row) => row.family === family));
    const casesOf = (family: string) => sum(rowsOf(family).map((row) => row.cases));
    out(
      `| hostile answers: redirects / body size and decompression / gate and pause / hooks (generated cases, ${hardening.length} adapter configurations) | ${format(casesOf('redirects'))} / ${format(casesOf('body-size'))} / ${format(casesOf('gate-pause'))} / ${format(casesOf('hooks'))} |`,
      `| requests that reached another origin after a redirect / sent twice where once was promised | **${format(sum(rowsOf('redirects').map((row) => row.requestsElsewhere)))}** / **${format(sum(hardening.flatMap((section) => section.rows.map((row) => row.repeatedSends))))}** |`,
      `| peak memory growth while a 1 GiB brotli bomb was read (largest of ${hardening.length} adapter configurations) | ${(Math.max(...hardening.map((section) => section.peakRssGrowthBytes)) / 1024 / 1024).toFixed(0)} MiB |`,
    );
  }

  out(
    '',
    '## The fault matrix',
    '',
    'Every operation of every adapter meets every fault twice: on the recorded fixtures of `test-fixtures/<id>/`',
    'replayed by nock, and on the sandbox server (`@unilive/sandbox`) with its fault engine. A fault is served once',
    '(transient) or for every attempt the retry budget allows (persistent, 3 attempts). What is expected:',
    '',
    '- **429** (seconds or HTTP date): the vendor refused the request unprocessed, so every request, a create',
    '  included, waits `Retry-After` and is sent again: transient recovers, persistent ends in `RateLimitError`.',
    '- **408, 5xx, connection reset, headers or body slower than the timeout**: the vendor may have carried the request',
    "  out. Every 5xx counts (a gateway's 520 to 524 or 529 in front of the API as much as a 502 or 503), but those",
    '  saying the server will never do the request: 501, 505, 506, 508, 510 and 511 (`permanentServerStatuses`) are',
    '  never retried and their error is not `isRetryable`. `retry.retryStatuses` replaces the list of statuses',
    '  retried (`isRetryable` keeps saying whether trying later may help). Requests the adapter marks safe to',
    '  repeat (GET, PUT, DELETE, idempotent PATCHes) are retried: transient',
    '  recovers, persistent ends in `TimeoutError` or `ProviderUnavailableError` after 3 attempts. A create is sent',
    '  once and ends in the typed error. A start or stop repeated after the vendor carried it out is refused for the',
    "  stream's state, and the lifecycle rule returns the stream: those recover too.",
    '- **DNS failure** (ENOTFOUND, simulated client-side: no server can produce it): nothing was sent, so every',
    '  request, a create included, is retried.',
    '- **Malformed JSON, empty body, HTML with 200, JSON of the wrong shape**: never retried. An empty body or JSON of',
    '  another shape is the vendor accepting: the call succeeds when the adapter does not need the body (a delete, a',
    '  change it reads back with a GET) or ends in `ResponseShapeError`. A body that is not JSON at all (HTML, JSON cut',
    "  short) may not be the vendor's: every operation, a delete included, ends in `ResponseShapeError` with",
    "  `delivery: 'unknown'`, so a delete a proxy answered is never reported done while the stream still exists.",
    '- **Unknown enum values**: read as `unknown` (and `waitForState` polls again); the call succeeds.',
    '- **Abort** during a `Retry-After` wait or while waiting for headers: `AbortError` at once, no further request.',
    '- **One semantics across adapters** (the rows below the faults): answers real vendors send. A list server that',
    '  ignores the page parameter, pages that repeat the first while the vendor counts more, pages that shift while',
    '  walking, and a list record whose id no call could use: the list succeeds, yields each stream once, and warns',
    '  (`incomplete-list`, `skipped-record`) where it could not reach or read everything. A create, update, start or',
    '  stop the vendor accepted whose read-back then fails: the call succeeds, with a `read-back-failed` warning',
    '  wherever it had to read the stream back. These run on `list`, or on the calls that change a stream.',
    '',
    'On the sandbox, 408, 5xx and reset faults are served *after* the request was carried out (`processed: true`):',
    'the stream really exists, so a wrongly repeated create shows up as a second stream in `sandbox.stats().created`.',
    'A slow request the client gave up on is also carried out when the server notices, as a vendor would; the suite',
    'waits for the sandbox to finish (`stats().inFlight` is 0) before counting. On nock, the create requests the',
    'interceptors received are counted.',
    '',
    '| adapter | backend | cases | recovered | succeeded | typed errors | untyped | duplicate creates | leaks | unhandled |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const section of matrices) {
    const t = totals(section.cases);
    out(
      `| ${section.adapter} | ${section.backend} | ${t.cases} | ${t.recovered} | ${t.success} | ${t.typed} | ${t.untyped} | ${t.duplicateSends + t.duplicateStreams} | ${section.leaks.length} | ${section.unhandledRejections} |`,
    );
  }

  out(
    '',
    '### Outcome of each case',
    '',
    'One cell per fault and operation: nock first, then the sandbox when they differ. **R** recovered after a retry,',
    '**S** succeeded without one, **W** succeeded with a warning through `onWarning` (`incomplete-list`, `skipped-record`,',
    '`read-back-failed`), otherwise the typed error the call ended with: **RL** `RateLimitError`, **TO**',
    '`TimeoutError`, **PU** `ProviderUnavailableError`, **RS** `ResponseShapeError`, **AB** `AbortError`, **US**',
    '`UnsupportedOperationError`. A `!` marks a case that missed an expectation (none in this run: the suite fails then).',
    '`status` is `waitForState`, which polls the cheapest state call (`get` where the vendor has none).',
  );
  for (const adapter of adapterOrder) {
    const sections = matrices.filter((section) => section.adapter === adapter);
    if (sections.length === 0) continue;
    const faults = [...new Set(sections.flatMap((section) => section.cases.map((record) => record.fault)))];
    out(
      '',
      `#### ${adapter}`,
      '',
      `| fault | ${operationOrder.join(' | ')} |`,
      `| --- |${' --- |'.repeat(operationOrder.length)}`,
    );
    for (const fault of faults) {
      // A row runs on some operations only (the list rows on list): elsewhere its cells stay empty, even
      // where the adapter lacks the operation.
      const applies = new Set(
        cases(matrices)
          .filter((record) => record.fault === fault)
          .map((record) => record.operation),
      );
      const cells = operationOrder.map((operation) => {
        const codes = sections.map((section) =>
          codeOf(
            section.cases.find(
              (record) =>
                record.operation === operation &&
                (record.fault === fault || (record.fault === 'unsupported' && applies.has(operation))),
            ),
          ),
        );
        return new Set(codes).size === 1 ? (codes[0] ?? '–') : codes.join(' / ');
      });
      out(`| ${fault} | ${cells.join(' | ')} |`);
    }
  }

  const sandboxFirst = [...matrices].sort(
    (a, b) => (a.backend === 'sandbox' ? 0 : 1) - (b.backend === 'sandbox' ? 0 : 1),
  );
  const sample = sandboxFirst.find((section) => section.sampleError);
  const causeSample = sandboxFirst.find((section) => section.sampleCause);
  out(
    '',
    '## How to read a UniliveError',
    '',
    'Every outcome of every call above was a success or a `UniliveError`. Branch on the class with its `isInstance`',
    '(safe across duplicated copies of the package), then read the fields:',
    '',
    '- `name`: the class (`ProviderUnavailableError`, …); `message`: what failed, scrubbed of secrets.',
    '- `provider` and `operation`: which adapter and which call (`create`, `get`, `list`, `update`, `delete`, `start`,',
    '  `stop`, `status`, `waitForState`): the call made, whichever of its requests failed (a `stop` that fails while',
    '  reading the stream first is a failed `stop`; the message names the request). `test/operation-names.test.ts`',
    '  holds every adapter to it over generated cases: each operation, each of its requests failing in turn, by an',
    '  abort, a timeout, a 5xx after retries, a 404 or a dropped connection. A signal already aborted when the call is',
    "  made ends every operation on every adapter first, with `AbortError`, `delivery: 'not-sent'`, no request and",
    "  no hook event, whatever else the call would have met (a refused id or input, videosdk v1's missing `stop`):",
    '  `test/aborted-first.test.ts`, generated cases over every operation and adapter, through a client and on a',
    '  provider called directly (the same `AbortError`). A delete answered 2xx with no body or JSON succeeds and one',
    "  answered with an HTML page or JSON cut short is a `ResponseShapeError`, `delivery: 'unknown'`, on every",
    '  adapter, through nock and the sandbox: `test/delete-answer-body.test.ts`.',
    '- `status`: the HTTP status when the vendor answered. Absent means it never answered (timeout, reset, DNS), or',
    '  the input was refused before any request (`InvalidInputError` without `status`).',
    "- `vendorCode`, `vendorMessage`, `requestId`: the vendor's own words, for its support.",
    '- `retryAfterMs`: how long the vendor asked to wait (429).',
    '- `isRetryable`: whether the same call may succeed later. The retries the policy allows have already happened.',
    '- `cause`: only name, scrubbed message and system `code` (`ECONNRESET`, `ENOTFOUND`) of the underlying failure.',
    '',
    'For a `create` that failed with `ProviderUnavailableError` or `TimeoutError`, the stream may exist: unilive did',
    'not send it again, so `list` before creating another. `toJSON()` and `util.inspect` print these fields and',
    `nothing else. Two from this run, a create after a persistent 503 (${sample?.adapter ?? '?'} on the ${sample?.backend ?? '?'}):`,
    '',
    '```json',
    JSON.stringify(sample?.sampleError ?? {}, null, 2),
    '```',
    '',
    `and a get after the connection was reset three times (${causeSample?.adapter ?? '?'} on the ${causeSample?.backend ?? '?'}): no \`status\`, the system code in \`cause\`:`,
    '',
    '```json',
    JSON.stringify(causeSample?.sampleCause ?? {}, null, 2),
    '```',
  );

  if (corpus) {
    out(
      '',
      '## Hostile inputs',
      '',
      `${corpus.cases} cases, each run on every adapter through \`createLiveStreamClient\` with a \`fetch\` that counts requests.`,
      'Expected: `InvalidInputError` (or `AuthenticationError` for a missing credential) before any request, or a',
      'documented safe encoding: values travel only inside the JSON body (`JSON.stringify`), ids only as one',
      'checked and percent-encoded path segment, credentials only in the `Authorization` header (Basic base64 of',
      'UTF-8 for LiveAPI, inside the signed JWT for videosdk key pairs).',
      '',
      '| category | runs |',
      '| --- | --- |',
      ...Object.entries(corpus.byCategory).map(([category, runs]) => `| ${category} | ${runs} |`),
      '',
      `Rejected: ${corpus.rejected} runs, with ${corpus.requestsBeforeRejection} requests sent before a rejection. Sent encoded: ${corpus.encoded}. Failures: ${corpus.failures.length}.`,
    );
  }

  const checksText: Record<string, string[]> = {
    events: [
      'Each adapter with no network to speak of: `waitForBroadcast` refuses with `UnsupportedOperationError`, before any',
      "request, exactly where neither the vendor's API nor its webhooks tell whether video arrives (no events given, or",
      '`capabilities.broadcastingEvents` false), and a wait given an event source that is none, or one yielding generated',
      'junk (`null`, numbers, JSON values), ends in a typed error and never in a `TypeError` or a crashed process.',
      "On the sandbox, an encoder's `connected` event heard, dated up to an hour either side of the stop, then the",
      'stream stopped with its `disconnected` late or lost: the API has the last word, and no wait reports the stopped',
      'stream broadcasting. A wait for video fails fast where the stream is stopped for good (`ConflictError`:',
      'Wowza Real-Time), runs out its time where it can be started again (`TimeoutError`: LiveAPI, with its',
      '`broadcasting_status` known or not), and a wait for video to stop ends at once; where nothing tells',
      '(Wowza Video, videosdk) it is refused before any request.',
    ],
    waits: [
      "A wait's `timeoutMs` bounds every request it makes. On the adapters whose polls are a status call (Wowza",
      'Video, Wowza Real-Time, videosdk v2), the read of the whole stream made once a poll saw the goal runs under',
      "the wait's deadline too: held by the vendor, or with no time left for it, it ends the wait by its deadline with",
      "the wait's `TimeoutError` (`lastState` the state seen), `waitForState` and `waitForBroadcast` alike, through a",
      "client or a registry; the read is handed the polls' deadline, and is never sent past it.",
    ],
    aborts: [
      "The caller's `AbortSignal` on every adapter, through a client and a registry. Aborted before the call: every",
      "operation ends first with `AbortError`, `delivery: 'not-sent'`, no request and no hook event but `onError`,",
      'whatever else the call would have refused (an id, an input, an operation the vendor lacks, a wait without its',
      'events). Fired while a call goes on, from the `onRequest` or `onResponse` hook of a generated request (on the',
      'sandbox): every operation ends in one `AbortError` whose message is `<provider> <operation> was aborted`,',
      "wherever it stopped (a request, a retry's wait, a wait between polls, a read-back), with the signal's reason as",
      '`cause`. Fired during a list walk (in the loop, or as a page or a detail is read): the walk ends at the next',
      'stream, hands out nothing more, even from a page already fetched, and sends no further request. A reason',
      "holding a credential (raw, upper or lower case, in its `code`, `name`, `message` or a nested cause's), aborted",
      'before or during the call: no form of it in the error, its `toJSON`, inspection, string, stack or `onError`',
      'event. See [errors](errors.md#aborterror).',
    ],
    hooks: [
      'Hooks on every adapter, through a client and a registry. A `start` on a started stream or a `stop` on a',
      'stopped one (which a vendor may refuse, 409, 422 or 423, and the adapter settles by reading the stream), its',
      '`k`-th request failing from then on (a 503 or a reset) or none: a call that resolves hears no `onError`; one',
      "that rejects hears exactly one, last, with the caller's error. Hooks that assign, delete and define on every",
      "object of the event they are handed (the error, its cause chain, `issues`) leave the caller's error as it was.",
    ],
    deletes: [
      "A delete answered 2xx, on the recorded fixtures (nock, generated answers) and on the sandbox: the vendor's own",
      'answers (204 or an empty 200 on Wowza, `{"success": true}` on LiveAPI, the deleted record on videosdk v1, the',
      'disabled room on v2) and any JSON at all mean it is done: the call resolves, the request sent once. A body that',
      "is not JSON (a proxy's HTML page, JSON cut short) proves nothing: `ResponseShapeError`, status 200,",
      "`delivery: 'unknown'`, sent once, and the stream is still there.",
    ],
    lists: [
      'List walks on the sandbox through a hostile proxy. A stream whose own detail read (where a page does not hold',
      'it whole) is answered 503, whole or cut short, or 200 cut short or truncated, is skipped with a',
      '`skipped-record` warning naming it; a second unavailable read in a row ends the walk with',
      "`ProviderUnavailableError`, `delivery: 'unknown'`. `findByName` reads the streams of that name only, and a lost",
      'read of the one sought is its error. `list({ name })` and `findByName` find the stream sought though a stale',
      'copy of its record under another name comes first, and pass over in silence a record they cannot read (no',
      'usable id, no readable name) that names another stream; one naming the stream sought, or no name, is reported',
      'by `list` and fails `findByName`.',
    ],
    'lifecycle races': [
      'Two or three `start` and `stop` calls on one stream that overlap (two callers, `Promise.all`), on every adapter',
      "against the sandbox's engine in process, each request released to it in an order fast-check's scheduler",
      'generates, state transitions held. A call that resolves resolves in its goal (a `stop` never `starting` or',
      '`ready`, a `start` never `stopping` or `stopped`), a call that fails is a `ConflictError` (videosdk v1 `stop`:',
      '`UnsupportedOperationError`), and the stream ends in the goal of a call that resolved, or where it was.',
    ],
    'memory provider': [
      'Applications test on the memory provider (`@unilive/testing`) in place of a vendor, so it answers a neutral',
      'call as a vendor with the same capabilities does. fast-check generates creates, updates, provider options,',
      'restream targets, lifecycle steps, waits and call sequences; each runs on the memory provider and on the',
      'adapter of its row (on the sandbox), and both end the same way: a success with the same warnings, or the same',
      'error class with the same delivery and issue paths.',
    ],
    'operation names': [
      'An error, hook event or warning produced while serving a call names the operation the caller called, whichever',
      'of its requests failed: a `stop` that fails while reading the stream it is about to stop is a failed `stop`.',
      "Each case makes the call's `k`-th request fail, from then on (an abort, a timeout, a 5xx, a 404, a network",
      "failure), through a fetch placed before the sandbox. A registry's `migrate`, `planMigration` and `findByName`",
      'are checked the same way, between any two of the memory provider and the adapters.',
    ],
    registry: [
      'A registry of two adapters on one sandbox (each adapter first once, the next one second), the first faulted on',
      'create with every fault of the matrix above, and with the other ways a vendor provably makes nothing: 401, 403,',
      'a refused connection, a base URL on a port fetch never connects to, a credential no header can carry. Whatever',
      'happens, the two vendors hold at most one new stream between them (counted in `sandbox.stats().created` once',
      'the sandbox has carried out every request it received); the create goes on to the second adapter exactly when',
      'the failure proves the first made nothing (a persistent 429, 401, 403, or nothing sent), and an error never',
      'says `maybeCreated: false` over a stream that exists. A create of several requests (LiveAPI with a restream',
      'target) that fails after its first never fails over, and `findByName` finds what it left. Every error, routing',
      'decision and warning event is scanned for the sandbox credentials. A registry of every adapter and the memory',
      "provider, one of them with a credential no header can carry, listed with `onProviderError: 'skip'`: every other",
      "provider's streams come out, in order, and one `skipped-provider` warning names the one that failed, with no",
      'credential in it; without `skip` the walk ends in that failure. A bad list option is refused before any',
      'request, `skip` or not. See [many providers at once](multi-provider.md) for the rules.',
    ],
    secrets: [
      'Every credential the caller sends (restream keys, Wowza push passwords and token-auth secrets, credential-named',
      'provider options) is a secret before the request, every key learned from an answer stays one for as long as',
      'its stream exists, and vendor-chosen text is scrubbed and cut in every view. fast-check draws random',
      'credentials of every length and a vendor that repeats the request (headers and body) raw, base64, base64url,',
      'URL-encoded or JSON-escaped, cut anywhere; the scanner looks for each secret in every one of those forms and',
      'for either half of it, in errors (`message`, stack, `toJSON`, `util.inspect`) and hook events.',
    ],
    configuration: [
      'Mistakes in configuration and input are an `InvalidInputError` naming the setting, at the factory or the',
      'client, before any request: a misspelled setting (fast-check misspells every setting of every adapter) names',
      'the nearest valid one; provider ids that reach `Object.prototype` and packages that are no bare name are',
      'refused; `<PROVIDER>_BASE_URL` points an adapter elsewhere; options under a misspelled provider id come',
      'back as a warning naming the known ids. A polluted `Object.prototype` sends nothing: every option object',
      'core reads is read from own properties, ky and fetch get their options without a prototype, and',
      'while `Object.prototype` carries data (a deep merge of `{"__proto__": …}`) the HTTP layer refuses to send,',
      "naming the property, since Node's own fetch reads `query`, `body`, `status` and more through it. fast-check",
      'pollutes one to three names (every option fetch, undici, ky, valibot and unilive read, and random ones) with',
      'JSON values and runs create, get, start, list and delete through the real fetch against a loopback server:',
      'no request differs from the clean run and every outcome is the clean one or a `UniliveError`.',
    ],
  };
  for (const section of checks) {
    out(
      '',
      `## ${section.area[0]?.toUpperCase() ?? ''}${section.area.slice(1)}`,
      '',
      ...(checksText[section.area] ?? []),
      '',
      '| check | adapter | runs | failures | figure |',
      '| --- | --- | --- | --- | --- |',
      ...section.rows.map(
        (row) =>
          `| ${row.check} | ${row.adapter} | ${format(row.runs)} | ${row.failures.length === 0 ? '0' : `**${row.failures.length}**`} | ${row.figure ?? ''} |`,
      ),
    );
  }

  if (drifts.length > 0) {
    out(
      '',
      '## Vendor drift',
      '',
      'fast-check starts from recorded payloads and mutates them (fields added, values nulled or deleted, strings',
      'replaced by unknown enum values or non-URLs, values swapped for other types) before the adapter reads them',
      'through `get`. Each must give a well-formed stream (usable id, known state, every endpoint URL fitting its',
      'protocol) or `ResponseShapeError`, never anything else.',
      '',
      '| adapter | cases | streams | ResponseShapeError | anything else | time |',
      '| --- | --- | --- | --- | --- | --- |',
      ...drifts.map(
        (drift) =>
          `| ${drift.adapter} | ${format(drift.runs)} | ${format(drift.streams)} | ${format(drift.shapeErrors)} | ${drift.otherErrors} | ${(drift.durationMs / 1000).toFixed(1)} s |`,
      ),
    );
  }

  if (hardening.length > 0) {
    out(
      '',
      '## Hostile answers',
      '',
      'Each adapter talks to the sandbox through a hostile proxy on loopback that answers the next request as a',
      'fast-check case says, and to a trap server standing for "another origin". What is promised:',
      '',
      '- **Redirects** (301, 302, 303, 307, 308 to another origin, to `https` on the same host, within the origin,',
      "  to the same URL, without a location): fetch follows none. A GET follows up to 5 within the base URL's",
      "  origin; any other ends in a `UniliveError` naming the status and the target's origin. No request reaches",
      '  the trap, no method changes, a non-GET (a create included) is sent exactly once.',
      '- **Body size** (identity, gzip, br, deflate; decoded sizes from a quarter to four times `maxResponseBytes`,',
      '  here 32 KiB): a body past the cap ends in `ResponseShapeError` while it streams, with one request; one under',
      '  it is read. A 1 GiB brotli bomb (under 2 kB on the wire) is cut at the default cap of 16 MiB.',
      '- **Cut answers** (a create or a read answered 2xx whose connection closes anywhere before the declared',
      "  length): `ProviderUnavailableError` with the vendor's status, `delivery: 'unknown'`, and a message saying",
      '  the connection was lost while reading the answer; a create is sent once, a read asked again is answered.',
      '- **Gate and pause** (a 429 with `Retry-After` in seconds or as a date, `ratelimit-reset`, an epoch',
      '  `x-ratelimit-reset`, from 0 to 48 h; random `maxRetryAfterMs`, concurrency and rate; calls aborted before',
      '  or while queued): every call settles with a success or a typed error, and no wait exceeds `maxRetryAfterMs`.',
      '- **Hooks** (each of `onRequest`, `onResponse`, `onRetry`, `onError`, `onWarning` throwing, throwing a',
      '  non-error, rejecting at once or later): outcomes are those of a client without hooks; no rejection is left',
      '  unhandled.',
      '',
      '| adapter | redirects | body size | gate and pause | hooks | to another origin | sent twice | untyped | peak memory (bomb) | unhandled |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...hardening.map((section) => {
        const row = (family: string) => section.rows.find((entry) => entry.family === family);
        const cell = (family: string) => {
          const found = row(family);
          return found ? `${found.passed}/${found.cases}` : '–';
        };
        const total = (key: 'requestsElsewhere' | 'repeatedSends' | 'untyped') =>
          sum(section.rows.map((entry) => entry[key]));
        return `| ${section.adapter} | ${cell('redirects')} | ${cell('body-size')} | ${cell('gate-pause')} | ${cell('hooks')} | ${total('requestsElsewhere')} | ${total('repeatedSends')} | ${total('untyped')} | ${(section.peakRssGrowthBytes / 1024 / 1024).toFixed(0)} MiB | ${section.unhandledRejections} |`;
      }),
    );
  }

  out(
    '',
    '## Found and fixed by this suite',
    '',
    '- A `DELETE` whose first attempt the vendor carried out before the answer was lost (timeout, 408, 5xx, reset) was',
    '  retried, met 404 or 410 and failed with `NotFoundError`. The HTTP layer now takes 404/410 on a repeated DELETE',
    '  after such a failure as done (`core/src/http/http-client.ts`).',
    '- The id `.` passed the id check, and `live_streams/.` resolves to `live_streams/`: `delete(".")` sent `DELETE` to',
    '  the collection on every adapter, `start(".")` sent Wowza Video `PUT live_streams/start`. Refused now',
    '  (`core/src/ids.ts`).',
    '- A credential with characters no HTTP header can carry made `fetch` throw a bare `TypeError`, reported as',
    '  `ProviderUnavailableError` and retried. It is an `InvalidInputError` before any request now',
    '  (`core/src/http/http-client.ts`).',
    '- `list({ pageSize })` with 0, a negative, a fraction or NaN reached the vendors (`perPage=NaN` on videosdk) or',
    '  was clamped by some adapters and refused by others. The client refuses it before any request',
    '  (`core/src/client/live-stream-client.ts`); videosdk ignores a non-finite size when called directly.',
    '- A vendor id no later call could use (empty, `..`, a slash) gave a stream; now `ResponseShapeError` through',
    "  core's `vendorStreamId` in every adapter's schema.",
    '- Endpoint URLs were trusted as sent: an empty LiveAPI ingest server gave the ingest URL `/lv_…`, a videosdk',
    '  `downstreamUrl` of another scheme was listed as HLS, a Wowza Video `rtsp` entry holding an `rtmp://` URL became an',
    "  rtsp endpoint. Mappers now keep only URLs that fit their protocol (core's `isEndpointUrl`); LiveAPI's ingest",
    '  server must be an `rtmp://` URL.',
    '- The sandbox served a planned 408 as its dialect\'s 400 or 422 "invalid input"; it now keeps the status asked for.',
    '- A LiveAPI 401 echoing the `Basic` header kept base64 of `":" + secretKey` whenever the token id\'s length was a',
    '  multiple of 3 (its own base64 split the header first). Secrets are now matched together, in every encoding and',
    '  alignment, on the original text (`core/src/secrets.ts`); the property tests draw credentials of every length.',
    '- A vendor message was cut at 300 characters before redaction, keeping half a secret; the request id was never',
    '  scrubbed; a 5 MB message made a 10 MB `toJSON`; 90 kB of `?keykey…` blocked the event loop for seconds. Errors',
    '  now redact first and cut after (`errorTextLimits`), scrub every vendor-chosen field, and redaction is linear.',
    '- A 422 echoing a Wowza push `password` or `token_auth_shared_secret`, or a videosdk restream key, printed it: the',
    "  caller's credentials are registered before the request now. A stream key learned 1,000 streams earlier was",
    '  printable again; learned secrets are kept per stream now.',
    '- `handleWebhook(Request)` read the whole body whatever `maxBodyBytes` said (an endless body grew to 4 GB), and',
    '  neither handler gave up on a body that stalled; both read the body as a stream with the cap now, answer 413',
    '  to a larger declared `Content-Length` before reading, and 408 after `bodyIdleTimeoutMs` without a byte.',
    "- `Object.prototype.method = 'DELETE'` made `client.get` delete the stream on every adapter; `json`, `body`,",
    '  `headers` (replacing `Authorization`), `referrer`, `searchParams` and `redirect` changed what was sent, and',
    '  `issues`, `signal`, `status`, `get`, `set` broke calls untyped: ky and undici read options through the',
    '  prototype. Core reads every option from own properties now, and its HTTP layer calls ky (and so fetch)',
    '  only while `Object.prototype` carries no data. A hook could change the error the caller got, and',
    '  freezing it broke a registry; errors are read-only and hooks get frozen copies now.',
    '- Client, registry and wait options were never checked: `ratelimit`, `maxConcurency`, `onRequests` were',
    "  ignored, `waitForState(id, s, 'fast')` and `events: 42` ran. Unknown names and wrong types are an",
    '  `InvalidInputError` naming the nearest valid one now (`core/src/options.ts`).',
    '- `Object.prototype.recording = true` made `create({ name })` send `recording: true`, and valibot reported every',
    '  polluted key as a missing field; `package: "data:…"` ran code; `provider: "constructor"` reached',
    '  `Object.prototype`; `baseURL` sent the credentials to the production vendor. All refused or ignored now.',
    '- fetch followed redirects: a 307 to another host re-sent a create body (restream keys included) there and took',
    '  its answer as the stream, https → http was followed in clear, a 303 turned a DELETE into a GET that',
    '  "succeeded". Redirects are read by the HTTP layer now (`core/src/http/http-client.ts`).',
    '- Bodies were read whole and decompressed without limit (1 kB of brotli became 400 MB) and retried as',
    '  unreachable; they are capped while streaming now (`maxResponseBytes`).',
    '- A 429 with `Retry-After: 86400` held every later call of a rate-limited client for a day, and a call',
    '  aborted while queued behind `maxConcurrency` left a dead slot; pauses are capped at `maxRetryAfterMs`, and',
    '  queued calls honour their own deadline and signal (`core/src/http/request-gate.ts`).',
    '- An `async` hook that rejected crashed the process with an unhandled rejection; it is contained now.',
    '- A second probe from outside, with only the docs: a LiveAPI stream with 40 platforms added on the dashboard',
    '  printed 8 of their keys in a later error (a stream kept 32 secrets); every key of the latest answer is kept',
    '  now (`SecretSet.holdStream`). A token `\\u`-escaped whole, base64 of a JSON document holding it, a hex token',
    '  echoed in lower case, every byte percent-encoded, URL-encoded twice, or its bytes in hex were printed; each',
    '  is redacted now (the list is in `docs/errors.md#secrets`). A credential of megabytes compiled for seconds',
    '  and ended untyped, and a periodic one made redaction quadratic; credentials are at most 8,192 characters',
    '  now and the search for cut-off copies is linear.',
    "- A custom fetch's error carrying the `Authorization` header in `code` or `name` printed it; a cause keeps only",
    '  a system code and an identifier name now. ESC sequences, U+200B, U+2028 and tag characters in vendor text',
    '  reached error messages as they were; every error text shows them as escapes (`escapeUnprintable`).',
    "- `http://api.localhost` counted as this machine, although Node resolves it through DNS; `package: 'fs'` (a",
    '  built-in, no `node:` needed) was imported; a factory that threw escaped untyped; `Retry-After` of years was',
    '  reported as it was. All typed or clamped now; names of blank braille cells, base-less combining marks or',
    '  hidden tag text are refused.',
    "- `unilive <command> --sandbox` sent the environment's real credentials to a server whose discovery answer left them",
    '  out; `--token-file /dev/zero` ate a gigabyte; Ctrl-C did not end a read of a pipe; a sandbox whose persist',
    '  folder did not exist crashed at its first save. Each is refused, capped, interruptible or logged now.',
    "- A `Retry-After` was read by `Date.parse`, which guesses: `x 2030` paused a client for the day's ceiling",
    '  and failed the call, `retry 5` (May 2001) retried at once, 31 November was 1 December and a date without `GMT`',
    "  moved with the host's zone; a header repeated by a proxy (`5, 5`) was ignored. Only HTTP's date forms and ISO",
    '  8601 are dates now, and a repeated header waits its longest (`core/src/http/retry-policy.ts`).',
    '- `systemSleep` handed its delay to one timer, which holds at most 2³¹−1 ms: a sleep of 25 days or more ended',
    '  after 1 ms with a `TimeoutOverflowWarning`, and a gate spacing requests that far apart (`requestsPerSecond`',
    '  under 1 per 24.8 days, with no deadline) spun through 1 ms timers. Long sleeps chain timers now',
    '  (`core/src/runtime.ts`).',
    '- A wait with `events` polled once per event: 100,000 distinct events about a stream made 66,000 state calls',
    '  in a second against a stub vendor, and one per round trip against a real one, past the ten a second',
    '  `minWaitIntervalMs` allows. Events wake at most ten polls in any second now (`core/src/client/event-wake.ts`).',
    '',
  );

  function matrixFaultCount(): number {
    const faults = new Set(cases(matrices).map((record: CaseRecord) => record.fault));
    faults.delete('unsupported');
    return faults.size;
  }

  return lines.join('\n');
}
