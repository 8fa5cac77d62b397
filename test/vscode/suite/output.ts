/**
 * The suite's output: the extension host's console (which VS Code forwards to its own log, and the
 * Electron runner to the terminal) and, when DG_VSCODE_OUTPUT names a file, that file too, which the
 * code-server runner tails into the terminal (in the web workbench the extension host's console
 * ends up mixed with the workbench's own log).
 */
import * as fs from 'node:fs';
import { format } from 'node:util';

const consoleLog = console.log.bind(console);

export function say(...args: unknown[]): void {
  // (An empty console.log() is dropped on its way out of the extension host: log '' instead.)
  consoleLog(...(args.length ? args : ['']));
  const file = process.env.DG_VSCODE_OUTPUT;
  if (!file) return;
  try {
    fs.appendFileSync(file, format(...args) + '\n');
  } catch {
    /* the console still has it */
  }
}
