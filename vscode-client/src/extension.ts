// keraslens VS Code client: starts the language server over stdio and wires it to Python editors.
//
// Everything the product does (diagnostics, hover, code actions, inlay hints, code lenses) lives in
// the server. The server and its pure-Python dependencies ship in bundled/libs; this file picks the
// Python interpreter that runs them (python.ts), hands the server its settings and the workspace
// trust state (settings.ts), and restarts it when any of those change (lifecycle.ts).

import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';
import { DidChangeConfigurationNotification, Executable, LanguageClient, LanguageClientOptions } from 'vscode-languageclient/node';
import { Lifecycle, Running } from './lifecycle';
import { Candidate, cachedVersions, choosePython, formatVersion, insideFolders, parseVersion, pathCandidates } from './python';
import { Places, SECTION, configuredCommand, sanitizeAnswers, serverSettings } from './settings';

const NAME = 'keraslens';
const STOP_TIMEOUT_MS = 3000;
const DOCUMENT_SELECTOR = [{ scheme: 'file', language: 'python' }, { scheme: 'untitled', language: 'python' }, { notebook: '*', language: 'python' }];

let output: vscode.LogOutputChannel;
let client: LanguageClient | undefined;
let lifecycle: Lifecycle;
let extensionRoot: string;

const pythonVersion = cachedVersions(
    (executable) =>
        new Promise((resolve) =>
            execFile(executable, ['--version'], { timeout: 5000 }, (error, stdout, stderr) =>
                resolve(error ? undefined : parseVersion(`${stdout}${stderr}`)),
            ),
        ),
    (executable) => {
        try {
            return String(fs.statSync(executable).mtimeMs);
        } catch {
            return 'missing';
        }
    },
);

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    extensionRoot = context.extensionPath;
    output = vscode.window.createOutputChannel(NAME, { log: true });
    lifecycle = new Lifecycle(startClient, (message) => output.error(`keraslens: ${message}`));
    context.subscriptions.push(
        output,
        vscode.commands.registerCommand('keraslens.restart', () => lifecycle.restart('command')),
        vscode.commands.registerCommand('keraslens.showLogs', () => output.show()),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (event.affectsConfiguration(`${SECTION}.server.path`)) {
                void lifecycle.restart('keraslens.server.path changed');
            } else if (event.affectsConfiguration(SECTION)) {
                void pushSettings();
            }
        }),
        // The server was told `trusted: false` at initialize; start it again with the new state.
        vscode.workspace.onDidGrantWorkspaceTrust(() => lifecycle.restart('workspace trusted')),
        vscode.workspace.onDidChangeWorkspaceFolders(() => lifecycle.restart('workspace folders changed')),
    );
    await watchPythonInterpreter(context);
    void lifecycle.restart('activation');
}

export async function deactivate(): Promise<void> {
    await lifecycle?.stop();
}

async function startClient(reason: string): Promise<Running | undefined> {
    output.info(`starting the server (${reason})`);
    const command = await serverCommand();
    if (command === undefined) {
        return undefined;
    }
    output.info(`server command: ${JSON.stringify([command.command, ...(command.args ?? [])])}`);
    const trusted = vscode.workspace.isTrusted;
    const clientOptions: LanguageClientOptions = {
        documentSelector: DOCUMENT_SELECTOR,
        outputChannel: output,
        initializationOptions: currentSettings(),
        middleware: {
            workspace: {
                // The server asks once per workspace folder (scopeUri); every answer of ours gets the
                // trust state, and the probe forced off in untrusted workspaces.
                configuration: async (params, token, next) => {
                    const answers = await next(params, token);
                    return Array.isArray(answers)
                        ? sanitizeAnswers(params.items.map((item) => item.section), answers, trusted)
                        : answers;
                },
            },
        },
    };
    const created = new LanguageClient(SECTION, NAME, { run: command, debug: command }, clientOptions);
    client = created;
    try {
        await created.start();
        output.info('server started');
    } catch (error) {
        // vscode-languageclient already shows a notification for this; log the command too.
        output.error(`the keraslens server did not start: ${describe(error)}`);
    }
    return {
        stop: async () => {
            client = client === created ? undefined : client;
            // dispose() sends shutdown/exit when the server runs and kills it after the timeout.
            await created.dispose(STOP_TIMEOUT_MS).catch((error) => output.warn(`stopping the server: ${describe(error)}`));
        },
    };
}

function currentSettings(): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration(SECTION);
    return serverSettings((key, fallback) => config.get(key, fallback), vscode.workspace.isTrusted);
}

async function pushSettings(): Promise<void> {
    if (client === undefined || !client.isRunning()) {
        return;
    }
    // the server then pulls every folder's own values through workspace/configuration
    await client
        .sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: currentSettings() } })
        .catch((error) => output.warn(`didChangeConfiguration failed: ${describe(error)}`));
}

// ---------------------------------------------------------------------------------------------
// The server command: keraslens.server.path, else the bundled server on a Python 3.11+

function folders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
}

function places(): Places {
    return { workspaceFolder: folders()[0] ?? '', home: process.env.HOME ?? process.env.USERPROFILE ?? '' };
}

async function serverCommand(): Promise<Executable | undefined> {
    const cwd = folders()[0];
    const configured = configuredCommand(vscode.workspace.getConfiguration(SECTION).get<unknown[]>('server.path', []), places());
    if (configured.length > 0) {
        const [command, ...args] = configured;
        if (!vscode.workspace.isTrusted && insideFolders(path.resolve(cwd ?? '', command), folders())) {
            return fail(`not starting ${command} from inside an untrusted workspace; trust the workspace or point "keraslens.server.path" elsewhere`);
        }
        return { command, args, options: { cwd } };
    }
    const candidates = [...(await selectedInterpreter()), ...pathCandidates(process.env.PATH ?? '', isExecutableFile)];
    const { choice, skipped } = await choosePython(candidates, {
        trusted: vscode.workspace.isTrusted,
        workspaceFolders: folders(),
        versionOf: pythonVersion,
    });
    skipped.forEach((line) => output.warn(`not using ${line}`));
    if (choice === undefined) {
        return fail('no Python 3.11 or newer found: select one in the Python extension or put python3 on PATH');
    }
    output.info(`Python ${formatVersion(choice.version)}: ${choice.executable} (from ${choice.source})`);
    return { command: choice.executable, args: [path.join(extensionRoot, 'bundled', 'tool', 'launch.py')], options: { cwd } };
}

function fail(reason: string): undefined {
    const message = `keraslens: ${reason}.`;
    output.error(message);
    void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Logs').then((choice) => {
        if (choice === 'Show Logs') {
            output.show();
        } else if (choice === 'Open Settings') {
            void vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
        }
    });
    return undefined;
}

function pythonExtensionInstalled(): boolean {
    return vscode.extensions.getExtension(PVSC_EXTENSION_ID) !== undefined;
}

/** The interpreter selected in the Python extension for the first folder (one server serves all folders). */
async function selectedInterpreter(): Promise<Candidate[]> {
    if (!pythonExtensionInstalled()) {
        return [];
    }
    try {
        const environments = (await PythonExtension.api()).environments;
        const active = environments.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri);
        const resolved = await environments.resolveEnvironment(active);
        const executable = resolved?.executable.uri?.fsPath;
        if (executable === undefined) {
            return [];
        }
        const version = resolved?.version ? { major: resolved.version.major, minor: resolved.version.minor } : undefined;
        return [{ executable, source: 'the Python extension', version }];
    } catch (error) {
        output.warn(`could not read the interpreter selected in the Python extension: ${describe(error)}`);
        return [];
    }
}

async function watchPythonInterpreter(context: vscode.ExtensionContext): Promise<void> {
    if (!pythonExtensionInstalled()) {
        return; // optional: without it the server runs on python3 from PATH
    }
    try {
        const api = await PythonExtension.api();
        context.subscriptions.push(
            api.environments.onDidChangeActiveEnvironmentPath(() => {
                if (vscode.workspace.getConfiguration(SECTION).get<unknown[]>('server.path', []).length === 0) {
                    void lifecycle.restart('Python interpreter changed');
                }
            }),
        );
    } catch (error) {
        output.warn(`the Python extension did not activate: ${describe(error)}`);
    }
}

function isExecutableFile(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

function describe(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
