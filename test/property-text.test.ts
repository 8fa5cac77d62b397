/**
 * mayHoldPropertyText (df-instructions.ts) lets a rule skip reading an ENV/ARG's properties when their text cannot hold
 * what it looks for (DF013's setting names, DF020's MAY_REPORT): it must answer true for every instruction one of whose
 * properties, as dockerfile-ast reads them, has a name or value the pattern matches. CREDENTIAL_NAME_PIECE (secrets.ts)
 * must match every name isCredentialName or isValueJudgedName accepts.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { DockerfileContext } from '../rules/engine/dockerfile';
import { mayHoldPropertyText } from '../rules/engine/df-instructions';
import { propertiesOf } from '../rules/engine/stage-scope';
import { CREDENTIAL_NAME_PIECE, isCredentialName, isValueJudgedName } from '../rules/engine/secrets';
import { DEFAULT_OPTIONS, type WorkspaceView } from '../rules/engine/types';

const workspace = { readText: () => undefined, exists: () => false, listDir: () => [] } as unknown as WorkspaceView;
const NAME = /NODE_TLS_REJECT_UNAUTHORIZED|ghp_/;

/** For each ENV/ARG of the text: whether a property's name or value matches NAME, and mayHoldPropertyText's answer. */
function answers(text: string): { holds: boolean; may: boolean }[] {
  const ctx = new DockerfileContext('/w/Dockerfile', text, workspace, DEFAULT_OPTIONS);
  return ctx.ast
    .getInstructions()
    .filter((i) => i.getKeyword() === 'ENV' || i.getKeyword() === 'ARG')
    .map((ins) => ({ holds: propertiesOf(ins).some((p) => NAME.test(p.getName()) || NAME.test(p.getValue() ?? '')), may: mayHoldPropertyText(ctx, ins, NAME) }));
}

describe('mayHoldPropertyText: true whenever a property holds the pattern', () => {
  const cases: [string, string][] = [
    ['FROM a\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n', 'plain'],
    ['FROM a\nENV NODE_TLS_REJECT_UNAUTHORIZED 0\n', 'the space form'],
    ['FROM a\nENV "NODE_TLS_REJECT_UNAUTHORIZED"=0 B=1\n', 'a quoted name'],
    ['FROM a\nARG T="ghp_x"\n', 'a quoted value'],
    ['FROM a\nENV NODE_TLS_\\\nREJECT_UNAUTHORIZED=0\n', 'a name continued over lines'],
    ['FROM a\nENV NODE_TLS_\\REJECT_UNAUTHORIZED=0\n', 'an escaped character inside the name'],
    ['FROM a\nENV A=1 \\\n# a comment\n  NODE_TLS_REJECT_UNAUTHORIZED=0\n', 'a comment line inside'],
    ['FROM a\nENV T=gh\\\n# c\np_x\n', 'a value continued over a comment'],
    ['FROM a\r\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\r\n', 'CRLF line ends'],
    ['# escape=`\nFROM a\nENV NODE_TLS_`\nREJECT_UNAUTHORIZED=0\n', 'a name continued with the backtick escape'],
    ['# escape=`\nFROM a\nENV NODE_TLS_`REJECT_UNAUTHORIZED=0\n', 'a character escaped with the backtick'],
  ];
  for (const [text, what] of cases) {
    it(what, () => {
      const found = answers(text);
      assert.ok(found.some((f) => f.holds), `the case must hold the pattern: ${JSON.stringify(found)}`);
      for (const f of found) if (f.holds) assert.equal(f.may, true);
    });
  }
  it('false for an instruction whose text does not hold it (the skip)', () => {
    assert.deepEqual(answers('FROM a\nENV LANG=C.UTF-8 PATH=/x:$PATH\nARG VERSION=1\r\n'), [{ holds: false, may: false }, { holds: false, may: false }]);
  });
});

describe('CREDENTIAL_NAME_PIECE: in every credential name', () => {
  const names = ['DB_PASSWORD', 'MYSQL_PWD', 'RABBITMQ_PASS', 'GPG_PASSPHRASE', 'LDAP_PW', 'APP_SECRET', 'CLIENT_SECRETS', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'JWT_KEY', 'ERLANG_COOKIE', 'GOOGLE_CREDENTIALS', 'SSH_PRIVATE_KEY_B64', 'DEPLOY_KEY', 'ID_RSA', 'ID_ECDSA', 'ID_ED25519', 'ID_DSA', 'NPM_AUTH', 'NPM_CONFIG__AUTH', 'GH_PAT', 'PAT', 'AZURE_STORAGE_KEY', 'REDIS_AUTH', 'MASTERAUTH', 'DBPASSWORD', 'APIKEY', 'OPENAI_KEY', 'MY_AUTH', 'VAULT_SECRET_ID', 'LICENSE_KEY'];
  for (const name of names) {
    it(name, () => {
      assert.ok(isCredentialName(name) || isValueJudgedName(name), `${name} is a credential name (else the case tests nothing)`);
      assert.match(name, CREDENTIAL_NAME_PIECE);
      assert.match(name.toLowerCase(), CREDENTIAL_NAME_PIECE);
    });
  }
});
