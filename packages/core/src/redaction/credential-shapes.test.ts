import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact } from '../index.js';
import { isCredentialName } from './patterns.js';

// Credential-shaped parameters are masked whether or not their value is a known secret: signed URLs
// (`?sig=`, `&X-Amz-Signature=`), bearer tokens in a query or a fragment (`?token=`, `#access_token=`). The
// names of ordinary parameters that merely contain those letters (`signal`, `design`) are left alone.

// A value as a vendor signs or issues it: base64url, hex or percent-encoded base64. Not one whose letters
// before an encoded `=` spell a credential's name (`kEY00AA0%3Daa`): that reads as a parameter of a URL
// carried percent-encoded (`?page=key%3D…`), and is masked as one.
const values = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
  fc.stringMatching(/^[a-f0-9]{16,64}$/),
  fc
    .stringMatching(/^[A-Za-z0-9]{6,30}(%2B|%2F|%3D)[A-Za-z0-9]{2,20}(%3D){0,2}$/)
    .filter(
      (value) =>
        !/(?:key|token|secret|pass|sig|auth|pwd|jwt|hmac|streamid|credential)[A-Za-z0-9]*%3D/i.test(value),
    ),
);

const credentialNames = [
  'token',
  'access_token',
  'id_token',
  'X-Amz-Security-Token',
  'signature',
  'Signature',
  'X-Amz-Signature',
  'X-Goog-Signature',
  'sig',
  'SIG',
  'url_sig',
  'x-sig',
  'api_key',
  'wowzatokenhash',
];

// Parameters whose name holds `sig` inside a word, and ordinary ones: their values stay readable.
const ordinaryNames = [
  'signal',
  'design',
  'assign',
  'sigma',
  'signup',
  'page',
  'sv',
  'se',
  'sp',
  'state',
  'lang',
];

const urls = fc.constantFrom(
  'https://cdn.example.test/live/index.m3u8',
  'https://account.blob.core.windows.net/media/out.mp4',
  'https://player.example.test/watch',
  'rtmps://ingest.example.test:443/app',
);

describe('credential-shaped parameters', () => {
  it('are masked in a query or a fragment, whatever their value, and nothing else of the URL is', () => {
    fc.assert(
      fc.property(
        urls,
        fc.constantFrom('?', '#', '#/?'),
        fc.array(fc.tuple(fc.constantFrom(...credentialNames, ...ordinaryNames), values), {
          minLength: 1,
          maxLength: 5,
        }),
        (url, opener, parameters) => {
          const query = parameters.map(([name, value]) => `${name}=${value}`).join('&');
          const expected = parameters
            .map(([name, value]) => `${name}=${credentialNames.includes(name) ? '[REDACTED]' : value}`)
            .join('&');
          expect(redact(`GET ${url}${opener}${query} failed`)).toBe(`GET ${url}${opener}${expected} failed`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('are masked as JSON fields by the same names', () => {
    fc.assert(
      fc.property(fc.constantFrom(...credentialNames, ...ordinaryNames), values, (name, value) => {
        const masked = credentialNames.includes(name) ? '[REDACTED]' : value;
        expect(redact(`{"${name}": "${value}", "n": 1}`)).toBe(`{"${name}": "${masked}", "n": 1}`);
      }),
      { numRuns: 200 },
    );
  });

  it('leave running text with a hash, a signal or a design alone', () => {
    for (const text of [
      'see #section-2 of the guide',
      'issue #1234 was fixed',
      'signal=strong, design=flat',
      'the stream #3 is live',
      'GET https://docs.example.test/page#signal=ok',
    ])
      expect(redact(text)).toBe(text);
  });

  it('Azure shared access signature: the signature goes, the rest of the URL stays', () => {
    expect(
      redact(
        'https://acct.blob.core.windows.net/c/a.mp4?sv=2022-11-02&se=2026-12-01T00%3A00%3A00Z&sr=b&sp=r&sig=AbC%2Bdef%2Fghi%3D',
      ),
    ).toBe(
      'https://acct.blob.core.windows.net/c/a.mp4?sv=2022-11-02&se=2026-12-01T00%3A00%3A00Z&sr=b&sp=r&sig=[REDACTED]',
    );
  });
});

// Names a vendor or a framework writes with a dot or as an array parameter, and ordinary ones of that form.
const dottedCredentialNames = ['x.sig', 'sig.v2', 'X.Amz.Signature', 'sig[]', 'token[0]', 'api_key[]'];
const dottedOrdinaryNames = ['signal.strength', 'page[2]', 'design.v2', 'ids[]'];

describe('credential-shaped parameters, in other spellings', () => {
  it('are masked when their name has a dot or array brackets, and ordinary names of that form are not', () => {
    fc.assert(
      fc.property(
        urls,
        fc.constantFrom('?', '#', '#/?'),
        fc.array(
          fc.tuple(fc.constantFrom(...dottedCredentialNames, ...dottedOrdinaryNames, 'page'), values),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (url, opener, parameters) => {
          const query = parameters.map(([name, value]) => `${name}=${value}`).join('&');
          const expected = parameters
            .map(([name, value]) => `${name}=${dottedCredentialNames.includes(name) ? '[REDACTED]' : value}`)
            .join('&');
          expect(redact(`GET ${url}${opener}${query} failed`)).toBe(`GET ${url}${opener}${expected} failed`);
          expect(redact(`{"${parameters[0]?.[0]}": "x1y2z3w4v5"}`)).toBe(
            `{"${parameters[0]?.[0]}": "${dottedCredentialNames.includes(parameters[0]?.[0] ?? '') ? '[REDACTED]' : 'x1y2z3w4v5'}"}`,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are masked inside a URL carried percent-encoded, once or twice, in another (a redirect target), and nothing else is', () => {
    fc.assert(
      fc.property(
        urls,
        fc.constantFrom(
          ['%3F', '%3D', '%26'],
          ['%23', '%3D', '%26'],
          ['%3f', '%3d', '%26'],
          ['%26', '%3D', '%26'],
          // Encoded twice: a URL carried in one carried in another.
          ['%253F', '%253D', '%2526'],
          ['%2523', '%253d', '%2526'],
        ),
        fc.array(fc.tuple(fc.constantFrom(...credentialNames, ...ordinaryNames), values), {
          minLength: 1,
          maxLength: 4,
        }),
        (url, [opener, equals, separator], parameters) => {
          const carried = (mask: boolean) =>
            parameters
              .map(
                ([name, value]) =>
                  `${name}${equals}${mask && credentialNames.includes(name) ? '[REDACTED]' : value}`,
              )
              .join(separator);
          const outer = `https://app.example.test/login?lang=en&next=${encodeURIComponent(url)}${opener}`;
          expect(redact(`GET ${outer}${carried(false)}&state=ok failed`)).toBe(
            `GET ${outer}${carried(true)}&state=ok failed`,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('find a parameter an encoded # or = marks, and keep a plain value holding an encoded & whole', () => {
    expect(redact('https://cdn.example.test/a.m3u8?token=abc%26def%23ghi&page=2')).toBe(
      'https://cdn.example.test/a.m3u8?token=[REDACTED]&page=2',
    );
    expect(redact('https://cdn.example.test/a.m3u8?a=1%23token=abcdef123456&page=2')).toBe(
      'https://cdn.example.test/a.m3u8?a=1%23token=[REDACTED]&page=2',
    );
    expect(redact('https://cdn.example.test/a.m3u8?sig%3Dabcdef123456')).toBe(
      'https://cdn.example.test/a.m3u8?sig%3D[REDACTED]',
    );
  });
});

// Forms a credential's name takes outside a URL or a JSON document: a name of several words, an assignment
// with blanks around its `=`, an `=` written as an HTML character reference, an XML element, an HTML form
// control or meta entry.
const wordedCredentialNames = ['api token', 'Stream Key', 'client secret', 'API Key', 'Access Token ID'];
const wordedOrdinaryNames = ['page size', 'Stream Name', 'created at', 'region'];
const plainCredentialNames = ['api_key', 'token', 'streamKey', 'client_secret', 'X-Sig', 'password'];
const plainOrdinaryNames = ['page', 'region', 'keyframes', 'author', 'signal'];

describe('credential names in other forms', () => {
  it('a quoted name of a few words has its value masked, in JSON and as Python prints a dictionary', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...wordedCredentialNames, ...wordedOrdinaryNames),
        values,
        fc.constantFrom('"', "'"),
        (name, value, quote) => {
          const masked = wordedCredentialNames.includes(name) ? '[REDACTED]' : value;
          const text = (shown: string) =>
            `{${quote}${name}${quote}: ${quote}${shown}${quote}, ${quote}n${quote}: 1}`;
          expect(redact(text(value))).toBe(text(masked));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an assignment with blanks beside its = has its value masked; ==, => and prose stay', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...plainCredentialNames, ...plainOrdinaryNames),
        values,
        fc.constantFrom(' ', '\t', '  ', ''),
        fc.constantFrom(' ', '\t', ''),
        (name, value, before, after) => {
          fc.pre(before !== '' || after !== '');
          // Words of letters alone are what code or prose puts there (`const key = provider.id + …`), not a key.
          const masked =
            plainCredentialNames.includes(name) && !/^[A-Za-z_]+$/.test(value) ? '[REDACTED]' : value;
          // The value ends its line: a lower-case word followed by more words reads as prose, and stays.
          const line = (shown: string) => `config: ${name}${before}=${after}${shown}\nloaded`;
          expect(redact(line(value))).toBe(line(masked));
        },
      ),
      { numRuns: 300 },
    );
    for (const text of [
      'if token == expected then',
      'token => value',
      'password = unknown field',
      'const key = provider + "/" + stream.id;',
      'const key = provider.id + "/" + stream.id;',
      'api_key = process.env.API_KEY',
      'token = None',
      'api_key = null',
      'api_key =\nnext line',
    ])
      expect(redact(text)).toBe(text);
  });

  it('a base64 blob padded with = before a word is no assignment: the word stays', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 90 }),
        fc.constantFrom('status', 'failed', 'zq'),
        fc.constantFrom(' ', '\t', '  '),
        (bytes, word, blank) => {
          const blob = Buffer.from(bytes).toString('base64');
          // A blob reading as a credential's name before `==` has its second `=` taken for a value, as
          // `token==x` has `=x`: the word after it is what must stay.
          expect(redact(`status ${blob}${blank}${word}`)).toMatch(new RegExp(`^status \\S+${blank}${word}$`));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('an = written as an HTML character reference is read as one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...plainCredentialNames, ...plainOrdinaryNames),
        values,
        fc.constantFrom('&#61;', '&#x3D;', '&#x3d;', '&#X3D;', '&#0061;', '&equals;', '&#x003d;'),
        (name, value, equals) => {
          const masked = plainCredentialNames.includes(name) ? '[REDACTED]' : value;
          const url = (shown: string) =>
            `<a href="https://cdn.example.test/a.m3u8?${name}${equals}${shown}&amp;page=2">`;
          expect(redact(url(value))).toBe(url(masked));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an XML element named like a credential has its text masked, and nothing else of the document', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...plainCredentialNames, ...plainOrdinaryNames, 'ns:StreamKey', 'wsse:Password'),
        values,
        fc.constantFrom('', ' type="string"', '\n  xmlns="urn:x"'),
        fc.constantFrom(['', ''], ['\n  ', '\n'], ['<![CDATA[', ']]>']),
        (name, value, attributes, [before, after]) => {
          const masked = plainOrdinaryNames.includes(name) ? value : '[REDACTED]';
          const document = (shown: string) =>
            `<fault><code>403</code><${name}${attributes}>${before}${shown}${after}</${name}><page>2</page></fault>`;
          expect(redact(document(value))).toBe(document(masked));
        },
      ),
      { numRuns: 300 },
    );
    for (const text of [
      '<credentials><user>ada</user></credentials>',
      '<token/> and <token /> are empty',
      'use <token> then </b>',
      'use <token> then',
      '<token>abc</tokens>',
      '<keyframes>2</keyframes>',
    ])
      expect(redact(text)).toBe(text);
  });

  it('a form control or meta entry named like a credential has its value masked, its attributes in any order', () => {
    const attribute = (name: string, value: string, quote: string) => `${name}=${quote}${value}${quote}`;
    fc.assert(
      fc.property(
        fc.constantFrom(...plainCredentialNames, ...plainOrdinaryNames, 'csrf-token', 'user[password]'),
        values,
        fc.constantFrom('name', 'id', 'NAME', 'property'),
        fc.constantFrom('value', 'content', 'VALUE'),
        fc.constantFrom('"', "'", '', '\\"'),
        fc.boolean(),
        fc.constantFrom('input', 'meta', 'param', 'add'),
        fc.constantFrom('>', '/>', ' />'),
        (controlName, value, nameAttribute, valueAttribute, quote, valueFirst, element, close) => {
          // An unquoted HTML attribute value takes the `/` of a `/>` right after it as its own.
          fc.pre(!(quote === '' && valueFirst === false && close === '/>'));
          const credential = !plainOrdinaryNames.includes(controlName);
          const tag = (shown: string) => {
            const named = attribute(nameAttribute, controlName, quote);
            const held = attribute(valueAttribute, shown, quote);
            const attributes = valueFirst ? [held, 'class="field"', named] : ['type="text"', named, held];
            return `<form><${element} ${attributes.join(' ')}${close}</form>`;
          };
          expect(redact(tag(value))).toBe(tag(credential ? '[REDACTED]' : value));
        },
      ),
      { numRuns: 500 },
    );
    // `key=` is a credential-named parameter of its own, so both values go.
    expect(redact('<add key="ApiKey" value="zq8a7b6c5d"/>')).toBe(
      '<add key="[REDACTED]" value="[REDACTED]"/>',
    );
    expect(redact('<input type="password" name="pw" value="hunter2-zq">')).toBe(
      '<input type="password" name="pw" value="[REDACTED]">',
    );
    expect(redact('<input type="email" name="email" value="ada@example.test">')).toBe(
      '<input type="email" name="email" value="ada@example.test">',
    );
  });
});

// Markup as another text carries it: inside JSON as Go's `encoding/json` writes it (`<`, `>` and quotes as
// `\u003c`, `\u003e`, `\u0022`), or shown by an error page as HTML character references (`&lt;`, `&quot;`).
const markupEncodings: Record<string, (markup: string) => string> = {
  plain: (markup) => markup,
  'Go JSON': (markup) =>
    JSON.stringify({ body: markup })
      .replaceAll('<', '\\u003c')
      .replaceAll('>', '\\u003e')
      .replaceAll('&', '\\u0026'),
  'JSON, quotes as \\u0022': (markup) =>
    JSON.stringify({ body: markup.replaceAll('"', '\u0000') }).replaceAll('\\u0000', '\\u0022'),
  'HTML references': (markup) =>
    markup.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;'),
  'HTML numeric references': (markup) =>
    markup
      .replaceAll('<', '&#60;')
      .replaceAll('>', '&#x3E;')
      .replaceAll('"', '&#34;')
      .replaceAll("'", '&#39;'),
};

describe('credential names in markup carried inside another text', () => {
  it('a control or an element named like a credential has its whole value hidden, spaces included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(markupEncodings)),
        fc.constantFrom(...plainCredentialNames, ...plainOrdinaryNames),
        fc.tuple(values, values),
        fc.constantFrom('control', 'element'),
        (encoding, name, [first, second], form) => {
          const encode = markupEncodings[encoding] as (markup: string) => string;
          const value = `${first} ${second}`;
          const markup =
            form === 'control'
              ? `<form><input type="text" name="${name}" value="${value}"></form>`
              : `<fault><${name}>${value}</${name}></fault>`;
          const shown = redact(`upstream said: ${encode(markup)} (HTTP 502)`);
          const credential = plainCredentialNames.includes(name);
          // Nothing of the value is left where it is a credential's; all of it, where it is not.
          expect(shown.includes(first) || shown.includes(second)).toBe(!credential);
          expect(shown.startsWith('upstream said: ')).toBe(true);
          expect(shown.endsWith(' (HTTP 502)')).toBe(true);
          if (credential) expect(shown).toContain('[REDACTED]');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('hides exactly the value, its escapes around it kept', () => {
    expect(redact('{"body":"\\u003cinput name=\\"api_key\\" value=\\"zq a7 b6\\"\\u003e"}')).toBe(
      '{"body":"\\u003cinput name=\\"api_key\\" value=\\"[REDACTED]\\"\\u003e"}',
    );
    expect(redact('&lt;wsse:Password&gt;zq a7 b6&lt;/wsse:Password&gt;')).toBe(
      '&lt;wsse:Password&gt;[REDACTED]&lt;/wsse:Password&gt;',
    );
    expect(redact('<input type="password" value=&quot;correct horse zq7&quot;>')).toBe(
      '<input type="password" value=&quot;[REDACTED]&quot;>',
    );
  });
});

describe('credential names in the printouts of other languages', () => {
  it('Go, PHP: name := value, [name] => value', () => {
    expect(redact('token := "zq8a7b6c5d"')).toBe('token := "[REDACTED]"');
    expect(redact('Array\n(\n    [password] => zq8a7b6c5d\n    [page] => 2\n)')).toBe(
      'Array\n(\n    [password] => [REDACTED]\n    [page] => 2\n)',
    );
    expect(redact('    [page] => zq8a7b6c5d')).toBe('    [page] => zq8a7b6c5d');
    expect(redact('tokens.map(token => token.trim())')).toBe('tokens.map(token => token.trim())');
  });

  it('Ruby: a hash as inspect writes it, its keys symbols', () => {
    expect(redact('{:api_key=>"zq8a7b6c5d", :page=>2}')).toBe('{:api_key=>"[REDACTED]", :page=>2}');
    expect(redact(`{:region=>"zq8a7b6c5d", :token=>'zq1a2b3c'}`)).toBe(
      `{:region=>"zq8a7b6c5d", :token=>'[REDACTED]'}`,
    );
    expect(redact('a ternary ? x :token=>y')).toBe('a ternary ? x :token=>y');
  });

  it('an element named like a credential by an attribute, holding its value as text', () => {
    expect(
      redact(
        '<resources><string name="api_key">zq8a7b6c5d</string><string name="app">Zq</string></resources>',
      ),
    ).toBe('<resources><string name="api_key">[REDACTED]</string><string name="app">Zq</string></resources>');
    expect(redact('<entry key="password">zq8a7b6c5d</entry>')).toBe(
      '<entry key="[REDACTED]">[REDACTED]</entry>',
    );
    expect(redact('<label id="token">see below</span>')).toBe('<label id="token">see below</span>');
  });

  it('a line of code assigning a call or an index keeps it', () => {
    for (const text of [
      'password = input("Password: ")',
      'token = os.environ["TOKEN"]',
      'api_key = getenv("API_KEY")',
      'secret = cfg.get(section)',
    ])
      expect(redact(text)).toBe(text);
  });
});

describe('credential names as entries: a name element and its value element after it', () => {
  // A property list (`<key>…</key><string>…</string>`) and an XML-RPC struct member (`<name>…</name><value>
  // <string>…</string></value>`), as a vendor's or a tool's error may echo one, raw or escaped in a JSON string.
  const entries = fc.constantFrom(
    (name: string, value: string, blank: string) => `<key>${name}</key>${blank}<string>${value}</string>`,
    (name: string, value: string, blank: string) => `<key>${name}</key>${blank}<data>${value}</data>`,
    (name: string, value: string, blank: string) =>
      `<member>${blank}<name>${name}</name>${blank}<value>${blank}<string>${value}</string>${blank}</value></member>`,
    (name: string, value: string, blank: string) =>
      `<member><name>${name}</name>${blank}<value>${value}</value></member>`,
    (name: string, value: string, blank: string) =>
      `<key>${name}</key>${blank}<string><![CDATA[${value}]]></string>`,
  );

  it('an entry named like a credential has its value masked; its name, other entries and the rest stay', () => {
    fc.assert(
      fc.property(
        entries,
        fc.constantFrom(...plainCredentialNames, 'Password', 'APIKey', ...plainOrdinaryNames, 'CFBundleName'),
        values,
        fc.constantFrom('', '\n', '\n\t  '),
        fc.boolean(),
        (entry, name, value, blank, escaped) => {
          const credential = isCredentialName(name);
          const document = (shown: string) =>
            `<dict>${blank}${entry(name, shown, blank)}${blank}${entry('region', 'zq-eu-1', blank)}</dict>`;
          // Escaped as Go's encoding/json writes markup inside a JSON string.
          const carried = (text: string) =>
            escaped ? JSON.stringify(text).replaceAll('<', '\\u003c') : text;
          expect(redact(carried(document(value)))).toBe(carried(document(credential ? '[REDACTED]' : value)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('in the forms other writers use: attributes, blanks, comments, case, escapes inside the value', () => {
    // What a value's element may carry, and what may stand between it and the name.
    const valueTag = fc.constantFrom(
      'string',
      'STRING',
      'string xml:space="preserve"',
      'string ',
      'string\n',
    );
    const between = fc.constantFrom('', '\n  ', '<!-- note -->', '\n<!-- a - b -->\n');
    // A value holding an escaped `<` (which the markup view reads as a tag), a split CDATA, a comment.
    const inner = fc.constantFrom(
      (value: string) => value,
      (value: string) => `${value.slice(0, 3)}&lt;${value.slice(3)}`,
      (value: string) => `${value.slice(0, 3)}&#60;${value.slice(3)}`,
      (value: string) => `<![CDATA[${value.slice(0, 3)}]]><![CDATA[${value.slice(3)}]]>`,
      (value: string) => `${value.slice(0, 3)}<!-- c -->${value.slice(3)}`,
    );
    fc.assert(
      fc.property(
        fc.constantFrom('key', 'KEY', 'Name', 'name'),
        valueTag,
        between,
        inner,
        fc.constantFrom(...plainCredentialNames),
        values,
        (nameTag, tag, gap, written, name, value) => {
          const closing = tag.trim().split(' ')[0] as string;
          const valueElement = nameTag.toLowerCase() === 'key' ? `<${tag}>` : `<Value>${gap}<${tag}>`;
          const valueClose = nameTag.toLowerCase() === 'key' ? `</${closing}>` : `</${closing}></Value>`;
          const document = (shown: string) =>
            `<dict><${nameTag}>${name}</${nameTag}>${gap}${valueElement}${shown}${valueClose}<${nameTag}>region</${nameTag}>${valueElement}zq-eu-1${valueClose}</dict>`;
          const masked = redact(document(written(value)));
          expect(masked).toBe(document('[REDACTED]'));
          expect(redact(masked)).toBe(masked);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('in Wowza Streaming Engine properties, a Java map, a .NET setting', () => {
    expect(
      redact(
        '<Property>\n  <Name>securityPublishPassword</Name>\n  <Value>zq8a7b6c5d</Value>\n  <Type>String</Type>\n</Property>',
      ),
    ).toBe(
      '<Property>\n  <Name>securityPublishPassword</Name>\n  <Value>[REDACTED]</Value>\n  <Type>String</Type>\n</Property>',
    );
    expect(redact('<entry><key>password</key><value>zq8a7b6c5d</value></entry>')).toBe(
      '<entry><key>password</key><value>[REDACTED]</value></entry>',
    );
    expect(
      redact('<setting name="Password" serializeAs="String">\n  <value>zq8a7b6c5d</value>\n</setting>'),
    ).toBe('<setting name="Password" serializeAs="String">\n  <value>[REDACTED]</value>\n</setting>');
  });

  it('a key followed by any element of a property list is a name, and stays', () => {
    for (const text of [
      '<key>NSAppTransportSecurity</key><dict><key>NSAllowsArbitraryLoads</key><true/></dict>',
      '<key>UIApplicationSupportsMultipleScenes</key>\n<false/>',
      '<key>keychain-access-groups</key><array><string>ZQ.group</string></array>',
      '<key>password</key><string/><key>user</key><string>ada</string>',
      '<key>password</key><string /><key>user</key><string>ada</string>',
    ])
      expect(redact(text)).toBe(text);
  });

  it('a name element followed by no value element is read as before', () => {
    // `<key>` alone is an element named like a credential: its text may be one.
    expect(redact('<credentials><key>zq8a7b6c5d</key></credentials>')).toBe(
      '<credentials><key>[REDACTED]</key></credentials>',
    );
    for (const text of [
      '<member><name>token</name></member><value>zq8a7b6c5d</value>',
      '<name>token</name> <string>zq8a7b6c5d</string>',
    ])
      expect(redact(text)).toBe(text);
    // The entry's shape says what the text is: masked to the next closing tag, or to the end of a text cut short.
    expect(redact('<key>token</key><string>zq8a7b6c5d<b>x</b></string>')).toBe(
      '<key>token</key><string>[REDACTED]</b></string>',
    );
    expect(redact('…<key>token</key><string>zq8a7b6c5d')).toBe('…<key>token</key><string>[REDACTED]');
  });
});

// What a second probe from outside found: forms just beside the ones above, and ordinary text they damaged.
describe('credential names: neighbours of the forms above, and what is no credential', () => {
  it('a 401 keeps its reason: a challenge and prose after a scheme are no token', () => {
    for (const text of [
      'Unauthorized: token expired',
      'Unauthorized: token is invalid',
      'WWW-Authenticate: Bearer realm="example", error="invalid_token"',
      'Bearer token missing',
      'Authorization: Basic required',
    ])
      expect(redact(text)).toBe(text);
    expect(redact('Authorization: Bearer zq8a7b6c5d4e')).toBe('Authorization: Bearer [REDACTED]');
    // Longer than a word of prose: a token of letters alone.
    expect(redact('Authorization: Bearer abcdefghijklmnopq')).toBe('Authorization: Bearer [REDACTED]');
  });

  it('HTTP Digest: the response and rspauth, hashes of the password, are masked; the other parameters and the challenge stay', () => {
    // The quote a value is written with, and the same text as a JSON string carries it.
    const quotes = fc.constantFrom('"', "'", '', '\\u0022', '\\x22', '&quot;', '&#34;');
    const others = fc.shuffledSubarray(
      [
        'realm="api@example.test"',
        'nonce="dcd98b7102dd2f0e"',
        'username*="x"',
        // Values a user chooses, holding the secret parameter's name.
        'uri="/search?q=response="',
        'cnonce="response=rspauth="',
        'qop=auth',
        'nc=00000001',
        'algorithm=MD5',
      ],
      { minLength: 1 },
    );
    const blanks = fc.constantFrom('', ' ', '\t');
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['Authorization: Digest', 'response'],
          ['authorization: digest', 'Response'],
          ['Proxy-Authorization: DIGEST', 'RESPONSE'],
          ['Authentication-Info:', 'rspauth'],
          ['Proxy-Authentication-Info:', 'RspAuth'],
        ),
        fc.stringMatching(/^[a-f0-9]{32}$|^[a-f0-9]{64}$/),
        quotes,
        blanks,
        blanks,
        others,
        fc.boolean(),
        fc.boolean(),
        ([header, name], digest, quote, before, after, parameters, cut, escaped) => {
          const at = parameters.length >> 1;
          const secret = cut
            ? `${name}${before}=${after}${quote}${digest}`
            : `${name}${before}=${after}${quote}${digest}${quote}`;
          // `username` first, as clients write it (an unquoted parameter right after the scheme reads as a
          // token); a line cut inside the secret's quotes ends there.
          const list = cut
            ? ['username="bob"', ...parameters, secret]
            : ['username="bob"', ...parameters.slice(0, at), secret, ...parameters.slice(at)];
          const line = `${header} ${list.join(', ')}`;
          const expected = line.replace(digest, '[REDACTED]');
          const text = escaped ? JSON.stringify({ request: line }) : line;
          const masked = redact(text);
          expect(masked).toBe(escaped ? JSON.stringify({ request: expected }) : expected);
          expect(redact(masked)).toBe(masked);
        },
      ),
    );
    for (const text of [
      'WWW-Authenticate: Digest realm="api@example.test", nonce="dcd98b7102dd2f0e", qop="auth"',
      'the server said response="ok"',
      'Authorization: Digest username="bob"\nresponse="6629fae49393a05397450978507c4ef1"',
      'Authorization: Digest username="bob", nc=00000001, qop=auth',
    ])
      expect(redact(text)).toBe(text);
  });

  it('HTTP Digest: the hash is masked in whatever carries the header, and the other parameters stay', () => {
    // How logs, dumps and pages carry a header: the raw request in a JSON string, Go's and Java's maps,
    // logfmt and CGI variables, Node's raw header list, an HTML table, a CDATA section.
    const carriers: ((header: string, list: string) => string)[] = [
      (header, list) => JSON.stringify({ request: `GET /a HTTP/1.1\r\nHost: x\r\n${header}: ${list}\r\n` }),
      (header, list) => `map[${header}:[${list}]]`,
      (header, list) => `{${header}=[${list}]}`,
      (header, list) => `${header.toLowerCase().replaceAll('-', '_')}=${list}`,
      (header, list) => `HTTP_${header.toUpperCase().replaceAll('-', '_')}=${list}`,
      (header, list) => `[ '${header}', '${list}' ]`,
      (header, list) => `<td>${header}</td><td>${list.replaceAll('"', '&quot;')}</td>`,
      (header, list) => `<![CDATA[${header}: ${list}]]>`,
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['Authorization', 'Digest ', 'response'],
          ['Proxy-Authorization', 'digest\t', 'Response'],
          ['Authentication-Info', '', 'rspauth'],
        ),
        fc.stringMatching(/^[a-f0-9]{32}$|^[a-f0-9]{64}$/),
        fc.constantFrom(...carriers),
        fc.shuffledSubarray(
          [
            "username*=UTF-8''J%C3%A4s",
            `uri="/${'a'.repeat(5000)}"`,
            'realm="api@example.test"',
            'nonce="dcd98b7102dd2f0e"',
            'qop=auth',
            '',
          ],
          { minLength: 0 },
        ),
        ([header, scheme, name], digest, carry, parameters) => {
          const list = `${scheme}${[...parameters, `${name}="${digest}"`].join(', ')}`;
          const masked = redact(carry(header, list));
          expect(masked).not.toContain(digest);
          expect(masked).toContain('[REDACTED]');
          if (parameters.includes('nonce="dcd98b7102dd2f0e"')) expect(masked).toContain('dcd98b7102dd2f0e');
          expect(redact(masked)).toBe(masked);
        },
      ),
    );
  });

  it("a vendor's validation message under a credential's name is the reason, and stays; a value after its words is masked", () => {
    const names = fc.constantFrom('stream_key', 'password', 'token', 'api_key', 'streamKey', 'secret');
    const messages = fc.constantFrom(
      "can't be blank",
      'can’t be blank',
      'is invalid',
      'is required',
      'is too short (minimum is 8 characters)',
      'is too long (maximum is 255 characters)',
      'has already been taken',
      'is not included in the list',
      'must be at least 8 characters',
      'must be 16 to 64 characters long.',
      'should not be the same as your email',
      "doesn't match Password",
      'expired',
      'Field required',
      // Laravel, Django REST, Pydantic.
      'The password field is required.',
      'This field may not be blank.',
      'String should have at least 8 characters',
      'Input should be a valid string',
      'has expired',
    );
    // How vendors and frameworks render a record's errors: Rails' `{"errors": {field: [messages]}}`, a plain
    // field, Python's printed dict, a header-like line.
    const carriers: ((name: string, message: string) => string)[] = [
      (name, message) => JSON.stringify({ errors: { [name]: [message] } }),
      (name, message) => JSON.stringify({ [name]: message }),
      // Python quotes a string holding an apostrophe with double quotes.
      (name, message) => `{'${name}': ${message.includes("'") ? `"${message}"` : `'${message}'`}}`,
      (name, message) => `${name}: ${message}`,
    ];
    fc.assert(
      fc.property(names, messages, fc.constantFrom(...carriers), (name, message, carry) => {
        const text = carry(name, message);
        expect(redact(text)).toBe(text);
      }),
    );
    // A passphrase dressed as a message (free words before a form, or after `a valid`) is masked.
    fc.assert(
      fc.property(
        names,
        fc.constantFrom('the ', 'this ', 'that ', 'must be a valid ', 'Input should be a valid ', ''),
        fc
          .stringMatching(/^(?:[a-z]{3,9} ){1,4}[a-z]{3,12}$/) // Words of the forms themselves would make a message.
          .filter(
            (words) =>
              !/\b(?:field|has|is|was|must|should|required|invalid|expired|missing|cannot|may|match|blank|empty)\b/.test(
                words,
              ),
          ),
        fc.constantFrom(' is required', ' has expired', ' is invalid', ''),
        (name, before, words, after) => {
          const masked = redact(JSON.stringify({ [name]: `${before}${words}${after}` }));
          expect(masked).not.toContain(words);
          expect(redact(masked)).toBe(masked);
        },
      ),
    );
    // A value after a message's words, or a message with a value in it, is no message: the value is masked,
    // whole, in one masking. Passwords people choose (`Summer-2024`, a passphrase in capitals) included.
    fc.assert(
      fc.property(
        names,
        fc.constantFrom(
          'must be ',
          'does not match ',
          'should not be ',
          'is invalid: ',
          'must be at least 12 characters (got ',
          '',
        ),
        fc.oneof(
          fc.stringMatching(/^[a-z]{2,6}[0-9][A-Za-z0-9]{6,24}$/),
          fc.stringMatching(/^[A-Z][a-z]{3,8}[-:_/][0-9]{4}$/),
          fc.stringMatching(/^(?:[a-z]{3,8}-){2,4}[a-z0-9]{2,8}$/),
          fc.stringMatching(/^(?:[A-Z]{3,8} ){1,3}[A-Z]{3,8}$/),
          fc.stringMatching(/^Bearer [A-Za-z0-9]{4,12}$/),
        ),
        (name, words, value) => {
          const masked = redact(JSON.stringify({ [name]: `${words}${value}` }));
          expect(masked).not.toContain(value);
          expect(redact(masked)).toBe(masked);
        },
      ),
    );
  });

  it('punctuation ending a value in running text is the sentence, and stays, and a second masking changes nothing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Authorization: Bearer ', 'X-Api-Key: ', 'token: ', 'api_key = ', '(stream_key: '),
        values,
        fc.constantFrom(',', ';', '.', ')', '),', '.)'),
        fc.constantFrom('', ' then', ' region = eu', '\n'),
        (opening, value, punctuation, after) => {
          const text = (shown: string) => `refused: ${opening}${shown}${punctuation}${after}`;
          const once = redact(text(value));
          expect(once).toBe(text('[REDACTED]'));
          expect(redact(once)).toBe(once);
        },
      ),
      { numRuns: 300 },
    );
    // Punctuation alone is no value.
    expect(redact('token: ...')).toBe('token: ...');
  });

  it('a value starting with a symbol passwords begin with is masked whole; a bracket still opens prose', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('password: ', 'X-Api-Key: ', 'token: ', 'api_key = ', 'secret := '),
        fc.constantFrom('!', '#', '$', '%', '&', '*', '@', '^', '|', '?'),
        values,
        (opening, symbol, value) => {
          // `$` and letters after an `=` read as code (`api_key = $API_KEY`), as the docs say.
          fc.pre(!(opening.includes('=') && symbol === '$' && /^[A-Za-z_]+$/.test(value)));
          const text = (shown: string) => `refused: ${opening}${shown}\nnext line`;
          expect(redact(text(`${symbol}${value}`))).toBe(text('[REDACTED]'));
        },
      ),
      { numRuns: 300 },
    );
    for (const text of [
      'password: (hidden)',
      'stream key:  (hidden; --show-secrets prints it)',
      'api_key = $API_KEY',
    ])
      expect(redact(text)).toBe(text);
  });

  it('after Authorization, any scheme keeps its name and its credential is masked', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Authorization', 'authorization', 'Proxy-Authorization'),
        fc.constantFrom('SharedKey', 'AWS', 'SSWS', 'Key', 'Bot', 'ApiKey', 'Bearer', 'Digest'),
        values,
        fc.constantFrom('', 'zqaccount:', 'AKIA42ZQ:'),
        (header, scheme, value, prefix) => {
          // A lower-case word of at most 12 letters after a scheme is prose, as the docs say.
          fc.pre(!/^[a-z]{1,12}$/.test(prefix + value));
          const text = (shown: string) => `sent ${header}: ${scheme} ${shown}\nthen 401`;
          expect(redact(text(`${prefix}${value}`))).toBe(text('[REDACTED]'));
        },
      ),
      { numRuns: 300 },
    );
    expect(redact('Authorization: missing header')).toBe('Authorization: missing header');
  });

  it('a field after a scheme, on the same line or the next, is another field, not its credential', () => {
    for (const text of [
      'token_type: Bearer\nexpires_in: 3600',
      'token_type=Bearer expires_in=3600',
      'AUTH_TYPE=basic\nDEBUG=true',
    ])
      expect(redact(text)).toBe(text);
    // A token before a colon is still one: `Bearer sk_live_…: expired` says which was refused.
    expect(redact('Bearer sk_live_zqabcdef: expired')).toBe('Bearer [REDACTED]: expired');
    expect(redact('AUTH_TYPE=basic\nAUTH_PASSWORD=zq8a7b6c5d')).toBe(
      'AUTH_TYPE=basic\nAUTH_PASSWORD=[REDACTED]',
    );
  });

  it('a run of more than two marks after a value is the value own', () => {
    expect(redact('password: zq8a7b.,;)')).toBe('password: [REDACTED];)');
    expect(redact('token: ...')).toBe('token: ...');
  });

  it('a JSON entry naming its value by a field of its own has the value masked when the name is a credential', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['name', 'value'],
          ['Name', 'Value'],
          ['key', 'value'],
          ['ParameterKey', 'ParameterValue'],
        ),
        fc.constantFrom('DB_PASSWORD', '/prod/db/password', 'apiToken', 'REGION', 'token_ttl', 'page'),
        values,
        fc.constantFrom('', ' '),
        ([nameField, valueField], name, value, blank) => {
          const credential = isCredentialName(name);
          const entry = (shown: string) =>
            `{"${nameField}":${blank}"${name}",${blank}"${valueField}":${blank}"${shown}",${blank}"Type":"String"}`;
          const masked = redact(`[${entry(value)},${entry('zq-eu-1')}]`);
          // The name field's own value may be masked too, where its field is named like one (`key`).
          expect(masked.includes(value)).toBe(!credential);
          expect(masked).toContain(`"${valueField}":${blank}"${credential ? '[REDACTED]' : value}"`);
          expect(redact(masked)).toBe(masked);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a JSON entry is read in any order, other fields between, inside a JSON string, or under a credential field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['name', 'value'],
          ['Name', 'Value'],
          ['ParameterName', 'ParameterValue'],
          ['OptionName', 'Value'],
        ),
        fc.constantFrom('DB_PASSWORD', '/prod/db/password', 'REGION'),
        values,
        fc.boolean(),
        fc.constantFrom('', '"Type":"SecureString",', '"slotSetting":false,'),
        fc.integer({ min: 0, max: 2 }),
        ([nameField, valueField], name, value, valueFirst, between, depth) => {
          const credential = isCredentialName(name);
          const nameText = `"${nameField}":"${name}",`;
          const valueText = (shown: string) => `"${valueField}":"${shown}",`;
          const object = (shown: string) =>
            `{${valueFirst ? valueText(shown) + between + nameText : nameText + between + valueText(shown)}"Version":1}`;
          let text = object(value);
          let expected = object(credential ? '[REDACTED]' : value);
          for (let level = 0; level < depth; level += 1) {
            text = JSON.stringify({ body: text });
            expected = JSON.stringify({ body: expected });
          }
          expect(redact(text)).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
    expect(
      redact('{"parameters":{"adminPassword":{"value":"zq8a7b6c5d"},"location":{"value":"westeurope"}}}'),
    ).toBe('{"parameters":{"adminPassword":{"value":"[REDACTED]"},"location":{"value":"westeurope"}}}');
  });

  it('more of the forms vendors and tools write a credential in', () => {
    const cases: [string, string][] = [
      [
        '<meta-data android:name="com.google.android.geo.API_KEY" android:value="zqAIza8a7b6c5d"/>',
        '<meta-data android:name="com.google.android.geo.API_KEY" android:value="[REDACTED]"/>',
      ],
      [
        'Authorization: Token token="zq8a7b6c5d", realm="api"',
        'Authorization: Token token="[REDACTED]", realm="api"',
      ],
      [
        "1 validation error detected: Value 'zq8a7b6c5d' at 'masterUserPassword' failed to satisfy constraint",
        "1 validation error detected: Value '[REDACTED]' at 'masterUserPassword' failed to satisfy constraint",
      ],
      [
        "The value 'zq8a7b6c5d' of parameter 'adminPassword' is not valid.",
        "The value '[REDACTED]' of parameter 'adminPassword' is not valid.",
      ],
      [
        'curl -u admin:zq8a7b6c5d https://api.example.test/x',
        'curl -u admin:[REDACTED] https://api.example.test/x',
      ],
      ["curl --user 'admin:zq8a7b6c5d' https://x", "curl --user 'admin:[REDACTED]' https://x"],
      [
        'settings:\n  password: |\n    zq8a7b6c5d\n    zq-second\n\n  region: eu\n',
        'settings:\n  password: |\n    [REDACTED]\n    [REDACTED]\n\n  region: eu\n',
      ],
      ['password: >-\n  zq8a7b6c5d\nnext: 1', 'password: >-\n  [REDACTED]\nnext: 1'],
      [
        '<Property><Name>securityPublishPassword</Name><Type>String</Type><Value>zq8a7b6c5d</Value></Property>',
        '<Property><Name>securityPublishPassword</Name><Type>String</Type><Value>[REDACTED]</Value></Property>',
      ],
      // Neighbours that stay.
      ["Value 'db.t3.micro' at 'dbInstanceClass' failed to satisfy constraint", ''],
      ['a | b: table', ''],
      ['region: |\n  eu-west-1\n', ''],
    ];
    for (const [text, masked] of cases) {
      expect(redact(text)).toBe(masked || text);
      expect(redact(redact(text))).toBe(redact(text));
    }
  });

  it('a field after a scheme stays one on a second masking', () => {
    for (const text of [
      'Bearer access_token=zqX8a7b6c5d',
      'token: Bearer x=$zqPass99',
      'Bearer scope=read',
    ]) {
      const once = redact(text);
      expect(redact(once)).toBe(once);
    }
    expect(redact('token: Bearer x=$zqPass99')).toBe('token: Bearer [REDACTED]');
  });

  it('a value read to a terminator a mask replaced stops at the mask on a second masking', () => {
    for (const text of [
      '<key>token</key><string>a password: "q</b>" tail',
      `token: 'x {"token":"'q'"} tail`,
      '{"token":"zq8a7b6c5d"token: \'zq9x8y7w6v\'',
    ]) {
      const once = redact(text);
      expect(redact(once)).toBe(once);
    }
    // A name right after a closing quote is read.
    expect(redact('{"token":"zq8a7b6c5d"token: \'zq9x8y7w6v\'')).toBe(
      '{"token":"[REDACTED]"token: \'[REDACTED]\'',
    );
  });

  it('what the settings and flags of a credential say stays readable', () => {
    for (const text of [
      '<Name>securityPublishRequirePassword</Name><Value>true</Value>',
      'password_policy: |\n  min 12\nkey_rotation: |\n  90 days\ntokenizer: |\n  whitespace\n',
      'token: |',
      'Authorization: Bearer\nnext',
      'Authorization: Basic',
      '<key>TokenRefreshInterval</key><integer>3600</integer>',
      '<setting name="PasswordPolicy"><value>Strict</value></setting>',
      'git log -u user:main',
    ])
      expect(redact(text)).toBe(text);
    for (const [text, masked] of [
      ['curl -uadmin:zqPASS123 https://x', 'curl -uadmin:[REDACTED] https://x'],
      ['password: | # the db one\n  zqsecret123\n', 'password: | # the db one\n  [REDACTED]\n'],
      [
        '<Property><Name>securityPublishPassword</Name><Description>the pw</Description><Value>zqsecret123</Value></Property>',
        '<Property><Name>securityPublishPassword</Name><Description>the pw</Description><Value>[REDACTED]</Value></Property>',
      ],
      ['Authorization: zqabc123token', 'Authorization: [REDACTED]'],
    ])
      expect(redact(text as string)).toBe(masked);
  });

  it('an .npmrc token and a YAML env entry are masked; ordinary entries and route patterns stay', () => {
    expect(
      redact(
        '//registry.npmjs.org/:_authToken=zqAbC123xyz\n//npm.pkg.github.com/:_authToken=zq9x8y7w6v\nregistry=https://r',
      ),
    ).toBe(
      '//registry.npmjs.org/:_authToken=[REDACTED]\n//npm.pkg.github.com/:_authToken=[REDACTED]\nregistry=https://r',
    );
    fc.assert(
      fc.property(
        fc.constantFrom('', '    ', '\t'),
        fc.constantFrom('- ', ''),
        fc.constantFrom('DB_PASSWORD', 'API_TOKEN', 'LOG_LEVEL', 'REGION'),
        fc.constantFrom('', '"', "'"),
        values,
        (indent, dash, name, quote, value) => {
          const credential = isCredentialName(name);
          const document = (shown: string) =>
            `${indent}env:\n${indent}${dash}name: ${name}\n${indent}${dash ? '  ' : ''}value: ${quote}${shown}${quote}\n${indent}${dash}name: REGION\n${indent}${dash ? '  ' : ''}value: eu-west-1\n`;
          expect(redact(document(value))).toBe(document(credential ? '[REDACTED]' : value));
        },
      ),
      { numRuns: 300 },
    );
    expect(redact('app.get("/users/:id", handler)')).toBe('app.get("/users/:id", handler)');
  });

  it('a setting about a credential keeps its value: its lifetime, its file, its kind', () => {
    for (const text of [
      'token_ttl: 3600',
      'key_file = /etc/unilive/key.pem',
      'PASSWORD_FILE=/run/secrets/db',
      '{"token_type": "Bearer", "expires_in": 3600}',
      '?oauth_signature_method=HMAC-SHA1&oauth_version=1.0',
      '<KeyLength>2048</KeyLength>',
      'secretName: unilive-credentials',
    ])
      expect(redact(text)).toBe(text);
    // The credential beside them still goes; an identifier is a credential's.
    expect(redact('{"access_token": "zq8a7b6c5d", "token_type": "Bearer", "key_id": "zqAKIA42"}')).toBe(
      '{"access_token": "[REDACTED]", "token_type": "Bearer", "key_id": "[REDACTED]"}',
    );
    expect(redact('?oauth_signature_method=HMAC-SHA1&oauth_signature=zq8a7b6c5d')).toBe(
      '?oauth_signature_method=HMAC-SHA1&oauth_signature=[REDACTED]',
    );
  });

  it('an unset value is shown as what it is', () => {
    for (const text of [
      'streamKey: undefined',
      'token: None',
      'password: nil',
      'api_key = NULL',
      'secret: NaN',
    ])
      expect(redact(text)).toBe(text);
  });

  it('markup in a document carried as a string twice, a blank before >, Go := with no blank', () => {
    expect(redact('{"a":"{\\"b\\":\\"\\\\u003cpassword\\\\u003ezq a7\\\\u003c/password\\\\u003e\\"}"}')).toBe(
      '{"a":"{\\"b\\":\\"\\\\u003cpassword\\\\u003e[REDACTED]\\\\u003c/password\\\\u003e\\"}"}',
    );
    expect(redact('<string name="api_key" >zq8a7b6c5d</string>')).toBe(
      '<string name="api_key" >[REDACTED]</string>',
    );
    expect(redact('apiKey:="zq8a7b6c5d"')).toBe('apiKey:="[REDACTED]"');
    expect(redact('apiKey:= "zq8a7b6c5d"')).toBe('apiKey:= "[REDACTED]"');
  });

  it('a parameter whose quotes are escapes hides its value to the closing one, and keeps what follows', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('\\u0022', '\\\\u0022', '&quot;', '&#34;', '&#x22;', '\\u0027', '&#39;'),
        // Hex values: a value holding `key` would name the entry a credential's, and hide its text too.
        fc.tuple(fc.stringMatching(/^[a-f0-9]{8,32}$/), fc.stringMatching(/^[a-f0-9]{8,32}$/)),
        (quote, [first, second]) => {
          const text = (shown: string) =>
            `\\u003centry key=${quote}${shown}${quote}\\u003e30\\u003c/entry\\u003e page=2`;
          const shown = redact(text(`${first} ${second}`));
          expect(shown).toBe(text('[REDACTED]'));
          expect(redact(shown)).toBe(shown);
        },
      ),
      { numRuns: 300 },
    );
  });
});
