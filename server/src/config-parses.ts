/**
 * The last parse of each config file, kept with the SHA-256 and length of the text it was parsed from (not the text:
 * up to 64 MiB a config, held as long as the server runs; review 46 leftovers, item 2): a config whose text did not
 * change is not parsed again (review item 2). The server asks for a config's parse on every change that may touch it — a settings
 * change (every config), a config document opened, closed or saved (the save's file event comes after the typing that
 * parsed it), a file event from the watcher — and a config may be up to 64 MiB: a 1 MiB file of comments parses in
 * 0.15-0.3 s, a 10 MiB one in 1-1.4 s, 10 MiB of exclude globs (480k entries) in 11-14 s, with the server's
 * event loop held all along. A change of the text (a keystroke in the config) is parsed, once.
 */
import { createHash } from 'node:crypto';
import { parseConfig, type LoadedConfig } from '../../rules';

/** Configs this large are logged when parsed (with the time it took): a user waiting on the server learns why. */
export const LOGGED_CONFIG_BYTES = 1024 * 1024;

export class ConfigParses {
  private last = new Map<string, { length: number; hash: string; loaded: LoadedConfig }>();

  constructor(
    private readonly knownCodes: ReadonlySet<string>,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /**
   * The config parsed from `text`: the last parse of `p` when its text is the same (same length and SHA-256 of its
   * UTF-8: 10 MiB hash in tens of milliseconds, far less than a parse), else a new one. A copy whose `problems` the
   * caller may add to (the `.yml` beside a `.yaml`).
   */
  get(p: string, text: string): LoadedConfig {
    let entry = this.last.get(p);
    const hash = createHash('sha256').update(text, 'utf8').digest('base64');
    if (entry?.length !== text.length || entry.hash !== hash) {
      const started = performance.now();
      entry = { length: text.length, hash, loaded: parseConfig(p, text, this.knownCodes) };
      if (text.length >= LOGGED_CONFIG_BYTES) this.log(`parsed the config file ${p} (${(text.length / 1024 / 1024).toFixed(1)} MiB) in ${Math.round(performance.now() - started)} ms`);
      this.last.set(p, entry);
    }
    return { ...entry.loaded, problems: [...entry.loaded.problems] };
  }

  /** Forgets a config file that left the workspace (its last parse is let go). */
  forget(p: string): void {
    this.last.delete(p);
  }
}
