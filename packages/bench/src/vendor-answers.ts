// The answers the vendor SDKs read in the side-by-side measurement: one live stream each, in the vendor's own
// shape, as the SDK's own types describe it (`LiveStream` in @mux/mux-node's `resources/video/live-streams`,
// and api.video's `model/LiveStream` with its assets and restreams), about the size of unilive's small
// answers. The ids and keys are made up; no vendor was called.

/** The id of the live stream each vendor answer describes. */
export const vendorStreamIds = {
  mux: 'ZEBrNTpHC02iUah025KM3te6ylM7W4S4silsrFtUkn3Ag',
  apiVideo: 'li400mYKSgQ6xs7taUeSaEKr',
} as const;

/** `GET /video/v1/live-streams/{id}`: Mux wraps the stream in `data`. */
export const muxLiveStreamAnswer = JSON.stringify({
  data: {
    id: vendorStreamIds.mux,
    created_at: '1764412800',
    stream_key: 'b8cd2a1f-6e33-4f0c-9a41-2d5e7f1c0a93',
    status: 'idle',
    playback_ids: [{ policy: 'public', id: 'Xe00g8Gw01j9VZ2Ck4oO1aS00YhmPcL7ME02tKx7rqXbIwY' }],
    new_asset_settings: { playback_policies: ['public'], video_quality: 'basic' },
    recent_asset_ids: ['8Dkp3uLzNDW2n1fG01ZzqJ4oQeYVt6sB00XhR9cW5aE'],
    reconnect_window: 60,
    use_slate_for_standard_latency: false,
    reconnect_slate_url: '',
    max_continuous_duration: 43200,
    latency_mode: 'standard',
    test: false,
    passthrough: 'launch-event-2026',
    meta: { title: 'Launch event' },
    simulcast_targets: [
      {
        id: 'vOx3cT5cH2L01QtEqk9j7pW00iDuHkA00r1TQ6qK5mK',
        passthrough: 'youtube',
        status: 'idle',
        url: 'rtmp://a.rtmp.youtube.com/live2',
      },
    ],
    audio_only: false,
  },
});

/** `GET /live-streams/{id}`: api.video's stream, with its player assets and a restream. */
export const apiVideoLiveStreamAnswer = JSON.stringify({
  liveStreamId: vendorStreamIds.apiVideo,
  name: 'Launch event',
  streamKey: 'cc1b4df0-d1c5-4064-a8f9-9f0368385135',
  public: true,
  assets: {
    iframe: `<iframe src="https://embed.api.video/live/${vendorStreamIds.apiVideo}" width="100%" height="100%" frameborder="0" scrolling="no" allowfullscreen=""></iframe>`,
    player: `https://embed.api.video/live/${vendorStreamIds.apiVideo}`,
    hls: `https://live.api.video/${vendorStreamIds.apiVideo}.m3u8`,
    thumbnail: `https://cdn.api.video/live/${vendorStreamIds.apiVideo}/thumbnail.jpg`,
  },
  playerId: 'pl4f4ferf5erfr5zed4fsdd',
  broadcasting: false,
  restreams: [{ name: 'YouTube', serverUrl: 'rtmp://a.rtmp.youtube.com/live2' }],
  createdAt: '2026-11-29T10:17:47+00:00',
  updatedAt: '2026-11-29T10:17:47+00:00',
});
