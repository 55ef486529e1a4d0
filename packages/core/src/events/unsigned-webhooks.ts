import { NotFoundError, WebhookVerificationError } from '../errors/errors.js';
import type { LiveStream, ProviderId } from '../live-stream.js';
import type { CallOptions } from '../provider.js';
import type { LiveStreamEvent } from './live-stream-event.js';
import { secretsEqual } from './webhook-crypto.js';
import { invalidWebhookOption, type WebhookInput, type WebhookOptionsBase } from './webhook-input.js';

/** What `confirm` mode reads streams with: a provider or a client of the same vendor. */
export interface StreamReader {
  get(id: string, options?: CallOptions): Promise<LiveStream>;
}

/**
 * Options of the vendors that sign nothing (Wowza Video, LiveAPI). Anyone who knows the endpoint can post
 * to it, so no event from them is ever "verified"; these options say how much it is trusted.
 */
export interface UnsignedWebhookOptions extends WebhookOptionsBase {
  /**
   * Required, and must be `true`: the acknowledgement that this vendor signs nothing, so that an
   * application never trusts its webhooks by mistake.
   */
  unsigned: true;
  /**
   * A secret kept in the endpoint's path (`https://app.example/webhooks/<secret>`), registered with the
   * vendor as part of the URL; several during a rotation. The last path segment of `input.url` must equal
   * one of them (compared in constant time), else the delivery is refused as `bad-signature`. It only
   * proves the sender knew the URL: the vendor, or anyone the URL leaked to (logs, proxies).
   */
  pathSecret?: string | readonly string[] | undefined;
  /**
   * Re-reads the stream of each event over the vendor's API before returning it, with this provider or
   * client: the event's `state` and `broadcasting` are then the API's, an event about a stream that does
   * not exist (or a delete of one that does) is refused as `unconfirmed`. Costs one request per event.
   */
  confirm?: StreamReader | undefined;
}

/**
 * Checks what can be checked of an unsigned delivery: the explicit `unsigned: true`, then the secret path
 * segment when one is configured.
 */
export async function checkUnsignedWebhook(
  provider: ProviderId,
  input: WebhookInput,
  options: UnsignedWebhookOptions | undefined,
): Promise<void> {
  if (options?.unsigned !== true) {
    throw invalidWebhookOption(
      provider,
      'unsigned',
      `must be true: ${provider} signs no webhook, so anyone who knows the endpoint can post to it. ` +
        'Acknowledge it with { unsigned: true }, and add pathSecret or confirm to trust its events more',
    );
  }
  const configured = options.pathSecret;
  if (configured === undefined) return;
  const secrets = typeof configured === 'string' ? [configured] : [...configured];
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw invalidWebhookOption(provider, 'pathSecret', 'must hold no empty secret');
  }
  if (input.url === undefined) {
    throw invalidWebhookOption(
      provider,
      'url',
      'is needed to check pathSecret: pass the URL the request arrived at',
    );
  }
  const path = new URL(String(input.url), 'http://webhook.invalid').pathname;
  const segment = decodeSegment(
    path
      .split('/')
      .filter((part) => part !== '')
      .at(-1),
  );
  if (segment === undefined) {
    throw new WebhookVerificationError({
      provider,
      reason: 'missing-signature',
      message: `${provider} webhook: the request path has no segment to hold the path secret`,
    });
  }
  // Every secret is compared, so the time taken does not tell which one (if any) matched.
  const matches = await Promise.all(secrets.map((secret) => secretsEqual(segment, secret)));
  if (!matches.includes(true)) {
    throw new WebhookVerificationError({
      provider,
      reason: 'bad-signature',
      message: `${provider} webhook: the last path segment does not match any configured pathSecret`,
    });
  }
}

function decodeSegment(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * `confirm` mode: re-reads each event's stream and keeps the event only if the API agrees it can be true.
 * The event's `state` and `broadcasting` become the API's (the truth now, even if the event was late);
 * `data.confirmed` is set. Events about no stream (`unknown`) pass as they are.
 */
export async function confirmWebhookEvents(
  provider: ProviderId,
  events: readonly LiveStreamEvent[],
  reader: StreamReader,
): Promise<LiveStreamEvent[]> {
  const confirmed: LiveStreamEvent[] = [];
  for (const event of events) {
    if (event.streamId === '') {
      confirmed.push(event);
      continue;
    }
    let stream: LiveStream | undefined;
    try {
      stream = await reader.get(event.streamId);
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
    const deleted = event.type === 'live_stream.deleted';
    if (deleted !== (stream === undefined)) {
      throw new WebhookVerificationError({
        provider,
        reason: 'unconfirmed',
        message: deleted
          ? `${provider} webhook: the event says stream ${event.streamId} was deleted, but the API still has it`
          : `${provider} webhook: the event names stream ${event.streamId}, which the API does not have`,
      });
    }
    if (!stream) {
      confirmed.push({ ...event, data: { ...event.data, confirmed: true } });
      continue;
    }
    const { broadcasting: _claimed, ...rest } = event;
    confirmed.push({
      ...rest,
      state: stream.state,
      ...(stream.broadcasting === undefined ? {} : { broadcasting: stream.broadcasting }),
      data: { ...event.data, confirmed: true },
    });
  }
  return confirmed;
}
