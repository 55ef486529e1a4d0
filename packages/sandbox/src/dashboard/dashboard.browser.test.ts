import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Response as PageResponse } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, findChromium } from '../../test/browser.js';
import { dialectClients } from '../../test/dialect-clients.js';
import { ffmpeg, testPush, watchChanges, whilePushing } from '../../test/media-helpers.js';
import { undocumentedNameLimit } from '../dialects/names.js';
import { type Sandbox, startSandbox } from '../server.js';
import { dashboardSecretPath, overviewStreamLimit, overviewTextLimit } from './dashboard.js';

const browserPath = findChromium();
const missing = !browserPath
  ? 'no Chromium (apt-get install chromium, or set CHROMIUM_PATH)'
  : !ffmpeg
    ? 'no ffmpeg'
    : undefined;
if (missing) console.warn(`skipping the dashboard browser test: ${missing}`);

/** Saved for a person to look at; the folder is ignored by git. */
const artifacts = join(import.meta.dirname, '../../test-artifacts');

describe.skipIf(missing !== undefined)('the dashboard in a real browser', () => {
  let sandbox: Sandbox;
  let browser: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ transitionMs: 20 });
    profile = mkdtempSync(join(tmpdir(), 'unilive-chromium-'));
    // A fresh, empty profile each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: browserPath ?? '',
      headless: true,
      args: chromiumArgs,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('keeps a stream whose name is one long word inside its card, beside the side panel', async () => {
    // Names are whatever a client sent, up to a dialect's limit (LiveAPI's: 1,000 characters), and the page
    // shows the overview's first 511 of them and `…`.
    const name = `\u202e<b>${'W'.repeat(undocumentedNameLimit - 4)}`;
    const shown = `${name.slice(0, overviewTextLimit - 1)}…`;
    const stream = await dialectClients(sandbox.engine).liveapi!.create(name);
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await page.goto(`${sandbox.url}/`);
      const key = `liveapi/${String(stream._id)}`;
      const card = page.locator(`article[data-key="${key}"]`);
      await expect.poll(() => card.count()).toBe(1);
      expect(await card.locator('.name').textContent()).toBe(shown);
      // The page rebuilds every card each second: the name, its card and the side panel are measured in one
      // evaluation, so all three are the same rendering (a card read, then replaced before the next read, has
      // no box). Polled until the layout holds; a layout that never does fails at the poll's limit.
      const layout = () =>
        page.evaluate((cardKey) => {
          const cardElement = [...document.querySelectorAll('article')].find(
            (article) => article.dataset.key === cardKey,
          );
          const nameElement = cardElement?.querySelector('.name');
          const aside = document.querySelector('aside');
          if (!cardElement || !nameElement || !aside) return 'not rendered';
          const nameBox = nameElement.getBoundingClientRect();
          const cardBox = cardElement.getBoundingClientRect();
          const asideBox = aside.getBoundingClientRect();
          return {
            // The text wraps inside the name's box rather than spilling out of it.
            textInsideName: nameElement.scrollWidth <= nameElement.clientWidth,
            nameInsideCard: nameBox.left >= cardBox.left && nameBox.right <= cardBox.right,
            cardBesidePanel: cardBox.right <= asideBox.left,
            pageWiderThanWindow: document.documentElement.scrollWidth > window.innerWidth,
          };
        }, key);
      await expect.poll(layout).toEqual({
        textInsideName: true,
        nameInsideCard: true,
        cardBesidePanel: true,
        pageWiderThanWindow: false,
      });
    } finally {
      await page.close();
    }
  });

  it('lists a stream, keeps its key out of the page and its data until clicked, and plays it while an encoder pushes', async () => {
    const clients = dialectClients(sandbox.engine);
    const stream = await clients.liveapi!.create('Dashboard show');
    const id = String(stream._id);
    const key = (stream.ingest as { key: string }).key;
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(`console: ${message.text()}`);
    });
    // Which address failed, beside the console's line that names none.
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    page.on('requestfailed', (request) => {
      if (!request.url().startsWith(sandbox.url)) failures.push(`left the sandbox: ${request.url()}`);
    });
    // What the browser's network log holds: every overview the page read, and every secret it asked for.
    // The page polls every second: a body still being read when the page closes rejects, and is heard
    // here (each is awaited before the page closes, but a failed step closes it early).
    const overviews: Promise<string>[] = [];
    const secretsRead: Promise<string>[] = [];
    const bodyOf = (response: PageResponse) => {
      const text = response.text();
      text.catch(() => {});
      return text;
    };
    const collect = (response: PageResponse) => {
      const path = new URL(response.url()).pathname;
      if (path === '/_sandbox/dashboard/overview.json') overviews.push(bodyOf(response));
      if (path === dashboardSecretPath) secretsRead.push(bodyOf(response));
    };
    page.on('response', collect);
    await page.goto(`${sandbox.url}/`);
    const card = page.locator(`article[data-key="liveapi/${id}"]`);
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.locator('.name').textContent()).toBe('Dashboard show');
    expect(await card.locator('.badge.live').count()).toBe(0);
    const secret = card.locator('button.secret');
    expect(await secret.textContent()).not.toContain(key);
    // The card is drawn from an overview: none the page read holds the key, and no secret was asked for.
    expect(overviews.length).toBeGreaterThan(0);
    for (const body of await Promise.all(overviews)) expect(body).not.toContain(key);
    expect(secretsRead).toEqual([]);
    await secret.click();
    await expect.poll(() => card.locator('button.secret').textContent()).toBe(key);
    expect((await Promise.all(secretsRead)).some((body) => body.includes(key))).toBe(true);

    const changes = watchChanges(sandbox);
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const push = testPush(
      { url: `${(stream.ingest as { server: string }).server}/${key}` },
      { size: '640x360' },
    );
    try {
      await whilePushing(push, connected, () => sandbox.engine.recentLogs());
      await expect.poll(() => card.locator('.badge.live').count()).toBe(1);
      const video = page.locator(`video[data-stream="liveapi/${id}"]`);
      const currentTime = () => video.evaluate((element) => (element as HTMLVideoElement).currentTime);
      await expect.poll(currentTime).toBeGreaterThan(0.5);
      const first = await currentTime();
      // Still advancing: the player follows the live stream, not one frozen frame.
      await expect.poll(currentTime).toBeGreaterThan(first + 0.5);
      // The secret stays revealed across the page's refreshes.
      expect(await card.locator('button.secret').textContent()).toBe(key);
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
    } finally {
      push.stop();
      await push.done;
    }
    await expect.poll(() => card.locator('.badge.live').count()).toBe(0);
    expect(await page.locator('video').count()).toBe(0);
    expect(failures).toEqual([]);
    // The overviews read while it was shown held no key either: only the secret's own route did. The
    // page stops being read first, so every body collected is read before it closes.
    page.off('response', collect);
    for (const body of await Promise.all(overviews)) expect(body).not.toContain(key);
    await Promise.all(secretsRead);
    await page.close();
  });

  it('says how many streams a provider has when it shows only the live ones and the newest', async () => {
    const realtime = dialectClients(sandbox.engine)['wowza-realtime']!;
    const count = overviewStreamLimit + 3;
    for (let index = 0; index < count; index += 1) await realtime.create(`many ${index}`);
    const page = await browser.newPage();
    try {
      await page.goto(`${sandbox.url}/`);
      const heading = page.locator('h2', { hasText: 'wowza-realtime' }).locator('small');
      await expect.poll(() => heading.textContent()).toBe(`${count} stream(s), ${overviewStreamLimit} shown`);
      expect(await page.locator('p.more').textContent()).toBe(
        '3 more not shown: the live ones and the newest are listed',
      );
      const names = await page.locator('article[data-key^="wowza-realtime/"] .name').allTextContents();
      // The newest, in the provider's order (none of them is live).
      expect(names).toEqual(
        Array.from(
          { length: overviewStreamLimit },
          (_, index) => `many ${index + count - overviewStreamLimit}`,
        ),
      );
    } finally {
      await page.close();
    }
  });
});
