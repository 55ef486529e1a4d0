/**
 * The dashboard page: plain HTML, CSS and a small script, no build step and nothing from a CDN (hls.js is
 * served by the sandbox from its installed package). Everything from the sandbox is written with
 * `textContent`, never as markup: stream names are whatever a client sent.
 */
export const dashboardPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>unilive sandbox</title>
<style>
  :root { color-scheme: light dark; --line: #8884; --muted: #888; --live: #d62828; --ok: #2a9d8f; }
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; }
  header { padding: 12px 20px; border-bottom: 1px solid var(--line); display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header code { font-size: 13px; }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 1fr); gap: 20px; padding: 16px 20px; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
  h2 { font-size: 15px; margin: 18px 0 8px; text-transform: none; }
  h2 small { color: var(--muted); font-weight: normal; }
  .stream { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin-bottom: 10px; }
  .stream .title { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  /* A name is whatever a client sent, one unbroken word of thousands of characters included: it wraps anywhere
     rather than push the card over the side panel. */
  .stream .name { font-weight: 600; overflow-wrap: anywhere; min-width: 0; }
  .stream .id { color: var(--muted); font-family: ui-monospace, monospace; font-size: 12px; }
  .badge { border-radius: 4px; padding: 0 6px; font-size: 12px; border: 1px solid var(--line); }
  .badge.live { background: var(--live); color: #fff; border-color: var(--live); font-weight: 700; }
  .badge.accepting { border-color: var(--ok); color: var(--ok); }
  dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 10px; margin: 8px 0 0; }
  dt { color: var(--muted); }
  dd { margin: 0; font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; }
  button.secret { font: inherit; font-family: ui-monospace, monospace; font-size: 12px; cursor: pointer; background: none; border: 1px dashed var(--line); border-radius: 4px; padding: 0 6px; color: inherit; }
  .encoder { color: var(--muted); font-size: 12px; margin-top: 6px; }
  video { display: block; width: 100%; max-width: 480px; margin-top: 8px; background: #000; border-radius: 6px; }
  .empty { color: var(--muted); }
  ol.feed { list-style: none; padding: 0; margin: 0; font-size: 12px; }
  ol.feed li { border-bottom: 1px solid var(--line); padding: 3px 0; overflow-wrap: anywhere; }
  ol.feed time { color: var(--muted); margin-right: 6px; font-family: ui-monospace, monospace; }
  .warn { color: #e76f51; } .error { color: var(--live); }
</style>
</head>
<body>
<header>
  <h1>unilive sandbox</h1>
  <span>API <code id="api-url">…</code></span>
  <span>RTMP ingest <code id="ingest-url">…</code></span>
  <span id="status" class="empty">loading…</span>
</header>
<main>
  <section id="providers" aria-label="Streams by provider"></section>
  <aside>
    <h2>Webhook deliveries</h2>
    <ol class="feed" id="deliveries"></ol>
    <h2>Stream changes</h2>
    <ol class="feed" id="changes"></ol>
    <h2>Ingest log</h2>
    <ol class="feed" id="log"></ol>
  </aside>
</main>
<script src="/_sandbox/dashboard/hls.min.js"></script>
<script>
(() => {
  // The secrets clicked, by provider/stream/label: the overview carries none, so each is read when clicked
  // (and read again at each refresh while shown, so a changed key shows changed).
  const shown = new Set();
  const revealed = new Map();
  const players = new Map();
  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === 'text') node.textContent = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  };
  const clock = (ms) => new Date(ms).toLocaleTimeString();

  async function readSecret(provider, stream, label) {
    const query = new URLSearchParams({ provider, stream, label });
    const response = await fetch('/_sandbox/dashboard/secret?' + query, { cache: 'no-store' });
    return response.ok ? (await response.json()).value : undefined;
  }

  function secretButton(provider, stream, field) {
    const key = provider + '/' + stream + '/' + field.label;
    const button = el('button', { class: 'secret', type: 'button', title: 'show or hide' });
    const draw = () => { button.textContent = shown.has(key) && revealed.has(key) ? revealed.get(key) : '•'.repeat(Math.min(12, field.length)); };
    // A read that answers after the secret was hidden again changes nothing.
    const read = () => readSecret(provider, stream, field.label).then((value) => {
      if (!shown.has(key)) return;
      if (value === undefined) shown.delete(key); else revealed.set(key, value);
      draw();
    }, () => {});
    button.addEventListener('click', () => {
      if (shown.has(key)) {
        shown.delete(key);
        revealed.delete(key);
        draw();
      } else {
        shown.add(key);
        read();
      }
    });
    draw();
    if (shown.has(key)) read();
    return button;
  }

  function player(key, url) {
    let entry = players.get(key);
    if (entry && entry.url === url) return entry.video;
    if (entry) stopPlayer(key);
    const video = el('video', { controls: '', playsinline: '', dataset: { stream: key } });
    video.muted = true;
    video.autoplay = true;
    let hls;
    if (window.Hls && window.Hls.isSupported()) {
      hls = new window.Hls({ liveSyncDurationCount: 2, manifestLoadingMaxRetry: 10, levelLoadingMaxRetry: 10 });
      hls.loadSource(url);
      hls.attachMedia(video);
      hls.on(window.Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
      // A player that gave up is dropped; the next refresh starts a new one while the stream is live.
      hls.on(window.Hls.Events.ERROR, (event, error) => { if (error.fatal) stopPlayer(key); });
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = url;
    }
    players.set(key, { url, video, hls });
    return video;
  }

  function stopPlayer(key) {
    const entry = players.get(key);
    if (!entry) return;
    entry.hls?.destroy();
    entry.video.remove();
    players.delete(key);
  }

  function streamCard(provider, stream) {
    const key = provider + '/' + stream.id;
    const card = el('article', { class: 'stream', dataset: { key } });
    const badges = [el('span', { class: 'badge' + (stream.acceptsVideo ? ' accepting' : ''), text: stream.state })];
    if (stream.live) badges.push(el('span', { class: 'badge live', text: 'LIVE' }));
    card.append(el('div', { class: 'title' }, [
      el('span', { class: 'name', text: stream.name ?? '(no name)' }),
      el('span', { class: 'id', text: stream.id }),
      ...badges,
    ]));
    const fields = el('dl');
    for (const field of stream.ingest) {
      fields.append(el('dt', { text: field.label }));
      fields.append(el('dd', {}, [field.secret ? secretButton(provider, stream.id, field) : document.createTextNode(field.value)]));
    }
    if (stream.hlsUrl) {
      fields.append(el('dt', { text: 'HLS' }));
      fields.append(el('dd', { text: stream.hlsUrl }));
    }
    card.append(fields);
    if (stream.encoder) {
      const encoder = stream.encoder;
      const size = encoder.width ? encoder.width + 'x' + encoder.height + ' ' : '';
      const rate = encoder.frameRate ? encoder.frameRate + ' fps ' : '';
      card.append(el('div', { class: 'encoder', text: 'encoder ' + encoder.remoteAddress + ': ' + size + rate + Math.round(encoder.bitrate / 1000) + ' kbit/s' }));
    }
    return card;
  }

  function renderProviders(data) {
    const root = $('providers');
    const live = new Set();
    root.replaceChildren();
    for (const provider of data.providers) {
      const hidden = provider.total - provider.streams.length;
      root.append(el('h2', {}, [document.createTextNode(provider.id + ' '), el('small', { text: provider.total + ' stream(s)' + (hidden > 0 ? ', ' + provider.streams.length + ' shown' : '') })]));
      if (provider.total === 0) root.append(el('p', { class: 'empty', text: 'No streams yet.' }));
      if (hidden > 0) root.append(el('p', { class: 'more', text: hidden + ' more not shown: the live ones and the newest are listed' }));
      for (const stream of provider.streams) {
        const card = streamCard(provider.id, stream);
        root.append(card);
        if (stream.live && stream.previewUrl) {
          const key = provider.id + '/' + stream.id;
          live.add(key);
          // The same video element moves into the new card within this task, so it keeps playing.
          card.append(player(key, stream.previewUrl));
        }
      }
    }
    for (const key of [...players.keys()]) if (!live.has(key)) stopPlayer(key);
  }

  function renderFeed(id, items, line, empty) {
    const list = $(id);
    list.replaceChildren(...(items.length === 0 ? [el('li', { class: 'empty', text: empty })] : items.map(line)));
  }

  async function refresh() {
    try {
      const response = await fetch('/_sandbox/dashboard/overview.json', { cache: 'no-store' });
      const data = await response.json();
      $('api-url').textContent = data.sandbox.url;
      $('ingest-url').textContent = data.sandbox.ingestUrl ?? 'off';
      $('status').textContent = 'updated ' + clock(Date.now());
      renderProviders(data);
      renderFeed('deliveries', data.deliveries ?? [], (delivery) => el('li', {}, [
        el('time', { text: clock(delivery.at) }),
        document.createTextNode(delivery.provider + ' ' + delivery.event + ' → ' + delivery.url + ' ' + (delivery.status ?? delivery.error ?? '') + (delivery.reason ? ' (' + delivery.reason + ')' : '')),
      ]), data.deliveries === null ? 'This sandbox sends no webhooks.' : 'None yet: register an endpoint (unilive sandbox --webhook, or POST /_sandbox/webhooks).');
      renderFeed('changes', data.changes, (change) => el('li', {}, [
        el('time', { text: clock(change.at) }),
        document.createTextNode(change.provider + ' ' + change.id + ' ' + change.kind + (change.state ? ' (' + (change.previousState ? change.previousState + ' → ' : '') + change.state + ')' : '')),
      ]), 'Nothing has changed yet.');
      renderFeed('log', data.log, (entry) => el('li', { class: entry.level }, [
        el('time', { text: clock(entry.at) }),
        document.createTextNode((entry.provider ? entry.provider + (entry.streamId ? '/' + entry.streamId : '') + ' ' : '') + entry.message),
      ]), 'No encoder has connected yet.');
    } catch (error) {
      $('status').textContent = 'the sandbox does not answer';
    }
  }
  refresh();
  setInterval(refresh, 1000);
})();
</script>
</body>
</html>
`;
