// keraslens VS Code client: starts `keraslens serve` over stdio and wires it to Python editors.
//
// Everything the product does (diagnostics, hover, code actions, inlay hints, code lenses)
// lives in the server; this file only finds the server, hands it the settings and the
// workspace trust state, and offers restart / logs commands.

import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
    DidChangeConfigurationNotification,
    Executable,
    LanguageClient,
    LanguageClientOptions,
    ServerOptions,
} from 'vscode-languageclient/node';

const ID = 'keraslens';
const NAME = 'keraslens';
const SECTION = 'keraslens';
const PYTHON_EXTENSION = 'ms-python.python';
const STOP_TIMEOUT_MS = 3000;

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
// Restarts are queued so that two quick triggers never run two servers at once.
let lifecycle: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    output = vscode.window.createOutputChannel(NAME, { log: true });
    context.subscriptions.push(output);

    context.subscriptions.push(
        vscode.commands.registerCommand('keraslens.restart', () => restart('command')),
        vscode.commands.registerCommand('keraslens.showLogs', () => output.show()),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (event.affectsConfiguration(`${SECTION}.server.path`)) {
                void restart('keraslens.server.path changed');
            } else if (event.affectsConfiguration(SECTION)) {
                void pushSettings();
            }
        }),
        // The server was told `trusted: false` at initialize; start it again with the new state.
        vscode.workspace.onDidGrantWorkspaceTrust(() => restart('workspace trusted')),
    );
    await watchPythonInterpreter(context);

    void restart('activation');
}

export async function deactivate(): Promise<void> {
    await enqueue(stopClient);
}

function enqueue(step: () => Promise<void>): Promise<void> {
    lifecycle = lifecycle.then(step).catch((error) => {
        output.error(`keraslens: ${describe(error)}`);
    });
    return lifecycle;
}

function restart(reason: string): Promise<void> {
    return enqueue(async () => {
        output.info(`starting server (${reason})`);
        await stopClient();
        await startClient();
    });
}

async function stopClient(): Promise<void> {
    const old = client;
    client = undefined;
    if (old === undefined) {
        return;
    }
    try {
        // dispose() sends shutdown/exit when the server runs and kills it after the timeout.
        await old.dispose(STOP_TIMEOUT_MS);
    } catch (error) {
        output.warn(`stopping the previous server failed: ${describe(error)}`);
    }
}

async function startClient(): Promise<void> {
    const command = await resolveServerCommand();
    if (command === undefined) {
        return;
    }
    output.info(`server command: ${JSON.stringify([command.command, ...(command.args ?? [])])}`);
    const serverOptions: ServerOptions = { run: command, debug: command };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            { scheme: 'file', language: 'python' },
            { scheme: 'untitled', language: 'python' },
            { notebook: '*', language: 'python' },
        ],
        outputChannel: output,
        initializationOptions: currentSettings(),
        middleware: {
            workspace: {
                // Answers to workspace/configuration for our section get the trust state and
                // the probe switch forced off in untrusted workspaces.
                configuration: async (params, token, next) => {
                    const answers = await next(params, token);
                    if (!Array.isArray(answers)) {
                        return answers;
                    }
                    return answers.map((answer, index) =>
                        params.items[index]?.section === SECTION ? sanitize(answer) : answer,
                    );
                },
            },
        },
    };
    const created = new LanguageClient(ID, NAME, serverOptions, clientOptions);
    client = created;
    try {
        await created.start();
        output.info('server started');
    } catch (error) {
        // vscode-languageclient already shows a notification for this; log the command too.
        output.error(`the keraslens server did not start: ${describe(error)}; check "keraslens.server.path"`);
    }
}

/** The settings object sent to the server (initializationOptions and configuration answers). */
function currentSettings(): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration(SECTION);
    return sanitize({
        kerasVersion: config.get<string>('kerasVersion', 'auto'),
        select: config.get<string[]>('select', []),
        ignore: config.get<string[]>('ignore', []),
        exclude: config.get<string[]>('exclude', []),
        unsafeFixes: config.get<boolean>('unsafeFixes', false),
        inlayHints: config.get<boolean>('inlayHints', true),
        codeLens: config.get<boolean>('codeLens', true),
        probe: { enabled: config.get<boolean>('probe.enabled', false) },
    });
}

/** Adds `trusted` and turns the probe off unless the workspace is trusted. Client-only keys are dropped. */
function sanitize(value: unknown): Record<string, unknown> {
    const settings: Record<string, unknown> =
        value !== null && typeof value === 'object' ? { ...(value as Record<string, unknown>) } : {};
    delete settings.server;
    delete settings.trace;
    const trusted = vscode.workspace.isTrusted;
    const probe = settings.probe;
    const probeEnabled =
        probe !== null && typeof probe === 'object' && (probe as { enabled?: unknown }).enabled === true;
    settings.probe = { enabled: trusted && probeEnabled };
    settings.trusted = trusted;
    return settings;
}

async function pushSettings(): Promise<void> {
    if (client === undefined || !client.isRunning()) {
        return;
    }
    await client
        .sendNotification(DidChangeConfigurationNotification.type, {
            settings: { [SECTION]: currentSettings() },
        })
        .catch((error) => output.warn(`didChangeConfiguration failed: ${describe(error)}`));
}

// ---------------------------------------------------------------------------------------------
// Finding the server

async function resolveServerCommand(): Promise<Executable | undefined> {
    const configured = vscode.workspace
        .getConfiguration(SECTION)
        .get<string[]>('server.path', [])
        .filter((part) => typeof part === 'string' && part.length > 0)
        .map((part) => substituteVariables(part));
    const cwd = workspaceRoot();
    if (configured.length > 0) {
        const [command, ...args] = configured;
        if (args.length === 0 && /^keraslens(\.exe)?$/i.test(path.basename(command))) {
            args.push('serve');
        }
        if (untrustedLocal(command)) {
            const message =
                `keraslens: not starting ${command} from inside an untrusted workspace. ` +
                'Trust the workspace or point "keraslens.server.path" elsewhere.';
            output.error(message);
            void vscode.window.showWarningMessage(message, 'Open Settings', 'Show Logs').then(handleChoice);
            return undefined;
        }
        return { command, args, options: { cwd } };
    }

    const python = await selectedInterpreter();
    if (python !== undefined && untrustedLocal(python)) {
        output.warn(`not running the workspace's own interpreter ${python}: the workspace is not trusted`);
    } else if (python !== undefined) {
        if (await canImportKeraslens(python)) {
            return { command: python, args: ['-m', 'keraslens', 'serve'], options: { cwd } };
        }
        output.warn(`keraslens is not installed in the selected interpreter ${python}; trying PATH`);
    }
    const onPath = findOnPath(process.platform === 'win32' ? 'keraslens.exe' : 'keraslens');
    if (onPath !== undefined) {
        return { command: onPath, args: ['serve'], options: { cwd } };
    }

    const message =
        'keraslens: no server found. Install it into the selected Python interpreter ' +
        '(`pip install keraslens`) or set "keraslens.server.path".';
    output.error(message);
    void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Logs').then(handleChoice);
    return undefined;
}

/** True when the workspace is untrusted and `executable` lives inside one of its folders. */
function untrustedLocal(executable: string): boolean {
    if (vscode.workspace.isTrusted) {
        return false;
    }
    if (!path.isAbsolute(executable) && !/[\\/]/.test(executable)) {
        return false; // a bare name is looked up on PATH
    }
    const resolved = path.resolve(workspaceRoot() ?? '', executable); // the server's cwd is the workspace root
    return (vscode.workspace.workspaceFolders ?? []).some((folder) => {
        const relative = path.relative(folder.uri.fsPath, resolved);
        return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
    });
}

function handleChoice(choice: string | undefined): void {
    if (choice === 'Show Logs') {
        output.show();
    } else if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
    }
}

function workspaceRoot(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function substituteVariables(value: string): string {
    const root = workspaceRoot() ?? '';
    const home = process.env.HOME ?? process.env.USERPROFILE ?? '';
    return value
        .replace(/\$\{workspaceFolder\}/g, root)
        .replace(/\$\{userHome\}/g, home)
        .replace(/^~(?=$|[\\/])/, home);
}

interface PythonExtensionApi {
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
        resolveEnvironment(
            env: { path: string } | string,
        ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
        onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
    };
    settings?: {
        getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
    };
}

async function pythonApi(): Promise<PythonExtensionApi | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
    if (extension === undefined) {
        return undefined;
    }
    try {
        return extension.isActive ? extension.exports : await extension.activate();
    } catch (error) {
        output.warn(`the Python extension did not activate: ${describe(error)}`);
        return undefined;
    }
}

async function selectedInterpreter(): Promise<string | undefined> {
    const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
    const api = await pythonApi();
    try {
        if (api?.environments !== undefined) {
            const active = api.environments.getActiveEnvironmentPath(resource);
            const env = await api.environments.resolveEnvironment(active);
            const executable = env?.executable.uri?.fsPath;
            if (executable) {
                return executable;
            }
        }
        const details = api?.settings?.getExecutionDetails(resource)?.execCommand;
        if (details !== undefined && details.length === 1 && details[0]) {
            return details[0];
        }
    } catch (error) {
        output.warn(`could not read the selected interpreter: ${describe(error)}`);
    }
    const fallback = vscode.workspace
        .getConfiguration('python', resource)
        .get<string>('defaultInterpreterPath', '');
    if (fallback && fallback !== 'python' && path.isAbsolute(substituteVariables(fallback))) {
        return substituteVariables(fallback);
    }
    return undefined;
}

async function watchPythonInterpreter(context: vscode.ExtensionContext): Promise<void> {
    // Only if the Python extension is present; never make it a hard dependency.
    if (vscode.extensions.getExtension(PYTHON_EXTENSION) === undefined) {
        return;
    }
    const api = await pythonApi();
    const event = api?.environments?.onDidChangeActiveEnvironmentPath;
    if (event !== undefined) {
        context.subscriptions.push(
            event(() => {
                const configured = vscode.workspace.getConfiguration(SECTION).get<string[]>('server.path', []);
                if (configured.length === 0) {
                    void restart('Python interpreter changed');
                }
            }),
        );
    }
}

function canImportKeraslens(python: string): Promise<boolean> {
    return new Promise((resolve) => {
        execFile(python, ['-c', 'import keraslens'], { timeout: 15000 }, (error) => resolve(!error));
    });
}

function findOnPath(executable: string): string | undefined {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
        if (!dir || !path.isAbsolute(dir)) {
            continue; // a relative PATH entry would resolve inside the opened folder
        }
        const candidate = path.join(dir, executable);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            if (fs.statSync(candidate).isFile()) {
                return candidate;
            }
        } catch {
            // not here
        }
    }
    return undefined;
}

function describe(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
