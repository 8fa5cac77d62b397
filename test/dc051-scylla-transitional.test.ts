/**
 * DC051 over ScyllaDB's TransitionalAuthenticator: it checks the credentials a client gives and still lets clients
 * connect without any (ScyllaDB, "Enable and Disable Authentication Without Downtime"), so a service whose command
 * keeps it is reported as running without authentication, with a message that names it; the last --authenticator
 * written is the one the entrypoint's parser keeps.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeCase, loadCases } from './helpers/fixtures';

describe('DC051: ScyllaDB with TransitionalAuthenticator', () => {
  it('reports it on the option, and says what the authenticator does', () => {
    const c = loadCases('DC051').find((x) => x.name === 'fires-scylla.yaml')!;
    const messages = analyzeCase(c)
      .findings.filter((f) => f.code === 'DC051')
      .map((f) => `${f.range.start.line + 1} ${f.message}`);
    const transitional = messages.filter((m) => m.includes('TransitionalAuthenticator'));
    assert.equal(transitional.length, 1, messages.join('\n'));
    assert.match(transitional[0], /^34 Service 'scylla-transitional' runs ScyllaDB with --authenticator com\.scylladb\.auth\.TransitionalAuthenticator, which still lets clients connect without credentials/);
    // Transitional first, AllowAll last: the AllowAll message, on the AllowAll option.
    assert.ok(messages.some((m) => /^41 Service 'scylla-transitional-then-allow-all' runs ScyllaDB without authentication: the last --authenticator its command passes, the one the image's entrypoint keeps, is AllowAllAuthenticator/.test(m)), messages.join('\n'));
    // PasswordAuthenticator first, AllowAll last (string, list with `=`, prefixes): argparse keeps the last (review51, finding 3).
    for (const [line, name] of [[47, 'scylla-password-then-allow-all'], [53, 'scylla-password-then-allow-all-list'], [60, 'scylla-prefix-password-then-allow-all']] as const)
      assert.ok(messages.some((m) => m.startsWith(`${line} Service '${name}' runs ScyllaDB without authentication: the last --authenticator its command passes`)), messages.join('\n'));
    // No --authenticator written: the default.
    assert.ok(messages.some((m) => /^7 Service 'scylla' runs ScyllaDB without authentication: the scylladb\/scylla image keeps ScyllaDB's default authenticator/.test(m)), messages.join('\n'));
  });
});
