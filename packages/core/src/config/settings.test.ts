import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError, InvalidInputError } from '../errors/errors.js';
import { bearerTokenProblem } from './credential-headers.js';
import { environmentView, loadCredential, maxCredentialLength, readSettings } from './settings.js';

const c1 = fc.integer({ min: 0x80, max: 0x9f }).map((code) => String.fromCharCode(code));
const tokenText = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
// Unicode's White_Space (NEL included) and the BOM, which JavaScript's `trim` also drops.
const whitespace = fc.constantFrom(
  ' ',
  '\t',
  '\r',
  '\n',
  '\v',
  '\f',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2009',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u3000',
  '\ufeff',
);
const blank = fc.array(whitespace, { maxLength: 6 }).map((parts) => parts.join(''));

function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loadCredential', () => {
  // Every refusal of a value read names where that value came from: the setting when one was given, else
  // the one variable read (the second of two when the first is unset), never "the setting or A or B", so
  // the caller fixes the right place. A vendor's own rule (`problem`: a Bearer token's scheme, characters
  // beyond Latin-1) is refused the same way. These named only the setting (Wowza's, videosdk's rule) or
  // every place at once.
  it('names the one place a refused value came from, for every check and the vendor rule (generated)', () => {
    const refusedValue = fc.constantFrom(
      { value: 'ab\u0001cd', says: 'token contains control characters' },
      { value: 'ab\u200bcd', says: 'token holds invisible characters' },
      { value: 'e'.repeat(maxCredentialLength + 1), says: `token is longer than ${maxCredentialLength}` },
      { value: 'Bearer abcdef', says: 'the token must be given without a scheme' },
      // The environment is text made from bytes: a lone surrogate set there reads as U+FFFD, beyond Latin-1.
      {
        value: 'abc\ud800def',
        says: 'the token holds characters beyond Latin-1',
        saysOfSetting: 'token holds a lone surrogate, which has no UTF-8 form',
      },
      { value: 'abc€def', says: 'the token holds characters beyond Latin-1' },
    );
    const origin = fc.constantFrom('setting', 'first variable', 'second variable');
    fc.assert(
      fc.property(refusedValue, origin, ({ value, says, saysOfSetting }, from) => {
        vi.stubEnv('UNILIVE_TEST_FIRST', from === 'first variable' ? value : '');
        vi.stubEnv('UNILIVE_TEST_SECOND', from === 'second variable' ? value : 'unused-token');
        const error = thrown(() =>
          loadCredential({
            provider: 'wowza-video',
            setting: 'token',
            value: from === 'setting' ? value : undefined,
            environmentVariables: ['UNILIVE_TEST_FIRST', 'UNILIVE_TEST_SECOND'],
            problem: bearerTokenProblem,
          }),
        );
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        const place =
          from === 'setting'
            ? 'the `token` setting'
            : from === 'first variable'
              ? 'UNILIVE_TEST_FIRST'
              : 'UNILIVE_TEST_SECOND';
        expect(error.message).toContain(`wowza-video: ${(from === 'setting' && saysOfSetting) || says}`);
        expect(error.message).toMatch(new RegExp(`(\\(|; )from ${place.replace(/[`]/g, '.')}\\)`));
        for (const other of ['the `token` setting', 'UNILIVE_TEST_FIRST', 'UNILIVE_TEST_SECOND'])
          if (other !== place) expect(error.message).not.toContain(other);
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['token']);
        expect(error.message).not.toContain('abcdef');
      }),
      { numRuns: 80 },
    );
  });

  // C1 controls were sent in the Authorization header as given (`Bearer tok\u0085x`), where C0 and DEL
  // were refused: fetch sends any Latin-1 character.
  it('refuses a C1 control character from a setting or the environment as it refuses C0 and DEL, never echoing', () => {
    fc.assert(
      fc.property(tokenText, c1, tokenText, fc.boolean(), (before, control, after, fromEnvironment) => {
        const value = `Zq9${before}${control}${after}`;
        if (fromEnvironment) vi.stubEnv('UNILIVE_TEST_TOKEN', value);
        else vi.stubEnv('UNILIVE_TEST_TOKEN', '');
        const error = thrown(() =>
          loadCredential({
            provider: 'wowza-video',
            setting: 'token',
            value: fromEnvironment ? undefined : value,
            environmentVariables: ['UNILIVE_TEST_TOKEN'],
          }),
        );
        expect(InvalidInputError.isInstance(error)).toBe(true);
        // Named by where the value came from: the setting, or the variable read.
        expect(error.message).toBe(
          `wowza-video: token contains control characters (from ${fromEnvironment ? 'UNILIVE_TEST_TOKEN' : 'the `token` setting'})`,
        );
        expect(error.message).not.toContain('Zq9');
      }),
      { numRuns: 60 },
    );
  });

  // A configuration file's `"token": "${WOWZA_VIDEO_TOKEN}"` is taken as written: it was sent as the
  // credential, and the vendor's 401 read as a wrong token.
  it('refuses a credential holding an unexpanded placeholder, from a setting or the environment, naming the variables; takes one that merely holds "$" or braces', () => {
    const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,30}$/);
    const inside = fc.stringMatching(/^ ?[A-Za-z_][A-Za-z0-9_.]{0,20} ?$/);
    const one = fc.oneof(
      name.map((variable) => `\${${variable}}`),
      fc
        .tuple(name, fc.constantFrom(':-', '-', ':=', ':?'), tokenText)
        .map(([variable, mark, fallback]) => `\${${variable}${mark}${fallback}}`),
      name.map((variable) => `\${env:${variable}}`),
      inside.map((path) => `{{${path}}}`),
      inside.map((path) => `{{{${path}}}}`),
      inside.map((path) => `\${{${path}}}`),
      name.map((variable) => `$(${variable})`),
      name.map((variable) => `%${variable}%`),
      name.map((variable) => `#{${variable}}`),
      // Broken or empty: still no credential.
      fc.constantFrom('${}', '${X', '{{', 'abc{{def', '{{ }}'),
    );
    const placeholder = fc.oneof(
      one,
      // The whole value an upper-case variable name, as a shell would have expanded it.
      name.map((variable) => `$${variable}`),
      // Quoted, beside another, or inside a longer value (`Bearer ${TOKEN}`).
      fc
        .tuple(
          fc.constantFrom('"', "'"),
          fc.oneof(
            one,
            name.map((variable) => `$${variable}`),
          ),
        )
        .map(([quote, value]) => `${quote}${value}${quote}`),
      fc.tuple(one, one).map(([first, second]) => `${first}${second}`),
      // An upper-case variable standing as a word after a space: `Bearer $TOKEN`.
      fc
        .tuple(fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), name)
        .map(([before, variable]) => `${before} $${variable}`),
      fc
        .tuple(
          fc.stringMatching(/^[A-Za-z0-9_.-]{0,12} ?$/),
          one,
          fc.stringMatching(/^[A-Za-z0-9_.-]{0,12}$/),
        )
        .map(([before, value, after]) => `${before}${value}${after}`),
    );
    fc.assert(
      fc.property(placeholder, blank, fc.boolean(), (value, around, fromEnvironment) => {
        vi.stubEnv('UNILIVE_TEST_TOKEN', fromEnvironment ? `${around}${value}` : '');
        const error = thrown(() =>
          loadCredential({
            provider: 'liveapi',
            setting: 'tokenSecret',
            value: fromEnvironment ? undefined : `${value}${around}`,
            environmentVariables: ['UNILIVE_TEST_TOKEN'],
          }),
        );
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect(error).toMatchObject({
          provider: 'liveapi',
          operation: 'configure',
          delivery: 'not-sent',
          issues: [{ path: 'tokenSecret', message: 'expected a credential, not an unexpanded placeholder' }],
        });
        // The advice fits where the value came from: a configuration file's setting can be left out for
        // the variable; a variable's value must be the credential itself.
        expect(error.message).toMatch(
          fromEnvironment
            ? /; from UNILIVE_TEST_TOKEN\): nothing expands a variable's value; set UNILIVE_TEST_TOKEN to the credential itself$/
            : /; from the `tokenSecret` setting\): a configuration file's values are taken as written; give the value, or leave the setting out and set UNILIVE_TEST_TOKEN$/,
        );
      }),
      { numRuns: 200 },
    );
    // A credential with a "$" or braces that holds no placeholder is a credential.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text a configuration file holds, unexpanded.
    for (const value of ['$ecret-9x', '$lowercase', 'a$X', '{a}', '$', 'x"$', '100%', 'a%b%c', '#{', 'k$Ab1'])
      expect(loadCredential({ provider: 'liveapi', setting: 'token', value, environmentVariables: [] })).toBe(
        value,
      );
  });

  it('takes a value of whitespace alone, NEL included, as no value: the next variable is used', () => {
    fc.assert(
      fc.property(blank, tokenText, (first, second) => {
        vi.stubEnv('UNILIVE_TEST_FIRST', first);
        vi.stubEnv('UNILIVE_TEST_SECOND', second);
        const source = {
          provider: 'wowza-realtime' as const,
          setting: 'token',
          value: undefined,
          environmentVariables: ['UNILIVE_TEST_FIRST', 'UNILIVE_TEST_SECOND'],
        };
        expect(loadCredential(source)).toBe(second);
        vi.stubEnv('UNILIVE_TEST_SECOND', '');
        expect(AuthenticationError.isInstance(thrown(() => loadCredential(source)))).toBe(true);
        // An explicit setting of whitespace alone is no credential either: refused as the setting it is, the
        // environment not read in its place (a variable that is set is never named as one to set).
        vi.stubEnv('UNILIVE_TEST_SECOND', second);
        const blankSetting = thrown(() => loadCredential({ ...source, value: first }));
        expect(InvalidInputError.isInstance(blankSetting)).toBe(true);
        expect((blankSetting as InvalidInputError).issues).toEqual([
          {
            path: 'token',
            message: 'expected a value, or the setting left out (an empty or blank setting is none)',
          },
        ]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('loadCredential: whitespace around a value', () => {
  it('reads a setting as it reads the same text in a variable: the whitespace around it dropped', () => {
    fc.assert(
      fc.property(blank, tokenText, blank, fc.boolean(), (before, value, after, fromEnvironment) => {
        vi.stubEnv('UNILIVE_TEST_TOKEN', fromEnvironment ? `${before}${value}${after}` : '');
        const read = loadCredential({
          provider: 'wowza-video',
          setting: 'token',
          value: fromEnvironment ? undefined : `${before}${value}${after}`,
          environmentVariables: ['UNILIVE_TEST_TOKEN'],
        });
        expect(read).toBe(value);
      }),
      {
        numRuns: 100,
        examples: [
          ['\ufeff', 'tok', '', false],
          ['\u00a0', 'tok', '\u0085', false],
        ],
      },
    );
  });
});

describe('environmentView', () => {
  it('reads whitespace alone as absent and drops the whitespace around a value, NEL as the rest', () => {
    fc.assert(
      fc.property(blank, tokenText, blank, (before, value, after) => {
        const view = environmentView({ BLANK: `${before}${after}`, PADDED: `${before}${value}${after}` });
        expect(view.BLANK).toBeUndefined();
        expect('BLANK' in view).toBe(false);
        expect(view.PADDED).toBe(value);
        expect('PADDED' in view).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps a NEL inside a value, which the credential check then refuses', () => {
    expect(environmentView({ TOKEN: '\u0085tok\u0085en\u0085' }).TOKEN).toBe('tok\u0085en');
  });
});

describe('readSettings: every own key is read', () => {
  const names = { token: true, baseUrl: true } as const;

  it('reads a setting defined non-enumerable, and checks it, rather than leaving it to the environment', () => {
    fc.assert(
      fc.property(tokenText, fc.boolean(), (token, enumerable) => {
        const given = Object.defineProperty({}, 'token', { value: token, enumerable });
        expect(readSettings('wowza-video', given, names)).toEqual(
          Object.assign(Object.create(null), { token }),
        );
        // A misspelt one is refused whether enumerable or not.
        const misspelt = Object.defineProperty({}, 'tokne', { value: token, enumerable });
        expect(() => readSettings('wowza-video', misspelt, names)).toThrow(/"tokne": unknown setting/);
      }),
      { numRuns: 40 },
    );
  });

  it('names an unknown setting, unless its name may be a credential pasted where a name belongs', () => {
    const refusal = (given: object): InvalidInputError => {
      try {
        readSettings('liveapi', given, { tokenId: true, secretKey: true, baseUrl: true }, [
          'tokenId',
          'secretKey',
        ]);
      } catch (error) {
        if (InvalidInputError.isInstance(error)) return error;
        throw error;
      }
      throw new Error('not refused');
    };
    const hidden =
      'unknown setting (its name is not shown: it may be a credential); expected one of tokenId, secretKey, baseUrl';
    // A credential given beside it (its value, or the value inside a longer name), or a name of the shapes
    // keys, tokens and ids have: random hex or base64, many digits, over 40 characters.
    const credentialNames = fc.oneof(
      fc.stringMatching(/^[0-9][0-9a-f]{15,63}$/),
      fc.base64String({ minLength: 20, maxLength: 60 }).filter((text) => /[+/=]/.test(text)),
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{40,80}$/),
      fc.stringMatching(/^[a-z]{1,6}_[0-9]{4,12}$/),
    );
    fc.assert(
      fc.property(credentialNames, fc.boolean(), fc.constantFrom('', 'x-'), (name, beside, prefix) => {
        const secretKey = beside ? name : 'a-key-of-its-own';
        const key = beside ? `${prefix}${name}` : name;
        const error = refusal({ tokenId: 'tid', secretKey, [key]: 1 });
        expect(error.issues).toEqual([{ path: '[REDACTED]', message: hidden }]);
        expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(name);
      }),
      { numRuns: 200 },
    );
    // Names as people misspell them are still named, with the nearest.
    for (const [key, message] of [
      ['secretkey', 'unknown setting; did you mean "secretKey"?'],
      ['base_url', 'unknown setting; did you mean "baseUrl"?'],
      ['token id', 'unknown setting; did you mean "tokenId"?'],
      ['region', 'unknown setting; expected one of tokenId, secretKey, baseUrl'],
    ] as const) {
      expect(refusal({ tokenId: 'tid', secretKey: 'a-key-of-its-own', [key]: 1 }).issues).toEqual([
        { path: key, message },
      ]);
    }
  });

  it('hides a name repeating a credential in another letter case, as a symbol, short, or from the environment (generated)', () => {
    const names = { tokenId: true, secretKey: true } as const;
    const variables = { tokenId: ['UNILIVE_TEST_TOKEN_ID'], secretKey: ['UNILIVE_TEST_SECRET_KEY'] };
    // Word-like, long or short (4 characters), and never a word the refusal itself holds (`name`, `setting`).
    const credentials = fc.oneof(
      fc.stringMatching(/^zq[a-z-]{2,22}$/),
      fc.stringMatching(/^Zq[A-Za-z]{2,5}$/),
    );
    const forms = fc.constantFrom('as given', 'upper case', 'symbol', 'from the environment');
    try {
      fc.assert(
        fc.property(credentials, forms, (credential, form) => {
          const settings: Record<string | symbol, unknown> = { tokenId: 'tok-id-0123' };
          if (form === 'from the environment') process.env.UNILIVE_TEST_SECRET_KEY = credential;
          else settings.secretKey = credential;
          if (form === 'symbol') settings[Symbol(credential)] = 1;
          else settings[form === 'upper case' ? credential.toUpperCase() : credential] = 1;
          let error: unknown;
          try {
            readSettings('liveapi', settings, names, ['tokenId', 'secretKey'], variables);
          } catch (caught) {
            error = caught;
          } finally {
            delete process.env.UNILIVE_TEST_SECRET_KEY;
          }
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          const refusal = error as InvalidInputError;
          expect(refusal.issues.map((issue) => issue.path)).toEqual(['[REDACTED]']);
          expect(`${refusal.message} ${JSON.stringify(refusal)}`.toLowerCase()).not.toContain(
            credential.toLowerCase(),
          );
        }),
        { numRuns: 200 },
      );
    } finally {
      delete process.env.UNILIVE_TEST_SECRET_KEY;
    }
  });

  it('names a path written flat as one name, and an empty name, unless a credential is in it (generated)', () => {
    const names = { tokenId: true, secretKey: true, retry: true } as const;
    const expected = 'unknown setting; expected one of tokenId, secretKey, retry';
    const refusal = (given: object): InvalidInputError => {
      try {
        readSettings('liveapi', given, names, ['tokenId', 'secretKey']);
      } catch (error) {
        if (InvalidInputError.isInstance(error)) return error;
        throw error;
      }
      throw new Error('not refused');
    };
    const retryNames = ['maxRetries', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'retryStatuses'];
    // A retry setting's name as written, or in another letter case (`maxretries`): the hint names it as meant.
    const written = fc
      .tuple(fc.constantFrom(...retryNames), fc.boolean(), fc.constantFrom('retry', 'Retry', 'RETRY'))
      .map(([meant, lower, outer]) => ({ meant, outer, inner: lower ? meant.toLowerCase() : meant }));
    fc.assert(
      fc.property(written, ({ meant, outer, inner }) => {
        const key = `${outer}.${inner}`;
        expect(refusal({ tokenId: 'tid', secretKey: 'a-key-of-its-own', [key]: 1 }).issues).toEqual([
          {
            path: key,
            message: `unknown setting; a dotted name is not read as a path: write retry: { ${meant}: … }`,
          },
        ]);
      }),
      { numRuns: 60 },
    );
    // Never a word the refusal itself holds (`name`, `path`, `write`).
    const inner = fc.stringMatching(/^zq[a-zA-Z]{0,12}$/);
    fc.assert(
      fc.property(fc.constantFrom('tokenId', 'secretKey', 'retry'), inner, (outer, rest) => {
        const key = `${outer}.${rest}`;
        // A setting that holds none (`tokenId`) is no place to nest; `retry` names the settings it takes.
        const [issue, ...more] = refusal({ tokenId: 'tid', secretKey: 'a-key-of-its-own', [key]: 1 }).issues;
        expect(more).toEqual([]);
        expect(issue?.path).toBe(key);
        if (outer === 'retry') {
          expect(issue?.message).toBe(
            `unknown setting; a dotted name is not read as a path: write retry: { … }, with one of ${retryNames.join(', ')}`,
          );
        } else {
          expect([expected, `unknown setting; did you mean "${outer}"?`]).toContain(issue?.message);
        }
        // The same path with a credential given beside it as its second part stays hidden.
        const secretKey = `${rest}Secret`;
        const hidden = refusal({ tokenId: 'tid', secretKey, [`${outer}.${secretKey}`]: 1 });
        expect(hidden.issues.map((issue) => issue.path)).toEqual(['[REDACTED]']);
        expect(`${hidden.message} ${JSON.stringify(hidden)}`).not.toContain(secretKey);
      }),
      { numRuns: 100 },
    );
    // A dotted name whose first part is no setting is named with the names there are; an empty one too
    // (no credential is empty).
    expect(
      refusal({ tokenId: 'tid', secretKey: 'a-key-of-its-own', 'region.name': 1, '': 2 }).issues,
    ).toEqual([
      { path: 'region.name', message: expected },
      { path: '', message: expected },
    ]);
  });

  it('names the first 100 unknown settings and counts the rest, however many a file holds', () => {
    for (const count of [100, 101, 20_000]) {
      const given: Record<string, number> = { tokenId: 1 };
      for (let index = 0; index < count; index += 1) given[`zq${index.toString(36)}x`] = index;
      let error: unknown;
      try {
        readSettings('liveapi', given, { tokenId: true });
      } catch (caught) {
        error = caught;
      }
      const { issues } = error as InvalidInputError;
      expect(issues.slice(0, 100).every((issue) => /^zq[0-9a-z]+x$/.test(issue.path))).toBe(true);
      expect(issues.length).toBe(count > 100 ? 101 : count);
      if (count > 100) {
        expect(issues[100]).toEqual({
          path: '$',
          message:
            count === 101
              ? 'and 1 more unknown setting, not listed'
              : `and ${count - 100} more unknown settings, not listed`,
        });
      }
    }
  });

  it("hides a name that is a credential in any letter case, or the environment's credential beside a given one", () => {
    const names = { tokenId: true, secretKey: true } as const;
    const variables = { secretKey: ['UNILIVE_TEST_SECRET_KEY'] };
    const refusedPaths = (settings: Record<string, unknown>) => {
      try {
        readSettings('liveapi', settings, names, ['tokenId', 'secretKey'], variables);
      } catch (error) {
        return (error as InvalidInputError).issues.map((issue) => issue.path);
      }
      return [];
    };
    fc.assert(
      fc.property(
        fc.stringMatching(/^zq[a-z]{8,20}$/),
        fc.array(fc.boolean(), { minLength: 22, maxLength: 22 }),
        (secret, upper) => {
          const mixed = [...secret].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join('');
          fc.pre(mixed !== secret);
          expect(refusedPaths({ tokenId: 'tok-id-0123', secretKey: secret, [mixed]: 1 })).toEqual([
            '[REDACTED]',
          ]);
          // The environment's value is a credential though the setting is given another.
          process.env.UNILIVE_TEST_SECRET_KEY = secret;
          try {
            expect(
              refusedPaths({ tokenId: 'tok-id-0123', secretKey: 'a-given-key-of-its-own', [secret]: 1 }),
            ).toEqual(['[REDACTED]']);
          } finally {
            delete process.env.UNILIVE_TEST_SECRET_KEY;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hides a name that is a mixed-case credential base64-encoded, though it looks like a name (generated)', () => {
    const names = { tokenId: true, secretKey: true } as const;
    fc.assert(
      fc.property(fc.stringMatching(/^Zq[A-Za-z]{8,20}$/), (secretKey) => {
        const encoded = Buffer.from(secretKey).toString('base64').replace(/=+$/, '');
        // Only a form that passes for a name: one that does not is hidden by its shape alone.
        fc.pre(
          /^[A-Za-z][A-Za-z0-9]*$/.test(encoded) &&
            (encoded.match(/\d/g)?.length ?? 0) < 4 &&
            encoded.length <= 40,
        );
        let error: unknown;
        try {
          readSettings('liveapi', { tokenId: 'tok-id-0123', secretKey, [encoded]: 1 }, names, [
            'tokenId',
            'secretKey',
          ]);
        } catch (caught) {
          error = caught;
        }
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['[REDACTED]']);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps naming a misspelt setting a short credential is part of, with its nearest', () => {
    const names = { tokenId: true, secretKey: true, baseUrl: true, timeoutMs: true } as const;
    for (const [secretKey, typo, nearest] of [
      ['base', 'baseURL', 'baseUrl'],
      ['time', 'timeoutMS', 'timeoutMs'],
    ] as const) {
      let error: unknown;
      try {
        readSettings('liveapi', { tokenId: 'tok-id-0123', secretKey, [typo]: 1 }, names, [
          'tokenId',
          'secretKey',
        ]);
      } catch (caught) {
        error = caught;
      }
      expect((error as InvalidInputError).issues).toEqual([
        { path: typo, message: `unknown setting; did you mean "${nearest}"?` },
      ]);
    }
  });

  it('refuses a symbol key as an unknown setting, naming it, never its value', () => {
    const key = Symbol('token');
    let thrown: unknown;
    try {
      readSettings('wowza-video', { [key]: 'value-of-the-symbol-key-123' }, names);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidInputError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['[Symbol(token)]']);
    expect((thrown as InvalidInputError).message).not.toContain('value-of-the-symbol-key-123');
  });

  it('counts a text setting as it is used, whitespace around it dropped, as a variable is', () => {
    fc.assert(
      fc.property(
        fc.array(whitespace, { maxLength: 3 }),
        fc.array(whitespace, { maxLength: 3 }),
        fc.integer({ min: maxCredentialLength - 2, max: maxCredentialLength + 2 }),
        (before, after, length) => {
          const token = `${before.join('')}${'a'.repeat(length)}${after.join('')}`;
          const read = () => readSettings('wowza-video', { token }, names);
          if (length <= maxCredentialLength) expect(read()).toMatchObject({ token });
          else expect(read).toThrow(/expected at most 8192 characters/);
        },
      ),
      { numRuns: 60 },
    );
  });
});
