/**
 * The analysis date (review 43d, item 10): the end-of-life rules and the pins that avoid ended lines judge on the date the
 * options give (the CLI's --eol-date, the editor's dockerGuardrails.eol.date), else on today's UTC date; a notice says when
 * the bundled image data is more than STALE_DATA_MONTHS months older than that date.
 */
import { afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding, parseConfig, type EngineConfig } from '../rules';
import { addMonths, CATALOG_CHECKED, staleDataNotice, STALE_DATA_MONTHS } from '../rules/engine/catalog';
import { analysisDate, EOL_CATALOG_CHECKED, isIsoDate, setEolClockForTests } from '../rules/engine/eol';
import { CLI, runCli } from './helpers/cli';
import { TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';
import { viewOf } from './helpers/fixtures';
import { isolatedEnv } from './helpers/user-env';

/** postgres 14 ended on 2026-11-12: supported that day, reported from the next. */
const PG14 = 'FROM postgres:14-alpine\nUSER postgres\n';
const LAST_DAY = '2026-11-12';
const DAY_AFTER = '2026-11-13';
/** The bundled data's date (the older of the two catalogs) and the last analysis date without a notice. */
const CHECKED = EOL_CATALOG_CHECKED < CATALOG_CHECKED ? EOL_CATALOG_CHECKED : CATALOG_CHECKED;
const LAST_FRESH = addMonths(CHECKED, STALE_DATA_MONTHS);
const FIRST_STALE = new Date(Date.parse(`${LAST_FRESH}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const withDate = (eolDate: string | null): EngineConfig => ({ rules: {}, options: { ...DEFAULT_CONFIG.options, eolDate } });

function codes(kind: 'dockerfile' | 'compose', text: string, config: EngineConfig, code: RegExp): string[] {
  const file = kind === 'dockerfile' ? '/d/Dockerfile' : '/d/compose.yaml';
  const a = analyze(allRules, kind, file, text, viewOf(new Map([[file, text]])), config);
  return a.findings.filter((f) => code.test(f.code)).map((f) => `${f.code} ${fixFinding(allRules, a.context, f)?.title ?? '-'}`);
}

describe('the analysis date in the engine (RuleOptions.eolDate)', () => {
  afterEach(() => setEolClockForTests('2026-11-28'));

  it('is the date the options give, else the clock (setEolClockForTests still sets the clock)', () => {
    setEolClockForTests('2030-05-05');
    assert.equal(analysisDate({ eolDate: null }), '2030-05-05');
    assert.equal(analysisDate({ eolDate: '2027-01-31' }), '2027-01-31');
  });

  it('DF005 and DC004 judge on it, whatever the clock says, one analysis after another', () => {
    const compose = 'services:\n  db:\n    image: postgres:14-alpine\n';
    for (const clock of ['2026-11-01', '2026-11-28']) {
      setEolClockForTests(clock);
      assert.deepEqual(codes('dockerfile', PG14, withDate(LAST_DAY), /^DF005$/), [], `clock ${clock}: supported on its last day`);
      assert.deepEqual(codes('dockerfile', PG14, withDate(DAY_AFTER), /^DF005$/), ['DF005 Move to postgres:15-alpine (oldest supported line)'], `clock ${clock}`);
      assert.deepEqual(codes('compose', compose, withDate(LAST_DAY), /^DC004$/), [], `clock ${clock}`);
      assert.deepEqual(codes('compose', compose, withDate(DAY_AFTER), /^DC004$/), ['DC004 Move to postgres:15-alpine (oldest supported line)'], `clock ${clock}`);
    }
    setEolClockForTests('2026-11-01');
    assert.deepEqual(codes('dockerfile', PG14, DEFAULT_CONFIG, /^DF005$/), [], 'without a date: the clock');
  });

  it('the minimal variants and pins of DF003/DC003 and DF001/DC001 leave out the lines ended on it', () => {
    setEolClockForTests('2026-11-28');
    const compose = 'services:\n  web:\n    image: node:20\n  db:\n    image: postgres\n';
    // node 20 ended on 2026-04-30; postgres 18 is the newest line until the data knows a later one (it ends in November 2030).
    assert.deepEqual(codes('compose', compose, withDate('2026-04-01'), /^DC00[134]$/), ['DC003 Use node:20-alpine', 'DC001 Pin to postgres:18', 'DC003 Use postgres:18-alpine']);
    assert.deepEqual(codes('compose', compose, withDate(null), /^DC00[134]$/), ['DC003 Use node:22-alpine', 'DC004 Move to node:22 (oldest supported line)', 'DC001 Pin to postgres:18', 'DC003 Use postgres:18-alpine']);
    assert.deepEqual(codes('compose', compose, withDate('2031-01-01'), /^DC00[13]$/), ['DC003 Use node:26-alpine', 'DC001 -'], 'no postgres line is known to be supported in 2031: no pin');
    assert.deepEqual(codes('dockerfile', 'FROM node:20\nUSER node\n', withDate('2026-04-01'), /^DF00[35]$/), ['DF003 Use node:20-alpine']);
    assert.deepEqual(codes('dockerfile', 'FROM node:20\nUSER node\n', withDate(null), /^DF00[35]$/), ['DF003 Use node:22-alpine', 'DF005 Move to node:22 (oldest supported line)']);
  });

  it('moves and pins only to lines released by then, where the catalog knows release dates (review 43d, left alone: a past date)', () => {
    const messages = (kind: 'dockerfile' | 'compose', text: string, date: string, code: RegExp): string[] => {
      const file = kind === 'dockerfile' ? '/d/Dockerfile' : '/d/compose.yaml';
      return analyze(allRules, kind, file, text, viewOf(new Map([[file, text]])), withDate(date)).findings.filter((f) => code.test(f.code)).map((f) => f.message);
    };
    // On 2026-03-01 node 20 ends within six months, so the newest line is offered too: 25, as node 26 was released on 2026-05-05.
    const [node18] = messages('dockerfile', 'FROM node:18-alpine\nUSER node\n', '2026-03-01', /^DF005$/);
    assert.match(node18, /Move to node:20-alpine, the oldest supported line, supported until 2026-04-30, or to node:25-alpine, the newest\.$/);
    // mysql 9.6 ends within six months of 2026-01-25, and 9.7 (released 2026-04-21, the day 9.6 ended) is not offered yet.
    const [mysql95] = messages('compose', 'services:\n  db:\n    image: mysql:9.5\n', '2026-01-25', /^DC004$/);
    assert.match(mysql95, /Move to mysql:9\.6, the oldest supported line, supported until 2026-04-21\.$/);
    // The pin for `latest` is the newest line released by then.
    assert.deepEqual(codes('compose', 'services:\n  web:\n    image: node\n', withDate('2026-03-01'), /^DC001$/), ['DC001 Pin to node:25']);
    assert.deepEqual(codes('compose', 'services:\n  web:\n    image: node\n', withDate('2026-05-05'), /^DC001$/), ['DC001 Pin to node:26']);
  });

  it('reads a date only as YYYY-MM-DD, a day of the calendar', () => {
    for (const ok of ['2026-11-12', '2028-02-29', '2027-12-31']) assert.ok(isIsoDate(ok), ok);
    for (const bad of ['', 'today', '2026-2-1', '2026-02-30', '2027-02-29', '2026-13-01', '2026-11-12T00:00:00Z', ' 2026-11-12', '20261112', '2026/11/12']) assert.ok(!isIsoDate(bad), bad);
  });

  it(`gives a notice only when the date is more than ${STALE_DATA_MONTHS} months after the data was checked`, () => {
    assert.equal(addMonths('2026-08-31', 6), '2027-02-28');
    assert.equal(addMonths('2026-12-06', 6), '2027-06-06');
    assert.equal(staleDataNotice(CHECKED), undefined);
    assert.equal(staleDataNotice(LAST_FRESH), undefined);
    assert.equal(staleDataNotice('2020-01-01'), undefined, 'a past date: the data is newer');
    const notice = staleDataNotice(FIRST_STALE);
    assert.ok(notice?.includes(`checked on ${CHECKED}, more than ${STALE_DATA_MONTHS} months before the analysis date ${FIRST_STALE}`), notice);
  });

  it('the config file refuses `eol` with why (a date in the repository would silence the EOL rules for everyone)', () => {
    const { config, problems } = parseConfig('/p/.docker-guardrails.yaml', 'eol:\n  date: 2026-11-12\n', new Set());
    assert.deepEqual(config, {});
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /^`eol` \(`eol\.date`, the analysis date of the end-of-life rules\) is a VS Code setting only, and `--eol-date` the CLI's option/);
  });
});

describe('check --eol-date', () => {
  const dir = () => tempFiles('dg-eol-date-', { Dockerfile: PG14 });

  it('fixes the date the run judges on: --fail-on warning passes on the last supported day and fails the day after', () => {
    const d = dir();
    const on = (date: string) => runCli(['check', '.', '--fail-on', 'warning', '--format', 'json', '--eol-date', date], d);
    const last = on(LAST_DAY);
    assert.equal(last.code, 0, last.stderr);
    assert.ok(!(JSON.parse(last.stdout) as { code: string }[]).some((f) => f.code === 'DF005'));
    const after = on(DAY_AFTER);
    assert.equal(after.code, 1, after.stderr);
    assert.deepEqual((JSON.parse(after.stdout) as { code: string }[]).filter((f) => f.code === 'DF005').length, 1);
    assert.equal(last.stderr + after.stderr, '', 'no notice: the data is not stale on those dates');
  });

  it('judges on it in worker threads too (DG_WORKERS)', () => {
    const d = tempFiles('dg-eol-date-w-', { 'a/Dockerfile': PG14, 'b/Dockerfile': PG14, 'c/compose.yaml': 'services:\n  db:\n    image: postgres:14-alpine\n' });
    const on = (date: string) => {
      const r = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json', '--eol-date', date], { cwd: d, encoding: 'utf8', env: isolatedEnv({ ...process.env, DG_WORKERS: '2' }) });
      return (JSON.parse(r.stdout) as { code: string }[]).filter((f) => f.code === 'DF005' || f.code === 'DC004').length;
    };
    assert.equal(on(LAST_DAY), 0);
    assert.equal(on(DAY_AFTER), 3);
  });

  it('refuses a value that is not a date written YYYY-MM-DD (usage error, exit 2)', () => {
    const d = dir();
    for (const bad of ['2026-2-1', '2026-02-30', 'today', '2026-11-12T00:00:00Z', '']) {
      const r = runCli(['check', '.', '--eol-date', bad], d);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--eol-date must be a date written YYYY-MM-DD/, bad);
      assert.equal(r.stdout, '', bad);
    }
  });

  it(`says once on standard error when the data is more than ${STALE_DATA_MONTHS} months older than the date; the report is unchanged`, () => {
    const d = tempFiles('dg-eol-date-s-', { 'a/Dockerfile': PG14, 'b/Dockerfile': PG14 });
    for (const format of ['json', 'sarif', 'text']) {
      const stale = runCli(['check', '.', '--format', format, '--eol-date', FIRST_STALE], d);
      assert.equal(stale.code, 0, stale.stderr);
      const lines = stale.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, `${format}: one line for the run, not one per file`);
      assert.match(lines[0], new RegExp(`^docker-guardrails: notice: the bundled image data .* was checked on ${CHECKED}, more than ${STALE_DATA_MONTHS} months before the analysis date ${FIRST_STALE}: `));
      if (format !== 'text') assert.doesNotThrow(() => JSON.parse(stale.stdout), `${format}: standard output is the report alone`);
      assert.doesNotMatch(stale.stdout, /bundled image data/);
      const fresh = runCli(['check', '.', '--format', format, '--eol-date', LAST_FRESH], d);
      assert.equal(fresh.stderr, '', `${format}: no notice on ${LAST_FRESH}`);
    }
  });

  it('is in --help, and the config file cannot set it (exit 2, DG002)', () => {
    const d = tempFiles('dg-eol-date-c-', { Dockerfile: PG14, '.docker-guardrails.yaml': 'eol:\n  date: 2026-11-12\n' });
    assert.match(runCli(['--help'], d).stdout, /--eol-date YYYY-MM-DD/);
    const r = runCli(['check', '.'], d);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /`eol` \(`eol\.date`, the analysis date of the end-of-life rules\) is a VS Code setting only/);
  });
});

describe('dockerGuardrails.eol.date in the language server', () => {
  async function withServer(settings: Record<string, unknown>, test: (client: TestClient, dir: string) => Promise<void>): Promise<void> {
    const dir = tempFiles('dg-eol-date-lsp-', { '.git/HEAD': 'ref: refs/heads/main\n' });
    const client = new TestClient();
    try {
      client.settings = settings;
      await client.initialize([dir]);
      await test(client, dir);
    } finally {
      await client.shutdown();
    }
  }
  const df005 = async (client: TestClient, file: string) => (await client.diagnostics(client.open(file, PG14, 'dockerfile'), 1)).filter((d) => d.code === 'DF005').length;

  it('judges on the date the setting gives (today when empty); a value that is not a date is logged once and today is used', async () => {
    await withServer({ eol: { date: LAST_DAY } }, async (client, dir) => {
      assert.equal(await df005(client, path.join(dir, 'Dockerfile')), 0);
    });
    await withServer({ eol: { date: DAY_AFTER } }, async (client, dir) => {
      assert.equal(await df005(client, path.join(dir, 'Dockerfile')), 1);
    });
    await withServer({ eol: { date: '' } }, async (client, dir) => {
      assert.equal(await df005(client, path.join(dir, 'Dockerfile')), 1, 'today: postgres 14 has ended');
    });
    await withServer({ eol: { date: '2026-2-1' } }, async (client, dir) => {
      assert.equal(await df005(client, path.join(dir, 'a.dockerfile')), 1);
      assert.equal(await df005(client, path.join(dir, 'b.dockerfile')), 1);
      assert.equal(client.logs.filter((l) => l.includes('dockerGuardrails.eol.date is ignored: it must be a date written YYYY-MM-DD')).length, 1);
      assert.ok(!client.logs.some((l) => l.includes('2026-2-1')), 'the value is not repeated');
    });
  });

  it(`logs and shows once that the data is more than ${STALE_DATA_MONTHS} months older than the date`, async () => {
    await withServer({ eol: { date: FIRST_STALE } }, async (client, dir) => {
      for (const name of ['a.dockerfile', 'b.dockerfile', 'c.dockerfile']) assert.equal(await df005(client, path.join(dir, name)), 1);
      await client.until('the notice', () => client.shown.length > 0 || undefined);
      const logged = client.logs.filter((l) => l.includes('bundled image data'));
      assert.equal(logged.length, 1, logged.join('\n'));
      assert.match(logged[0], new RegExp(`was checked on ${CHECKED}, more than ${STALE_DATA_MONTHS} months before the analysis date ${FIRST_STALE}`));
      assert.equal(client.shown.filter((m) => m.includes('bundled image data')).length, 1);
    });
    await withServer({ eol: { date: LAST_FRESH } }, async (client, dir) => {
      assert.equal(await df005(client, path.join(dir, 'Dockerfile')), 1);
      assert.ok(!client.logs.some((l) => l.includes('bundled image data')));
      assert.deepEqual(client.shown, []);
    });
  });
});
