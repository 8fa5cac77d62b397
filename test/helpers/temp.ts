import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Folders made by tempDir in this test process, removed when it exits. */
const made: string[] = [];

function removeAll(): void {
  for (const dir of made) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // a server still holding a file on a platform that locks it: nothing a test should fail on
    }
  }
}

/**
 * A fresh folder under the system's temporary folder (by its real path, so paths compare with what
 * the server and CLI resolve), removed with everything in it when this test process exits.
 * `node --test` runs each test file in a process of its own, so a file's folders live as long as
 * its tests. Set DG_KEEP_TMP=1 to keep them for a look after a failure.
 */
export function tempDir(prefix: string): string {
  if (made.length === 0 && process.env.DG_KEEP_TMP !== '1') process.on('exit', removeAll);
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** A tempDir holding `files` (relative path → text), with the folders they need. */
export function tempFiles(prefix: string, files: Record<string, string>): string {
  const dir = tempDir(prefix);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** A tempFiles that is a git repository root: it also holds a `.git` folder. */
export function tempRepository(prefix: string, files: Record<string, string>): string {
  const dir = tempFiles(prefix, files);
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  return dir;
}
