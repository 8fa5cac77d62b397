/**
 * The Docker Guardrails extension: a thin client that starts the language server (dist/server.js)
 * over IPC and tells it about Dockerfiles, compose files and the files their findings depend on.
 * It imports nothing from the rule engine.
 */
import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** Which documents the server analyzes: the built-in language ids, plus file name patterns. */
export const DOCUMENT_SELECTOR = [
  { language: 'dockerfile' },
  { language: 'dockercompose' },
  { scheme: 'file', pattern: '**/{compose,docker-compose,*.compose,*-compose,*_compose}*.{yml,yaml}' },
  { scheme: 'file', pattern: '**/{Dockerfile,Dockerfile.*,*.dockerfile,*.Dockerfile,*-Dockerfile,*_Dockerfile,Containerfile,Containerfile.*,*.containerfile}' },
];

/** Files watched on disk: the analyzed files and the ones their findings depend on. */
const WATCHED = '**/{*Dockerfile,*Dockerfile.*,*.dockerfile,*Containerfile,*Containerfile.*,*.containerfile,*compose*.yml,*compose*.yaml,.env,.env.example,.gitignore,.dockerignore}';

export async function activate(context: ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: {
      fileEvents: workspace.createFileSystemWatcher(WATCHED),
    },
    diagnosticCollectionName: 'docker-guardrails',
  };
  client = new LanguageClient('dockerGuardrails', 'Docker Guardrails', serverOptions, clientOptions);
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
