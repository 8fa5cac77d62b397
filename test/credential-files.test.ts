/**
 * DF021 reads a copied `.npmrc`, `.pypirc` or `.netrc` in the build context (review 43c, items 1 and 1b):
 * an error only when the file holds a credential, a warning when its content is not known, nothing when it
 * holds settings only or the ignore file leaves it out; globs that name these files count as the names do.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { credentialIn } from '../rules/engine/credential-files';
import { viewOf } from './helpers/fixtures';

/** DF021's findings as `line:severity`, and their messages, for the Dockerfile `target` among `files`. */
function df021(files: Record<string, string>, target = '/m/Dockerfile'): { found: string[]; messages: string[] } {
  const set = new Map(Object.entries(files));
  const findings = analyze(allRules, 'dockerfile', target, set.get(target)!, viewOf(set, '/m'), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF021');
  return { found: findings.map((f) => `${f.range.start.line}:${f.severity}`), messages: findings.map((f) => f.message) };
}

const TOKEN = 'Qx7NpmTokenLeak0123456789abcdef';

describe('credentials in .npmrc, .pypirc and .netrc', () => {
  it('reads the credential settings of .npmrc, not its other settings', () => {
    assert.equal(credentialIn('npmrc', 'audit = false\nfund = false\nloglevel = warn\nupdate-notifier = false\n'), undefined);
    assert.equal(credentialIn('npmrc', 'registry=https://registry.npmjs.org/\n@acme:registry=https://npm.pkg.github.com/\nalways-auth=true\nemail=dev@example.com\n'), undefined);
    assert.equal(credentialIn('npmrc', `//npm.pkg.github.com/:_authToken=${TOKEN}\n`), '_authToken');
    assert.equal(credentialIn('npmrc', `_authToken = ${TOKEN}\n`), '_authToken');
    assert.equal(credentialIn('npmrc', '//registry.example.com/:username=deploy\n//registry.example.com/:_password=UXg3UGFzc3dvcmQ=\n'), '_password');
    assert.equal(credentialIn('npmrc', '_auth="ZGVwbG95OlF4N1Bhc3N3b3Jk"\n'), '_auth');
    assert.equal(credentialIn('npmrc', 'registry=https://deploy:Qx7Passw0rd@registry.example.com/\n'), 'a URL with a password');
    assert.equal(credentialIn('npmrc', 'key="-----BEGIN PRIVATE KEY-----\\nMIIE…\\n-----END PRIVATE KEY-----"\n'), 'key');
    // Paths to files are no credential: the key is in the file they name.
    assert.equal(credentialIn('npmrc', '//registry.example.com/:certfile=/certs/client.crt\n//registry.example.com/:keyfile=/certs/client.key\n'), undefined);
  });

  it('takes references to environment variables, empty values and stand-ins for no credential', () => {
    assert.equal(credentialIn('npmrc', '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n'), undefined);
    assert.equal(credentialIn('npmrc', '//registry.npmjs.org/:_authToken="${NPM_TOKEN?}"\n'), undefined);
    assert.equal(credentialIn('npmrc', '_auth=${NPM_USER}:${NPM_PASS}\nregistry=https://${NPM_USER}:${NPM_PASS}@registry.example.com/\n'), undefined);
    assert.equal(credentialIn('npmrc', '//registry.npmjs.org/:_authToken=$NPM_TOKEN\n'), undefined);
    assert.equal(credentialIn('pypirc', '[pypi]\npassword = $ecretPassw0rd\n'), 'password', 'a password that starts with $ is no reference');
    assert.equal(credentialIn('npmrc', '//registry.npmjs.org/:_authToken=\n'), undefined);
    assert.equal(credentialIn('npmrc', '//registry.npmjs.org/:_authToken=YOUR_TOKEN_HERE\n'), undefined);
    assert.equal(credentialIn('npmrc', '//registry.npmjs.org/:_authToken=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n'), undefined);
    assert.equal(credentialIn('npmrc', `# _authToken=${TOKEN}\n; _authToken=${TOKEN}\n`), undefined);
    // Literal text beside a reference is a secret of its own.
    assert.equal(credentialIn('npmrc', `_authToken=${TOKEN}\${SUFFIX}\n`), '_authToken');
  });

  it('reads .pypirc passwords and .netrc password and account tokens', () => {
    assert.equal(credentialIn('pypirc', '[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\n'), undefined);
    assert.equal(credentialIn('pypirc', '[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAw\n'), 'password');
    assert.equal(credentialIn('pypirc', '[internal]\nrepository: https://pypi.example.com/\nusername: deploy\nPassword: Qx7PypiPass\n'), 'Password');
    assert.equal(credentialIn('netrc', 'machine example.com login deploy\n'), undefined);
    assert.equal(credentialIn('netrc', 'machine example.com\n  login deploy\n  password Qx7NetrcPw\n'), 'password');
    assert.equal(credentialIn('netrc', 'machine ftp.example.com login anon account Qx7Account\n'), 'account');
    assert.equal(credentialIn('netrc', 'machine example.com login deploy\nmacdef init\necho password Qx7NotAToken\n\n'), undefined);
  });

  it("reads Yarn 1's .yarnrc: npm's auth keys in `key \"value\"` lines, a URL with a password (df020cs, item 2)", () => {
    assert.equal(credentialIn('yarnrc-classic', `"//registry.npmjs.org/:_authToken" "${TOKEN}"\n`), '_authToken');
    assert.equal(credentialIn('yarnrc-classic', `_authToken ${TOKEN}\n`), '_authToken');
    assert.equal(credentialIn('yarnrc-classic', `_authToken=${TOKEN}\n`), '_authToken', "npm's syntax, written into a .yarnrc");
    assert.equal(credentialIn('yarnrc-classic', '_auth "ZGVwbG95OlF4N1Bhc3N3b3Jk"\n'), '_auth');
    assert.equal(credentialIn('yarnrc-classic', 'registry "https://deploy:Qx7Passw0rd@registry.example.com/"\n'), 'a URL with a password');
    // Settings, switches, references, comments and stand-ins are none.
    assert.equal(credentialIn('yarnrc-classic', '# yarn lockfile v1\nregistry "https://registry.npmjs.org/"\n"@acme:registry" "https://npm.pkg.github.com/"\nalways-auth true\nemail dev@example.com\nusername deploy\n'), undefined);
    assert.equal(credentialIn('yarnrc-classic', '"//npm.pkg.github.com/:_authToken" "${NPM_TOKEN}"\n'), undefined);
    assert.equal(credentialIn('yarnrc-classic', `# "//npm.pkg.github.com/:_authToken" "${TOKEN}"\n`), undefined);
    assert.equal(credentialIn('yarnrc-classic', '_authToken "<token>"\n'), undefined);
  });
});

describe('DF021 judges a copied .npmrc by its content', () => {
  const dockerfile = 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml .npmrc ./\nRUN pnpm install --frozen-lockfile\n';

  it('is silent on settings only, an error on a token, a warning when the file is not there', () => {
    assert.deepEqual(df021({ '/m/Dockerfile': dockerfile, '/m/.npmrc': 'audit = false\nfund = false\n' }).found, []);
    assert.deepEqual(df021({ '/m/Dockerfile': dockerfile, '/m/.npmrc': '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n' }).found, []);
    const token = df021({ '/m/Dockerfile': dockerfile, '/m/.npmrc': `//registry.npmjs.org/:_authToken=${TOKEN}\n` });
    assert.deepEqual(token.found, ['2:error']);
    assert.equal(token.messages[0], "COPY puts '.npmrc' (registry credentials: _authToken) into an image layer, where anyone with the image can read it even if a later step deletes it; pass it as a build secret or at run time instead.");
    const absent = df021({ '/m/Dockerfile': dockerfile });
    assert.deepEqual(absent.found, ['2:warning']);
    assert.match(absent.messages[0], /^COPY puts '\.npmrc' into an image layer, and its content is not known here .*it may hold registry credentials/);
    assert.ok([...token.messages, ...absent.messages].every((m) => !m.includes(TOKEN)));
  });

  it('judges the files a glob that names .npmrc or .pypirc matches, as the names', () => {
    const glob = 'FROM node:22-slim\nCOPY package.json .npmrc* ./\nCOPY .pypirc* /root/\n';
    assert.deepEqual(df021({ '/m/Dockerfile': glob, '/m/.npmrc': `_authToken=${TOKEN}\n`, '/m/.pypirc': '[pypi]\npassword = Qx7PypiPassword\n' }).found, ['1:error', '2:error']);
    assert.deepEqual(df021({ '/m/Dockerfile': glob, '/m/.npmrc': 'save-exact=true\n', '/m/.npmrc.example': '_authToken=<token>\n', '/m/.pypirc': '[pypi]\nusername = __token__\n' }).found, []);
    // A template beside it that holds a real token is copied too.
    assert.deepEqual(df021({ '/m/Dockerfile': glob, '/m/.npmrc': 'save-exact=true\n', '/m/.npmrc.ci': `_authToken=${TOKEN}\n`, '/m/.pypirc': '' }).found, ['1:error']);
    assert.deepEqual(df021({ '/m/Dockerfile': glob, '/m/package.json': '{}' }).found, ['1:warning', '2:warning']);
    // A glob copied to ~/.netrc is read as a .netrc.
    const netrc = 'FROM alpine:3.22\nCOPY ci/netrc* /root/.netrc\n';
    assert.deepEqual(df021({ '/m/Dockerfile': netrc, '/m/ci/netrc.ci': 'machine example.com login deploy password Qx7NetrcPw\n' }).found, ['1:error']);
    assert.deepEqual(df021({ '/m/Dockerfile': netrc, '/m/ci/netrc.ci': 'machine example.com login deploy\n' }).found, []);
    // `*` and `.*` do not name them (whole-context copies are DR003's).
    assert.deepEqual(df021({ '/m/Dockerfile': 'FROM node:22-slim\nCOPY * ./\nCOPY .* ./\n', '/m/.npmrc': `_authToken=${TOKEN}\n` }).found, []);
  });

  it('leaves out a file the ignore file excludes, and reads the context compose gives', () => {
    const glob = 'FROM node:22-slim\nCOPY package.json .npmrc* ./\n';
    assert.deepEqual(df021({ '/m/Dockerfile': glob, '/m/.npmrc': `_authToken=${TOKEN}\n`, '/m/.dockerignore': '.npmrc\n' }).found, []);
    assert.deepEqual(df021({ '/m/Dockerfile': glob, '/m/.npmrc': `_authToken=${TOKEN}\n`, '/m/.dockerignore': '*\n!package.json\n!.npmrc\n' }).found, ['1:error']);
    // Built with its own folder as context by compose: the .npmrc above is not in it.
    const compose = 'services:\n  web:\n    build: ./app\n';
    const files = { '/m/compose.yaml': compose, '/m/app/Dockerfile': glob, '/m/.npmrc': `_authToken=${TOKEN}\n` };
    assert.deepEqual(df021(files, '/m/app/Dockerfile').found, ['1:warning']);
    assert.deepEqual(df021({ ...files, '/m/app/.npmrc': 'audit=false\n' }, '/m/app/Dockerfile').found, []);
    // Without compose, the folders above are guessed: the first that has the file.
    assert.deepEqual(df021({ '/m/app/Dockerfile': glob, '/m/.npmrc': `_authToken=${TOKEN}\n` }, '/m/app/Dockerfile').found, ['1:error']);
  });

  it('cannot know the file an ONBUILD trigger copies (a child image\'s context): a warning', () => {
    const text = 'FROM node:22-slim\nONBUILD COPY .npmrc ./\n';
    const r = df021({ '/m/Dockerfile': text, '/m/.npmrc': 'audit=false\n' });
    assert.deepEqual(r.found, ['1:warning']);
    assert.match(r.messages[0], /not known here \(an ONBUILD trigger copies it from the build context of an image built on this one\)/);
  });
});
