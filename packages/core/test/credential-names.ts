import fc from 'fast-check';

// Names for the tests of the one rule that says which names are a credential's (see
// docs/decisions/2026-11-30-credential-names.md): redaction by shape and the secrets learned from an input or
// a stream read them alike.

// Words that make a name a credential's: the short ones only as a whole part, the others anywhere.
export const credentialWords = [
  'pass',
  'pwd',
  'passwd',
  'jwt',
  'hmac',
  'credential',
  'credentials',
  'sig',
  'key',
  'token',
  'secret',
  'password',
  'passphrase',
  'signature',
  'auth',
  'streamid',
];
// Parts that name nothing secret, placed around a credential word. A setting's part (`ttl`, `type`) only
// before it: last, it names a setting about the credential (`token_ttl`; see harmlessNames).
const plainParts = ['user', 'client', 'url', 'x', 'api', 'publish', 'stream', 'access', 'my', 'v2'];
const leadingParts = [...plainParts, 'ttl', 'type'];
// Names holding a short credential word inside a longer one, and ordinary names: never credentials.
export const ordinaryWords = [
  'passthrough',
  'bypass',
  'compass',
  'passive',
  'surpass',
  'passenger',
  'signal',
  'design',
  'assign',
  'sigma',
  'page',
  'mode',
  'code',
  'session',
];

type Style = (parts: readonly string[]) => string;
const capital = (part: string) => (part[0] ?? '').toUpperCase() + part.slice(1);
// How vendors and frameworks write a name made of several words.
const styles: readonly Style[] = [
  (parts) => parts.join('_'),
  (parts) => parts.join('-'),
  (parts) => parts.join('.'),
  (parts) => parts.map((part, index) => (index === 0 ? part : capital(part))).join(''),
  (parts) => parts.map(capital).join(''),
  (parts) => parts.map(capital).join('-'),
  (parts) => parts.join('_').toUpperCase(),
];

// A name: plain parts around one word, in one style.
export const nameOf = (words: readonly string[]) =>
  fc
    .tuple(
      fc.array(fc.constantFrom(...leadingParts), { maxLength: 2 }),
      fc.constantFrom(...words),
      fc.array(fc.constantFrom(...plainParts), { maxLength: 2 }),
      fc.constantFrom(...styles),
    )
    .map(([before, word, after, style]) => style([...before, word, ...after]));

// Names that hold a credential word but name nothing secret: vendor fields (Wowza Video's `keyframes`,
// `keyframe_interval`, `keyframe_interval_metric`, `ad_keywords`), a video's author, a URL's authority, and a
// credential's time (Wowza Video's `access_token_expires_at`, Wowza Real-Time's `subscribeTokenExpiresAt`).
export const harmlessNames = [
  'access_token_expires_at',
  'subscribeTokenExpiresAt',
  'token_expiry',
  // Settings about a credential: its lifetime, where it is kept, its kind, its name.
  'token_ttl',
  'tokenTTL',
  'tokenTtlSeconds',
  'key_file',
  'PASSWORD_FILE',
  'key-path',
  'token_type',
  'signature_method',
  'oauth_signature_method',
  'key_length',
  'secretName',
  'auth_mode',
  'keyframes',
  'keyframe_interval',
  'keyframe_interval_metric',
  'key_frame_interval',
  'keyFrameInterval',
  'KeyFrames',
  'ad_keywords',
  'keyword',
  'author',
  'author_name',
  'authorId',
  'authority',
  'authmod',
  'monkey',
  'pass_through',
  'passThrough',
  // Words a stream, a region or a registry entry is named by.
  'turkey',
  'Turkey',
  'hockey',
  'Hockey',
  'keystone',
  'keyboard_layout',
  'secretary',
  'whiskey',
  'donkey',
  'jockey',
];
// Names a vendor writes for a credential, some holding a harmless word too: always masked.
export const compoundCredentialNames = [
  'authmod_token',
  'keystone_token',
  'turkey_secret',
  'passkey',
  // Two words, one a credential word: never read as the English word they spell together.
  'turn_key',
  'turnKey',
  'TURN-KEY',
  'turnkey',
  'mon_key',
  'monKey',
  'don_key',
  'key_stone',
  'keyStone',
  'key_board',
  'secret_ary',
  'streamkey',
  'stream_key',
  'streamKey',
  'apikey',
  'secretkey',
  'accesstoken',
  'wowzatokenhash',
  'X-Amz-Signature',
  'publishToken',
  'token_auth_shared_secret',
  'authorization',
  'Authorization',
  'keyframe_key',
  'author_token',
  'keywordSecret',
  'key',
  // An identifier is a credential's: LiveAPI's token id, an access key's id.
  'tokenId',
  'key_id',
  'AccessKeyId',
  'type_token',
];
